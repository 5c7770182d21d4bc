#include "line_plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include <opencv2/imgproc.hpp>

#include "draw.hpp"
#include "raserflow/error.hpp"
#include "ticks.hpp"

namespace raserflow::io {

namespace {

const cv::Scalar grid_colour{225, 225, 225};
// Sub-pixel vertex positions (cv::polylines "shift") keep dense curves smooth.
constexpr int shift_bits = 4;
constexpr double shift_scale = 1 << shift_bits;

// The legend goes in the corner of the axes where it hides the fewest curve vertices.
void draw_legend(cv::Mat& img, const cv::Rect& area, const std::vector<Curve>& curves,
                 const std::vector<std::vector<cv::Point>>& vertices) {
  using namespace plot_layout;
  int text_w = 0;
  for (const auto& c : curves) text_w = std::max(text_w, text_size(c.label, tick_font).width);
  const int line_h = 18, swatch = 24, pad = 8, inset = 8;
  const cv::Size box_size(text_w + swatch + 3 * pad,
                          static_cast<int>(curves.size()) * line_h + pad);
  const int left_x = area.x + inset, right_x = area.x + area.width - box_size.width - inset;
  const int top_y = area.y + inset, bottom_y = area.y + area.height - box_size.height - inset;
  cv::Rect box;
  std::size_t fewest = SIZE_MAX;
  for (const cv::Point corner : {cv::Point{right_x, top_y}, cv::Point{left_x, top_y},
                                 cv::Point{right_x, bottom_y}, cv::Point{left_x, bottom_y}}) {
    const cv::Rect candidate(corner, box_size);
    std::size_t hidden = 0;
    for (const auto& curve : vertices)
      for (const auto& p : curve)
        hidden += candidate.contains({p.x >> shift_bits, p.y >> shift_bits});
    if (hidden < fewest) {
      fewest = hidden;
      box = candidate;
    }
  }
  cv::rectangle(img, box, white, cv::FILLED);
  cv::rectangle(img, box, {160, 160, 160}, 1);
  for (std::size_t k = 0; k < curves.size(); ++k) {
    const int y = box.y + pad / 2 + static_cast<int>(k) * line_h + line_h / 2;
    cv::line(img, {box.x + pad, y}, {box.x + pad + swatch, y}, line_colour(k), 2, cv::LINE_AA);
    put_text(img, curves[k].label, {box.x + 2 * pad + swatch, y}, tick_font, Align::start,
             Align::centre);
  }
}

}  // namespace

cv::Rect plot_area(cv::Size size) {
  using namespace plot_layout;
  return {left, top, size.width - left - right, size.height - top - bottom};
}

cv::Mat draw_line_plot(const std::vector<Curve>& curves, const PlotStyle& style) {
  using namespace plot_layout;
  if (curves.empty()) throw Error("nothing to plot");
  double y_lo = INFINITY, y_hi = -INFINITY;
  std::size_t samples = 0;
  for (const auto& c : curves) {
    if (c.y.empty()) throw Error("curve '" + c.label + "' has no samples");
    for (std::size_t i = 0; i < c.y.size(); ++i) {
      if (!std::isfinite(c.y[i]))
        throw Error("curve '" + c.label + "' has a non-finite value (" + std::to_string(c.y[i]) +
                    ") at sample " + std::to_string(i) + "; io.plot draws finite values only");
      y_lo = std::min(y_lo, c.y[i]);
      y_hi = std::max(y_hi, c.y[i]);
    }
    samples = std::max(samples, c.y.size());
  }
  widen_if_flat(y_lo, y_hi);
  // 5 % headroom, so extreme samples do not sit on the frame.
  const double pad = 0.05 * (y_hi - y_lo);
  y_lo -= pad;
  y_hi += pad;
  double x_lo = style.x_start,
         x_hi = style.x_start + static_cast<double>(samples - 1) * style.x_step;
  widen_if_flat(x_lo, x_hi);

  cv::Mat img(style.size, CV_8UC3, white);
  const auto area = plot_area(style.size);
  auto px = [&](double x) { return area.x + (x - x_lo) / (x_hi - x_lo) * (area.width - 1); };
  auto py = [&](double y) { return area.y + (y_hi - y) / (y_hi - y_lo) * (area.height - 1); };

  const auto xt = nice_ticks(x_lo, x_hi, std::max(2, area.width / 60));
  const auto yt = nice_ticks(y_lo, y_hi, std::max(2, area.height / 40));
  const int bottom_y = area.y + area.height - 1;
  const auto x_labels = tick_labels(xt), y_labels = tick_labels(yt);
  for (std::size_t k = 0; k < xt.values.size(); ++k) {
    const int x = static_cast<int>(std::lround(px(xt.values[k])));
    cv::line(img, {x, area.y}, {x, bottom_y}, grid_colour, 1);
    cv::line(img, {x, bottom_y}, {x, bottom_y + 5}, black, 1);
    put_text(img, x_labels[k], {x, bottom_y + 9}, tick_font, Align::centre, Align::start);
  }
  int widest_y_label = 0;
  for (std::size_t k = 0; k < yt.values.size(); ++k) {
    const int y = static_cast<int>(std::lround(py(yt.values[k])));
    const auto& label = y_labels[k];
    widest_y_label = std::max(widest_y_label, text_size(label, tick_font).width);
    cv::line(img, {area.x, y}, {area.x + area.width - 1, y}, grid_colour, 1);
    cv::line(img, {area.x - 5, y}, {area.x, y}, black, 1);
    put_text(img, label, {area.x - 8, y}, tick_font, Align::end, Align::centre);
  }

  std::vector<std::vector<cv::Point>> vertices(curves.size());
  for (std::size_t k = 0; k < curves.size(); ++k) {
    auto& pts = vertices[k];
    pts.reserve(curves[k].y.size());
    for (std::size_t i = 0; i < curves[k].y.size(); ++i) {
      const double x = style.x_start + static_cast<double>(i) * style.x_step;
      pts.emplace_back(static_cast<int>(std::lround(px(x) * shift_scale)),
                       static_cast<int>(std::lround(py(curves[k].y[i]) * shift_scale)));
    }
    if (pts.size() == 1)
      cv::circle(img, pts[0], 3 << shift_bits, line_colour(k), cv::FILLED, cv::LINE_AA, shift_bits);
    else
      cv::polylines(img, pts, false, line_colour(k), 1, cv::LINE_AA, shift_bits);
  }
  cv::rectangle(img, {area.x - 1, area.y - 1, area.width + 2, area.height + 2}, black, 1);

  put_text(img, style.title, {area.x + area.width / 2, top / 2}, title_font, Align::centre,
           Align::centre);
  put_text(img, style.x_label, {area.x + area.width / 2, style.size.height - 8}, label_font,
           Align::centre, Align::end);
  put_text_upward(img, style.y_label,
                  {std::max(10, area.x - widest_y_label - 20), area.y + area.height / 2},
                  label_font);
  draw_legend(img, area, curves, vertices);
  return img;
}

}  // namespace raserflow::io
