#pragma once
// Small items with the fields io.paper_folders reads, for driving the node directly.
#include <cmath>
#include <complex>
#include <cstdint>
#include <vector>

#include "support/harness.hpp"

namespace io_test {

// Image [4 x 4] in [0, 1), P projections 60 degrees apart, T samples, M = 4 modes.
inline raserflow::Item paper_item(std::int64_t index, std::int64_t p = 3, std::int64_t t = 5) {
  using raserflow::Array;
  std::vector<double> image(16), angles, d0;
  std::vector<std::complex<double>> s, alpha;
  for (std::size_t i = 0; i < 16; ++i)
    image[i] = std::fmod(0.37 * static_cast<double>(i + static_cast<std::size_t>(index)), 1.0);
  for (std::int64_t j = 0; j < p; ++j) {
    angles.push_back(60.0 * static_cast<double>(j));
    for (std::int64_t k = 0; k < t; ++k)
      s.emplace_back(std::sin(static_cast<double>(k + j + index)),
                     std::cos(0.1 * static_cast<double>(k)));
    for (int m = 0; m < 4; ++m) {
      d0.push_back(1e18 * (m + 1));
      alpha.emplace_back(std::cos(static_cast<double>(m + j)),
                         -std::sin(static_cast<double>(m + index)));
    }
  }
  return raserflow::test::item_with(
      index, {{"image", Array::from<double>({4, 4}, image)},
              {"angles", Array::from<double>({p}, angles)},
              {"signals", Array::from<std::complex<double>>({p, t}, s)},
              {"initial_inversion", Array::from<double>({p, 4}, d0)},
              {"initial_transverse", Array::from<std::complex<double>>({p, 4}, alpha)}});
}

}  // namespace io_test
