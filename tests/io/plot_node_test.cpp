// io.plot as the runtime runs it: one line plot per item, committed only by finish().
#include <complex>
#include <filesystem>
#include <numbers>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "draw.hpp"
#include "line_plot.hpp"
#include "support/cli.hpp"
#include "support/harness.hpp"

namespace fs = std::filesystem;
using raserflow::Array;
using raserflow::test::item_with;
using raserflow::test::NodeHarness;
using cd = std::complex<double>;

namespace {

// Row r: (r + 1) e^{i 2 pi k / 16}, so |row r| is the constant r + 1.
Array rotating_signals(std::int64_t rows, std::int64_t samples) {
  auto a = Array::zeros<cd>({rows, samples});
  auto v = a.mutable_values<cd>();
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t k = 0; k < samples; ++k)
      v[static_cast<std::size_t>(r * samples + k)] = std::polar(
          static_cast<double>(r + 1), 2 * std::numbers::pi * static_cast<double>(k) / 16);
  return a;
}

// Mean row of pixels of a palette colour's hue in one column (see line_plot_test.cpp), or -1.
double mean_row_of(const cv::Mat& img, int x, const cv::Scalar& c) {
  const int want = static_cast<int>(c[0]) - static_cast<int>(c[2]);
  double sum = 0;
  int n = 0;
  for (int y = 0; y < img.rows; ++y) {
    const auto p = img.at<cv::Vec3b>(y, x);
    const int got = p[0] - p[2];
    if (want > 0 ? got > want / 3 : got < want / 3) sum += y, ++n;
  }
  return n ? sum / n : -1;
}

}  // namespace

TEST(IoPlot, MagnitudeOfChosenRowsIsPlottedAfterFinish) {
  const auto dir = raserflow::test::scratch_dir("io-plot-finish");
  NodeHarness plot(
      "io.plot", {{"field", "signals"}, {"rows", {0, 2}}, {"width", 640}, {"height", 400}}, 0, dir);
  plot.run(item_with(4, {{"signals", rotating_signals(3, 64)}}));
  const auto file = dir / "plots" / "signals_000004.png";
  EXPECT_FALSE(fs::exists(file));
  plot.finish();
  ASSERT_TRUE(fs::exists(file));
  const cv::Mat img = cv::imread(file.string(), cv::IMREAD_COLOR);
  ASSERT_EQ(img.size(), cv::Size(640, 400));
  // |row 0| = 1 (first colour) must be drawn below |row 2| = 3 (second colour).
  const int x = raserflow::io::plot_area(img.size()).x + 250;
  const double y0 = mean_row_of(img, x, raserflow::io::line_colour(0));
  const double y2 = mean_row_of(img, x, raserflow::io::line_colour(1));
  ASSERT_GE(y0, 0);
  ASSERT_GE(y2, 0);
  EXPECT_GT(y0, y2 + 200);
}

TEST(IoPlot, RealPartOscillates) {
  const auto dir = raserflow::test::scratch_dir("io-plot-real");
  NodeHarness plot("io.plot", {{"field", "signals"}, {"part", "real"}, {"path", "re.png"}}, 0, dir);
  plot.run(item_with(0, {{"signals", rotating_signals(1, 64)}}));
  plot.finish();
  const cv::Mat img = cv::imread((dir / "re.png").string(), cv::IMREAD_COLOR);
  ASSERT_FALSE(img.empty());
  // cos(2 pi k / 16) spans the full height: curve pixels near the top and near the bottom.
  const auto area = raserflow::io::plot_area(img.size());
  int top_hits = 0, bottom_hits = 0;
  for (int y = area.y; y < area.y + area.height; ++y)
    for (int x = area.x + area.width / 3; x < area.x + 2 * area.width / 3; ++x) {
      const auto p = img.at<cv::Vec3b>(y, x);
      const bool blue = p[0] > p[2] + 80;
      top_hits += blue && y < area.y + area.height / 8;
      bottom_hits += blue && y > area.y + 7 * area.height / 8;
    }
  EXPECT_GT(top_hits, 0);
  EXPECT_GT(bottom_hits, 0);
}

TEST(IoPlot, TimeAxisFromDwellAndRankOneFields) {
  const auto dir = raserflow::test::scratch_dir("io-plot-dwell");
  NodeHarness plot(
      "io.plot", {{"field", "trace"}, {"x_step_field", "dwell"}, {"x_label", "time (s)"}}, 0, dir);
  std::vector<double> y(100);
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = std::exp(-0.03 * static_cast<double>(i));
  plot.run(
      item_with(0, {{"trace", Array::from<double>({100}, y)}, {"dwell", Array::scalar(0.5e-3)}}));
  EXPECT_THROW(plot.run(item_with(
                   1, {{"trace", Array::from<double>({100}, y)}, {"dwell", Array::scalar(0.0)}})),
               raserflow::Error);
  plot.finish();
  EXPECT_TRUE(fs::exists(dir / "plots" / "trace_000000.png"));
}

TEST(IoPlot, RowOutsideTheFieldIsAClearError) {
  const auto dir = raserflow::test::scratch_dir("io-plot-row");
  NodeHarness plot("io.plot", {{"field", "signals"}, {"rows", {5}}}, 0, dir);
  try {
    plot.run(item_with(0, {{"signals", rotating_signals(3, 8)}}));
    FAIL() << "expected an error";
  } catch (const raserflow::Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("row 5"), std::string::npos) << msg;
    EXPECT_NE(msg.find("3 row(s)"), std::string::npos) << msg;
  }
}

TEST(IoPlot, UnsupportedDtypeNamesTheField) {
  const auto dir = raserflow::test::scratch_dir("io-plot-dtype");
  NodeHarness plot("io.plot", {{"field", "peaks"}}, 0, dir);
  try {
    plot.run(item_with(0, {{"peaks", Array::zeros<std::int64_t>({4})}}));
    FAIL() << "expected an error";
  } catch (const raserflow::Error& e) {
    EXPECT_NE(std::string(e.what()).find("'peaks'"), std::string::npos) << e.what();
  }
}

TEST(IoPlot, BadParametersAreRejectedBeforeTheRun) {
  const auto dir = raserflow::test::scratch_dir("io-plot-params");
  EXPECT_THROW(NodeHarness("io.plot", {{"field", "s"}, {"x_step", 0.0}}, 0, dir),
               raserflow::ParamError);
  EXPECT_THROW(NodeHarness("io.plot", {{"field", "s"}, {"rows", std::vector<int>{}}}, 0, dir),
               raserflow::ParamError);
  EXPECT_THROW(
      NodeHarness("io.plot", {{"field", "s"}, {"rows", {0, 1}}, {"labels", {"a"}}}, 0, dir),
      raserflow::ParamError);
  EXPECT_THROW(NodeHarness("io.plot", {{"field", "s"}, {"part", "angle"}}, 0, dir),
               raserflow::Error);
  EXPECT_THROW(NodeHarness("io.plot", {{"field", "s"}, {"path", "{name}.png"}}, 0, dir),
               raserflow::ParamError);
}

TEST(IoPlot, AbortLeavesNothing) {
  const auto dir = raserflow::test::scratch_dir("io-plot-abort");
  NodeHarness plot("io.plot", {{"field", "signals"}}, 0, dir);
  plot.run(item_with(0, {{"signals", rotating_signals(1, 8)}}));
  plot.node().abort();
  EXPECT_TRUE(fs::is_empty(dir) || !fs::exists(dir / "plots" / "signals_000000.png"));
  std::size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) n += e.is_regular_file();
  EXPECT_EQ(n, 0u);
}
