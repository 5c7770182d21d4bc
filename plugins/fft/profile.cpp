#include "profile.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "raserflow/error.hpp"

namespace raserflow::fft {

namespace {

void check_width(std::int64_t bins, std::int64_t width) {
  if (width < 1 || width > bins)
    throw Error("an ROI of " + std::to_string(width) + " bins does not fit in a half spectrum of " +
                std::to_string(bins) + " bins; lower 'roi' or raise 'padding'");
}

Roi clamp(Roi r, std::int64_t bins, std::int64_t width) {
  if (r.start < 0) {
    r.start = 0;
    r.clamped = true;
  } else if (r.start + width > bins) {
    r.start = bins - width;
    r.clamped = true;
  }
  return r;
}

}  // namespace

Roi locate_roi(std::span<const double> half, std::int64_t width) {
  const auto bins = static_cast<std::int64_t>(half.size());
  check_width(bins, width);
  Roi r;
  r.peak = std::max_element(half.begin(), half.end()) - half.begin();
  r.start = r.peak - width / 2;
  return clamp(r, bins, width);
}

Roi roi_around(std::span<const double> half, std::int64_t width, std::int64_t centre) {
  const auto bins = static_cast<std::int64_t>(half.size());
  check_width(bins, width);
  Roi r;
  r.peak = std::max_element(half.begin(), half.end()) - half.begin();
  r.start = centre - width / 2;
  return clamp(r, bins, width);
}

void minmax_normalize(std::span<double> v) {
  if (v.empty()) return;
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  const double min = *lo, range = *hi - *lo;
  if (!(range > 0)) {
    std::fill(v.begin(), v.end(), 0.0);
    return;
  }
  for (auto& x : v) x = (x - min) / range;
}

double sample_periodic(std::span<const double> spectrum, double bin) {
  if (spectrum.empty()) throw Error("cannot sample an empty spectrum");
  if (!std::isfinite(bin)) throw Error("cannot sample a spectrum at a non-finite bin");
  const auto n = static_cast<double>(spectrum.size());
  // Reduce first so huge bins keep their fractional part exact enough.
  double u = std::fmod(bin, n);
  if (u < 0) u += n;
  const double below = std::floor(u);
  const double frac = u - below;
  auto i0 = static_cast<std::size_t>(below);
  if (i0 >= spectrum.size()) i0 = 0;  // u rounded up to n
  const std::size_t i1 = i0 + 1 == spectrum.size() ? 0 : i0 + 1;
  return (1.0 - frac) * spectrum[i0] + frac * spectrum[i1];
}

}  // namespace raserflow::fft
