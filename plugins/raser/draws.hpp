#pragma once
// The random draws of a simulated acquisition (science.md §1.3, §1.5): dataset classes, the
// d0 spread, log-uniform ε, pumping parameters per projection and pumped modes. Pure functions
// of a generator, so the node that calls them decides the order and stays deterministic.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <span>
#include <stdexcept>
#include <vector>

namespace raserflow::raser {

// The paper's dataset classes (science.md §1.5).
enum class DatasetClass : std::int32_t { plain = 0, pumped = 1, fluctuating = 2 };

// 1 + sigma·N(0,1), drawn again until it is positive: an inversion factor of zero or below
// would turn a RASER sample into an absorbing one, which no dataset image is meant to be.
// For sigma below ~0.3 a redraw practically never happens, so the spread stays N(1, sigma).
// One draw is made even for sigma = 0, so the spread does not shift the other draws.
template <class Gen>
double positive_factor(double sigma, Gen& gen) {
  std::normal_distribution<double> normal(0.0, 1.0);
  for (;;) {
    const double f = 1.0 + sigma * normal(gen);
    if (f > 0) return f;
  }
}

// Log-uniform on [lo, hi] (lo == hi: that value, no draw).
template <class Gen>
double log_uniform(double lo, double hi, Gen& gen) {
  if (lo == hi) return lo;
  std::uniform_real_distribution<double> u(std::log(lo), std::log(hi));
  return std::exp(u(gen));
}

// Uniform on [lo, hi] (lo == hi: that value, no draw).
template <class Gen>
double uniform(double lo, double hi, Gen& gen) {
  if (lo == hi) return lo;
  return std::uniform_real_distribution<double>(lo, hi)(gen);
}

// A class index drawn with probabilities proportional to `weights`; no draw when only one
// weight is nonzero, so a pipeline without classes keeps its random stream.
template <class Gen>
std::int32_t draw_class(std::span<const double> weights, Gen& gen) {
  const auto nonzero =
      std::count_if(weights.begin(), weights.end(), [](double w) { return w > 0; });
  if (nonzero == 1)
    return static_cast<std::int32_t>(
        std::find_if(weights.begin(), weights.end(), [](double w) { return w > 0; }) -
        weights.begin());
  std::discrete_distribution<std::int32_t> pick(weights.begin(), weights.end());
  return pick(gen);
}

// `count` distinct modes from [first, last], in the order drawn, none of them in `taken`.
template <class Gen>
std::vector<std::int64_t> draw_modes(std::int64_t count, std::int64_t first, std::int64_t last,
                                     std::vector<std::int64_t> taken, Gen& gen) {
  std::uniform_int_distribution<std::int64_t> pick(first, last);
  std::vector<std::int64_t> drawn;
  for (std::int64_t r = 0; r < count; ++r) {
    std::int64_t m;
    do m = pick(gen);
    while (std::find(taken.begin(), taken.end(), m) != taken.end());
    taken.push_back(m);
    drawn.push_back(m);
  }
  return drawn;
}

}  // namespace raserflow::raser
