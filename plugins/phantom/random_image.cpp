// phantom.random: the paper's random training images (Becker et al. 2025, Appendix A;
// science.md §2.2), one per item from the item's random stream.
#include <cmath>
#include <numeric>
#include <sstream>

#include "opencv_array.hpp"
#include "random_recipe.hpp"
#include "random_render.hpp"
#include "raserflow/raserflow.hpp"

namespace {

using raserflow::Param;
using raserflow::ParamError;
namespace phantom = raserflow::phantom;

const phantom::RandomImageSettings kPaper{};

struct RandomImage final : raserflow::Node {
  static constexpr auto type = "phantom.random";
  static constexpr auto doc =
      "random image of the paper's generator: 2-20 circles and polygons with random opacity, "
      "optional blur and noise, a random mask silhouette, and usually a line; reproducible per "
      "item";

  Param<int> size{this,
                  "size",
                  kPaper.size,
                  {.doc = "side of the square image (shapes are drawn on a 4x finer grid)",
                   .unit = "px",
                   .min = 4,
                   .max = 2048}};
  // Shapes.
  Param<int> shapes_min{
      this, "shapes_min", kPaper.shapes_min, {.doc = "fewest shapes per image", .min = 0}};
  Param<int> shapes_max{
      this, "shapes_max", kPaper.shapes_max, {.doc = "most shapes per image", .min = 0}};
  Param<double> opacity_min{
      this, "opacity_min", kPaper.opacity_min, {.doc = "lowest shape opacity", .min = 0, .max = 1}};
  Param<double> opacity_max{this,
                            "opacity_max",
                            kPaper.opacity_max,
                            {.doc = "highest shape opacity", .min = 0, .max = 1}};
  Param<double> circle_probability{
      this,
      "circle_probability",
      kPaper.circle_probability,
      {.doc = "probability that a shape is a circle rather than a polygon", .min = 0, .max = 1}};
  Param<int> vertices_min{
      this, "vertices_min", kPaper.vertices_min, {.doc = "fewest polygon vertices", .min = 3}};
  Param<int> vertices_max{this,
                          "vertices_max",
                          kPaper.vertices_max,
                          {.doc = "most polygon vertices", .min = 3, .max = 64}};
  Param<double> radius_min{
      this,
      "radius_min",
      kPaper.radius_min_fraction,
      {.doc = "smallest shape radius, as a fraction of the image side (not given in the paper)",
       .min = 0,
       .max = 2}};
  Param<double> radius_max{
      this,
      "radius_max",
      kPaper.radius_max_fraction,
      {.doc = "largest shape radius, as a fraction of the image side (not given in the paper)",
       .min = 0,
       .max = 2}};
  // Blur and noise of the whole image.
  Param<double> blur_probability{
      this,
      "blur_probability",
      kPaper.blur_probability,
      {.doc = "probability of a Gaussian blur of the shapes", .min = 0, .max = 1}};
  Param<double> blur_sigma_min{
      this,
      "blur_sigma_min",
      kPaper.blur_sigma_min,
      {.doc = "smallest blur sigma, image and line (not given in the paper)",
       .unit = "px",
       .min = 0,
       .max = 100}};
  Param<double> blur_sigma_max{
      this,
      "blur_sigma_max",
      kPaper.blur_sigma_max,
      {.doc = "largest blur sigma, image and line (not given in the paper)",
       .unit = "px",
       .min = 0,
       .max = 100}};
  Param<double> noise_probability{
      this,
      "noise_probability",
      kPaper.noise_probability,
      {.doc = "probability of additive Gaussian noise (clipped to [0, 1])", .min = 0, .max = 1}};
  Param<double> noise_sigma_min{
      this,
      "noise_sigma_min",
      kPaper.noise_sigma_min,
      {.doc = "smallest noise standard deviation (not given in the paper)", .min = 0, .max = 10}};
  Param<double> noise_sigma_max{
      this,
      "noise_sigma_max",
      kPaper.noise_sigma_max,
      {.doc = "largest noise standard deviation (not given in the paper)", .min = 0, .max = 10}};
  // Mask.
  Param<std::vector<double>> mask_probabilities{
      this,
      "mask_probabilities",
      std::vector<double>(kPaper.mask_probabilities.begin(), kPaper.mask_probabilities.end()),
      {.doc =
           "probabilities of the mask silhouettes circle, square, star, scribble, cross, crescent "
           "(cross and crescent replace the paper's two logos); six values summing to 1",
       .min = 0,
       .max = 1}};
  Param<double> mask_scale_min{
      this,
      "mask_scale_min",
      kPaper.mask_scale_min,
      {.doc = "smallest mask width, as a fraction of the image side", .min = 0, .max = 2}};
  Param<double> mask_scale_max{
      this,
      "mask_scale_max",
      kPaper.mask_scale_max,
      {.doc = "largest mask width, as a fraction of the image side", .min = 0, .max = 2}};
  Param<double> mask_shift{
      this,
      "mask_shift",
      kPaper.mask_shift_fraction,
      {.doc = "largest shift of the mask centre (and of the line's anchor point) from the image "
              "centre along each axis, as a fraction of the image side",
       .min = 0,
       .max = 1}};
  Param<double> mask_blur_sigma_max{
      this,
      "mask_blur_sigma_max",
      kPaper.mask_blur_sigma_max,
      {.doc = "mask blur sigma is uniform on [0, this] (not given in the paper)",
       .unit = "px",
       .min = 0,
       .max = 100}};
  // Line.
  Param<double> line_probability{
      this,
      "line_probability",
      kPaper.line_probability,
      {.doc = "probability of a line across the image", .min = 0, .max = 1}};
  Param<double> line_width_min{
      this,
      "line_width_min",
      kPaper.line_width_min,
      {.doc = "thinnest line (not given in the paper)", .unit = "px", .min = 0.25, .max = 1000}};
  Param<double> line_width_max{
      this,
      "line_width_max",
      kPaper.line_width_max,
      {.doc = "thickest line (not given in the paper)", .unit = "px", .min = 0.25, .max = 1000}};
  Param<double> line_opacity_min{
      this,
      "line_opacity_min",
      kPaper.line_opacity_min,
      {.doc = "lowest line opacity (not given in the paper)", .min = 0, .max = 1}};
  Param<double> line_opacity_max{
      this,
      "line_opacity_max",
      kPaper.line_opacity_max,
      {.doc = "highest line opacity (not given in the paper)", .min = 0, .max = 1}};
  Param<double> line_blur_probability{
      this,
      "line_blur_probability",
      kPaper.line_blur_probability,
      {.doc = "probability that the line is blurred", .min = 0, .max = 1}};
  Param<double> min_peak{
      this,
      "min_peak",
      0.01,
      {.doc = "an image whose brightest pixel is below this is drawn again from the "
              "item's stream (about 1 in 1000 default images is black: a mask missing "
              "every shape and no line); 0 keeps every image",
       .min = 0,
       .max = 1}};

  raserflow::Writes<double, 2> image{this, "image", {.doc = "[size x size], values in [0, 1]"}};

  phantom::RandomImageSettings settings;

  template <class T>
  static void ordered(const Param<T>& lo, const Param<T>& hi) {
    if (*lo <= *hi) return;
    std::ostringstream why;
    why << "is " << *lo << ", above " << hi.name() << " (" << *hi << "); make " << lo.name()
        << " <= " << hi.name();
    throw ParamError(lo.name(), why.str());
  }

  void configure() override {
    ordered(shapes_min, shapes_max);
    ordered(opacity_min, opacity_max);
    ordered(vertices_min, vertices_max);
    ordered(radius_min, radius_max);
    ordered(blur_sigma_min, blur_sigma_max);
    ordered(noise_sigma_min, noise_sigma_max);
    ordered(mask_scale_min, mask_scale_max);
    ordered(line_width_min, line_width_max);
    ordered(line_opacity_min, line_opacity_max);
    const auto& p = *mask_probabilities;
    if (p.size() != kPaper.mask_probabilities.size())
      throw ParamError("mask_probabilities",
                       "needs 6 values (circle, square, star, scribble, cross, crescent), got " +
                           std::to_string(p.size()));
    const double total = std::accumulate(p.begin(), p.end(), 0.0);
    if (std::abs(total - 1.0) > 1e-6)
      throw ParamError("mask_probabilities",
                       "sum to " + (std::ostringstream() << total).str() + "; they must sum to 1");

    settings = {.size = *size,
                .shapes_min = *shapes_min,
                .shapes_max = *shapes_max,
                .opacity_min = *opacity_min,
                .opacity_max = *opacity_max,
                .circle_probability = *circle_probability,
                .vertices_min = *vertices_min,
                .vertices_max = *vertices_max,
                .radius_min_fraction = *radius_min,
                .radius_max_fraction = *radius_max,
                .blur_probability = *blur_probability,
                .blur_sigma_min = *blur_sigma_min,
                .blur_sigma_max = *blur_sigma_max,
                .noise_probability = *noise_probability,
                .noise_sigma_min = *noise_sigma_min,
                .noise_sigma_max = *noise_sigma_max,
                .mask_probabilities = {p[0], p[1], p[2], p[3], p[4], p[5]},
                .mask_scale_min = *mask_scale_min,
                .mask_scale_max = *mask_scale_max,
                .mask_shift_fraction = *mask_shift,
                .mask_blur_sigma_max = *mask_blur_sigma_max,
                .line_probability = *line_probability,
                .line_width_min = *line_width_min,
                .line_width_max = *line_width_max,
                .line_opacity_min = *line_opacity_min,
                .line_opacity_max = *line_opacity_max,
                .line_blur_probability = *line_blur_probability};
  }

  // A black image has no projections to simulate (the per-mode inversion would be 0/0) and no
  // data range to score against; the continued stream keeps the redraw reproducible.
  static constexpr int kAttempts = 100;

  void process(raserflow::Item& s) override {
    auto g = rng(s);
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
      cv::Mat picture = phantom::render(phantom::draw_recipe(settings, g));
      double peak = 0;
      cv::minMaxLoc(picture, nullptr, &peak);
      if (peak >= *min_peak) {
        image.put(s, raserflow::cv_bridge::adopt(picture));
        return;
      }
    }
    throw raserflow::Error(
        std::to_string(kAttempts) + " images in a row were darker than min_peak (" +
        (std::ostringstream() << *min_peak).str() +
        "); the settings hardly ever draw anything visible: raise the opacities, "
        "line_probability or mask_scale, or lower min_peak");
  }
};
RASERFLOW_NODE(RandomImage);

}  // namespace
