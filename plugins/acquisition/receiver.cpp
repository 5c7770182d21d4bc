#include "receiver.hpp"

#include <algorithm>
#include <cmath>

namespace raserflow::acquisition {

void receive(std::span<const std::complex<double>> signals, std::int64_t samples,
             const ReceiverSettings& settings, std::mt19937_64& gen,
             std::span<std::complex<double>> fid) {
  const auto t = static_cast<std::size_t>(samples);
  const std::complex<double> rotation = std::polar(1.0, settings.phase);
  const bool noisy = std::isfinite(settings.snr);
  std::normal_distribution<double> normal(0.0, 1.0);
  for (std::size_t row = 0; row < signals.size() / t; ++row) {
    const auto in = signals.subspan(row * t, t);
    const auto out = fid.subspan(row * t, t);
    double peak2 = 0;  // squared: no hypot per sample, one square root per row
    for (auto x : in) peak2 = std::max(peak2, std::norm(x));
    const double sigma = noisy ? std::sqrt(peak2) / settings.snr : 0.0;
    for (std::size_t k = 0; k < t; ++k) {
      out[k] = in[k] * rotation;
      if (noisy) {
        const double re = normal(gen);
        out[k] += std::complex<double>(sigma * re, sigma * normal(gen));
      }
    }
  }
}

}  // namespace raserflow::acquisition
