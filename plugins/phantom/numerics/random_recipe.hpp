#pragma once
// The random image generator of the RASER-MRI paper (Becker et al. 2025, Appendix A;
// science.md §2.2), split in two: draw_recipe() makes every random decision from the item's
// stream, render() turns the decisions into pixels. The decisions can then be counted in
// tests without drawing, and an image is fixed by its recipe alone.
#include <array>
#include <cstdint>
#include <optional>
#include <random>
#include <string_view>
#include <vector>

namespace raserflow::phantom {

// Masks in the order of RandomImageSettings::mask_probabilities. `cross` and `crescent`
// stand in for the paper's KIT and LiU logos, which cannot be redistributed.
enum class MaskKind { circle, square, star, scribble, cross, crescent };
inline constexpr std::array<std::string_view, 6> kMaskNames{"circle",   "square", "star",
                                                            "scribble", "cross",  "crescent"};

// Lengths are in pixels or, where named *_fraction, in units of the image side. Defaults
// are the paper's where it gives numbers; the rest (sizes, sigmas, line widths) are our
// choices [A], made to look like the paper's Fig. 2 at 44 x 44.
struct RandomImageSettings {
  int size = 44;
  int shapes_min = 2, shapes_max = 20;
  double opacity_min = 0.0, opacity_max = 1.0;
  double circle_probability = 0.8;  // otherwise a polygon
  int vertices_min = 4, vertices_max = 8;
  double radius_min_fraction = 0.04, radius_max_fraction = 0.25;
  double blur_probability = 0.5;
  double blur_sigma_min = 0.5, blur_sigma_max = 1.5;
  double noise_probability = 0.3;
  double noise_sigma_min = 0.01, noise_sigma_max = 0.1;
  std::array<double, 6> mask_probabilities{0.56, 0.24, 0.05, 0.05, 0.05, 0.05};
  double mask_scale_min = 0.5, mask_scale_max = 1.0;
  double mask_shift_fraction = 0.25;  // also bounds where the line passes
  double mask_blur_sigma_max = 1.0;
  double line_probability = 0.8;
  double line_width_min = 1.0, line_width_max = 3.0;
  double line_opacity_min = 0.0, line_opacity_max = 1.0;
  double line_blur_probability = 0.3;
};

struct Point {
  double x, y;  // pixels; x along columns, y down the rows, pixel centres at integers
};

struct ShapeDraw {
  bool circle = true;
  Point centre{};
  double radius = 0;            // circle radius, or the polygon's largest vertex distance
  std::vector<Point> vertices;  // polygons only, in order around the centre
  double opacity = 0;
};

struct MaskDraw {
  MaskKind kind = MaskKind::circle;
  Point centre{};
  double extent = 0;            // width of the silhouette before rotation, pixels
  double angle = 0;             // rotation, radians
  double blur_sigma = 0;        // 0: sharp
  std::vector<Point> scribble;  // stroke through these points, in units of `extent`
};

struct LineDraw {
  Point through{};
  double angle = 0;  // radians
  double width = 1;  // pixels
  double opacity = 0;
  std::optional<double> blur_sigma;
};

struct Recipe {
  int size = 0;
  std::vector<ShapeDraw> shapes;
  std::optional<double> blur_sigma;
  std::optional<double> noise_sigma;
  std::uint64_t noise_seed = 0;  // seeds the per-pixel noise, so render() needs no stream
  MaskDraw mask;
  std::optional<LineDraw> line;
};

// Every random decision for one image, in a fixed order of draws from `g`. Settings are
// assumed valid (the node checks them).
Recipe draw_recipe(const RandomImageSettings& s, std::mt19937_64& g);

}  // namespace raserflow::phantom
