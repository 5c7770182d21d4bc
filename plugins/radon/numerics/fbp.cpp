#include "numerics/fbp.hpp"

#include <cmath>
#include <complex>
#include <numbers>
#include <string>

#include "numerics/geometry.hpp"
#include "raserflow/error.hpp"

namespace raserflow::radon {

FbpGeometry fbp_geometry(std::int64_t bins) {
  if (bins < 1 || bins > (std::int64_t{1} << 24))
    throw Error("a projection needs between 1 and 2^24 bins, got " + std::to_string(bins));
  FbpGeometry g{};
  g.bins = bins;
  g.padded_bins = static_cast<std::int64_t>(std::ceil(std::sqrt(2.0) * static_cast<double>(bins)));
  g.pad_before = g.padded_bins / 2 - bins / 2;
  g.fft_size = 64;
  while (g.fft_size < 2 * g.padded_bins) g.fft_size *= 2;
  return g;
}

ProjectionFilter::ProjectionFilter(std::int64_t bins, Filter filter)
    : geometry_(fbp_geometry(bins)),
      forward_(geometry_.fft_size, -1),
      backward_(geometry_.fft_size, +1),
      response_(fourier_filter(forward_, filter)) {}

std::vector<double> ProjectionFilter::apply(std::span<const double> projections,
                                            std::int64_t rows) const {
  const auto& g = geometry_;
  if (rows < 0 || static_cast<std::int64_t>(projections.size()) != rows * g.bins)
    throw Error("projections hold " + std::to_string(projections.size()) + " values, expected " +
                std::to_string(rows) + " x " + std::to_string(g.bins));
  const auto n = static_cast<std::size_t>(g.fft_size);
  const auto width = static_cast<std::size_t>(g.padded_bins);
  const auto m = static_cast<std::size_t>(g.bins);
  const double scale = 1.0 / static_cast<double>(g.fft_size);  // FFTW's inverse is unnormalised
  std::vector<double> out(static_cast<std::size_t>(rows) * width);
  std::vector<std::complex<double>> buffer(n);
  for (std::size_t r = 0; r < static_cast<std::size_t>(rows); ++r) {
    std::fill(buffer.begin(), buffer.end(), 0.0);
    for (std::size_t b = 0; b < m; ++b)
      buffer[static_cast<std::size_t>(g.pad_before) + b] = projections[r * m + b];
    forward_.execute(buffer);
    for (std::size_t k = 0; k < n; ++k) buffer[k] *= response_[k];
    backward_.execute(buffer);
    for (std::size_t k = 0; k < width; ++k) out[r * width + k] = buffer[k].real() * scale;
  }
  return out;
}

std::vector<double> back_project(std::span<const double> filtered, std::int64_t rows,
                                 std::int64_t width, std::span<const double> angles_deg,
                                 std::int64_t output_size) {
  if (rows < 1 || width < 1 || static_cast<std::int64_t>(filtered.size()) != rows * width)
    throw Error("back-projection needs a non-empty rows x width array");
  if (static_cast<std::int64_t>(angles_deg.size()) != rows)
    throw Error(std::to_string(angles_deg.size()) + " angles for " + std::to_string(rows) +
                " projections; give one angle per projection row");
  if (output_size < 1) throw Error("output_size must be at least 1");
  const auto s = static_cast<std::size_t>(output_size);
  const std::int64_t radius = output_size / 2;
  const double half = static_cast<double>(width / 2);
  const double last = static_cast<double>(width - 1);
  std::vector<double> image(s * s, 0.0);
  for (std::int64_t a = 0; a < rows; ++a) {
    const double theta = radians(angles_deg[static_cast<std::size_t>(a)]);
    const double c = std::cos(theta), sn = std::sin(theta);
    const double* q = filtered.data() + a * width;
    for (std::int64_t i = 0; i < output_size; ++i) {
      const double x = static_cast<double>(i - radius);
      for (std::int64_t j = 0; j < output_size; ++j) {
        const double y = static_cast<double>(j - radius);
        // detector position in samples from the first one; the grid is k - width/2
        const double u = (y * c - x * sn) + half;
        if (!(u >= 0.0 && u <= last)) continue;  // numpy.interp's left = right = 0
        const auto k = static_cast<std::int64_t>(u);
        const double value =
            k + 1 < width ? q[k] + (u - static_cast<double>(k)) * (q[k + 1] - q[k]) : q[k];
        image[static_cast<std::size_t>(i) * s + static_cast<std::size_t>(j)] += value;
      }
    }
  }
  const double scale = std::numbers::pi / (2.0 * static_cast<double>(rows));
  for (std::int64_t i = 0; i < output_size; ++i)
    for (std::int64_t j = 0; j < output_size; ++j) {
      const auto x = i - radius, y = j - radius;
      auto& p = image[static_cast<std::size_t>(i) * s + static_cast<std::size_t>(j)];
      p = x * x + y * y > radius * radius ? 0.0 : p * scale;
    }
  return image;
}

std::vector<double> fbp(std::span<const double> projections, std::int64_t rows, std::int64_t bins,
                        std::span<const double> angles_deg, std::int64_t output_size,
                        Filter filter) {
  const ProjectionFilter f(bins, filter);
  return back_project(f.apply(projections, rows), rows, f.geometry().padded_bins, angles_deg,
                      output_size);
}

}  // namespace raserflow::radon
