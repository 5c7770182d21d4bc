#pragma once
// Draws from a node's mt19937_64 stream computed here rather than with <random>'s
// distributions, whose algorithms the standard leaves to each library: the same pipeline
// seed then gives the same images with any standard library.
#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>

namespace raserflow::phantom {

// Uniform on [0, 1) with the 53 top bits of one 64-bit draw.
inline double uniform01(std::mt19937_64& g) {
  return static_cast<double>(g() >> 11) * 0x1.0p-53;
}

inline double uniform(std::mt19937_64& g, double lo, double hi) {
  return lo + (hi - lo) * uniform01(g);
}

// Uniform integer in [lo, hi]. The modulo bias is below 2^-50 for the small ranges used here.
inline int uniform_int(std::mt19937_64& g, int lo, int hi) {
  const auto span = static_cast<std::uint64_t>(static_cast<std::int64_t>(hi) - lo + 1);
  return lo + static_cast<int>(g() % span);
}

// True with probability p: p = 0 never, p = 1 always.
inline bool chance(std::mt19937_64& g, double p) {
  return uniform01(g) < p;
}

// Standard normal by Box-Muller; 1 - u keeps the logarithm's argument in (0, 1].
inline double standard_normal(std::mt19937_64& g) {
  const double u = 1.0 - uniform01(g);
  const double v = uniform01(g);
  return std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * std::numbers::pi * v);
}

}  // namespace raserflow::phantom
