#pragma once
// Projection profiles for raser.simulate tests.
#include <algorithm>
#include <vector>

#include "raserflow/raserflow.hpp"

namespace raserflow::test {

// P projections of M bins: a disc-like profile, shifted per row.
raserflow::Array profiles(int P, int M) {
  std::vector<double> v;
  for (int j = 0; j < P; ++j)
    for (int m = 0; m < M; ++m) {
      const double x = (m - M / 2 - j) / (M / 3.0);
      v.push_back(std::max(0.0, 1 - x * x));
    }
  return raserflow::Array::from<double>({P, M}, v);
}

}  // namespace raserflow::test
