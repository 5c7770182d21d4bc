// Axis ticks: nice steps, values inside the range, readable labels.
#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "ticks.hpp"

namespace io = raserflow::io;

namespace {

bool is_one_two_five(double step) {
  const double m = step / std::pow(10.0, std::floor(std::log10(step) + 1e-12));
  return std::abs(m - 1) < 1e-9 || std::abs(m - 2) < 1e-9 || std::abs(m - 5) < 1e-9;
}

}  // namespace

TEST(NiceTicks, UnitRangeGetsFifthsWithSixTicks) {
  const auto t = io::nice_ticks(0, 1, 6);
  EXPECT_DOUBLE_EQ(t.step, 0.2);
  ASSERT_EQ(t.values.size(), 6u);
  for (std::size_t k = 0; k < 6; ++k) EXPECT_NEAR(t.values[k], 0.2 * static_cast<double>(k), 1e-15);
}

TEST(NiceTicks, StepIsTheSmallestNiceStepThatFitsTheCount) {
  // span 15.8 over at most 5 ticks needs a step >= 3.95: 5 is the next of 1, 2, 5 x 10^k.
  const auto t = io::nice_ticks(-3.7, 12.1, 5);
  EXPECT_DOUBLE_EQ(t.step, 5);
  EXPECT_EQ(t.values, (std::vector<double>{0, 5, 10}));
}

TEST(NiceTicks, RangeBetweenMultiplesStillGetsTwoTicks) {
  const auto t = io::nice_ticks(0.1, 0.9, 2);
  ASSERT_GE(t.values.size(), 2u);
  EXPECT_TRUE(is_one_two_five(t.step));
}

TEST(NiceTicks, RandomRangesKeepEveryInvariant) {
  std::mt19937_64 gen(7);
  std::uniform_real_distribution<double> exponent(-12, 16), unit(-1, 1);
  for (int trial = 0; trial < 2000; ++trial) {
    const double scale = std::pow(10.0, exponent(gen));
    double lo = unit(gen) * scale, hi = unit(gen) * scale;
    if (lo > hi) std::swap(lo, hi);
    if (!(hi > lo)) continue;
    const int max_count = 2 + trial % 9;
    const auto t = io::nice_ticks(lo, hi, max_count);
    ASSERT_TRUE(is_one_two_five(t.step)) << t.step;
    ASSERT_GE(t.values.size(), 2u) << lo << " " << hi;
    // Count may exceed max_count only when the finer step was needed to get two ticks.
    if (t.values.size() > static_cast<std::size_t>(max_count)) {
      ASSERT_LE(t.values.size(), 6u);
    }
    for (std::size_t k = 0; k < t.values.size(); ++k) {
      const double tol = 1e-9 * t.step;
      ASSERT_GE(t.values[k], lo - tol);
      ASSERT_LE(t.values[k], hi + tol);
      ASSERT_NEAR(t.values[k] / t.step, std::round(t.values[k] / t.step), 1e-6);
      if (k) {
        ASSERT_NEAR(t.values[k] - t.values[k - 1], t.step, 1e-6 * t.step);
      }
    }
  }
}

TEST(TickLabel, UsesAsManyDecimalsAsTheStep) {
  EXPECT_EQ(io::tick_label(0.1 * 3, 0.1), "0.3");
  EXPECT_EQ(io::tick_label(0.25, 0.05), "0.25");
  EXPECT_EQ(io::tick_label(1000, 500), "1000");
  EXPECT_EQ(io::tick_label(-2, 1), "-2");
}

TEST(TickLabel, ZeroIsPlainZero) {
  EXPECT_EQ(io::tick_label(1e-17, 0.1), "0");
  EXPECT_EQ(io::tick_label(-0.0, 1), "0");
  EXPECT_EQ(io::tick_label(0, 2e14), "0");
}

TEST(TickLabel, LargeAndTinyMagnitudesUseShortScientificNotation) {
  EXPECT_EQ(io::tick_label(2e14, 2e14), "2e14");
  EXPECT_EQ(io::tick_label(2.5e14, 5e13), "2.5e14");
  EXPECT_EQ(io::tick_label(-1.5e-5, 5e-6), "-1.5e-5");
}

TEST(TickLabels, AllLabelsOfAnAxisShareTheirPrecision) {
  const auto t = io::nice_ticks(0, 2e11, 5);
  ASSERT_DOUBLE_EQ(t.step, 5e10);
  EXPECT_EQ(io::tick_labels(t),
            (std::vector<std::string>{"0", "5.0e10", "1.0e11", "1.5e11", "2.0e11"}));
  EXPECT_EQ(io::tick_labels(io::nice_ticks(-1, 1, 5)),
            (std::vector<std::string>{"-1.0", "-0.5", "0", "0.5", "1.0"}));
}

TEST(WidenIfFlat, ConstantRangeBecomesAnIntervalAroundTheValue) {
  double lo = 3, hi = 3;
  io::widen_if_flat(lo, hi);
  EXPECT_LT(lo, 3);
  EXPECT_GT(hi, 3);
  lo = 0, hi = 0;
  io::widen_if_flat(lo, hi);
  EXPECT_LT(lo, 0);
  EXPECT_GT(hi, 0);
  lo = 1, hi = 2;
  io::widen_if_flat(lo, hi);
  EXPECT_EQ(lo, 1);
  EXPECT_EQ(hi, 2);
}
