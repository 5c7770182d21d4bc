// metrics.image as a node: field names from parameters, cropping, and clear errors.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "support/harness.hpp"

namespace rf = raserflow;
using rf::test::item_with;
using rf::test::NodeHarness;

namespace {

// A deterministic image with a range of values: a ramp plus a checker pattern.
rf::Array pattern(std::int64_t rows, std::int64_t cols, double offset = 0.0) {
  std::vector<double> v;
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t c = 0; c < cols; ++c)
      v.push_back(offset + 0.01 * static_cast<double>(r + c) + 0.2 * ((r + c) % 2));
  return rf::Array::from<double>({rows, cols}, v);
}

std::string error_of(NodeHarness& node, rf::Item s) {
  try {
    node.run(std::move(s));
  } catch (const rf::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(MetricsNode, ScoresReconstructionAgainstImageByDefault) {
  NodeHarness node("metrics.image");
  auto s = node.run(
      item_with(0, {{"image", pattern(12, 12)}, {"reconstruction", pattern(12, 12, 0.1)}}));
  EXPECT_NEAR(s.scalar("mse"), 0.01, 1e-15);
  EXPECT_EQ(s.array("mse").rank(), 0);
  // R = max - min of the reference: the largest value is at r + c = 21 (odd, so the checker adds
  // 0.2): 0.21 + 0.2 = 0.41; the smallest is 0 at the origin.
  EXPECT_NEAR(s.scalar("psnr"), 10 * std::log10(0.41 * 0.41 / 0.01), 1e-10);
  EXPECT_LT(s.scalar("ssim"), 1.0);
  EXPECT_GT(s.scalar("ssim"), 0.5);
}

TEST(MetricsNode, FieldNamesComeFromParameters) {
  NodeHarness node("metrics.image", {{"reference", "truth"}, {"test", "guess"}});
  auto s = node.run(item_with(0, {{"truth", pattern(9, 9)}, {"guess", pattern(9, 9)}}));
  EXPECT_EQ(s.scalar("mse"), 0.0);
  EXPECT_DOUBLE_EQ(s.scalar("ssim"), 1.0);
  EXPECT_TRUE(std::isinf(s.scalar("psnr")));
}

TEST(MetricsNode, CropScoresTheCentreOnly) {
  // Outside the central 8 x 8 the test image is wrecked; cropping 2 px per side hides that.
  std::vector<double> ref(12 * 12), test(12 * 12);
  const auto inner_image = pattern(8, 8);  // keeps the buffer the span below views
  const auto inner = inner_image.values<double>();
  for (int r = 0; r < 12; ++r)
    for (int c = 0; c < 12; ++c) {
      const bool centre = r >= 2 && r < 10 && c >= 2 && c < 10;
      const auto i = static_cast<std::size_t>(r * 12 + c);
      ref[i] = centre ? inner[static_cast<std::size_t>((r - 2) * 8 + (c - 2))] : 0.0;
      test[i] = centre ? ref[i] : 5.0;
    }
  NodeHarness node("metrics.image", {{"crop", 2}});
  auto s = node.run(item_with(0, {{"image", rf::Array::from<double>({12, 12}, ref)},
                                  {"reconstruction", rf::Array::from<double>({12, 12}, test)}}));
  EXPECT_EQ(s.scalar("mse"), 0.0);
  EXPECT_DOUBLE_EQ(s.scalar("ssim"), 1.0);
}

TEST(MetricsNode, MismatchedShapesNameBoth) {
  NodeHarness node("metrics.image");
  const auto msg = error_of(
      node, item_with(0, {{"image", pattern(44, 44)}, {"reconstruction", pattern(48, 48)}}));
  EXPECT_NE(msg.find("[44 x 44]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[48 x 48]"), std::string::npos) << msg;
}

TEST(MetricsNode, TooLittleLeftAfterCropIsAnError) {
  NodeHarness node("metrics.image", {{"crop", 3}});
  const auto msg = error_of(
      node, item_with(0, {{"image", pattern(12, 12)}, {"reconstruction", pattern(12, 12)}}));
  EXPECT_NE(msg.find("6 x 6"), std::string::npos) << msg;
  EXPECT_NE(msg.find("crop"), std::string::npos) << msg;
}

TEST(MetricsNode, ConstantReferenceNeedsAnExplicitDataRange) {
  const auto flat = rf::Array::from<double>({8, 8}, std::vector<double>(64, 0.5));
  NodeHarness automatic("metrics.image");
  const auto msg =
      error_of(automatic, item_with(0, {{"image", flat}, {"reconstruction", pattern(8, 8)}}));
  EXPECT_NE(msg.find("data_range"), std::string::npos) << msg;

  NodeHarness fixed("metrics.image", {{"data_range", 1.0}});
  auto s = fixed.run(item_with(0, {{"image", flat}, {"reconstruction", flat}}));
  EXPECT_DOUBLE_EQ(s.scalar("ssim"), 1.0);
}

TEST(MetricsNode, ExplicitDataRangeSetsPsnr) {
  NodeHarness node("metrics.image", {{"data_range", 2.0}});
  auto s =
      node.run(item_with(0, {{"image", pattern(8, 8)}, {"reconstruction", pattern(8, 8, -0.5)}}));
  EXPECT_NEAR(s.scalar("psnr"), 10 * std::log10(4.0 / 0.25), 1e-10);
}

TEST(MetricsNode, NonFinitePixelsAreAnError) {
  std::vector<double> v(64, 0.25);
  v[10] = std::numeric_limits<double>::quiet_NaN();
  NodeHarness node("metrics.image");
  const auto msg =
      error_of(node, item_with(0, {{"image", pattern(8, 8)},
                                   {"reconstruction", rf::Array::from<double>({8, 8}, v)}}));
  EXPECT_NE(msg.find("reconstruction"), std::string::npos) << msg;
  EXPECT_NE(msg.find("NaN"), std::string::npos) << msg;
}

TEST(MetricsNode, OverflowingPixelsAreAnError) {
  // Finite, but their squares are not.
  const auto huge = rf::Array::from<double>({8, 8}, std::vector<double>(64, 1e300));
  NodeHarness node("metrics.image");
  const auto msg =
      error_of(node, rf::test::item_with(0, {{"image", pattern(8, 8)}, {"reconstruction", huge}}));
  EXPECT_NE(msg.find("overflow"), std::string::npos) << msg;
}

TEST(MetricsNode, ReferenceAndTestMustDiffer) {
  EXPECT_THROW(NodeHarness("metrics.image", {{"reference", "image"}, {"test", "image"}}),
               rf::ParamError);
}

TEST(MetricsNode, MinmaxNormalisationIgnoresScaleAndOffsetOfEitherImage) {
  // test = 3 * reference + 5: unscored it is far off; min-max scaled both are one image.
  const auto reference = pattern(12, 12);  // keeps the buffer the loop reads
  std::vector<double> scaled;
  for (double v : reference.values<double>()) scaled.push_back(3 * v + 5);
  const auto s_in = item_with(
      0, {{"image", reference}, {"reconstruction", rf::Array::from<double>({12, 12}, scaled)}});
  NodeHarness raw("metrics.image");
  EXPECT_GT(raw.run(s_in).scalar("mse"), 20.0);
  NodeHarness scaled_node("metrics.image", {{"normalize", "minmax"}});
  const auto s = scaled_node.run(s_in);
  EXPECT_NEAR(s.scalar("mse"), 0.0, 1e-28);
  EXPECT_NEAR(s.scalar("ssim"), 1.0, 1e-12);
}
