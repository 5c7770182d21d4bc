#pragma once
// Frequency responses of the FBP filters, built the way scikit-image 0.19.3's iradon builds
// them (science.md §2.5).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace raserflow::radon {

class ComplexDft;

enum class Filter { ramp, shepp_logan, cosine, hamming, hann, none };

// The names a pipeline uses: ramp, shepp-logan, cosine, hamming, hann, none.
const std::vector<std::string>& filter_names();
Filter parse_filter(std::string_view name);  // throws raserflow::Error on an unknown name

// Response H[k] over the bins of an unshifted DFT of `forward.size()` (even) points. The ramp
// is not |k| sampled but 2 Re DFT of the band-limited ramp's spatial kernel (f[0] = 1/4,
// f[j] = -1/(pi n_j)^2 at odd j, n_j = min(j, size - j)), which removes the DC bias of a
// sampled ramp (Kak & Slaney ch. 3 eq. 61); the window multiplies it.
std::vector<double> fourier_filter(const ComplexDft& forward, Filter filter);
std::vector<double> fourier_filter(std::int64_t size, Filter filter);

}  // namespace raserflow::radon
