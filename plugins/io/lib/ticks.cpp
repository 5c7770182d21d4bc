#include "ticks.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace raserflow::io {

namespace {

Ticks ticks_with_step(double lo, double hi, double step) {
  Ticks t{step, {}};
  // Indices rather than accumulated sums, so 0.1 * 3 prints as 0.3 and not 0.30000000000000004.
  const auto first = static_cast<long long>(std::ceil(lo / step - 1e-9));
  const auto last = static_cast<long long>(std::floor(hi / step + 1e-9));
  for (long long k = first; k <= last; ++k) t.values.push_back(static_cast<double>(k) * step);
  return t;
}

// The next smaller step of the 1-2-5 ladder.
double smaller_step(double step) {
  const double decade = std::pow(10.0, std::floor(std::log10(step) + 1e-9));
  const double m = std::round(step / decade);
  return m >= 5 ? 2 * decade : m >= 2 ? decade : 0.5 * decade;
}

}  // namespace

Ticks nice_ticks(double lo, double hi, int max_count) {
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) return {0, {lo}};
  max_count = std::max(max_count, 2);
  const double raw = (hi - lo) / (max_count - 1);
  const double decade = std::pow(10.0, std::floor(std::log10(raw)));
  double step = 10 * decade;
  for (double m : {1.0, 2.0, 5.0}) {
    if (m * decade >= raw * (1 - 1e-12)) {
      step = m * decade;
      break;
    }
  }
  auto t = ticks_with_step(lo, hi, step);
  // A range that straddles no multiple of the step (0.1 .. 0.9 with step 1) would get no
  // ticks: a finer step gives at least two, even if that is a little over max_count.
  while (t.values.size() < 2) t = ticks_with_step(lo, hi, smaller_step(t.step));
  return t;
}

std::string tick_label(double value, double step, double largest) {
  if (std::abs(value) < step * 1e-9) return "0";  // no "-0" or "1e-17" at the origin
  const double magnitude = std::max({std::abs(value), step, largest});
  char buf[48];
  if (magnitude >= 1e5 || step < 1e-3) {
    const int digits = std::clamp(
        static_cast<int>(std::floor(std::log10(magnitude)) - std::floor(std::log10(step) + 1e-9)),
        0, 6);
    std::snprintf(buf, sizeof buf, "%.*e", digits, value);
    // "2.5e+14" -> "2.5e14", "1e-05" -> "1e-5": shorter labels for narrow axes.
    std::string s(buf), out;
    const auto e = s.find('e');
    out = s.substr(0, e + 1);
    std::size_t i = e + 1;
    if (s[i] == '-') out += '-';
    if (s[i] == '+' || s[i] == '-') ++i;
    while (i + 1 < s.size() && s[i] == '0') ++i;
    return out + s.substr(i);
  }
  const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

std::vector<std::string> tick_labels(const Ticks& ticks) {
  double largest = 0;
  for (double v : ticks.values) largest = std::max(largest, std::abs(v));
  std::vector<std::string> out;
  for (double v : ticks.values) out.push_back(tick_label(v, ticks.step, largest));
  return out;
}

void widen_if_flat(double& lo, double& hi) {
  if (hi > lo) return;
  const double half = std::max(0.5 * std::abs(lo), 0.5);
  lo -= half;
  hi += half;
}

}  // namespace raserflow::io
