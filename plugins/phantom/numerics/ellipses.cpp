#include "ellipses.hpp"

#include <array>
#include <cmath>
#include <numbers>

namespace raserflow::phantom {

std::span<const Ellipse> modified_shepp_logan() {
  static constexpr std::array<Ellipse, 10> table{{
      {1.0, 0.69, 0.92, 0.0, 0.0, 0.0},
      {-0.8, 0.6624, 0.874, 0.0, -0.0184, 0.0},
      {-0.2, 0.11, 0.31, 0.22, 0.0, -18.0},
      {-0.2, 0.16, 0.41, -0.22, 0.0, 18.0},
      {0.1, 0.21, 0.25, 0.0, 0.35, 0.0},
      {0.1, 0.046, 0.046, 0.0, 0.1, 0.0},
      {0.1, 0.046, 0.046, 0.0, -0.1, 0.0},
      {0.1, 0.046, 0.023, -0.08, -0.605, 0.0},
      {0.1, 0.023, 0.023, 0.0, -0.606, 0.0},
      {0.1, 0.023, 0.046, 0.06, -0.605, 0.0},
  }};
  return table;
}

double grid_coordinate(int i, int n, Grid grid) {
  // Integer numerators keep the grid exactly antisymmetric: pixel n-1-i sits at minus pixel i.
  if (grid == Grid::matlab) return static_cast<double>(2 * i - (n - 1)) / (n - 1);
  return static_cast<double>(2 * i + 1 - n) / n;
}

bool inside(const Ellipse& e, double x, double y) {
  const double phi = e.angle_deg * std::numbers::pi / 180.0;
  const double c = std::cos(phi), s = std::sin(phi);
  const double dx = x - e.x0, dy = y - e.y0;
  // Coordinates in the ellipse's own axes: rotate the offset back by phi.
  const double u = dx * c + dy * s;
  const double v = dy * c - dx * s;
  return (u * u) / (e.a * e.a) + (v * v) / (e.b * e.b) <= 1.0;
}

std::vector<double> render_ellipses(std::span<const Ellipse> ellipses, int n, Grid grid) {
  std::vector<double> image(static_cast<std::size_t>(n) * static_cast<std::size_t>(n), 0.0);
  for (int r = 0; r < n; ++r) {
    // Row 0 is the top: y decreases down the rows.
    const double y = -grid_coordinate(r, n, grid);
    for (int c = 0; c < n; ++c) {
      const double x = grid_coordinate(c, n, grid);
      double sum = 0.0;
      for (const auto& e : ellipses)
        if (inside(e, x, y)) sum += e.intensity;
      image[static_cast<std::size_t>(r) * static_cast<std::size_t>(n) +
            static_cast<std::size_t>(c)] = sum;
    }
  }
  return image;
}

}  // namespace raserflow::phantom
