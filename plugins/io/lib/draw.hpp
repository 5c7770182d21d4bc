#pragma once
// Text, colour maps and line colours shared by the figure and plot renderers (OpenCV, BGR).
#include <string>
#include <string_view>

#include <opencv2/core.hpp>

namespace raserflow::io {

enum class Colormap { gray, viridis, inferno };
Colormap parse_colormap(std::string_view name);  // one of "gray", "viridis", "inferno"

// 8-bit levels (CV_8UC1, 0 = low end) to BGR colours (CV_8UC3).
cv::Mat colourize(const cv::Mat& levels, Colormap map);

// Line colours for successive curves (matplotlib's "tab10" cycle), BGR.
cv::Scalar line_colour(std::size_t index);

enum class Align { start, centre, end };

inline const cv::Scalar black{0, 0, 0};
inline const cv::Scalar white{255, 255, 255};

cv::Size text_size(std::string_view text, double font_scale);
// Draws `text` so that `anchor` is at the given horizontal and vertical alignment of its box.
void put_text(cv::Mat& image, std::string_view text, cv::Point anchor, double font_scale, Align h,
              Align v, const cv::Scalar& colour = black);
// The same, turned 90 degrees counter-clockwise (reading upward), for y-axis labels.
void put_text_upward(cv::Mat& image, std::string_view text, cv::Point centre, double font_scale,
                     const cv::Scalar& colour = black);

}  // namespace raserflow::io
