// phantom.random as a node: reproducible per item, images in [0, 1], and the probabilities
// visibly at work.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "support/harness.hpp"

namespace rf = raserflow;
using rf::test::NodeHarness;

namespace {

std::vector<double> image_of(NodeHarness& node, std::int64_t item) {
  const auto s = node.run(rf::test::item_with(item, {}));
  const auto& a = s.array("image");
  EXPECT_EQ(a.rank(), 2);
  const auto v = a.values<double>();
  return {v.begin(), v.end()};
}

bool any_nonzero(const std::vector<double>& v) {
  for (const double x : v)
    if (x != 0.0) return true;
  return false;
}

// Fraction of `items` images with any nonzero pixel, black images allowed.
double nonzero_fraction(nlohmann::json params, int items) {
  params["min_peak"] = 0.0;
  NodeHarness node("phantom.random", params, 3);
  int n = 0;
  for (int i = 0; i < items; ++i) n += any_nonzero(image_of(node, i));
  return static_cast<double>(n) / items;
}

}  // namespace

TEST(PhantomRandomNode, SameItemSameImageOtherItemsDiffer) {
  NodeHarness a("phantom.random", {}, 42), b("phantom.random", {}, 42),
      other_seed("phantom.random", {}, 43);
  // b runs the items in the opposite order: an image depends on its item only.
  const auto b5 = image_of(b, 5);
  const auto b4 = image_of(b, 4);
  EXPECT_EQ(image_of(a, 4), b4);
  EXPECT_EQ(image_of(a, 5), b5);
  EXPECT_NE(b4, b5);
  EXPECT_NE(image_of(other_seed, 4), b4);
}

TEST(PhantomRandomNode, ImagesAreSquareAndInTheUnitInterval) {
  NodeHarness node("phantom.random", {{"size", 44}}, 1);
  int lit = 0;
  for (int i = 0; i < 200; ++i) {
    const auto v = image_of(node, i);
    ASSERT_EQ(v.size(), 44u * 44u);
    for (const double x : v) {
      ASSERT_TRUE(std::isfinite(x));
      ASSERT_GE(x, 0.0);
      ASSERT_LE(x, 1.0);
    }
    lit += any_nonzero(v);
  }
  EXPECT_EQ(lit, 200) << "black images are drawn again (min_peak)";
  NodeHarness big("phantom.random", {{"size", 64}}, 1);
  EXPECT_EQ(image_of(big, 0).size(), 64u * 64u);
}

TEST(PhantomRandomNode, LineProbabilityDecidesWhetherALineIsDrawn) {
  EXPECT_EQ(nonzero_fraction(
                {{"opacity_max", 0.0}, {"noise_probability", 0.0}, {"line_probability", 1.0}}, 100),
            1.0);
  EXPECT_EQ(nonzero_fraction(
                {{"opacity_max", 0.0}, {"noise_probability", 0.0}, {"line_probability", 0.0}}, 100),
            0.0);
  // Default 0.8 over 400 items: standard deviation 0.02; 0.08 is 4 of them.
  EXPECT_NEAR(nonzero_fraction({{"opacity_max", 0.0}, {"noise_probability", 0.0}}, 400), 0.8, 0.08);
}

TEST(PhantomRandomNode, NoiseProbabilityDecidesWhetherNoiseIsAdded) {
  EXPECT_EQ(nonzero_fraction(
                {{"opacity_max", 0.0}, {"line_probability", 0.0}, {"noise_probability", 1.0}}, 100),
            1.0);
  // Default 0.3 over 400 items: standard deviation 0.023.
  EXPECT_NEAR(nonzero_fraction({{"opacity_max", 0.0}, {"line_probability", 0.0}}, 400), 0.3, 0.09);
}

TEST(PhantomRandomNode, BlurSmoothsTheImage) {
  // The shapes are drawn before the blur decision, so with the same seed the two nodes draw
  // the same shapes; a mask twice the image's width hides nothing, and without noise or line
  // the images differ only by the blur, which must lower the energy of neighbour differences
  // (not their plain sum: a monotone edge keeps its total rise however blurred).
  auto node = [](double blur) {
    return NodeHarness("phantom.random",
                       {{"blur_probability", blur},
                        {"blur_sigma_min", 1.0},
                        {"noise_probability", 0.0},
                        {"line_probability", 0.0},
                        {"mask_probabilities", {1.0, 0.0, 0.0, 0.0, 0.0, 0.0}},
                        {"mask_scale_min", 2.0},
                        {"mask_scale_max", 2.0},
                        {"mask_shift", 0.0},
                        {"mask_blur_sigma_max", 0.0}},
                       9);
  };
  auto energy = [](const std::vector<double>& v) {
    double total = 0;
    for (int r = 0; r < 44; ++r)
      for (int c = 0; c + 1 < 44; ++c)
        total += std::pow(
            v[static_cast<std::size_t>(r * 44 + c + 1)] - v[static_cast<std::size_t>(r * 44 + c)],
            2);
    return total;
  };
  auto blurred = node(1.0), sharp = node(0.0);
  for (int i = 0; i < 20; ++i) {
    const auto b = image_of(blurred, i), s = image_of(sharp, i);
    EXPECT_LT(energy(b), 0.9 * energy(s)) << "item " << i;
  }
}

TEST(PhantomRandomNode, MaskConfinesTheShapes) {
  // A sharp, centred circle mask 22 px wide: nothing may show farther than 11 px (+1 for the
  // anti-aliased edge) from the centre.
  NodeHarness node("phantom.random",
                   {{"mask_probabilities", {1.0, 0.0, 0.0, 0.0, 0.0, 0.0}},
                    {"mask_scale_min", 0.5},
                    {"mask_scale_max", 0.5},
                    {"mask_shift", 0.0},
                    {"mask_blur_sigma_max", 0.0},
                    {"line_probability", 0.0}},
                   5);
  int inside_lit = 0;
  for (int i = 0; i < 50; ++i) {
    const auto v = image_of(node, i);
    for (int r = 0; r < 44; ++r)
      for (int c = 0; c < 44; ++c) {
        const double x = v[static_cast<std::size_t>(r * 44 + c)];
        if (std::hypot(r - 21.5, c - 21.5) > 12.0)
          ASSERT_EQ(x, 0.0) << "item " << i << " row " << r << " col " << c;
        else
          inside_lit += x > 0;
      }
  }
  EXPECT_GT(inside_lit, 0);
}

TEST(PhantomRandomNode, BlackImagesAreDrawnAgain) {
  // Settings under which most images are black (invisible shapes, a line in one of five): every
  // image delivered must still reach min_peak, and it stays reproducible.
  const nlohmann::json dim{
      {"opacity_max", 0.0}, {"noise_probability", 0.0}, {"line_probability", 0.2}};
  NodeHarness a("phantom.random", dim, 4), b("phantom.random", dim, 4);
  for (int i = 0; i < 10; ++i) {
    const auto v = image_of(a, i);
    EXPECT_GE(*std::max_element(v.begin(), v.end()), 0.01) << "item " << i;
    EXPECT_EQ(image_of(b, i), v) << "item " << i;
  }
  // Nothing visible can ever be drawn: a clear error instead of an endless loop.
  NodeHarness never("phantom.random",
                    {{"opacity_max", 0.0}, {"noise_probability", 0.0}, {"line_probability", 0.0}});
  try {
    image_of(never, 0);
    FAIL() << "a black image was delivered";
  } catch (const rf::Error& e) {
    EXPECT_NE(std::string(e.what()).find("min_peak"), std::string::npos) << e.what();
  }
}

TEST(PhantomRandomNode, RejectsBadParameters) {
  // Ranges are checked as values are assigned (raserflow::Error); combinations in configure()
  // (raserflow::ParamError, naming the parameter).
  EXPECT_THROW(NodeHarness("phantom.random", {{"blur_probability", 1.5}}), rf::Error);
  EXPECT_THROW(NodeHarness("phantom.random", {{"line_probability", -0.1}}), rf::Error);
  EXPECT_THROW(
      NodeHarness("phantom.random", {{"mask_probabilities", {0.5, 1.5, 0.0, 0.0, 0.0, 0.0}}}),
      rf::Error);
  EXPECT_THROW(NodeHarness("phantom.random", {{"opacity_min", 0.8}, {"opacity_max", 0.2}}),
               rf::ParamError);
  EXPECT_THROW(NodeHarness("phantom.random", {{"shapes_min", 5}, {"shapes_max", 3}}),
               rf::ParamError);
  EXPECT_THROW(
      NodeHarness("phantom.random", {{"mask_probabilities", {0.5, 0.5, 0.5, 0.0, 0.0, 0.0}}}),
      rf::ParamError);
  EXPECT_THROW(NodeHarness("phantom.random", {{"mask_probabilities", {0.5, 0.5}}}), rf::ParamError);
  try {
    NodeHarness("phantom.random", {{"line_width_min", 4}, {"line_width_max", 2}});
    FAIL() << "line_width_min > line_width_max accepted";
  } catch (const rf::ParamError& e) {
    EXPECT_EQ(e.param(), "line_width_min");
    EXPECT_NE(std::string(e.what()).find("line_width_max"), std::string::npos) << e.what();
  }
}
