// The random image generator's decisions and silhouettes, without the node: frequencies over
// many recipes match the paper's probabilities (Appendix A), and masks have their areas.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <numbers>
#include <random>

#include <opencv2/core.hpp>

#include "draws.hpp"
#include "random_recipe.hpp"
#include "random_render.hpp"

namespace ph = raserflow::phantom;

namespace {

constexpr int kDraws = 20000;
// A frequency over 20000 draws has a standard deviation of at most 0.0035; 0.015 is over 4
// of them, so a correct generator fails about once in 10^5 runs, a wrong probability almost
// always.
constexpr double kFreqTol = 0.015;

struct Counts {
  int images = 0, shapes = 0, circles = 0, blurred = 0, noisy = 0, lines = 0, blurred_lines = 0;
  std::array<int, 6> masks{};
  double shape_count_sum = 0;
};

Counts tally(const ph::RandomImageSettings& s) {
  std::mt19937_64 g(12345);
  Counts k;
  for (int i = 0; i < kDraws; ++i) {
    const auto r = ph::draw_recipe(s, g);
    ++k.images;
    k.shape_count_sum += static_cast<double>(r.shapes.size());
    for (const auto& shape : r.shapes) {
      ++k.shapes;
      k.circles += shape.circle;
    }
    k.blurred += r.blur_sigma.has_value();
    k.noisy += r.noise_sigma.has_value();
    ++k.masks[static_cast<std::size_t>(r.mask.kind)];
    if (r.line) {
      ++k.lines;
      k.blurred_lines += r.line->blur_sigma.has_value();
    }
  }
  return k;
}

double freq(int n, int of) {
  return static_cast<double>(n) / of;
}

}  // namespace

TEST(PhantomRandomRecipe, FrequenciesMatchThePaper) {
  const ph::RandomImageSettings paper;
  const auto k = tally(paper);
  EXPECT_NEAR(freq(k.circles, k.shapes), 0.8, kFreqTol) << "circles vs polygons";
  EXPECT_NEAR(freq(k.blurred, k.images), 0.5, kFreqTol) << "blur";
  EXPECT_NEAR(freq(k.noisy, k.images), 0.3, kFreqTol) << "noise";
  EXPECT_NEAR(freq(k.lines, k.images), 0.8, kFreqTol) << "line";
  EXPECT_NEAR(freq(k.blurred_lines, k.lines), 0.3, kFreqTol) << "line blur, among lines";
  const std::array<double, 6> masks{0.56, 0.24, 0.05, 0.05, 0.05, 0.05};
  for (std::size_t m = 0; m < masks.size(); ++m)
    EXPECT_NEAR(freq(k.masks[m], k.images), masks[m], kFreqTol) << ph::kMaskNames[m];
  // Shape counts uniform on 2..20: mean 11, standard deviation 5.48, so the mean of 20000
  // has a standard error of 0.039.
  EXPECT_NEAR(k.shape_count_sum / k.images, 11.0, 0.2);
}

TEST(PhantomRandomRecipe, ChangedProbabilitiesChangeTheFrequencies) {
  ph::RandomImageSettings s;
  s.circle_probability = 0.1;
  s.blur_probability = 0.0;
  s.noise_probability = 1.0;
  s.line_probability = 0.25;
  s.line_blur_probability = 1.0;
  s.mask_probabilities = {0.0, 0.0, 0.5, 0.0, 0.0, 0.5};
  const auto k = tally(s);
  EXPECT_NEAR(freq(k.circles, k.shapes), 0.1, kFreqTol);
  EXPECT_EQ(k.blurred, 0);
  EXPECT_EQ(k.noisy, k.images);
  EXPECT_NEAR(freq(k.lines, k.images), 0.25, kFreqTol);
  EXPECT_EQ(k.blurred_lines, k.lines);
  EXPECT_EQ(k.masks[0] + k.masks[1] + k.masks[3] + k.masks[4], 0);
  EXPECT_NEAR(freq(k.masks[2], k.images), 0.5, kFreqTol);
}

TEST(PhantomRandomRecipe, DrawsStayInTheirRanges) {
  const ph::RandomImageSettings s;
  std::mt19937_64 g(99);
  for (int i = 0; i < 2000; ++i) {
    const auto r = ph::draw_recipe(s, g);
    ASSERT_GE(r.shapes.size(), 2u);
    ASSERT_LE(r.shapes.size(), 20u);
    for (const auto& shape : r.shapes) {
      EXPECT_GE(shape.opacity, 0.0);
      EXPECT_LE(shape.opacity, 1.0);
      EXPECT_GE(shape.radius, 0.04 * 44);
      EXPECT_LE(shape.radius, 0.25 * 44);
      if (!shape.circle) {
        EXPECT_GE(shape.vertices.size(), 4u);
        EXPECT_LE(shape.vertices.size(), 8u);
      }
    }
    EXPECT_GE(r.mask.extent, 0.5 * 44);
    EXPECT_LE(r.mask.extent, 1.0 * 44);
    EXPECT_LE(std::abs(r.mask.centre.x - 21.5), 0.25 * 44);
    EXPECT_LE(std::abs(r.mask.centre.y - 21.5), 0.25 * 44);
    if (r.line) {
      EXPECT_GE(r.line->width, 1);
      EXPECT_LE(r.line->width, 3);
    }
  }
}

TEST(PhantomRandomRecipe, MasksHaveTheirAreas) {
  // Drawn large (extent 300 px); edges are resolved to a quarter pixel, so areas come out
  // within 1 % (0.5 % for the convex ones).
  const int n = 400;
  const double e = 300;
  auto area = [&](ph::MaskKind kind, double angle = 0.3) {
    ph::MaskDraw m{.kind = kind,
                   .centre = {199.5, 199.5},
                   .extent = e,
                   .angle = angle,
                   .blur_sigma = 0,
                   .scribble = {}};
    if (kind == ph::MaskKind::scribble) m.scribble = {{-0.4, -0.4}, {0.4, 0.4}};
    return cv::sum(ph::mask_coverage(m, n))[0];
  };
  EXPECT_NEAR(area(ph::MaskKind::circle), std::numbers::pi * e * e / 4, 0.005 * e * e);
  EXPECT_NEAR(area(ph::MaskKind::square), e * e, 0.005 * e * e);
  EXPECT_NEAR(area(ph::MaskKind::square, 0.0), area(ph::MaskKind::square, 0.7), 0.01 * e * e)
      << "rotation keeps the area";
  // Plus sign: five squares of side e/3.
  EXPECT_NEAR(area(ph::MaskKind::cross), 5.0 / 9.0 * e * e, 0.01 * e * e);
  // Ten triangles between outer radius 0.5 e and inner radius 0.2 e, 36 degrees apart.
  EXPECT_NEAR(area(ph::MaskKind::star),
              10 * 0.5 * 0.5 * 0.2 * std::sin(std::numbers::pi / 5) * e * e, 0.01 * e * e);
  // A stroke of length 0.8 sqrt(2) e and width round(0.18 e) = 54 px with round caps.
  const double stroke = 0.8 * std::sqrt(2.0) * e * 54 + std::numbers::pi * 27 * 27;
  EXPECT_NEAR(area(ph::MaskKind::scribble), stroke, 0.03 * stroke);
  // Disc of radius 0.5 e minus its lens with a disc of radius 0.4 e whose centre is 0.2 e away
  // (the circle-circle intersection area).
  const double d = 0.2, big = 0.5, small = 0.4;
  const double lens =
      small * small * std::acos((d * d + small * small - big * big) / (2 * d * small)) +
      big * big * std::acos((d * d + big * big - small * small) / (2 * d * big)) -
      0.5 *
          std::sqrt((-d + small + big) * (d + small - big) * (d - small + big) * (d + small + big));
  EXPECT_NEAR(area(ph::MaskKind::crescent), (std::numbers::pi * big * big - lens) * e * e,
              0.01 * e * e);
}

TEST(PhantomRandomRecipe, PortableDrawsHaveTheirMoments) {
  std::mt19937_64 g(7);
  double sum = 0, sum2 = 0;
  int heads = 0;
  for (int i = 0; i < 100000; ++i) {
    const double z = ph::standard_normal(g);
    sum += z;
    sum2 += z * z;
    heads += ph::chance(g, 0.25);
    const int k = ph::uniform_int(g, 4, 8);
    ASSERT_GE(k, 4);
    ASSERT_LE(k, 8);
  }
  // Standard errors: 0.0032 for the mean, 0.0045 for the second moment, 0.0014 for heads.
  EXPECT_NEAR(sum / 1e5, 0.0, 0.015);
  EXPECT_NEAR(sum2 / 1e5, 1.0, 0.02);
  EXPECT_NEAR(heads / 1e5, 0.25, 0.007);
  std::mt19937_64 edge(1);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_FALSE(ph::chance(edge, 0.0));
    EXPECT_TRUE(ph::chance(edge, 1.0));
  }
}
