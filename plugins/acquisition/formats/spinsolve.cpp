#include "spinsolve.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "natural_order.hpp"

namespace raserflow::acquisition {
namespace {

namespace fs = std::filesystem;

// Complex samples one image may hold: 2^27 is 1 GiB of float32 pairs on disk, 32 times the
// paper's 30 x 32,768; a header claiming more is refused before anything is allocated.
constexpr std::uint64_t max_samples = std::uint64_t{1} << 27;
constexpr std::uintmax_t max_text_bytes = std::uintmax_t{1} << 20;  // acqu.par, angles.txt

constexpr std::uint32_t type_real_f32 = 500;
constexpr std::uint32_t type_complex_f32 = 501;
constexpr std::uint32_t type_real_f64 = 502;
constexpr std::uint32_t type_xy_real = 503;
constexpr std::uint32_t type_xy_complex = 504;

std::string format(const char* fmt, double value) {
  std::array<char, 64> buffer{};
  std::snprintf(buffer.data(), buffer.size(), fmt, value);
  return buffer.data();
}

std::string shown(double v) {
  return format("%.9g", v);
}

// Four header bytes as text, non-printable ones as \xNN.
std::string quoted_bytes(const unsigned char* p, std::size_t n) {
  std::string s = "'";
  for (std::size_t i = 0; i < n; ++i) {
    if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\'' && p[i] != '\\') {
      s += static_cast<char>(p[i]);
    } else {
      std::array<char, 8> hex{};
      std::snprintf(hex.data(), hex.size(), "\\x%02x", static_cast<unsigned>(p[i]));
      s += hex.data();
    }
  }
  return s + "'";
}

std::uint32_t le32(const unsigned char* p) {
  return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
         (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}

float le_f32(const unsigned char* p) {
  return std::bit_cast<float>(le32(p));
}

void put_le32(std::string& out, std::uint32_t v) {
  for (int shift = 0; shift < 32; shift += 8) out += static_cast<char>((v >> shift) & 0xffu);
}

std::string_view trim(std::string_view s) {
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

// A whole decimal number (optional leading '+'), or nothing.
std::optional<double> parse_number(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::string read_text(const fs::path& file) {
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  if (ec) throw FormatError(at_file(file, "cannot be read: " + ec.message()));
  if (size > max_text_bytes)
    throw FormatError(at_file(file, std::to_string(size) +
                                        " bytes: expected a small text file (at most " +
                                        std::to_string(max_text_bytes) + " bytes)"));
  std::ifstream in(file, std::ios::binary);
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (!in || static_cast<std::uintmax_t>(in.gcount()) != size)
    throw FormatError(at_file(file, "cannot be read"));
  return text;
}

// Calls f(line_number, line) for each line (1-based, without its end-of-line characters).
template <typename F>
void for_each_line(std::string_view text, F&& f) {
  std::size_t number = 0;
  while (!text.empty()) {
    const auto end = text.find('\n');
    const auto line = text.substr(0, end);
    f(++number, line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
}

// ---- acqu.par ---------------------------------------------------------------------------------

struct Parameter {
  std::string value;
  std::size_t line = 0;
};

struct Parameters {
  fs::path file;
  std::map<std::string, Parameter, std::less<>> entries;

  // The number of `key` (a bare number, maybe with Expert's `d` suffix), if the key is set.
  std::optional<std::pair<double, std::size_t>> number(std::string_view key,
                                                       std::string_view unit) const {
    const auto it = entries.find(key);
    if (it == entries.end()) return std::nullopt;
    std::string_view v = it->second.value;
    if (!v.empty() && v.back() == 'd') v.remove_suffix(1);
    const auto n = parse_number(v);
    if (!n)
      throw FormatError(at_line(file, it->second.line,
                                std::string(key) + ": expected a number (" + std::string(unit) +
                                    "), found '" + it->second.value + "'"));
    return std::pair{*n, it->second.line};
  }
};

Parameters read_parameters(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec))
    throw FormatError(at_file(file, "missing: it holds the bandwidth, so the dwell is unknown"));
  Parameters par{file, {}};
  const auto text = read_text(file);
  for_each_line(text, [&](std::size_t number, std::string_view raw) {
    const auto line = trim(raw);
    if (line.empty()) return;
    const auto eq = line.find('=');
    if (eq == std::string_view::npos)
      throw FormatError(at_line(file, number, "expected `name = value`"));
    const auto name = trim(line.substr(0, eq));
    const auto value = trim(line.substr(eq + 1));
    const bool name_ok = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      const auto u = static_cast<unsigned char>(c);
      return u > 0x20 && u < 0x7f && c != '"' && c != '[' && c != ']';
    });
    if (!name_ok) throw FormatError(at_line(file, number, "expected a parameter name before '='"));
    if (!value.empty() && value.front() == '"' && (value.size() < 2 || value.back() != '"'))
      throw FormatError(at_line(file, number, "unterminated string: expected a closing '\"'"));
    if (!value.empty() && value.front() == '[' && value.back() != ']')
      throw FormatError(at_line(file, number, "unterminated array: expected a closing ']'"));
    const auto [it, inserted] =
        par.entries.try_emplace(std::string(name), Parameter{std::string(value), number});
    if (!inserted)
      throw FormatError(at_line(file, number,
                                std::string(name) + " is set twice (also on line " +
                                    std::to_string(it->second.line) + ")"));
  });
  return par;
}

// dwell = 1 / (bandwidth [kHz] * 1000), cross-checked with dwellTime [µs] (formats.md §4.2).
double dwell_of(const Parameters& par) {
  const auto bandwidth = par.number("bandwidth", "kHz");
  const auto dwell_time = par.number("dwellTime", "µs");
  if (!bandwidth && !dwell_time)
    throw FormatError(at_file(
        par.file, "neither bandwidth (kHz) nor dwellTime (µs) is set: the dwell is unknown"));
  double dwell = 0;
  if (bandwidth) {
    dwell = 1.0 / (bandwidth->first * 1000.0);
    if (!(bandwidth->first > 0) || !std::isfinite(dwell) || !(dwell > 0))
      throw FormatError(at_line(
          par.file, bandwidth->second,
          "bandwidth = " + shown(bandwidth->first) + " kHz: expected a positive bandwidth"));
  }
  if (dwell_time) {
    const double from_time = dwell_time->first * 1e-6;
    if (!(from_time > 0))
      throw FormatError(
          at_line(par.file, dwell_time->second,
                  "dwellTime = " + shown(dwell_time->first) + " µs: expected a positive dwell"));
    if (!bandwidth) return from_time;
    if (std::abs(dwell - from_time) > 1e-6 * dwell)
      throw FormatError(at_file(par.file, "bandwidth = " + shown(bandwidth->first) + " kHz (line " +
                                              std::to_string(bandwidth->second) +
                                              ") gives a dwell of " + shown(dwell * 1e6) +
                                              " µs, but dwellTime = " + shown(dwell_time->first) +
                                              " µs (line " + std::to_string(dwell_time->second) +
                                              "): they must agree to 1e-6"));
  }
  return dwell;
}

void check_points(const Parameters& par, std::uint64_t points, const fs::path& data) {
  const auto n = par.number("nrPnts", "points");
  if (n && n->first != static_cast<double>(points))
    throw FormatError(at_line(par.file, n->second,
                              "nrPnts = " + shown(n->first) + ", but " + data.string() + " holds " +
                                  std::to_string(points) + " points (dim1, byte 16)"));
}

// ---- .1d / .2d --------------------------------------------------------------------------------

enum class Role { projection, image };  // data.1d: one FID; data.2d: dim2 FIDs

struct Decoded {
  std::uint64_t points = 0;     // dim1
  std::uint64_t rows = 0;       // dim2
  std::vector<Complex> values;  // rows x points, points fastest
};

// The file's first `need` bytes must be there to read `what` at `offset`.
void need_header(const fs::path& file, std::size_t have, std::size_t need, std::size_t offset,
                 const std::string& what) {
  if (have < need)
    throw FormatError(at_byte(
        file, have,
        "file ends inside the header; expected " + what + " at byte " + std::to_string(offset)));
}

Decoded read_prospa(const fs::path& file, Role role, double dwell) {
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(file, ec);
  if (ec) throw FormatError(at_file(file, "cannot be read: " + ec.message()));
  std::ifstream in(file, std::ios::binary);
  if (!in) throw FormatError(at_file(file, "cannot be opened"));
  std::array<unsigned char, 32> h{};
  const auto have = static_cast<std::size_t>(std::min<std::uintmax_t>(size, h.size()));
  in.read(reinterpret_cast<char*>(h.data()), static_cast<std::streamsize>(have));
  if (static_cast<std::size_t>(in.gcount()) != have)
    throw FormatError(at_file(file, "cannot be read"));

  // MSVC multi-character constants: 'PROS' 'DATA' 'V1.x' land on disk reversed.
  const auto tag = [&](std::size_t offset, std::string_view disk, const std::string& meaning) {
    need_header(file, have, offset + 4, offset, meaning);
    if (!std::equal(disk.begin(), disk.end(), h.begin() + static_cast<std::ptrdiff_t>(offset)))
      return false;
    return true;
  };
  if (!tag(0, "SORP", "owner 'PROS' (on disk 'SORP')"))
    throw FormatError(
        at_byte(file, 0,
                "expected owner 'PROS' (on disk 'SORP'): not a Prospa data file; found " +
                    quoted_bytes(h.data(), 4)));
  if (!tag(4, "ATAD", "format 'DATA' (on disk 'ATAD')"))
    throw FormatError(
        at_byte(file, 4,
                "expected format 'DATA' (on disk 'ATAD'), found " + quoted_bytes(h.data() + 4, 4)));
  std::size_t header_bytes = 0;
  if (tag(8, "1.1V", "version 'V1.1' or 'V1.0'")) {
    header_bytes = 32;
  } else if (tag(8, "0.1V", "version 'V1.1' or 'V1.0'")) {
    header_bytes = 28;
  } else {
    throw FormatError(
        at_byte(file, 8,
                "expected version 'V1.1' or 'V1.0' (on disk '1.1V' / '0.1V'), found " +
                    quoted_bytes(h.data() + 8, 4)));
  }
  need_header(file, have, 16, 12, "the data type");
  const std::uint32_t type = le32(h.data() + 12);
  switch (type) {
    case type_complex_f32:
    case type_xy_complex:
      break;
    case type_real_f32:
    case type_real_f64:
    case type_xy_real:
      throw FormatError(at_byte(file, 12,
                                "data type " + std::to_string(type) +
                                    " holds real values; a FID needs complex data (type "
                                    "501, or 504 with an axis)"));
    default:
      throw FormatError(at_byte(file, 12,
                                "unknown data type " + std::to_string(type) +
                                    ": expected 501 (complex) or 504 (XY complex)"));
  }
  std::array<std::uint64_t, 4> dims{1, 1, 1, 1};
  const std::size_t dim_count = header_bytes == 32 ? 4 : 3;
  std::uint64_t total = 1;
  for (std::size_t i = 0; i < dim_count; ++i) {
    const std::size_t offset = 16 + 4 * i;
    need_header(file, have, offset + 4, offset, "dim" + std::to_string(i + 1));
    const std::uint32_t d = le32(h.data() + offset);
    if (d == 0 || d > static_cast<std::uint32_t>(std::numeric_limits<std::int32_t>::max()))
      throw FormatError(at_byte(file, offset,
                                "dim" + std::to_string(i + 1) + " = " +
                                    std::to_string(static_cast<std::int32_t>(d)) +
                                    ": expected a positive count"));
    dims[i] = d;
    total *= d;  // <= 2^27 * 2^31: no overflow
    if (total > max_samples)
      throw FormatError(at_byte(file, offset,
                                "dims claim more than " + std::to_string(max_samples) +
                                    " complex samples, the limit of one image"));
  }
  const auto dims_text = std::to_string(dims[0]) + " x " + std::to_string(dims[1]) + " x " +
                         std::to_string(dims[2]) + " x " + std::to_string(dims[3]);
  const bool one_d = dims[1] == 1 && dims[2] == 1 && dims[3] == 1;
  if (type == type_xy_complex && !one_d)
    throw FormatError(at_byte(
        file, 20, "type 504 (XY) with dims " + dims_text + ": expected one-dimensional data"));
  if (role == Role::projection && !one_d)
    throw FormatError(at_byte(
        file, 20, "dims " + dims_text + ": a data.1d holds one projection (dim2..dim4 = 1)"));
  if (role == Role::image && type != type_complex_f32)
    throw FormatError(at_byte(
        file, 12,
        "data type " + std::to_string(type) + ": expected 501 for a data.2d of projections"));
  if (role == Role::image && (dims[2] != 1 || dims[3] != 1))
    throw FormatError(at_byte(
        file, 24, "dims " + dims_text + ": expected points x projections (dim3 = dim4 = 1)"));

  const std::uint64_t axis_bytes = type == type_xy_complex ? 4 * dims[0] : 0;
  const std::uint64_t expected = header_bytes + axis_bytes + 8 * total;
  if (size < expected)
    throw FormatError(at_byte(file, size,
                              "file ends here, but the header (type " + std::to_string(type) +
                                  ", dims " + dims_text + " at byte 16) needs " +
                                  std::to_string(expected) + " bytes: truncated, or wrong dims"));
  if (size > expected)
    throw FormatError(at_byte(file, expected,
                              std::to_string(size - expected) +
                                  " bytes past the end of the data the header announces (type " +
                                  std::to_string(type) + ", dims " + dims_text + ")"));

  std::vector<unsigned char> body(static_cast<std::size_t>(expected - header_bytes));
  in.seekg(static_cast<std::streamoff>(header_bytes));
  in.read(reinterpret_cast<char*>(body.data()), static_cast<std::streamsize>(body.size()));
  if (static_cast<std::size_t>(in.gcount()) != body.size())
    throw FormatError(at_byte(file, header_bytes + static_cast<std::uint64_t>(in.gcount()),
                              "file ends early (it changed while being read?)"));

  if (axis_bytes > 0) {
    // The time axis in seconds (Spinsolve 1.15 writes 0, dwell, 2 dwell, ...): its step must be
    // the dwell of acqu.par, to 1e-3 of a step plus float32 rounding (16 ulps) of each value.
    const double start = le_f32(body.data());
    if (!(std::abs(start) <= 1.0))
      throw FormatError(at_byte(
          file, header_bytes,
          "axis starts at " + shown(start) + ": expected a time axis in seconds starting near 0"));
    for (std::uint64_t k = 0; k < dims[0]; ++k) {
      const double t = le_f32(body.data() + 4 * k);
      const double want = start + static_cast<double>(k) * dwell;
      if (!std::isfinite(t) || std::abs(t - want) > 1e-3 * dwell + 1e-6 * std::abs(want))
        throw FormatError(at_byte(file, header_bytes + 4 * k,
                                  "axis value " + shown(t) + " at point " + std::to_string(k) +
                                      ": expected a time axis in seconds with the dwell of "
                                      "acqu.par, " +
                                      shown(dwell) + " s (" + shown(want) + ")"));
    }
  }
  Decoded out;
  out.points = dims[0];
  out.rows = total / dims[0];
  out.values.resize(static_cast<std::size_t>(total));
  const unsigned char* p = body.data() + axis_bytes;
  for (std::size_t i = 0; i < out.values.size(); ++i, p += 8) {
    const float re = le_f32(p);
    const float im = le_f32(p + 4);
    if (!std::isfinite(re) || !std::isfinite(im))
      throw FormatError(at_byte(
          file, header_bytes + axis_bytes + 8 * static_cast<std::uint64_t>(i),
          "sample " + std::to_string(i) + " is not finite (" + shown(re) + ", " + shown(im) + ")"));
    out.values[i] = Complex(re, im);
  }
  return out;
}

// ---- folders ----------------------------------------------------------------------------------

struct Projections {
  std::vector<std::vector<Complex>> rows;
  double dwell = 0;
};

void append_rows(Projections& out, const Decoded& d) {
  for (std::uint64_t r = 0; r < d.rows; ++r) {
    const auto first = d.values.begin() + static_cast<std::ptrdiff_t>(r * d.points);
    out.rows.emplace_back(first, first + static_cast<std::ptrdiff_t>(d.points));
  }
}

Projections read_one_folder(const fs::path& folder, const fs::path& data, Role role) {
  const auto par = read_parameters(folder / "acqu.par");
  Projections out;
  out.dwell = dwell_of(par);
  const auto decoded = read_prospa(data, role, out.dwell);
  check_points(par, decoded.points, data);
  append_rows(out, decoded);
  return out;
}

Projections read_sub_folders(const fs::path& folder) {
  std::vector<std::pair<std::string, fs::path>> subs;
  std::error_code ec;
  fs::directory_iterator it(folder, ec);
  if (ec) throw FormatError(at_file(folder, "cannot be listed: " + ec.message()));
  for (const auto& entry : it) {
    const auto name = entry.path().filename().string();
    if (name.empty() || name.front() == '.') continue;
    std::error_code dir_ec;
    if (entry.is_directory(dir_ec)) subs.emplace_back(name, entry.path());
  }
  if (subs.empty())
    throw FormatError(at_file(folder,
                              "holds no data.2d, no data.1d and no sub-folders: expected "
                              "one image (data.2d or data.1d, with acqu.par) or one "
                              "sub-folder per projection"));
  std::sort(subs.begin(), subs.end(),
            [](const auto& x, const auto& y) { return natural_less(x.first, y.first); });
  Projections out;
  fs::path first;
  std::uint64_t total = 0;
  for (const auto& [name, sub] : subs) {
    std::error_code file_ec;
    if (!fs::is_regular_file(sub / "data.1d", file_ec))
      throw FormatError(at_file(
          sub, "expected data.1d (one projection per sub-folder of " + folder.string() + ")"));
    auto one = read_one_folder(sub, sub / "data.1d", Role::projection);
    const auto points = one.rows.front().size();
    if (out.rows.empty()) {
      out.dwell = one.dwell;
      first = sub;
    } else {
      if (points != out.rows.front().size())
        throw FormatError(
            at_file(sub / "data.1d", std::to_string(points) + " points, but " +
                                         (first / "data.1d").string() + " has " +
                                         std::to_string(out.rows.front().size()) +
                                         ": the projections of one image must have equal length"));
      if (std::abs(one.dwell - out.dwell) > 1e-9 * out.dwell)
        throw FormatError(at_file(sub / "acqu.par",
                                  "dwell " + shown(one.dwell) + " s, but " +
                                      (first / "acqu.par").string() + " gives " + shown(out.dwell) +
                                      " s: the projections of one image must share the dwell"));
    }
    total += points;
    if (total > max_samples)
      throw FormatError(at_file(folder, "more than " + std::to_string(max_samples) +
                                            " complex samples in all, the limit of one image"));
    out.rows.push_back(std::move(one.rows.front()));
  }
  return out;
}

std::vector<double> read_angles(const fs::path& file, std::size_t projections) {
  std::vector<double> angles;
  const auto text = read_text(file);
  for_each_line(text, [&](std::size_t number, std::string_view raw) {
    const auto line = trim(raw);
    if (line.empty()) return;
    const auto v = parse_number(line);
    if (!v)
      throw FormatError(at_line(
          file, number,
          "expected one angle in degrees, found '" + std::string(line.substr(0, 40)) + "'"));
    angles.push_back(*v);
  });
  if (angles.size() != projections)
    throw FormatError(at_file(file, std::to_string(angles.size()) + " angles for " +
                                        std::to_string(projections) +
                                        " projections: expected one per line, per projection"));
  return angles;
}

// ---- writing ----------------------------------------------------------------------------------

float to_f32(double v, std::size_t row, std::size_t k) {
  if (!std::isfinite(v) || std::abs(v) > static_cast<double>(std::numeric_limits<float>::max()))
    throw std::invalid_argument("write_spinsolve: fids[" + std::to_string(row) + "][" +
                                std::to_string(k) + "] = " + shown(v) +
                                " does not fit float32 (Prospa type 501)");
  return static_cast<float>(v);
}

}  // namespace

Recording read_spinsolve(const std::filesystem::path& path) {
  std::error_code ec;
  if (!fs::is_directory(path, ec))
    throw FormatError(at_file(path,
                              "expected a folder holding data.2d or data.1d with acqu.par, "
                              "or one sub-folder per projection"));
  const auto has_2d = fs::is_regular_file(path / "data.2d", ec);
  const auto has_1d = fs::is_regular_file(path / "data.1d", ec);
  if (has_2d && has_1d)
    throw FormatError(at_file(path,
                              "holds both data.2d and data.1d: which is the image is "
                              "ambiguous"));
  Projections projections;
  if (has_2d)
    projections = read_one_folder(path, path / "data.2d", Role::image);
  else if (has_1d)
    projections = read_one_folder(path, path / "data.1d", Role::projection);
  else
    projections = read_sub_folders(path);

  Recording recording;
  recording.source = path.string();
  recording.dwell = projections.dwell;
  recording.fids = std::move(projections.rows);
  if (fs::exists(path / "angles.txt", ec))
    recording.angles = read_angles(path / "angles.txt", recording.fids.size());
  return recording;
}

void write_spinsolve(const std::filesystem::path& folder,
                     const std::vector<std::vector<Complex>>& fids,
                     const std::vector<double>& angles, double dwell) {
  if (fids.empty() || fids.front().empty())
    throw std::invalid_argument("write_spinsolve: expected P >= 1 projections of T >= 1 samples");
  const std::size_t points = fids.front().size();
  for (std::size_t r = 0; r < fids.size(); ++r)
    if (fids[r].size() != points)
      throw std::invalid_argument("write_spinsolve: row " + std::to_string(r) + " has " +
                                  std::to_string(fids[r].size()) + " samples, row 0 has " +
                                  std::to_string(points));
  if (static_cast<std::uint64_t>(points) * fids.size() > max_samples ||
      points > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
    throw std::invalid_argument("write_spinsolve: more than " + std::to_string(max_samples) +
                                " samples");
  if (!angles.empty() && angles.size() != fids.size())
    throw std::invalid_argument("write_spinsolve: " + std::to_string(angles.size()) +
                                " angles for " + std::to_string(fids.size()) + " projections");
  for (const double a : angles)
    if (!std::isfinite(a)) throw std::invalid_argument("write_spinsolve: an angle is not finite");
  if (!std::isfinite(dwell) || !(dwell > 0) || !std::isfinite(1.0 / dwell))
    throw std::invalid_argument("write_spinsolve: dwell " + shown(dwell) +
                                " s: expected a positive finite value");

  std::string data;
  data.reserve(32 + 8 * points * fids.size());
  data += "SORPATAD1.1V";  // 'PROS' 'DATA' 'V1.1' as MSVC lays them on disk
  put_le32(data, type_complex_f32);
  put_le32(data, static_cast<std::uint32_t>(points));
  put_le32(data, static_cast<std::uint32_t>(fids.size()));
  put_le32(data, 1);
  put_le32(data, 1);
  for (std::size_t r = 0; r < fids.size(); ++r)
    for (std::size_t k = 0; k < points; ++k) {
      put_le32(data, std::bit_cast<std::uint32_t>(to_f32(fids[r][k].real(), r, k)));
      put_le32(data, std::bit_cast<std::uint32_t>(to_f32(fids[r][k].imag(), r, k)));
    }

  std::string par;
  par += "bandwidth = " + format("%.9g", 1.0 / (dwell * 1000.0)) + "\n";
  par += "dwellTime = " + format("%.9g", dwell * 1e6) + "\n";
  par += "nrPnts = " + std::to_string(points) + "\n";
  par += "Software = \"raserflow\"\n";

  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) throw FormatError(at_file(folder, "cannot create the folder: " + ec.message()));
  if (fs::exists(folder / "data.1d", ec))
    throw FormatError(at_file(folder,
                              "holds a data.1d: a data.2d beside it would make the folder "
                              "ambiguous"));
  write_file_replacing(folder / "acqu.par", par);
  if (angles.empty()) {
    fs::remove(folder / "angles.txt", ec);  // a stale one would be read as this image's
    if (ec) throw FormatError(at_file(folder / "angles.txt", "cannot remove: " + ec.message()));
  } else {
    std::string text;
    for (const double a : angles) text += format("%.17g", a) + "\n";
    write_file_replacing(folder / "angles.txt", text);
  }
  write_file_replacing(folder / "data.2d", data);
}

}  // namespace raserflow::acquisition
