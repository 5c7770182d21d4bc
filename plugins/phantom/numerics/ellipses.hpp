#pragma once
// Phantoms made of summed ellipses on the square [-1, 1]^2 (Shepp-Logan and friends).
#include <span>
#include <vector>

namespace raserflow::phantom {

// One ellipse: `intensity` is added inside; semi-axes `a` along x and `b` along y before the
// rotation by `angle_deg` (counter-clockwise, y up), centred at (x0, y0).
struct Ellipse {
  double intensity;
  double a, b;
  double x0, y0;
  double angle_deg;
};

// The ten ellipses of the modified Shepp-Logan phantom (science.md §3.6): the original
// geometry with grey levels spread for visibility (1, -0.8, -0.2, ..., 0.1).
std::span<const Ellipse> modified_shepp_logan();

// Where pixel centres sit on [-1, 1]. `pixel_centres`: the n pixels tile [-1, 1] exactly, so
// pixel i is centred at -1 + (2i + 1)/n and the image is mirror-symmetric for any n.
// `matlab`: MATLAB's phantom() puts the first and last pixel centres on -1 and +1
// (-1 + 2i/(n - 1)), a pitch of 2/(n - 1) instead of 2/n: the figure spans (n - 1)/n as many
// pixels, about 2 % smaller at 44 px, and for even n no pixel centre lies on x = 0 either way.
enum class Grid { pixel_centres, matlab };

// Coordinate of pixel centre `i` (0-based) along one axis of an n-pixel grid.
double grid_coordinate(int i, int n, Grid grid);

// True when (x, y) lies inside or on the ellipse.
bool inside(const Ellipse& e, double x, double y);

// The sum of the ellipses' intensities at each pixel centre, row-major [n x n], unclamped.
// Row 0 is the top of the figure (y = +1), column 0 its left (x = -1), as when it is shown.
std::vector<double> render_ellipses(std::span<const Ellipse> ellipses, int n, Grid grid);

}  // namespace raserflow::phantom
