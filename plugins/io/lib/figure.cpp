#include "figure.hpp"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "raserflow/error.hpp"
#include "ticks.hpp"

namespace raserflow::io {

RangeMode parse_range_mode(std::string_view name) {
  if (name == "per_field") return RangeMode::per_field;
  if (name == "shared") return RangeMode::shared;
  if (name == "unit") return RangeMode::unit;
  throw Error("unknown range '" + std::string(name) + "'; use per_field, shared or unit");
}

namespace {

// Larger figures are almost certainly a wrong scale; PNG encoders also slow to a crawl.
constexpr double max_pixels = 1 << 28;

cv::Vec2d finite_range(const Panel& p) {
  double lo = INFINITY, hi = -INFINITY;
  for (int r = 0; r < p.values.rows; ++r) {
    const auto* row = p.values.ptr<double>(r);
    for (int c = 0; c < p.values.cols; ++c) {
      if (!std::isfinite(row[c]))
        throw Error("field '" + p.field + "' has a non-finite value (" + std::to_string(row[c]) +
                    ") at [" + std::to_string(r) + ", " + std::to_string(c) +
                    "]; io.png draws finite values only");
      lo = std::min(lo, row[c]);
      hi = std::max(hi, row[c]);
    }
  }
  return {lo, hi};
}

void draw_colour_bar(cv::Mat& fig, const cv::Rect& bar, cv::Vec2d range, Colormap map) {
  // Top is the high end, as in matplotlib's vertical colour bars.
  cv::Mat levels(bar.height, 1, CV_8UC1);
  for (int y = 0; y < bar.height; ++y)
    levels.at<std::uint8_t>(y) =
        cv::saturate_cast<std::uint8_t>(255.0 * (bar.height - 1 - y) / std::max(bar.height - 1, 1));
  cv::Mat colours;
  cv::repeat(colourize(levels, map), 1, bar.width, colours);
  colours.copyTo(fig(bar));
  cv::rectangle(fig, bar, black, 1);
  const double lo = range[0], hi = range[1];
  const auto ticks = nice_ticks(lo, hi, std::max(2, bar.height / 28));
  const auto labels = tick_labels(ticks);
  for (std::size_t k = 0; k < ticks.values.size(); ++k) {
    const double v = ticks.values[k];
    const int y = bar.y + static_cast<int>(std::lround((hi - v) / (hi - lo) * (bar.height - 1)));
    const int x = bar.x + bar.width;
    cv::line(fig, {x, y}, {x + 4, y}, black, 1);
    put_text(fig, labels[k], {x + 7, y}, layout::tick_font, Align::start, Align::centre);
  }
}

}  // namespace

FigureLayout layout_figure(const std::vector<Panel>& panels, const FigureStyle& style) {
  using namespace layout;
  if (panels.empty()) throw Error("no fields to draw");
  FigureLayout out;
  std::vector<cv::Vec2d> ranges;
  for (const auto& p : panels) {
    if (p.values.empty())
      throw Error("field '" + p.field + "' is empty; io.png needs at least one value");
    CV_Assert(p.values.type() == CV_64FC1);
    ranges.push_back(finite_range(p));
  }
  double tallest = 0;
  for (const auto& p : panels)
    tallest = std::max(tallest, static_cast<double>(p.values.rows) * style.scale);
  double width = 2 * margin;
  for (const auto& p : panels)
    width += std::max(static_cast<double>(p.values.cols) * style.scale,
                      static_cast<double>(text_size(p.caption, caption_font).width)) +
             (style.range == RangeMode::per_field ? colour_bar_block : 0) + panel_gap;
  width += (style.range == RangeMode::per_field ? 0 : colour_bar_block) - panel_gap;
  const double height = 2 * margin + caption_height + tallest;
  if (width * height > max_pixels)
    throw Error("the figure would be " + std::to_string(static_cast<long long>(width)) + " x " +
                std::to_string(static_cast<long long>(height)) +
                " pixels; lower 'scale' or draw fewer fields");
  out.size = {static_cast<int>(width), static_cast<int>(height)};

  cv::Vec2d shared = ranges.front();
  for (auto r : ranges) shared = {std::min(shared[0], r[0]), std::max(shared[1], r[1])};
  widen_if_flat(shared[0], shared[1]);

  int x = margin;
  const int top = margin + caption_height;
  for (std::size_t i = 0; i < panels.size(); ++i) {
    const auto& p = panels[i];
    const int w = p.values.cols * style.scale, h = p.values.rows * style.scale;
    const int slot = std::max(w, text_size(p.caption, caption_font).width);
    out.images.emplace_back(x + (slot - w) / 2, top, w, h);
    if (style.range == RangeMode::per_field) {
      auto r = ranges[i];
      widen_if_flat(r[0], r[1]);
      out.bars.emplace_back(x + slot + bar_gap, top, bar_width, h);
      out.bar_ranges.push_back(r);
      x += colour_bar_block;
    }
    x += slot + panel_gap;
  }
  if (style.range != RangeMode::per_field) {
    out.bars.emplace_back(x - panel_gap + bar_gap, top, bar_width, static_cast<int>(tallest));
    out.bar_ranges.push_back(style.range == RangeMode::unit ? cv::Vec2d{0, 1} : shared);
  }
  return out;
}

cv::Mat draw_figure(const std::vector<Panel>& panels, const FigureStyle& style) {
  const auto lay = layout_figure(panels, style);
  cv::Mat fig(lay.size, CV_8UC3, white);
  for (std::size_t i = 0; i < panels.size(); ++i) {
    const auto& p = panels[i];
    const auto range = lay.bar_ranges[style.range == RangeMode::per_field ? i : 0];
    // Values to 0..255 with rounding; outside the range (unit mode) saturates to the ends.
    cv::Mat levels, big;
    p.values.convertTo(levels, CV_8U, 255.0 / (range[1] - range[0]),
                       -255.0 * range[0] / (range[1] - range[0]));
    // Exact integer blocks; cv::resize's nearest neighbour maps through 1/scale in floating point.
    big.create(lay.images[i].size(), CV_8UC1);
    for (int y = 0; y < big.rows; ++y) {
      const auto* src = levels.ptr<std::uint8_t>(y / style.scale);
      auto* dst = big.ptr<std::uint8_t>(y);
      for (int x = 0; x < big.cols; ++x) dst[x] = src[x / style.scale];
    }
    colourize(big, style.colormap).copyTo(fig(lay.images[i]));
    const auto& img = lay.images[i];
    cv::rectangle(fig, {img.x - 1, img.y - 1, img.width + 2, img.height + 2}, {128, 128, 128}, 1);
    put_text(fig, p.caption, {img.x + img.width / 2, img.y - 8}, layout::caption_font,
             Align::centre, Align::end);
  }
  for (std::size_t b = 0; b < lay.bars.size(); ++b)
    draw_colour_bar(fig, lay.bars[b], lay.bar_ranges[b], style.colormap);
  return fig;
}

}  // namespace raserflow::io
