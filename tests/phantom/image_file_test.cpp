// phantom.file: PNG and TIFF pixels come back exactly, scaled by their type's maximum.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "support/cli.hpp"
#include "support/harness.hpp"

namespace rf = raserflow;
using rf::test::NodeHarness;

namespace {

std::vector<double> read_back(const std::filesystem::path& file, int size = 0,
                              rf::Shape* shape = nullptr) {
  NodeHarness node("phantom.file", {{"path", file.string()}, {"size", size}});
  const auto s = node.run(rf::test::item_with(0, {}));
  const auto& a = s.array("image");
  if (shape) *shape = a.shape();
  const auto v = a.values<double>();
  return {v.begin(), v.end()};
}

std::string start_error(const std::filesystem::path& file) {
  try {
    NodeHarness node("phantom.file", {{"path", file.string()}});
  } catch (const rf::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(PhantomFile, EightBitPngReadsBackExactly) {
  const auto dir = rf::test::scratch_dir("phantom-file-8");
  cv::Mat m(12, 17, CV_8U);
  for (int r = 0; r < m.rows; ++r)
    for (int c = 0; c < m.cols; ++c)
      m.at<std::uint8_t>(r, c) = static_cast<std::uint8_t>((r * 17 + c) * 7 % 256);
  m.at<std::uint8_t>(0, 0) = 255;
  ASSERT_TRUE(cv::imwrite((dir / "a.png").string(), m));
  rf::Shape shape;
  const auto v = read_back(dir / "a.png", 0, &shape);
  EXPECT_EQ(shape, (rf::Shape{12, 17}));
  for (int r = 0; r < m.rows; ++r)
    for (int c = 0; c < m.cols; ++c)
      ASSERT_EQ(v[static_cast<std::size_t>(r * 17 + c)], m.at<std::uint8_t>(r, c) / 255.0)
          << r << "," << c;
  EXPECT_EQ(v[0], 1.0);
}

TEST(PhantomFile, SixteenBitPngAndTiffReadBackExactly) {
  const auto dir = rf::test::scratch_dir("phantom-file-16");
  cv::Mat m(9, 10, CV_16U);
  for (int r = 0; r < m.rows; ++r)
    for (int c = 0; c < m.cols; ++c)
      m.at<std::uint16_t>(r, c) = static_cast<std::uint16_t>((r * 10 + c) * 4099 % 65536);
  m.at<std::uint16_t>(8, 9) = 65535;
  for (const char* name : {"b.png", "b.tiff"}) {
    ASSERT_TRUE(cv::imwrite((dir / name).string(), m)) << name;
    const auto v = read_back(dir / name);
    ASSERT_EQ(v.size(), 90u);
    for (int r = 0; r < m.rows; ++r)
      for (int c = 0; c < m.cols; ++c)
        ASSERT_EQ(v[static_cast<std::size_t>(r * 10 + c)], m.at<std::uint16_t>(r, c) / 65535.0)
            << name;
    EXPECT_EQ(v.back(), 1.0) << name;
  }
}

TEST(PhantomFile, ColourBecomesGrayWithBgrOrder) {
  // OpenCV stores colour as B, G, R. Gray = 0.299 R + 0.587 G + 0.114 B: pure red must come out
  // near 0.299 and pure blue near 0.114, which a swapped channel order would exchange.
  const auto dir = rf::test::scratch_dir("phantom-file-colour");
  cv::Mat m(1, 3, CV_8UC3);
  m.at<cv::Vec3b>(0, 0) = {0, 0, 255};      // red
  m.at<cv::Vec3b>(0, 1) = {255, 0, 0};      // blue
  m.at<cv::Vec3b>(0, 2) = {100, 100, 100};  // gray stays itself
  ASSERT_TRUE(cv::imwrite((dir / "c.png").string(), m));
  const auto v = read_back(dir / "c.png");
  ASSERT_EQ(v.size(), 3u);
  EXPECT_NEAR(v[0], 0.299, 1.0 / 255);  // one 8-bit step of rounding
  EXPECT_NEAR(v[1], 0.114, 1.0 / 255);
  EXPECT_EQ(v[2], 100 / 255.0);
}

TEST(PhantomFile, SizeResamplesByAreaAveraging) {
  // 8 x 8 of 2 x 2 blocks holding 0, 255, 255, 0 average to exactly one half.
  const auto dir = rf::test::scratch_dir("phantom-file-resize");
  cv::Mat m(8, 8, CV_8U);
  for (int r = 0; r < 8; ++r)
    for (int c = 0; c < 8; ++c) m.at<std::uint8_t>(r, c) = (r + c) % 2 ? 255 : 0;
  ASSERT_TRUE(cv::imwrite((dir / "d.png").string(), m));
  rf::Shape shape;
  const auto v = read_back(dir / "d.png", 4, &shape);
  EXPECT_EQ(shape, (rf::Shape{4, 4}));
  for (const double x : v) EXPECT_NEAR(x, 0.5, 1e-12);
}

TEST(PhantomFile, FloatTiffMustLieInTheUnitInterval) {
  const auto dir = rf::test::scratch_dir("phantom-file-float");
  cv::Mat good(3, 3, CV_32F, cv::Scalar(0.25f));
  ASSERT_TRUE(cv::imwrite((dir / "good.tiff").string(), good));
  for (const double x : read_back(dir / "good.tiff")) EXPECT_EQ(x, 0.25);
  cv::Mat bad(3, 3, CV_32F, cv::Scalar(2.0f));
  ASSERT_TRUE(cv::imwrite((dir / "bad.tiff").string(), bad));
  EXPECT_NE(start_error(dir / "bad.tiff").find("outside [0, 1]"), std::string::npos);
}

TEST(PhantomFile, UnreadableFileIsAClearError) {
  const auto dir = rf::test::scratch_dir("phantom-file-bad");
  std::ofstream(dir / "junk.png") << "this is not a PNG";
  const auto msg = start_error(dir / "junk.png");
  EXPECT_NE(msg.find("cannot read image"), std::string::npos) << msg;
  EXPECT_NE(msg.find("junk.png"), std::string::npos) << msg;
  EXPECT_NE(start_error(dir / "missing.png").find("missing.png"), std::string::npos);
}

TEST(PhantomFile, EveryItemGetsTheSameImage) {
  const auto dir = rf::test::scratch_dir("phantom-file-items");
  cv::Mat m(5, 5, CV_8U, cv::Scalar(51));
  ASSERT_TRUE(cv::imwrite((dir / "e.png").string(), m));
  NodeHarness node("phantom.file", {{"path", (dir / "e.png").string()}});
  const auto a = node.run(rf::test::item_with(0, {})).array("image");
  const auto b = node.run(rf::test::item_with(9, {})).array("image");
  EXPECT_EQ(a.values<double>().data(), b.values<double>().data()) << "one shared buffer";
  EXPECT_EQ(a.values<double>()[0], 0.2);
}
