// io.png as the runtime runs it: one PNG per item, committed only by finish().
#include <filesystem>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "figure.hpp"
#include "support/cli.hpp"
#include "support/harness.hpp"

namespace fs = std::filesystem;
namespace L = raserflow::io::layout;
using raserflow::Array;
using raserflow::test::item_with;
using raserflow::test::NodeHarness;

namespace {

// rows x cols, 0 on the left half and 1 on the right half.
Array halves(std::int64_t rows, std::int64_t cols) {
  auto a = Array::zeros<double>({rows, cols});
  auto v = a.mutable_values<double>();
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t c = cols / 2; c < cols; ++c) v[static_cast<std::size_t>(r * cols + c)] = 1.0;
  return a;
}

std::size_t files_under(const fs::path& dir) {
  std::size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) n += e.is_regular_file();
  return n;
}

}  // namespace

TEST(IoPng, FilesAppearOnlyAfterFinishWithTheExpectedSize) {
  const auto dir = raserflow::test::scratch_dir("io-png-finish");
  NodeHarness png(
      "io.png",
      {{"fields", {"image", "sinogram"}}, {"labels", {"A", "B"}}, {"scale", 4}, {"range", "unit"}},
      0, dir);
  for (std::int64_t item = 0; item < 3; ++item)
    png.run(item_with(item, {{"image", halves(10, 12)}, {"sinogram", halves(6, 16)}}));
  const auto first = dir / "png" / "item_000000.png";
  EXPECT_FALSE(fs::exists(first));
  png.finish();
  for (const char* name : {"item_000000.png", "item_000001.png", "item_000002.png"})
    EXPECT_TRUE(fs::exists(dir / "png" / name)) << name;
  EXPECT_EQ(files_under(dir), 3u) << "no temporaries may be left behind";

  const cv::Mat img = cv::imread(first.string(), cv::IMREAD_COLOR);
  ASSERT_FALSE(img.empty());
  // Two panels (12 and 16 columns at scale 4, captions narrower) and one colour bar for the
  // shared unit range; height from the taller panel (10 rows).
  EXPECT_EQ(img.cols, 2 * L::margin + 12 * 4 + L::panel_gap + 16 * 4 + L::colour_bar_block);
  EXPECT_EQ(img.rows, 2 * L::margin + L::caption_height + 10 * 4);

  // Panel A starts at the left margin under its caption: left half dark, right half bright.
  const int top = L::margin + L::caption_height;
  EXPECT_EQ(img.at<cv::Vec3b>(top + 20, L::margin + 10), cv::Vec3b(0, 0, 0));
  EXPECT_EQ(img.at<cv::Vec3b>(top + 20, L::margin + 40), cv::Vec3b(255, 255, 255));
  // Panel B (6 rows, so the lower part of its slot is background).
  const int bx = L::margin + 48 + L::panel_gap;
  EXPECT_EQ(img.at<cv::Vec3b>(top + 10, bx + 10), cv::Vec3b(0, 0, 0));
  EXPECT_EQ(img.at<cv::Vec3b>(top + 10, bx + 50), cv::Vec3b(255, 255, 255));
}

TEST(IoPng, AbortLeavesNothing) {
  const auto dir = raserflow::test::scratch_dir("io-png-abort");
  NodeHarness png("io.png", {{"fields", {"image"}}}, 0, dir);
  png.run(item_with(0, {{"image", halves(4, 4)}}));
  png.run(item_with(1, {{"image", halves(4, 4)}}));
  png.node().abort();
  EXPECT_EQ(files_under(dir), 0u);
}

TEST(IoPng, ColourMapsWriteColourPixels) {
  const auto dir = raserflow::test::scratch_dir("io-png-colour");
  NodeHarness png("io.png", {{"fields", {"image"}}, {"colormap", "viridis"}, {"path", "v.png"}}, 0,
                  dir);
  png.run(item_with(0, {{"image", halves(8, 8)}}));
  png.finish();
  const cv::Mat img = cv::imread((dir / "v.png").string(), cv::IMREAD_COLOR);
  ASSERT_FALSE(img.empty());
  const int top = L::margin + L::caption_height;
  const auto high =
      img.at<cv::Vec3b>(top + 30, L::margin + 60);  // viridis yellow: R, G high, B low
  EXPECT_GT(high[2], 200);
  EXPECT_LT(high[0], 80);
}

TEST(IoPng, PatternWithoutItemCannotOverwriteAnEarlierItem) {
  const auto dir = raserflow::test::scratch_dir("io-png-overwrite");
  NodeHarness png("io.png", {{"fields", {"image"}}, {"path", "fixed.png"}}, 0, dir);
  png.run(item_with(0, {{"image", halves(4, 4)}}));
  try {
    png.run(item_with(1, {{"image", halves(4, 4)}}));
    FAIL() << "expected an error";
  } catch (const raserflow::Error& e) {
    EXPECT_NE(std::string(e.what()).find("{item}"), std::string::npos) << e.what();
  }
}

TEST(IoPng, BadParametersAreRejectedBeforeTheRun) {
  const auto dir = raserflow::test::scratch_dir("io-png-params");
  EXPECT_THROW(NodeHarness("io.png", {{"fields", {"a", "b"}}, {"labels", {"only one"}}}, 0, dir),
               raserflow::ParamError);
  EXPECT_THROW(NodeHarness("io.png", {{"fields", std::vector<std::string>{}}}, 0, dir),
               raserflow::ParamError);
  EXPECT_THROW(NodeHarness("io.png", {{"fields", {"a"}}, {"path", "png/{itme}.png"}}, 0, dir),
               raserflow::ParamError);
  // Choices and ranges are checked by the framework as the value is assigned.
  EXPECT_THROW(NodeHarness("io.png", {{"fields", {"a"}}, {"colormap", "jet"}}, 0, dir),
               raserflow::Error);
  EXPECT_THROW(NodeHarness("io.png", {{"fields", {"a"}}, {"scale", 0}}, 0, dir), raserflow::Error);
}

TEST(IoPng, WrongDtypeOrNonFiniteValueNamesTheField) {
  const auto dir = raserflow::test::scratch_dir("io-png-bad-input");
  NodeHarness png("io.png", {{"fields", {"recon"}}}, 0, dir);
  auto expect_error_naming_field = [&](Array a) {
    try {
      png.run(item_with(0, {{"recon", a}}));
      FAIL() << "expected an error";
    } catch (const raserflow::Error& e) {
      EXPECT_NE(std::string(e.what()).find("'recon'"), std::string::npos) << e.what();
    }
  };
  expect_error_naming_field(Array::zeros<std::complex<double>>({4, 4}));
  expect_error_naming_field(Array::zeros<double>({16}));
  expect_error_naming_field(Array::from<double>({1, 2}, {0.0, std::nan("")}));
  expect_error_naming_field(Array::zeros<double>({0, 4}));
}
