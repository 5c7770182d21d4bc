#include "paper_layout.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <numbers>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "raserflow/error.hpp"

namespace raserflow::io::paper {

namespace {

namespace fs = std::filesystem;

void write_text(const fs::path& p, std::string_view text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) throw Error("cannot write " + p.string() + " (disk full or no permission?)");
}

void make_folder(const fs::path& p) {
  std::error_code ec;
  fs::create_directory(p, ec);
  if (ec) throw Error("cannot create folder " + p.string() + ": " + ec.message());
}

std::vector<unsigned char> gray_png(const ImageRecord& r) {
  cv::Mat grey(static_cast<int>(r.rows), static_cast<int>(r.cols), CV_8UC1);
  for (std::int64_t i = 0; i < r.rows; ++i)
    for (std::int64_t j = 0; j < r.cols; ++j)
      grey.at<std::uint8_t>(static_cast<int>(i), static_cast<int>(j)) =
          gray_level(r.image[static_cast<std::size_t>(i * r.cols + j)]);
  std::vector<unsigned char> png;
  if (!cv::imencode(".png", grey, png)) throw Error("PNG encoding of the ground truth failed");
  return png;
}

template <class T>
std::span<const T> row(std::span<const T> all, std::int64_t r, std::int64_t length) {
  return all.subspan(static_cast<std::size_t>(r * length), static_cast<std::size_t>(length));
}

}  // namespace

std::string folder_name(std::int64_t image) {
  return "image" + std::to_string(image);
}

std::optional<std::int64_t> image_number(std::string_view name) {
  const auto e = name.rfind('e');
  if (e == std::string_view::npos || e + 1 == name.size()) return std::nullopt;
  std::int64_t k = 0;
  const char* end = name.data() + name.size();
  const auto [p, err] = std::from_chars(name.data() + e + 1, end, k);
  if (err != std::errc() || p != end) return std::nullopt;
  return k;
}

std::uint8_t gray_level(double v) {
  return static_cast<std::uint8_t>(std::lround(255.0 * std::clamp(v, 0.0, 1.0)));
}

double phase(std::complex<double> z) {
  constexpr double two_pi = 2 * std::numbers::pi;
  const double a = std::arg(z);
  if (a >= 0) return a;
  // A tiny negative angle plus 2 pi rounds to 2 pi itself, which is outside the range.
  const double wrapped = a + two_pi;
  return wrapped < two_pi ? wrapped : 0.0;
}

void append_number(std::string& out, double v, int precision) {
  // to_chars ignores the locale, which printf would not if a host program set one.
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, precision);
  out.append(buf, r.ptr);
}

std::string csv_row(std::span<const double> values, int precision) {
  std::string out;
  out.reserve(values.size() * 25);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    append_number(out, values[i], precision);
  }
  out += '\n';
  return out;
}

std::string csv_re_im(std::span<const std::complex<double>> values, int precision) {
  std::string out;
  out.reserve(values.size() * 50);
  for (const auto& z : values) {
    append_number(out, z.real(), precision);
    out += ',';
    append_number(out, z.imag(), precision);
    out += '\n';
  }
  return out;
}

void write_image(const fs::path& folder, std::int64_t image, const ImageRecord& r,
                 const Format& f) {
  const auto name = folder_name(image);
  const auto png = gray_png(r);
  write_text(folder / (name + ".png"),
             std::string_view(reinterpret_cast<const char*>(png.data()), png.size()));

  const auto projections = static_cast<std::int64_t>(r.angles_deg.size());
  std::vector<double> amplitude(static_cast<std::size_t>(r.modes)),
      phi(static_cast<std::size_t>(r.modes));
  for (std::int64_t j = 0; j < projections; ++j) {
    const auto angle_dir = folder / std::to_string(j + 1), dir = angle_dir / f.subfolder;
    make_folder(angle_dir);
    make_folder(dir);
    write_text(dir / "output.csv", csv_re_im(row(r.signals, j, r.samples), f.precision));

    const auto d = row(r.inversion, j, r.modes);
    double d0 = 0;
    for (const double v : d) d0 += v;
    std::string meta = std::to_string(j + 1) + ",";
    append_number(meta, r.angles_deg[static_cast<std::size_t>(j)], f.precision);
    meta += ',';
    append_number(meta, d0, f.precision);
    meta += ',';
    append_number(meta, r.epsilon.empty() ? std::nan("") : r.epsilon[static_cast<std::size_t>(j)],
                  f.precision);
    meta += '\n';
    write_text(dir / "meta.csv", meta);
    write_text(dir / "d(0).csv", csv_row(d, f.precision));

    const auto alpha = row(r.transverse, j, r.modes);
    for (std::size_t m = 0; m < alpha.size(); ++m) {
      amplitude[m] = std::abs(alpha[m]);
      phi[m] = phase(alpha[m]);
    }
    write_text(dir / "A(0).csv", csv_row(amplitude, f.precision));
    write_text(dir / "Phi(0).csv", csv_row(phi, f.precision));
  }
}

}  // namespace raserflow::io::paper
