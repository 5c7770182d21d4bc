#include "numerics/fbp_filter.hpp"

#include <cmath>
#include <complex>
#include <numbers>

#include "numerics/dft.hpp"
#include "raserflow/error.hpp"

namespace raserflow::radon {
namespace {

constexpr double pi = std::numbers::pi;

// numpy.fft.fftshift for an even length: index k reads the unshifted index k + size/2.
std::vector<double> fftshift(const std::vector<double>& v) {
  const std::size_t n = v.size(), half = n / 2;
  std::vector<double> out(n);
  for (std::size_t k = 0; k < n; ++k) out[k] = v[(k + half) % n];
  return out;
}

// numpy.hamming / numpy.hanning: a + (1 - a) cos(pi m / (size - 1)), m = 1 - size, 3 - size, ...
std::vector<double> cosine_window(std::int64_t size, double a) {
  std::vector<double> w(static_cast<std::size_t>(size));
  for (std::int64_t i = 0; i < size; ++i) {
    const double m = static_cast<double>(1 - size + 2 * i);
    w[static_cast<std::size_t>(i)] = a + (1 - a) * std::cos(pi * m / static_cast<double>(size - 1));
  }
  return w;
}

}  // namespace

const std::vector<std::string>& filter_names() {
  static const std::vector<std::string> names{"ramp",    "shepp-logan", "cosine",
                                              "hamming", "hann",        "none"};
  return names;
}

Filter parse_filter(std::string_view name) {
  const auto& names = filter_names();
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<Filter>(i);
  throw Error("unknown filter '" + std::string(name) +
              "'; use ramp, shepp-logan, cosine, hamming, hann or none");
}

std::vector<double> fourier_filter(const ComplexDft& forward, Filter filter) {
  const std::int64_t size = forward.size();
  if (size < 2 || size % 2 != 0)
    throw Error("the FBP filter length must be even, got " + std::to_string(size));
  const auto n = static_cast<std::size_t>(size);

  std::vector<std::complex<double>> kernel(n, 0.0);
  kernel[0] = 0.25;
  for (std::size_t j = 1; j < n; j += 2) {
    const double nj = static_cast<double>(std::min(j, n - j));
    kernel[j] = -1.0 / ((pi * nj) * (pi * nj));
  }
  forward.execute(kernel);
  std::vector<double> h(n);
  for (std::size_t k = 0; k < n; ++k) h[k] = 2.0 * kernel[k].real();

  switch (filter) {
    case Filter::ramp:
      break;
    case Filter::shepp_logan:
      // sinc window: omega = pi * fftfreq(size), DC left alone (sin(0)/0 is its limit, 1).
      for (std::size_t k = 1; k < n; ++k) {
        const auto signed_k = static_cast<double>(k < n / 2 ? static_cast<std::int64_t>(k)
                                                            : static_cast<std::int64_t>(k) - size);
        const double omega = pi * (signed_k * (1.0 / static_cast<double>(size)));
        h[k] *= std::sin(omega) / omega;
      }
      break;
    case Filter::cosine: {
      std::vector<double> w(n);
      const double step = pi / static_cast<double>(size);
      for (std::size_t k = 0; k < n; ++k) w[k] = std::sin(static_cast<double>(k) * step);
      w = fftshift(w);
      for (std::size_t k = 0; k < n; ++k) h[k] *= w[k];
      break;
    }
    case Filter::hamming:
    case Filter::hann: {
      const auto w = fftshift(cosine_window(size, filter == Filter::hamming ? 0.54 : 0.5));
      for (std::size_t k = 0; k < n; ++k) h[k] *= w[k];
      break;
    }
    case Filter::none:
      std::fill(h.begin(), h.end(), 1.0);
      break;
  }
  return h;
}

std::vector<double> fourier_filter(std::int64_t size, Filter filter) {
  const ComplexDft forward(size, -1);
  return fourier_filter(forward, filter);
}

}  // namespace raserflow::radon
