#pragma once
// Image quality metrics with scikit-image's conventions (science.md §3.5), so numbers agree
// with the paper's evaluation code: mean_squared_error, peak_signal_noise_ratio and
// structural_similarity (uniform 7 x 7 window, sample covariance, explicit data range).
#include <cstdint>
#include <span>
#include <vector>

namespace raserflow::metrics {

// A read-only row-major image.
struct ImageView {
  std::span<const double> values;
  std::int64_t rows = 0, cols = 0;
  double at(std::int64_t r, std::int64_t c) const {
    return values[static_cast<std::size_t>(r * cols + c)];
  }
};

// The same image without `border` pixels on each side.
std::vector<double> crop(const ImageView& image, std::int64_t border);

// max - min of the image: the data range skimage is given in the paper's code.
double data_range(const ImageView& reference);

// mean((a - b)^2).
double mean_squared_error(const ImageView& a, const ImageView& b);

// 10 log10(R^2 / mse) in dB; +inf for identical images.
double peak_signal_noise_ratio(const ImageView& reference, const ImageView& test, double range);

// Mean of `size` x `size` neighbourhoods with mirrored borders (d c b a | a b c d: scipy's
// 'reflect', OpenCV's BORDER_REFLECT), as scipy.ndimage.uniform_filter. size odd, at most
// the smaller side.
std::vector<double> uniform_filter(const ImageView& image, int size);

inline constexpr int kSsimWindow = 7;

// skimage.metrics.structural_similarity(reference, test, data_range=range) with its defaults:
// 7 x 7 uniform window, K1 = 0.01, K2 = 0.03, covariances scaled by 49/48, and the mean of
// the SSIM map without a 3-pixel border. Both sides must be at least 7 pixels.
double structural_similarity(const ImageView& reference, const ImageView& test, double range);

}  // namespace raserflow::metrics
