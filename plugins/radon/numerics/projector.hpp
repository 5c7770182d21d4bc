#pragma once
// Parallel-beam Radon transform of a pixel image, in scikit-image's geometry.
#include <cstdint>
#include <span>
#include <vector>

namespace raserflow::radon {

// Fraction of a unit square pixel's mass that falls between detector coordinates lo and hi
// (relative to the pixel centre) when projected along a direction with |cos| = wc and
// |sin| = ws: the integral over [lo, hi] of the square's footprint, a trapezoid.
double pixel_fraction(double lo, double hi, double wc, double ws);

// Projections [angles x bins] of a row-major rows x cols image. Pixel (r, c) sits at
// x = r - rows/2, y = c - cols/2 (integer division) and projects onto
// t = y cos(theta) - x sin(theta); bin b covers t in [b - bins/2 - 1/2, b - bins/2 + 1/2].
// Each bin holds the line integral averaged over its width, in pixel units, so the bins of
// one angle sum to the image's sum when every pixel's footprint lies on the detector; mass
// that falls off the detector is dropped.
std::vector<double> project(std::span<const double> image, std::int64_t rows, std::int64_t cols,
                            std::span<const double> angles_deg, std::int64_t bins);

}  // namespace raserflow::radon
