#include "draw.hpp"

#include <array>

#include <opencv2/imgproc.hpp>

#include "raserflow/error.hpp"

namespace raserflow::io {

namespace {
constexpr int font = cv::FONT_HERSHEY_SIMPLEX;
constexpr int thickness = 1;
}  // namespace

Colormap parse_colormap(std::string_view name) {
  if (name == "gray") return Colormap::gray;
  if (name == "viridis") return Colormap::viridis;
  if (name == "inferno") return Colormap::inferno;
  throw Error("unknown colour map '" + std::string(name) + "'; use gray, viridis or inferno");
}

cv::Mat colourize(const cv::Mat& levels, Colormap map) {
  CV_Assert(levels.type() == CV_8UC1);
  cv::Mat bgr;
  switch (map) {
    case Colormap::gray:
      cv::cvtColor(levels, bgr, cv::COLOR_GRAY2BGR);
      break;
    case Colormap::viridis:
      cv::applyColorMap(levels, bgr, cv::COLORMAP_VIRIDIS);
      break;
    case Colormap::inferno:
      cv::applyColorMap(levels, bgr, cv::COLORMAP_INFERNO);
      break;
  }
  return bgr;
}

cv::Scalar line_colour(std::size_t index) {
  static const std::array<cv::Scalar, 10> tab10{{{180, 119, 31},
                                                 {14, 127, 255},
                                                 {44, 160, 44},
                                                 {40, 39, 214},
                                                 {189, 103, 148},
                                                 {75, 86, 140},
                                                 {194, 119, 227},
                                                 {127, 127, 127},
                                                 {34, 189, 188},
                                                 {207, 190, 23}}};
  return tab10[index % tab10.size()];
}

cv::Size text_size(std::string_view text, double font_scale) {
  int baseline = 0;
  auto s = cv::getTextSize(std::string(text), font, font_scale, thickness, &baseline);
  return {s.width, s.height + baseline};
}

void put_text(cv::Mat& image, std::string_view text, cv::Point anchor, double font_scale, Align h,
              Align v, const cv::Scalar& colour) {
  int baseline = 0;
  const auto s = cv::getTextSize(std::string(text), font, font_scale, thickness, &baseline);
  int x = anchor.x;
  if (h == Align::centre) x -= s.width / 2;
  if (h == Align::end) x -= s.width;
  // putText places the baseline at y; glyph tops are s.height above it.
  int y = anchor.y;
  if (v == Align::start) y += s.height;
  if (v == Align::centre) y += s.height / 2;
  cv::putText(image, std::string(text), {x, y}, font, font_scale, colour, thickness, cv::LINE_AA);
}

void put_text_upward(cv::Mat& image, std::string_view text, cv::Point centre, double font_scale,
                     const cv::Scalar& colour) {
  const auto s = text_size(text, font_scale);
  cv::Mat strip(s.height + 2, s.width + 2, image.type(), white);
  put_text(strip, text, {1, 1}, font_scale, Align::start, Align::start, colour);
  cv::Mat turned;
  cv::rotate(strip, turned, cv::ROTATE_90_COUNTERCLOCKWISE);
  cv::Rect where(centre.x - turned.cols / 2, centre.y - turned.rows / 2, turned.cols, turned.rows);
  where &= cv::Rect(0, 0, image.cols, image.rows);
  if (where.empty()) return;
  // Only dark text pixels are copied, so grid lines under the label stay visible.
  cv::Mat roi = image(where);
  cv::Mat src = turned(cv::Rect(where.x - (centre.x - turned.cols / 2),
                                where.y - (centre.y - turned.rows / 2), where.width, where.height));
  cv::Mat grey;
  cv::cvtColor(src, grey, cv::COLOR_BGR2GRAY);
  src.copyTo(roi, grey < 250);
}

}  // namespace raserflow::io
