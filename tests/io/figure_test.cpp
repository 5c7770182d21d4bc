// io.png's figure renderer: layout sizes, pixel values that follow the data, colour maps.
#include <cmath>

#include <gtest/gtest.h>

#include "figure.hpp"
#include "raserflow/error.hpp"

namespace io = raserflow::io;
namespace L = io::layout;

namespace {

// 0 on the left half, 1 on the right half.
cv::Mat left_dark_right_bright(int rows, int cols) {
  cv::Mat m(rows, cols, CV_64F, cv::Scalar(0));
  m(cv::Rect(cols / 2, 0, cols - cols / 2, rows)) = 1.0;
  return m;
}

cv::Vec3b at(const cv::Mat& img, cv::Point p) {
  return img.at<cv::Vec3b>(p);
}

}  // namespace

TEST(Figure, SizeFollowsScaleAndPanelCount) {
  // One-letter captions are narrower than the panels, so each slot is cols * scale wide.
  const io::FigureStyle style{5, io::Colormap::gray, io::RangeMode::shared};
  std::vector<io::Panel> panels{{"a", "a", cv::Mat(10, 12, CV_64F, 0.5)}};
  auto one = io::layout_figure(panels, style);
  EXPECT_EQ(one.size, cv::Size(2 * L::margin + 12 * 5 + L::colour_bar_block,
                               2 * L::margin + L::caption_height + 10 * 5));
  panels.push_back({"b", "b", cv::Mat(20, 8, CV_64F, 0.5)});
  auto two = io::layout_figure(panels, style);
  EXPECT_EQ(two.size, cv::Size(2 * L::margin + 12 * 5 + L::panel_gap + 8 * 5 + L::colour_bar_block,
                               2 * L::margin + L::caption_height + 20 * 5));
  ASSERT_EQ(two.images.size(), 2u);
  EXPECT_EQ(two.images[0].size(), cv::Size(60, 50));
  EXPECT_EQ(two.images[1].size(), cv::Size(40, 100));
  EXPECT_EQ(two.bars.size(), 1u);
}

TEST(Figure, PerFieldRangesGiveOneColourBarPerPanel) {
  const io::FigureStyle style{4, io::Colormap::gray, io::RangeMode::per_field};
  std::vector<io::Panel> panels{{"a", "a", cv::Mat(10, 10, CV_64F, 0.5)},
                                {"b", "b", cv::Mat(10, 10, CV_64F, 0.5)}};
  const auto lay = io::layout_figure(panels, style);
  EXPECT_EQ(lay.size.width, 2 * L::margin + 2 * (40 + L::colour_bar_block) + L::panel_gap);
  ASSERT_EQ(lay.bars.size(), 2u);
  // Nothing overlaps: panel, its bar, the next panel.
  EXPECT_LT(lay.images[0].x + lay.images[0].width, lay.bars[0].x);
  EXPECT_LT(lay.bars[0].x + lay.bars[0].width, lay.images[1].x);
  for (const auto& r : {lay.images[0], lay.images[1], lay.bars[0], lay.bars[1]})
    EXPECT_EQ(r & cv::Rect({0, 0}, lay.size), r);
}

TEST(Figure, WideCaptionWidensItsSlotNotThePanel) {
  const io::FigureStyle style{1, io::Colormap::gray, io::RangeMode::unit};
  std::vector<io::Panel> panels{
      {"a", "a rather long caption for a tiny panel", cv::Mat(4, 4, CV_64F, 0.5)}};
  const auto lay = io::layout_figure(panels, style);
  EXPECT_EQ(lay.images[0].size(), cv::Size(4, 4));
  EXPECT_GT(lay.size.width, 2 * L::margin + 4 + L::colour_bar_block + 100);
}

TEST(Figure, PixelsFollowTheDataWithoutFlips) {
  const io::FigureStyle style{6, io::Colormap::gray, io::RangeMode::per_field};
  // Row 0 at the top: a bright top-left pixel must appear at the panel's top-left.
  cv::Mat m = left_dark_right_bright(8, 10);
  m.at<double>(0, 0) = 1.0;
  std::vector<io::Panel> panels{{"f", "f", m}};
  const auto fig = io::draw_figure(panels, style);
  const auto lay = io::layout_figure(panels, style);
  ASSERT_EQ(fig.size(), lay.size);
  const auto& r = lay.images[0];
  EXPECT_EQ(at(fig, {r.x + 6 * 2 + 3, r.y + 6 * 4 + 3}), cv::Vec3b(0, 0, 0));        // left half
  EXPECT_EQ(at(fig, {r.x + 6 * 7 + 3, r.y + 6 * 4 + 3}), cv::Vec3b(255, 255, 255));  // right half
  EXPECT_EQ(at(fig, {r.x + 2, r.y + 2}), cv::Vec3b(255, 255, 255));  // element [0, 0]
  EXPECT_EQ(at(fig, {r.x + 6 + 2, r.y + 2}), cv::Vec3b(0, 0, 0));    // element [0, 1]
  // Nearest-neighbour blocks: every pixel of one element's block has the element's colour.
  for (int dy = 0; dy < 6; ++dy)
    for (int dx = 0; dx < 6; ++dx)
      EXPECT_EQ(at(fig, {r.x + 6 * 5 + dx, r.y + 6 + dy}), cv::Vec3b(255, 255, 255));
}

TEST(Figure, EveryPixelIsItsElementsGreyLevelAtAnyScale) {
  // Unit range in grey: pixel (y, x) must be round(255 v[y / s][x / s]) exactly, for scales
  // whose reciprocal is not exact in binary.
  cv::Mat m(7, 9, CV_64F);
  cv::randu(m, 0.0, 1.0);
  for (int s : {1, 3, 7, 10}) {
    std::vector<io::Panel> panels{{"f", "f", m}};
    const io::FigureStyle style{s, io::Colormap::gray, io::RangeMode::unit};
    const auto fig = io::draw_figure(panels, style);
    const auto r = io::layout_figure(panels, style).images[0];
    for (int y = 0; y < r.height; ++y)
      for (int x = 0; x < r.width; ++x) {
        const auto want = static_cast<int>(std::lround(255 * m.at<double>(y / s, x / s)));
        ASSERT_EQ(at(fig, {r.x + x, r.y + y})[0], want)
            << "scale " << s << " pixel " << x << ", " << y;
      }
  }
}

TEST(Figure, SharedRangeMapsTheSameValueToTheSameColour) {
  // Panel b peaks at 0.5: mid grey on a range shared with panel a (0..1), white on its own.
  std::vector<io::Panel> panels{{"a", "a", left_dark_right_bright(6, 6)},
                                {"b", "b", left_dark_right_bright(6, 6) * 0.5}};
  const auto probe = [&](io::RangeMode mode) {
    const io::FigureStyle style{4, io::Colormap::gray, mode};
    const auto lay = io::layout_figure(panels, style);
    const auto fig = io::draw_figure(panels, style);
    const auto& r = lay.images[1];
    return at(fig, {r.x + r.width - 2, r.y + 2})[0];
  };
  EXPECT_EQ(probe(io::RangeMode::per_field), 255);
  EXPECT_NEAR(probe(io::RangeMode::shared), 128, 1);  // round(255 * 0.5)
  EXPECT_NEAR(probe(io::RangeMode::unit), 128, 1);
}

TEST(Figure, UnitRangeSaturatesOutsideZeroToOne) {
  cv::Mat m(2, 2, CV_64F);
  m.at<double>(0, 0) = -3;
  m.at<double>(0, 1) = 7;
  m.at<double>(1, 0) = 0.25;
  m.at<double>(1, 1) = 1;
  std::vector<io::Panel> panels{{"f", "f", m}};
  const io::FigureStyle style{10, io::Colormap::gray, io::RangeMode::unit};
  const auto fig = io::draw_figure(panels, style);
  const auto r = io::layout_figure(panels, style).images[0];
  EXPECT_EQ(at(fig, {r.x + 5, r.y + 5})[0], 0);
  EXPECT_EQ(at(fig, {r.x + 15, r.y + 5})[0], 255);
  EXPECT_NEAR(at(fig, {r.x + 5, r.y + 15})[0], 64, 1);  // 0.25 * 255
}

TEST(Figure, ColourBarRunsFromLowAtTheBottomToHighAtTheTop) {
  std::vector<io::Panel> panels{{"f", "f", left_dark_right_bright(20, 20)}};
  const io::FigureStyle style{4, io::Colormap::gray, io::RangeMode::per_field};
  const auto fig = io::draw_figure(panels, style);
  const auto bar = io::layout_figure(panels, style).bars[0];
  const int x = bar.x + bar.width / 2;
  EXPECT_GT(at(fig, {x, bar.y + 2})[0], 245);
  EXPECT_LT(at(fig, {x, bar.y + bar.height - 3})[0], 10);
  for (int y = bar.y + 2; y < bar.y + bar.height - 2; ++y)
    EXPECT_LE(at(fig, {x, y + 1})[0], at(fig, {x, y})[0]) << "not monotonic at y " << y;
}

TEST(Figure, ViridisAndInfernoUseTheirPublishedEndColours) {
  // matplotlib's anchors (RGB): viridis 0 = (68, 1, 84), 1 = (253, 231, 37); inferno 0 = (0, 0, 4),
  // 1 = (252, 255, 164). OpenCV's tables differ from matplotlib's by a few levels.
  std::vector<io::Panel> panels{{"f", "f", left_dark_right_bright(4, 4)}};
  auto ends = [&](io::Colormap map) {
    const io::FigureStyle style{8, map, io::RangeMode::per_field};
    const auto fig = io::draw_figure(panels, style);
    const auto r = io::layout_figure(panels, style).images[0];
    return std::pair{at(fig, {r.x + 2, r.y + 2}), at(fig, {r.x + r.width - 3, r.y + 2})};
  };
  auto near = [](cv::Vec3b bgr, int r, int g, int b) {
    return std::abs(bgr[2] - r) <= 6 && std::abs(bgr[1] - g) <= 6 && std::abs(bgr[0] - b) <= 6;
  };
  auto [v0, v1] = ends(io::Colormap::viridis);
  EXPECT_TRUE(near(v0, 68, 1, 84)) << v0;
  EXPECT_TRUE(near(v1, 253, 231, 37)) << v1;
  auto [i0, i1] = ends(io::Colormap::inferno);
  EXPECT_TRUE(near(i0, 0, 0, 4)) << i0;
  EXPECT_TRUE(near(i1, 252, 255, 164)) << i1;
}

TEST(Figure, ConstantFieldIsDrawnInTheMiddleColour) {
  std::vector<io::Panel> panels{{"f", "f", cv::Mat(3, 3, CV_64F, 2.0)}};
  const io::FigureStyle style{4, io::Colormap::gray, io::RangeMode::per_field};
  const auto fig = io::draw_figure(panels, style);
  const auto r = io::layout_figure(panels, style).images[0];
  EXPECT_NEAR(at(fig, {r.x + 5, r.y + 5})[0], 128, 1);
}

TEST(Figure, NonFiniteValueIsAnErrorNamingFieldAndElement) {
  cv::Mat m(3, 4, CV_64F, 0.0);
  m.at<double>(2, 1) = NAN;
  std::vector<io::Panel> panels{{"reconstruction", "D", m}};
  try {
    io::draw_figure(panels, {});
    FAIL() << "expected an error";
  } catch (const raserflow::Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("reconstruction"), std::string::npos) << msg;
    EXPECT_NE(msg.find("[2, 1]"), std::string::npos) << msg;
  }
}

TEST(Figure, AbsurdSizeIsAnErrorNotAnAllocation) {
  std::vector<io::Panel> panels{{"f", "f", cv::Mat(4000, 4000, CV_64F, 0.0)}};
  EXPECT_THROW(io::layout_figure(panels, {64, io::Colormap::gray, io::RangeMode::unit}),
               raserflow::Error);
}
