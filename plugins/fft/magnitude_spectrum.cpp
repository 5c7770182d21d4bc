#include "magnitude_spectrum.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "raserflow/error.hpp"

namespace raserflow::fft {

std::int64_t padded_length(std::int64_t samples, std::int64_t pad_each_side) {
  return samples + 2 * pad_each_side;
}

namespace {

std::complex<double> pad_value(std::span<const std::complex<double>> fid, PadWith with) {
  if (with == PadWith::zero) return {};
  // As numpy's x[-10:] does, a FID shorter than 10 samples averages all it has.
  const auto n = std::min<std::int64_t>(last_mean_samples, static_cast<std::int64_t>(fid.size()));
  std::complex<double> sum{};
  for (auto x : fid.last(static_cast<std::size_t>(n))) sum += x;
  return sum / static_cast<double>(n);
}

std::complex<double> combined(std::complex<double> x, Combine combine) {
  return combine == Combine::complex ? x : std::complex<double>(x.real() + x.imag(), 0.0);
}

// std::abs goes through hypot, which took most of the node's time; sqrt(re² + im²) differs
// by an ulp at most and needs hypot only where the squares overflow.
double modulus(std::complex<double> z) {
  const double m = std::sqrt(std::norm(z));
  return std::isfinite(m) ? m : std::abs(z);
}

}  // namespace

void magnitude_spectrum(std::span<const std::complex<double>> fid, const SpectrumSettings& settings,
                        ForwardPlans& plans, SpectrumWorkspace& work, std::span<double> magnitude) {
  if (fid.empty()) throw Error("the FID has no samples");
  const auto samples = static_cast<std::int64_t>(fid.size());
  const auto n = padded_length(samples, settings.pad_each_side);
  if (static_cast<std::int64_t>(magnitude.size()) != n)
    throw Error("magnitude buffer holds " + std::to_string(magnitude.size()) + " values, not " +
                std::to_string(n));
  if (work.size != n) {
    work.in = complex_buffer(n);
    work.out = complex_buffer(n);
    work.size = n;
  }
  const auto pad = combined(pad_value(fid, settings.pad_with), settings.combine);
  auto* in = work.in.get();
  std::fill(in, in + settings.pad_each_side, pad);
  for (std::int64_t k = 0; k < samples; ++k)
    in[settings.pad_each_side + k] = combined(fid[static_cast<std::size_t>(k)], settings.combine);
  std::fill(in + settings.pad_each_side + samples, in + n, pad);
  plans.execute(n, in, work.out.get());
  for (std::int64_t k = 0; k < n; ++k)
    magnitude[static_cast<std::size_t>(k)] = modulus(work.out[k]);
}

}  // namespace raserflow::fft
