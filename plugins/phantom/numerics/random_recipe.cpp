#include "random_recipe.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "draws.hpp"

namespace raserflow::phantom {
namespace {

constexpr double kTwoPi = 2.0 * std::numbers::pi;

ShapeDraw draw_shape(const RandomImageSettings& s, std::mt19937_64& g) {
  ShapeDraw shape;
  shape.circle = chance(g, s.circle_probability);
  shape.centre = {uniform(g, 0.0, s.size - 1.0), uniform(g, 0.0, s.size - 1.0)};
  shape.radius = s.size * uniform(g, s.radius_min_fraction, s.radius_max_fraction);
  if (!shape.circle) {
    // Vertices at sorted random angles and radii between half and all of the radius: a
    // polygon that is star-shaped about its centre, hence never self-intersecting.
    const int n = uniform_int(g, s.vertices_min, s.vertices_max);
    std::vector<double> angles(static_cast<std::size_t>(n));
    for (auto& a : angles) a = uniform(g, 0.0, kTwoPi);
    std::sort(angles.begin(), angles.end());
    for (const double a : angles) {
      const double r = shape.radius * uniform(g, 0.5, 1.0);
      shape.vertices.push_back(
          {shape.centre.x + r * std::cos(a), shape.centre.y + r * std::sin(a)});
    }
  }
  shape.opacity = uniform(g, s.opacity_min, s.opacity_max);
  return shape;
}

MaskKind draw_mask_kind(const RandomImageSettings& s, std::mt19937_64& g) {
  double u = uniform01(g);
  for (std::size_t k = 0; k < s.mask_probabilities.size(); ++k) {
    if (u < s.mask_probabilities[k]) return static_cast<MaskKind>(k);
    u -= s.mask_probabilities[k];
  }
  // Rounding in the sum may leave u just above the last bin: the last kind with weight.
  for (std::size_t k = s.mask_probabilities.size(); k-- > 0;)
    if (s.mask_probabilities[k] > 0) return static_cast<MaskKind>(k);
  return MaskKind::circle;
}

MaskDraw draw_mask(const RandomImageSettings& s, std::mt19937_64& g) {
  MaskDraw mask;
  mask.kind = draw_mask_kind(s, g);
  mask.extent = s.size * uniform(g, s.mask_scale_min, s.mask_scale_max);
  const double middle = (s.size - 1) / 2.0;
  const double shift = s.mask_shift_fraction * s.size;
  mask.centre = {middle + uniform(g, -shift, shift), middle + uniform(g, -shift, shift)};
  mask.angle = uniform(g, 0.0, kTwoPi);
  mask.blur_sigma = uniform(g, 0.0, s.mask_blur_sigma_max);
  if (mask.kind == MaskKind::scribble) {
    const int points = uniform_int(g, 4, 7);
    for (int i = 0; i < points; ++i)
      mask.scribble.push_back({uniform(g, -0.4, 0.4), uniform(g, -0.4, 0.4)});
  }
  return mask;
}

LineDraw draw_line(const RandomImageSettings& s, std::mt19937_64& g) {
  LineDraw line;
  const double middle = (s.size - 1) / 2.0;
  const double shift = s.mask_shift_fraction * s.size;
  line.through = {middle + uniform(g, -shift, shift), middle + uniform(g, -shift, shift)};
  line.angle = uniform(g, 0.0, std::numbers::pi);
  line.width = uniform(g, s.line_width_min, s.line_width_max);
  line.opacity = uniform(g, s.line_opacity_min, s.line_opacity_max);
  if (chance(g, s.line_blur_probability))
    line.blur_sigma = uniform(g, s.blur_sigma_min, s.blur_sigma_max);
  return line;
}

}  // namespace

Recipe draw_recipe(const RandomImageSettings& s, std::mt19937_64& g) {
  Recipe r;
  r.size = s.size;
  const int count = uniform_int(g, s.shapes_min, s.shapes_max);
  for (int i = 0; i < count; ++i) r.shapes.push_back(draw_shape(s, g));
  if (chance(g, s.blur_probability)) r.blur_sigma = uniform(g, s.blur_sigma_min, s.blur_sigma_max);
  if (chance(g, s.noise_probability)) {
    r.noise_sigma = uniform(g, s.noise_sigma_min, s.noise_sigma_max);
    r.noise_seed = g();
  }
  r.mask = draw_mask(s, g);
  if (chance(g, s.line_probability)) r.line = draw_line(s, g);
  return r;
}

}  // namespace raserflow::phantom
