#include "numerics/projector.hpp"

#include <algorithm>
#include <cmath>

#include "numerics/geometry.hpp"
#include "raserflow/error.hpp"

namespace raserflow::radon {
namespace {

// Cumulative footprint of a unit square seen at an angle: the convolution of two boxes of
// widths a <= b, i.e. a trapezoid with ramps of width a and a plateau of width b - a.
double footprint_cdf(double u, double a, double b) {
  const double outer = 0.5 * (a + b), inner = 0.5 * (b - a);
  if (u <= -outer) return 0.0;
  if (u >= outer) return 1.0;
  if (u < -inner) return (u + outer) * (u + outer) / (2 * a * b);
  if (u > inner) return 1.0 - (outer - u) * (outer - u) / (2 * a * b);
  return a / (2 * b) + (u + inner) / b;
}

}  // namespace

double pixel_fraction(double lo, double hi, double wc, double ws) {
  const double a = std::min(wc, ws), b = std::max(wc, ws);
  return footprint_cdf(hi, a, b) - footprint_cdf(lo, a, b);
}

// Why exact pixel-strip areas rather than rotating the image (scikit-image) or casting rays:
// treating each pixel as a square of constant density, the mass it puts into a bin has a
// closed form, so the transform is exact for that model, conserves mass to rounding, has no
// sub-sampling aliasing, needs no random or adaptive choices, and costs at most three bin
// updates per pixel and angle.
std::vector<double> project(std::span<const double> image, std::int64_t rows, std::int64_t cols,
                            std::span<const double> angles_deg, std::int64_t bins) {
  if (rows < 1 || cols < 1 || static_cast<std::int64_t>(image.size()) != rows * cols)
    throw Error("image must be a non-empty rows x cols array");
  if (bins < 1) throw Error("the detector needs at least one bin");
  std::vector<double> out(angles_deg.size() * static_cast<std::size_t>(bins), 0.0);
  const double detector_centre = static_cast<double>(bins / 2);
  for (std::size_t j = 0; j < angles_deg.size(); ++j) {
    const double theta = radians(angles_deg[j]);
    const double c = std::cos(theta), s = std::sin(theta);
    const double a = std::min(std::abs(c), std::abs(s)), b = std::max(std::abs(c), std::abs(s));
    const double reach = 0.5 * (a + b);  // half-width of a pixel's footprint
    double* row_out = out.data() + j * static_cast<std::size_t>(bins);
    for (std::int64_t r = 0; r < rows; ++r) {
      const double x = static_cast<double>(r - rows / 2);
      for (std::int64_t col = 0; col < cols; ++col) {
        const double v = image[static_cast<std::size_t>(r * cols + col)];
        if (v == 0.0) continue;
        const double y = static_cast<double>(col - cols / 2);
        const double u = y * c - x * s + detector_centre;  // footprint centre, in bin units
        const auto first =
            std::max<std::int64_t>(0, static_cast<std::int64_t>(std::floor(u - reach + 0.5)));
        const auto last = std::min<std::int64_t>(
            bins - 1, static_cast<std::int64_t>(std::floor(u + reach + 0.5)));
        // Shared bin edges telescope, so a pixel's bins sum to its value up to rounding.
        double below = footprint_cdf(static_cast<double>(first) - 0.5 - u, a, b);
        for (std::int64_t k = first; k <= last; ++k) {
          const double upto = footprint_cdf(static_cast<double>(k) + 0.5 - u, a, b);
          row_out[k] += v * (upto - below);
          below = upto;
        }
      }
    }
  }
  return out;
}

}  // namespace raserflow::radon
