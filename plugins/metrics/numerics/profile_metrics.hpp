#pragma once
// Agreement of two sets of profiles row by row: how much of a projection a distorted spectrum
// still carries (README, "The operating point").
#include <cstdint>
#include <span>

namespace raserflow::metrics {

// Pearson correlation of two equally long rows. A constant row carries no shape, so its
// correlation with anything is defined as 0 (not NaN, which would poison averages).
double pearson(std::span<const double> a, std::span<const double> b);

// Mean squared difference of two equally long rows.
double mean_squared_difference(std::span<const double> a, std::span<const double> b);

}  // namespace raserflow::metrics
