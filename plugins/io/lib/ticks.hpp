#pragma once
// Axis ticks at "nice" values (1, 2 or 5 times a power of ten), as plotting programs place them.
#include <string>
#include <vector>

namespace raserflow::io {

struct Ticks {
  double step = 0;
  std::vector<double> values;  // multiples of step inside [lo, hi], ascending
};

// At most max(max_count, 2) ticks inside [lo, hi] (lo < hi, both finite).
Ticks nice_ticks(double lo, double hi, int max_count);

// A short label for a tick value: as many decimals as the step needs, scientific notation
// ("2e14", "1.5e-5") for very large or small magnitudes. `largest` is the largest |value| on
// the axis, so every label of an axis gets the same precision ("5.0e10", "1.0e11").
std::string tick_label(double value, double step, double largest = 0);

// Labels of all ticks of an axis, formatted alike.
std::vector<std::string> tick_labels(const Ticks& ticks);

// A non-degenerate [lo, hi] for a data range: a constant range is widened by half a unit
// (or half its magnitude) so it still has ticks and a visible colour.
void widen_if_flat(double& lo, double& hi);

}  // namespace raserflow::io
