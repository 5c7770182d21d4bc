#include "numerics/geometry.hpp"

#include <cmath>

#include "raserflow/error.hpp"

namespace raserflow::radon {

std::int64_t matlab_bin_count(std::int64_t rows, std::int64_t cols) {
  if (rows < 1 || cols < 1) throw Error("an image needs at least one row and one column");
  const auto half_extent = [](std::int64_t n) { return static_cast<double>(n - (n - 1) / 2 - 1); };
  const double radius = std::hypot(half_extent(rows), half_extent(cols));
  return 2 * static_cast<std::int64_t>(std::ceil(radius)) + 3;
}

std::vector<double> uniform_angles_deg(std::int64_t count) {
  if (count < 1) throw Error("at least one projection angle is needed");
  std::vector<double> angles(static_cast<std::size_t>(count));
  for (std::int64_t j = 0; j < count; ++j)
    angles[static_cast<std::size_t>(j)] =
        180.0 * static_cast<double>(j) / static_cast<double>(count);
  return angles;
}

}  // namespace raserflow::radon
