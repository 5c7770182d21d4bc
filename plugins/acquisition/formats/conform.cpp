#include "conform.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "bruker.hpp"
#include "ismrmrd_file.hpp"
#include "jcamp.hpp"
#include "spinsolve.hpp"

namespace raserflow::acquisition {
namespace {

constexpr double kPi = 3.14159265358979323846;

std::string number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.9g", v);
  return text;
}

}  // namespace

Recording conform(const Recording& recorded, const Convention& c) {
  const auto fail = [&](const std::string& what) {
    throw FormatError(recorded.source + ": " + what);
  };
  if (recorded.fids.empty()) fail("no projections");
  if (c.decimate < 1 || c.samples < 1 || !(c.dwell > 0)) fail("unusable convention");
  const double decimated = recorded.dwell * static_cast<double>(c.decimate);
  if (std::abs(decimated - c.dwell) > 1e-6 * c.dwell)
    fail("recorded dwell " + number(recorded.dwell) + " s x decimate " +
         std::to_string(c.decimate) + " = " + number(decimated) +
         " s, but the pipeline's dwell is " + number(c.dwell) +
         " s: set decimate (or dwell) so that they agree");
  const std::size_t P = recorded.fids.size();
  Recording out;
  out.source = recorded.source;
  out.dwell = c.dwell;
  out.fids.resize(P);
  for (std::size_t p = 0; p < P; ++p) {
    const auto& in = recorded.fids[p];
    const std::size_t available = in.size() / c.decimate;
    if (available < c.samples)
      fail("projection " + std::to_string(p) + " has " + std::to_string(in.size()) + " samples (" +
           std::to_string(available) + " after decimating by " + std::to_string(c.decimate) +
           "), the pipeline needs " + std::to_string(c.samples));
    auto& row = out.fids[p];
    row.resize(c.samples);
    for (std::size_t k = 0; k < c.samples; ++k) {
      // A boxcar over `decimate` samples: the crudest low-pass that keeps the band's centre.
      Complex sum = 0;
      for (std::size_t j = 0; j < c.decimate; ++j) sum += in[k * c.decimate + j];
      sum /= static_cast<double>(c.decimate);
      const double t = static_cast<double>(k) * c.dwell;
      row[k] =
          c.frequency_shift == 0 ? sum : sum * std::polar(1.0, 2 * kPi * c.frequency_shift * t);
    }
  }
  if (!recorded.angles.empty()) {
    if (recorded.angles.size() != P)
      fail(std::to_string(recorded.angles.size()) + " angles for " + std::to_string(P) +
           " projections");
    if (!c.angles.empty())
      fail("the recording gives its angles and the `angles` parameter gives others: remove one");
    out.angles = recorded.angles;
  } else if (!c.angles.empty()) {
    if (c.angles.size() != P)
      fail("the `angles` parameter has " + std::to_string(c.angles.size()) +
           " angles, the recording " + std::to_string(P) + " projections");
    out.angles = c.angles;
  } else {
    for (std::size_t p = 0; p < P; ++p)
      out.angles.push_back(180.0 * static_cast<double>(p) / static_cast<double>(P));
  }
  return out;
}

namespace {

std::string lower_extension(const std::filesystem::path& path) {
  auto ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return ext;
}

std::string format_of_file(const std::filesystem::path& path) {
  const auto ext = lower_extension(path);
  if (ext == ".h5" || ext == ".mrd" || ext == ".hdf5") return "ismrmrd";
  if (ext == ".dx" || ext == ".jdx" || ext == ".jcamp") return "jcamp";
  return {};
}

// A folder that holds exactly one file of `format` (ISMRMRD, JCAMP-DX) stands for that file:
// watch folders and data folders hold a recording file and perhaps notes beside it.
std::filesystem::path single_file(const std::filesystem::path& folder, const std::string& format) {
  std::error_code ec;
  std::vector<std::filesystem::path> found;
  for (const auto& e : std::filesystem::directory_iterator(folder, ec))
    if (e.is_regular_file() && format_of_file(e.path()) == format) found.push_back(e.path());
  if (found.size() == 1) return found[0];
  throw FormatError(folder.string() + ": a folder with " + std::to_string(found.size()) + " " +
                    format + " files; point at one of them");
}

}  // namespace

std::string detect_format(const std::filesystem::path& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) {
    const auto f = format_of_file(path);
    if (!f.empty()) return f;
    throw FormatError(path.string() +
                      ": cannot tell the format from the extension (.h5/.mrd: ISMRMRD, .dx/.jdx: "
                      "JCAMP-DX); set `format`");
  }
  if (!fs::is_directory(path, ec)) throw FormatError(path.string() + ": no such file or folder");
  if (fs::exists(path / "acqus")) return "bruker";
  const auto spinsolve = [](const fs::path& d) {
    return fs::exists(d / "data.1d") || fs::exists(d / "data.2d") || fs::exists(d / "acqu.par");
  };
  if (spinsolve(path)) return "spinsolve";
  std::string file_format;
  for (const auto& entry : fs::directory_iterator(path, ec)) {
    if (entry.is_directory() && spinsolve(entry.path())) return "spinsolve";
    if (entry.is_regular_file() && !format_of_file(entry.path()).empty()) {
      if (!file_format.empty() && file_format != format_of_file(entry.path()))
        throw FormatError(path.string() +
                          ": a folder with both ISMRMRD and JCAMP-DX files; point "
                          "at one of them");
      file_format = format_of_file(entry.path());
    }
  }
  if (!file_format.empty()) return file_format;
  throw FormatError(path.string() +
                    ": a folder with neither acqus (Bruker), data.1d / data.2d / acqu.par "
                    "(Spinsolve) nor one .h5 (ISMRMRD) or .dx (JCAMP-DX) file; set `format` or "
                    "point at the recording itself");
}

std::vector<Recording> read_recording(const std::filesystem::path& path,
                                      const std::string& format) {
  const std::string f = format == "auto" ? detect_format(path) : format;
  std::error_code ec;
  const bool folder = std::filesystem::is_directory(path, ec);
  if (f == "ismrmrd") return read_ismrmrd(folder ? single_file(path, f) : path);
  if (f == "jcamp") return {read_jcamp(folder ? single_file(path, f) : path)};
  if (f == "bruker") return {read_bruker(path)};
  if (f == "spinsolve") return {read_spinsolve(path)};
  throw FormatError(path.string() + ": unknown format '" + f + "'");
}

}  // namespace raserflow::acquisition
