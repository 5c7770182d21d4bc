#pragma once
// Zero-filled magnitude spectrum of one FID channel, science.md §2.3 steps 1-3.
#include <complex>
#include <cstdint>
#include <span>

#include "fftw_plans.hpp"

namespace raserflow::fft {

// What fills the padding: zeros (the paper's text), or the mean of the channel's last
// `last_mean_samples` samples (the paper's code), which keeps a slowly decaying FID from
// stepping down to zero at its end.
enum class PadWith { zero, last_mean };
inline constexpr std::int64_t last_mean_samples = 10;

// How a complex FID becomes the sequence that is transformed: `complex` keeps re + i·im;
// `real_sum` transforms the real sequence re + im, as the paper's code does. For a signal with
// only positive frequencies the positive half of |FFT(re + im)| equals |FFT(re + i·im)|/√2;
// a real sequence cannot tell +ν from -ν, so content at negative frequencies folds onto the
// positive half.
enum class Combine { complex, real_sum };

struct SpectrumSettings {
  std::int64_t pad_each_side = 0;  // samples added before and after the FID
  PadWith pad_with = PadWith::zero;
  Combine combine = Combine::complex;
};

std::int64_t padded_length(std::int64_t samples, std::int64_t pad_each_side);

// Reusable buffers for one thread: sized on first use.
struct SpectrumWorkspace {
  std::int64_t size = 0;
  ComplexBuffer in, out;
};

// |DFT| of the padded, combined FID, all padded_length() bins: bin k is at frequency
// k/(Npad·dwell) for k < Npad/2 and (k - Npad)/(Npad·dwell) above (unnormalised DFT, so a
// tone of amplitude A at a bin frequency gives A·T there).
void magnitude_spectrum(std::span<const std::complex<double>> fid, const SpectrumSettings& settings,
                        ForwardPlans& plans, SpectrumWorkspace& work, std::span<double> magnitude);

}  // namespace raserflow::fft
