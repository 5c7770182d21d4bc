#pragma once
// From a magnitude spectrum to the vectors the correctors read: the ROI around the peak
// (science.md §2.3 steps 3-4), min-max scaling, and the spectrum sampled at mode frequencies.
#include <cstdint>
#include <span>

namespace raserflow::fft {

struct Roi {
  std::int64_t peak = 0;   // argmax of the half spectrum (first one on ties, as numpy)
  std::int64_t start = 0;  // first bin of the ROI
  bool clamped = false;    // [peak - width/2, peak - width/2 + width) ran past an end
};

// The ROI of `width` bins around the peak of `half`: [peak - width/2, peak - width/2 + width),
// moved inwards to fit when it would run past either end (the paper's code dropped the whole
// image instead). Throws raserflow::Error when half has fewer than `width` bins.
Roi locate_roi(std::span<const double> half, std::int64_t width);
// The ROI of `width` bins around a fixed bin `centre` (the same for every spectrum), moved
// inwards in the same way; `peak` is still the argmax of `half`.
Roi roi_around(std::span<const double> half, std::int64_t width, std::int64_t centre);

// v -> (v - min)/(max - min), so the range is exactly [0, 1]. A constant vector carries no
// profile and becomes all zeros (the paper's code filled it with uninitialised memory).
void minmax_normalize(std::span<double> v);

// Linear interpolation of a periodic spectrum at fractional bin `bin`: the DFT is periodic in
// frequency, so bins wrap around (a frequency beyond ±f_s/2 reads its alias, exactly what the
// sampled signal contains).
double sample_periodic(std::span<const double> spectrum, double bin);

}  // namespace raserflow::fft
