#pragma once
// io.plot's chart: curves y_k(x) on shared axes with ticks, grid, title, axis labels and a
// legend, drawn with OpenCV.
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace raserflow::io {

struct Curve {
  std::string label;
  std::vector<double> y;  // finite; sample i is at x = x_start + i * x_step
};

struct PlotStyle {
  cv::Size size{800, 500};
  double x_start = 0;
  double x_step = 1;  // > 0
  std::string title, x_label, y_label;
};

// Space around the plotting area, in pixels (the axis box is inset by these).
namespace plot_layout {
inline constexpr int left = 84;
inline constexpr int right = 20;
inline constexpr int top = 40;
inline constexpr int bottom = 56;
inline constexpr double title_font = 0.6;
inline constexpr double label_font = 0.5;
inline constexpr double tick_font = 0.42;
}  // namespace plot_layout

// The rectangle inside the axes, where curves are drawn.
cv::Rect plot_area(cv::Size size);

// Throws raserflow::Error for no curves, an empty curve or a non-finite value (named by curve
// label and sample index).
cv::Mat draw_line_plot(const std::vector<Curve>& curves, const PlotStyle& style);

}  // namespace raserflow::io
