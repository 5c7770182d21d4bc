#pragma once
// The settings that give a bin of fft.spectrum's `spectra` its meaning. They travel with the
// data as the text field `spectrum_convention`, and a model records those of its training data,
// so a corrector never reads spectra made another way without saying so.
#include <cstdint>
#include <string>

namespace raserflow::fft {

struct SpectrumConvention {
  std::int64_t samples = 0;        // FID length T
  double dwell = 0;                // s
  std::int64_t padded_length = 0;  // transform length Npad; a bin is 1/(Npad·dwell) Hz
  std::string pad_with;            // zero | last_mean
  std::string combine;             // complex | real_sum
  std::string normalize;           // minmax | none
  std::int64_t roi = 0;            // bins kept
  std::string roi_at;              // peak | frequency
  double roi_frequency = 0;        // Hz; meaningful when roi_at is frequency
};

// One line of JSON with every setting and hz_per_bin.
std::string convention_json(const SpectrumConvention& c);

// Empty when the two JSON conventions agree (numbers to 1e-9 relative, roi_frequency only when
// both centre on a frequency); else one sentence per difference, "hz_per_bin: expected 0.0977,
// got 0.195". Throws raserflow::Error when either is not a convention.
std::string convention_difference(const std::string& expected, const std::string& got);

}  // namespace raserflow::fft
