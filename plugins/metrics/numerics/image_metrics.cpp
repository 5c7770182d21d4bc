#include "image_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace raserflow::metrics {
namespace {

std::size_t index(std::int64_t r, std::int64_t c, std::int64_t cols) {
  return static_cast<std::size_t>(r * cols + c);
}

// Mirror an index that runs past either end by less than n: -1 -> 0, n -> n - 1.
std::int64_t reflect(std::int64_t i, std::int64_t n) {
  if (i < 0) return -i - 1;
  if (i >= n) return 2 * n - i - 1;
  return i;
}

// One axis of the separable box mean; `along_rows` picks the axis.
std::vector<double> box_mean_1d(const std::vector<double>& in, std::int64_t rows, std::int64_t cols,
                                int size, bool along_rows) {
  std::vector<double> out(in.size());
  const int half = size / 2;
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t c = 0; c < cols; ++c) {
      double sum = 0.0;
      for (int k = -half; k <= half; ++k)
        sum += along_rows ? in[index(reflect(r + k, rows), c, cols)]
                          : in[index(r, reflect(c + k, cols), cols)];
      out[index(r, c, cols)] = sum / size;
    }
  return out;
}

std::vector<double> product(const ImageView& a, const ImageView& b) {
  std::vector<double> out(a.values.size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = a.values[i] * b.values[i];
  return out;
}

ImageView view(const std::vector<double>& v, const ImageView& like) {
  return {v, like.rows, like.cols};
}

}  // namespace

std::vector<double> crop(const ImageView& image, std::int64_t border) {
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(
      std::max<std::int64_t>(0, (image.rows - 2 * border) * (image.cols - 2 * border))));
  for (std::int64_t r = border; r < image.rows - border; ++r)
    for (std::int64_t c = border; c < image.cols - border; ++c) out.push_back(image.at(r, c));
  return out;
}

double data_range(const ImageView& reference) {
  const auto [lo, hi] = std::minmax_element(reference.values.begin(), reference.values.end());
  return *hi - *lo;
}

double mean_squared_error(const ImageView& a, const ImageView& b) {
  double sum = 0.0;
  for (std::size_t i = 0; i < a.values.size(); ++i) {
    const double d = a.values[i] - b.values[i];
    sum += d * d;
  }
  return sum / static_cast<double>(a.values.size());
}

double peak_signal_noise_ratio(const ImageView& reference, const ImageView& test, double range) {
  const double mse = mean_squared_error(reference, test);
  if (mse == 0.0) return std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(range * range / mse);
}

std::vector<double> uniform_filter(const ImageView& image, int size) {
  const std::vector<double> in(image.values.begin(), image.values.end());
  // Down the columns first, then along the rows, in scipy's axis order.
  return box_mean_1d(box_mean_1d(in, image.rows, image.cols, size, true), image.rows, image.cols,
                     size, false);
}

double structural_similarity(const ImageView& x, const ImageView& y, double range) {
  constexpr int w = kSsimWindow;
  constexpr double k1 = 0.01, k2 = 0.03;
  constexpr double np = w * w;
  constexpr double cov_norm = np / (np - 1.0);  // unbiased (sample) covariance
  const double c1 = (k1 * range) * (k1 * range), c2 = (k2 * range) * (k2 * range);

  const auto xx = product(x, x), yy = product(y, y), xy = product(x, y);
  const auto ux = uniform_filter(x, w), uy = uniform_filter(y, w);
  const auto uxx = uniform_filter(view(xx, x), w), uyy = uniform_filter(view(yy, x), w),
             uxy = uniform_filter(view(xy, x), w);

  const std::int64_t pad = (w - 1) / 2;
  double sum = 0.0;
  for (std::int64_t r = pad; r < x.rows - pad; ++r)
    for (std::int64_t c = pad; c < x.cols - pad; ++c) {
      const auto i = index(r, c, x.cols);
      const double vx = cov_norm * (uxx[i] - ux[i] * ux[i]);
      const double vy = cov_norm * (uyy[i] - uy[i] * uy[i]);
      const double vxy = cov_norm * (uxy[i] - ux[i] * uy[i]);
      const double a1 = 2 * ux[i] * uy[i] + c1, a2 = 2 * vxy + c2;
      const double b1 = ux[i] * ux[i] + uy[i] * uy[i] + c1, b2 = vx + vy + c2;
      sum += (a1 * a2) / (b1 * b2);
    }
  return sum / static_cast<double>((x.rows - 2 * pad) * (x.cols - 2 * pad));
}

}  // namespace raserflow::metrics
