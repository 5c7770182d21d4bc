#pragma once
// Filtered back-projection with scikit-image 0.19.3 iradon's padding, filters, linear
// interpolation, circle mask and scaling (science.md §2.5), for projections stored one row
// per angle.
#include <cstdint>
#include <span>
#include <vector>

#include "numerics/dft.hpp"
#include "numerics/fbp_filter.hpp"

namespace raserflow::radon {

// Sizes iradon (circle = True) derives from the bin count M.
struct FbpGeometry {
  std::int64_t bins;         // M, detector centre at M/2
  std::int64_t padded_bins;  // n' = ceil(sqrt(2) M): the detector then covers the square's diagonal
  std::int64_t pad_before;   // n'/2 - M/2 zeros before each projection keep the centre bin aligned
  std::int64_t fft_size;     // max(64, smallest power of two >= 2 n'): no circular wrap-around
};
FbpGeometry fbp_geometry(std::int64_t bins);

// The filtering step for one bin count and filter, immutable once built, so one instance may
// filter many sinograms concurrently.
class ProjectionFilter {
 public:
  ProjectionFilter(std::int64_t bins, Filter filter);
  const FbpGeometry& geometry() const { return geometry_; }
  const std::vector<double>& response() const { return response_; }
  // rows x bins -> rows x padded_bins, each row padded, filtered and cut back to n'.
  std::vector<double> apply(std::span<const double> projections, std::int64_t rows) const;

 private:
  FbpGeometry geometry_;
  ComplexDft forward_, backward_;
  std::vector<double> response_;
};

// Sums each filtered row (detector centre at width/2) over the output_size x output_size grid
// centred on pixel (output_size/2, output_size/2), interpolating linearly in t (0 off the
// detector), zeroes pixels outside the inscribed circle and scales by pi / (2 * rows).
std::vector<double> back_project(std::span<const double> filtered, std::int64_t rows,
                                 std::int64_t width, std::span<const double> angles_deg,
                                 std::int64_t output_size);

// Both steps: iradon(projections^T, theta = angles_deg, output_size, filter).
std::vector<double> fbp(std::span<const double> projections, std::int64_t rows, std::int64_t bins,
                        std::span<const double> angles_deg, std::int64_t output_size,
                        Filter filter);

}  // namespace raserflow::radon
