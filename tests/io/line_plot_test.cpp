// io.plot's renderer: curves land where their values say, one colour per curve.
#include <cmath>
#include <numbers>

#include <gtest/gtest.h>

#include "draw.hpp"
#include "line_plot.hpp"
#include "raserflow/error.hpp"

namespace io = raserflow::io;

namespace {

// Anti-aliased 1-px lines blend with the white background and grey grid lines, so curves are
// found by hue rather than exact colour: the first palette colour is blue (B >> R), the second
// orange (R >> B); background, grid and text are grey (B == R).
bool of_colour(const cv::Vec3b& p, const cv::Scalar& c) {
  const int want = static_cast<int>(c[0]) - static_cast<int>(c[2]), got = p[0] - p[2];
  return want > 0 ? got > want / 3 : got < want / 3;
}

// Mean row of curve-k pixels in one column of the image, or -1.
double mean_row(const cv::Mat& img, int x, const cv::Scalar& c, int y0, int y1) {
  double sum = 0;
  int n = 0;
  for (int y = y0; y < y1; ++y)
    if (of_colour(img.at<cv::Vec3b>(y, x), c)) sum += y, ++n;
  return n ? sum / n : -1;
}

}  // namespace

TEST(LinePlot, SineCurvePeaksHighAndDipsLowAtTheRightColumns) {
  io::Curve c{"sine", {}};
  const int n = 401;
  for (int i = 0; i < n; ++i) c.y.push_back(std::sin(2 * std::numbers::pi * i / (n - 1)));
  io::PlotStyle style;
  style.size = {900, 500};
  const auto img = io::draw_line_plot({c}, style);
  ASSERT_EQ(img.size(), style.size);
  const auto area = io::plot_area(style.size);
  // x = 100 (sin = 1) is a quarter across, x = 300 (sin = -1) three quarters.
  const int x_peak = area.x + area.width / 4, x_dip = area.x + 3 * area.width / 4;
  const double y_peak = mean_row(img, x_peak, io::line_colour(0), area.y, area.y + area.height);
  const double y_dip = mean_row(img, x_dip, io::line_colour(0), area.y, area.y + area.height);
  ASSERT_GE(y_peak, 0);
  ASSERT_GE(y_dip, 0);
  // With 5 % headroom the extremes sit 1/22 of the height inside the frame.
  EXPECT_NEAR(y_peak, area.y + area.height / 22.0, 4);
  EXPECT_NEAR(y_dip, area.y + area.height * 21.0 / 22.0, 4);
}

TEST(LinePlot, EachCurveGetsItsOwnColour) {
  io::Curve low{"low", std::vector<double>(50, 1.0)}, high{"high", std::vector<double>(50, 3.0)};
  io::PlotStyle style;
  const auto img = io::draw_line_plot({low, high}, style);
  const auto area = io::plot_area(style.size);
  const int x = area.x + area.width / 2;  // the legend sits in a corner, away from the middle
  const double y_low = mean_row(img, x, io::line_colour(0), area.y, area.y + area.height);
  const double y_high = mean_row(img, x, io::line_colour(1), area.y, area.y + area.height);
  ASSERT_GE(y_low, 0);
  ASSERT_GE(y_high, 0);
  EXPECT_GT(y_low, y_high + area.height / 2);  // larger values are higher up (smaller row)
}

TEST(LinePlot, NonFiniteValueIsAnErrorNamingCurveAndSample) {
  io::Curve c{"row 2", {0, 1, INFINITY}};
  try {
    io::draw_line_plot({c}, {});
    FAIL() << "expected an error";
  } catch (const raserflow::Error& e) {
    EXPECT_NE(std::string(e.what()).find("row 2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("sample 2"), std::string::npos) << e.what();
  }
}

TEST(LinePlot, SingleSampleAndConstantCurvesStillDraw) {
  io::PlotStyle style;
  EXPECT_NO_THROW(io::draw_line_plot({{"one", {5.0}}}, style));
  EXPECT_NO_THROW(io::draw_line_plot({{"flat", std::vector<double>(10, 0.0)}}, style));
  EXPECT_THROW(io::draw_line_plot({{"empty", {}}}, style), raserflow::Error);
  EXPECT_THROW(io::draw_line_plot({}, style), raserflow::Error);
}
