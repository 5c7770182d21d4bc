#pragma once
// io.png's figure: 2-D fields drawn side by side as captioned panels with colour bars, like
// the paper's Fig. 4 A-D.
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "draw.hpp"

namespace raserflow::io {

enum class RangeMode { per_field, shared, unit };
RangeMode parse_range_mode(std::string_view name);  // "per_field", "shared" or "unit"

struct Panel {
  std::string field;  // for error messages
  std::string caption;
  cv::Mat values;  // CV_64F, rows x cols, finite
};

struct FigureStyle {
  int scale = 8;  // each value becomes a scale x scale block (nearest neighbour)
  Colormap colormap = Colormap::gray;
  RangeMode range = RangeMode::per_field;
};

// Fixed sizes in pixels, so a figure's size follows from its panels alone:
//   width  = 2 margin + sum(slot widths) + (panels - 1) panel_gap [+ colour_bar_block if one bar]
//   height = 2 margin + caption_height + tallest panel
// where a slot is max(cols * scale, caption width) [+ colour_bar_block with per_field ranges].
namespace layout {
inline constexpr int margin = 12;
inline constexpr int caption_height = 26;
inline constexpr int panel_gap = 16;
inline constexpr int bar_gap = 8;
inline constexpr int bar_width = 14;
inline constexpr int bar_label_width = 64;
inline constexpr int colour_bar_block = bar_gap + bar_width + bar_label_width;
inline constexpr double caption_font = 0.5;
inline constexpr double tick_font = 0.38;
}  // namespace layout

struct FigureLayout {
  cv::Size size;
  std::vector<cv::Rect> images;       // where each panel's pixels are
  std::vector<cv::Rect> bars;         // one per panel (per_field) or one in all
  std::vector<cv::Vec2d> bar_ranges;  // [lo, hi] of each bar
};

// Throws raserflow::Error when a panel is empty or holds a non-finite value (naming the field
// and the element), or when the figure would be unreasonably large.
FigureLayout layout_figure(const std::vector<Panel>& panels, const FigureStyle& style);
cv::Mat draw_figure(const std::vector<Panel>& panels, const FigureStyle& style);

}  // namespace raserflow::io
