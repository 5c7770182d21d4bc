#include "random_render.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "draws.hpp"

namespace raserflow::phantom {
namespace {

// Shapes are drawn hard-edged on a grid kSuper times finer and averaged down by area, so a
// pixel's coverage is the fraction of it inside the shape (in steps of 1/kSuper^2). OpenCV's
// LINE_AA smoothing was not used: its edges spread over 1-1.5 px and grow every shape by
// about 0.7 px along its outline. Coordinates are fixed-point with kShift fractional bits.
constexpr int kSuper = 4;
constexpr int kShift = 4;
constexpr double kFixed = 1 << kShift;

cv::Mat fine_canvas(int size) {
  return cv::Mat::zeros(size * kSuper, size * kSuper, CV_8U);
}

// Pixel centre i of the image is the centre of fine pixels kSuper i .. kSuper i + kSuper - 1.
cv::Point fine_point(double x, double y) {
  constexpr double offset = (kSuper - 1) / 2.0;
  return {static_cast<int>(std::lround((x * kSuper + offset) * kFixed)),
          static_cast<int>(std::lround((y * kSuper + offset) * kFixed))};
}
cv::Point fine_point(const Point& p) {
  return fine_point(p.x, p.y);
}
int fine_radius(double length) {
  return static_cast<int>(std::lround(length * kSuper * kFixed));
}
int fine_thickness(double width) {
  return std::max(1, static_cast<int>(std::lround(width * kSuper)));
}

// Mean of each kSuper x kSuper block, as a fraction of full intensity (exact multiples of
// 1/kSuper^2 for hard-edged drawings).
cv::Mat coverage(const cv::Mat& fine) {
  const int rows = fine.rows / kSuper, cols = fine.cols / kSuper;
  cv::Mat out(rows, cols, CV_64F);
  constexpr double full = 255.0 * kSuper * kSuper;
  for (int r = 0; r < rows; ++r) {
    auto* dst = out.ptr<double>(r);
    for (int c = 0; c < cols; ++c) {
      int sum = 0;
      for (int i = 0; i < kSuper; ++i) {
        const auto* src = fine.ptr<std::uint8_t>(r * kSuper + i) + c * kSuper;
        for (int j = 0; j < kSuper; ++j) sum += src[j];
      }
      dst[c] = sum / full;
    }
  }
  return out;
}

// White over the image with this coverage and opacity: stays in [0, 1].
void composite(cv::Mat& image, const cv::Mat& cover, double opacity) {
  for (int r = 0; r < image.rows; ++r) {
    auto* px = image.ptr<double>(r);
    const auto* cov = cover.ptr<double>(r);
    for (int c = 0; c < image.cols; ++c) px[c] += opacity * cov[c] * (1.0 - px[c]);
  }
}

void blur(cv::Mat& image, double sigma) {
  if (sigma > 0)
    cv::GaussianBlur(image, image, cv::Size(0, 0), sigma, sigma, cv::BORDER_REFLECT_101);
}

const cv::Scalar kOn(255), kOff(0);

cv::Mat shape_coverage(const ShapeDraw& shape, int size) {
  cv::Mat m = fine_canvas(size);
  if (shape.circle) {
    cv::circle(m, fine_point(shape.centre), fine_radius(shape.radius), kOn, cv::FILLED, cv::LINE_8,
               kShift);
  } else {
    std::vector<cv::Point> pts;
    for (const auto& v : shape.vertices) pts.push_back(fine_point(v));
    cv::fillPoly(m, std::vector<std::vector<cv::Point>>{pts}, kOn, cv::LINE_8, kShift);
  }
  return coverage(m);
}

// Silhouette outlines in the mask's own frame, in units of its extent (width 1).
std::vector<Point> square_outline() {
  return {{-0.5, -0.5}, {0.5, -0.5}, {0.5, 0.5}, {-0.5, 0.5}};
}

std::vector<Point> star_outline() {
  std::vector<Point> pts;
  for (int k = 0; k < 10; ++k) {
    const double r = k % 2 == 0 ? 0.5 : 0.2;
    const double a = -std::numbers::pi / 2 + k * std::numbers::pi / 5;
    pts.push_back({r * std::cos(a), r * std::sin(a)});
  }
  return pts;
}

std::vector<Point> cross_outline() {
  constexpr double w = 1.0 / 6.0, h = 0.5;
  return {{-w, -h}, {w, -h}, {w, -w}, {h, -w}, {h, w},   {w, w},
          {w, h},   {-w, h}, {-w, w}, {-h, w}, {-h, -w}, {-w, -w}};
}

std::vector<cv::Point> place(const std::vector<Point>& unit, const MaskDraw& mask) {
  const double c = std::cos(mask.angle), s = std::sin(mask.angle);
  std::vector<cv::Point> out;
  for (const auto& p : unit) {
    const double x = p.x * mask.extent, y = p.y * mask.extent;
    out.push_back(fine_point(mask.centre.x + c * x - s * y, mask.centre.y + s * x + c * y));
  }
  return out;
}

}  // namespace

cv::Mat mask_coverage(const MaskDraw& mask, int size) {
  cv::Mat m = fine_canvas(size);
  auto fill = [&](const std::vector<Point>& outline) {
    cv::fillPoly(m, std::vector<std::vector<cv::Point>>{place(outline, mask)}, kOn, cv::LINE_8,
                 kShift);
  };
  auto disc = [&](cv::Point centre, double radius, const cv::Scalar& value) {
    cv::circle(m, centre, fine_radius(radius), value, cv::FILLED, cv::LINE_8, kShift);
  };
  switch (mask.kind) {
    case MaskKind::circle:
      disc(fine_point(mask.centre), mask.extent / 2, kOn);
      break;
    case MaskKind::square:
      fill(square_outline());
      break;
    case MaskKind::star:
      fill(star_outline());
      break;
    case MaskKind::cross:
      fill(cross_outline());
      break;
    case MaskKind::scribble:
      cv::polylines(m, std::vector<std::vector<cv::Point>>{place(mask.scribble, mask)}, false, kOn,
                    fine_thickness(0.18 * mask.extent), cv::LINE_8, kShift);
      break;
    case MaskKind::crescent:
      // A disc with a smaller disc bitten out of one side; the rotation picks the side.
      disc(fine_point(mask.centre), mask.extent / 2, kOn);
      disc(place({{0.2, 0.0}}, mask).front(), 0.4 * mask.extent, kOff);
      break;
  }
  return coverage(m);
}

cv::Mat render(const Recipe& recipe) {
  const int n = recipe.size;
  cv::Mat image = cv::Mat::zeros(n, n, CV_64F);
  for (const auto& shape : recipe.shapes) composite(image, shape_coverage(shape, n), shape.opacity);
  if (recipe.blur_sigma) blur(image, *recipe.blur_sigma);
  if (recipe.noise_sigma) {
    std::mt19937_64 g(recipe.noise_seed);
    for (int r = 0; r < n; ++r) {
      auto* px = image.ptr<double>(r);
      for (int c = 0; c < n; ++c)
        px[c] = std::clamp(px[c] + *recipe.noise_sigma * standard_normal(g), 0.0, 1.0);
    }
  }
  cv::Mat mask = mask_coverage(recipe.mask, n);
  blur(mask, recipe.mask.blur_sigma);
  image = image.mul(mask);
  if (recipe.line) {
    const auto& l = *recipe.line;
    const double reach = 2.0 * n;  // far past both edges: the line crosses the whole image
    const double dx = reach * std::cos(l.angle), dy = reach * std::sin(l.angle);
    cv::Mat m = fine_canvas(n);
    cv::line(m, fine_point(l.through.x - dx, l.through.y - dy),
             fine_point(l.through.x + dx, l.through.y + dy), kOn, fine_thickness(l.width),
             cv::LINE_8, kShift);
    cv::Mat cover = coverage(m);
    if (l.blur_sigma) blur(cover, *l.blur_sigma);
    composite(image, cover, l.opacity);
  }
  // Blur and compositing keep [0, 1] mathematically; clamp away rounding at the ends.
  cv::min(image, 1.0, image);
  cv::max(image, 0.0, image);
  return image;
}

}  // namespace raserflow::phantom
