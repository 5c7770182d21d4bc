// raser.simulate as a node: the field contract, the paper's geometry, determinism and the
// parameters that shape the run.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "raser/profiles.hpp"
#include "support/harness.hpp"

namespace rf = raserflow;
using raserflow::test::profiles;
using rf::test::NodeHarness;
using Complex = std::complex<double>;

namespace {

rf::Item run(const nlohmann::json& params, rf::Item in, std::uint64_t seed = 1) {
  NodeHarness node("raser.simulate", params, seed);
  return node.run(std::move(in));
}

const nlohmann::json kFast{{"samples", 512}, {"t1", 10.0}, {"t2_star", 0.3}};

TEST(RaserSimulate, WritesTheFieldContract) {
  auto s = run(kFast, rf::test::item_with(0, {{"projections", profiles(3, 67)}}));
  EXPECT_EQ(s.array("signals").shape(), (rf::Shape{3, 512}));
  EXPECT_EQ(s.array("signals").dtype(), rf::DType::complex128);
  for (const char* f :
       {"mode_frequencies", "initial_inversion", "targets", "pump_rate", "pump_target"})
    EXPECT_EQ(s.array(f).shape(), (rf::Shape{3, 67})) << f;
  EXPECT_EQ(s.array("initial_transverse").dtype(), rf::DType::complex128);
  EXPECT_EQ(s.array("epsilon").shape(), (rf::Shape{3}));
  EXPECT_DOUBLE_EQ(s.scalar("dwell"), 0.5e-3);
  EXPECT_DOUBLE_EQ(s.scalar("t2_star"), 0.3);
  EXPECT_TRUE(std::isinf(s.scalar("pump_decay")));
}

TEST(RaserSimulate, ModeFrequenciesFollowThePaperGeometry) {
  // G1: γ/2π · 26 µT/m · 7.4 mm / 67 = 0.12227 Hz per bin; the centre bin sits at the carrier.
  auto s = run(kFast, rf::test::item_with(0, {{"projections", profiles(2, 67)}}));
  auto f = s.array("mode_frequencies").values<double>();
  EXPECT_DOUBLE_EQ(f[33], 500.0);
  EXPECT_NEAR(f[34] - f[33], 0.12227, 0.12227 * 1e-4);
  EXPECT_NEAR(f[66] - f[0], 66 * 0.12227, 66 * 0.12227 * 1e-4);
  EXPECT_EQ(f[67 + 10], f[10]) << "every projection shares the grid";
}

TEST(RaserSimulate, InitialInversionIsTheProfileScaledToTheTotal) {
  auto s = run({{"samples", 64}, {"total_inversion", 2e16}},
               rf::test::item_with(0, {{"projections", profiles(2, 67)}}));
  auto d = s.array("initial_inversion").values<double>();
  const auto profile = profiles(2, 67);
  auto p = profile.values<double>();
  for (int j = 0; j < 2; ++j) {
    double sum = 0, psum = 0;
    for (int m = 0; m < 67; ++m) {
      sum += d[j * 67 + m];
      psum += p[j * 67 + m];
    }
    EXPECT_NEAR(sum, 2e16, 2e16 * 1e-12);
    for (int m = 0; m < 67; ++m) EXPECT_NEAR(d[j * 67 + m], 2e16 * p[j * 67 + m] / psum, 1.0);
  }
  auto t = s.array("targets").values<double>();
  EXPECT_DOUBLE_EQ(*std::min_element(t.begin(), t.begin() + 67), 0.0);
  EXPECT_DOUBLE_EQ(*std::max_element(t.begin(), t.begin() + 67), 1.0);
}

TEST(RaserSimulate, FlatProfilesGiveZeroTargets) {
  auto flat = rf::Array::from<double>({1, 5}, {0, 0, 0, 0, 0});
  auto s = run({{"samples", 16}}, rf::test::item_with(0, {{"projections", flat}}));
  for (double v : s.array("targets").values<double>()) EXPECT_EQ(v, 0.0);
  for (double v : s.array("initial_inversion").values<double>()) EXPECT_EQ(v, 0.0);
}

TEST(RaserSimulate, UpstreamTotalInversionWinsOverTheParameter) {
  auto s = run({{"samples", 16}, {"total_inversion", 1e10}},
               rf::test::item_with(0, {{"projections", profiles(1, 9)},
                                       {"total_inversion", rf::Array::scalar(4e16)}}));
  auto d = s.array("initial_inversion").values<double>();
  EXPECT_NEAR(std::accumulate(d.begin(), d.end(), 0.0), 4e16, 4e16 * 1e-12);
}

TEST(RaserSimulate, UpstreamSampleVolumeSetsTheCoupling) {
  // β = μ0 ħ γ² Q / (4 V_S): halving V_S doubles β.
  auto a = run({{"samples", 16}}, rf::test::item_with(0, {{"projections", profiles(1, 9)}}));
  auto half = rf::test::item_with(0, {{"projections", profiles(1, 9)}});
  half.set("sample_volume", rf::Array::scalar(1.056e-7 / 2));
  auto b = run({{"samples", 16}}, half);
  EXPECT_NEAR(b.scalar("beta") / a.scalar("beta"), 2.0, 1e-12);
}

TEST(RaserSimulate, EpsilonSetsTheDistanceFromThreshold) {
  auto s = run({{"samples", 16}, {"epsilon", 12.5}},
               rf::test::item_with(0, {{"projections", profiles(3, 21)}}));
  for (double e : s.array("epsilon").values<double>()) EXPECT_NEAR(e, 12.5, 1e-9);
  // Without epsilon, ε follows from Q, V_S and T2*: 3e16 spins against d_th ≈ 2.97e15 (§1.3).
  auto t = run({{"samples", 16}}, rf::test::item_with(0, {{"projections", profiles(1, 21)}}));
  EXPECT_NEAR(t.array("epsilon").values<double>()[0], 3e16 / 2.9691e15, 0.01);
}

TEST(RaserSimulate, TheSameItemGivesTheSameSignalsAndItemsDiffer) {
  auto a = run(kFast, rf::test::item_with(5, {{"projections", profiles(2, 67)}}));
  auto b = run(kFast, rf::test::item_with(5, {{"projections", profiles(2, 67)}}));
  auto c = run(kFast, rf::test::item_with(6, {{"projections", profiles(2, 67)}}));
  auto sa = a.array("signals").values<Complex>(), sb = b.array("signals").values<Complex>();
  EXPECT_TRUE(std::equal(sa.begin(), sa.end(), sb.begin()));
  EXPECT_NE(a.array("initial_transverse").values<Complex>()[0],
            c.array("initial_transverse").values<Complex>()[0]);
}

TEST(RaserSimulate, FirstSampleIsTheInitialTransverseSpin) {
  auto s = run(kFast, rf::test::item_with(0, {{"projections", profiles(2, 67)}}));
  auto sig = s.array("signals").values<Complex>();
  auto a0 = s.array("initial_transverse").values<Complex>();
  for (int j = 0; j < 2; ++j) {
    Complex sum = 0;
    for (int m = 0; m < 67; ++m) sum += a0[j * 67 + m];
    EXPECT_NEAR(std::abs(sig[j * 512] - sum), 0.0, 1e-9 * std::abs(sum));
  }
}

TEST(RaserSimulate, ASingleModeRingsAtItsFrequencyInTheReceiverFrame) {
  // One bin at offset 0: the integration frame has ω = 0, so the receiver sees exactly the
  // carrier: the phase advances 2π f_c dwell per sample.
  auto one = rf::Array::from<double>({1, 1}, {1.0});
  auto s = run({{"samples", 256}, {"carrier_offset", 123.0}, {"epsilon", 5.0}},
               rf::test::item_with(0, {{"projections", one}}));
  auto sig = s.array("signals").values<Complex>();
  const double expected = 2 * std::numbers::pi * 123.0 * 0.5e-3;
  for (int k = 100; k < 110; ++k) EXPECT_NEAR(std::arg(sig[k + 1] / sig[k]), expected, 1e-9);
}

TEST(RaserSimulate, BelowThresholdThereIsNoBurst) {
  auto s = run({{"samples", 400}, {"epsilon", 0.5}, {"t1", 10.0}},
               rf::test::item_with(0, {{"projections", profiles(1, 31)}}));
  auto sig = s.array("signals").values<Complex>();
  double peak_late = 0;
  for (int k = 10; k < 400; ++k) peak_late = std::max(peak_late, std::abs(sig[k]));
  EXPECT_LT(peak_late, 2 * std::abs(sig[0]) + 1e6);
}

TEST(RaserSimulate, RandomPumpedModesLieInTheirRange) {
  auto s = run({{"samples", 64}, {"pump_rate", 2.0}, {"pump_decay", 3.0}, {"pump_random_modes", 2}},
               rf::test::item_with(0, {{"projections", profiles(4, 67)}}));
  auto rate = s.array("pump_rate").values<double>();
  auto target = s.array("pump_target").values<double>();
  auto d0 = s.array("initial_inversion").values<double>();
  for (int j = 0; j < 4; ++j) {
    int pumped = 0;
    for (int m = 0; m < 67; ++m)
      if (rate[j * 67 + m] > 0) {
        ++pumped;
        EXPECT_GE(m, 23);
        EXPECT_LE(m, 41);
        EXPECT_EQ(rate[j * 67 + m], 2.0);
        EXPECT_DOUBLE_EQ(target[j * 67 + m], d0[j * 67 + m]);
      }
    EXPECT_EQ(pumped, 2) << "projection " << j;
  }
  EXPECT_EQ(s.scalar("pump_decay"), 3.0);
}

TEST(RaserSimulate, DomainRandomisationVariesTheInversion) {
  auto s = run({{"samples", 16}, {"sigma_projection", 0.2}},
               rf::test::item_with(0, {{"projections", profiles(30, 9)}}));
  auto e = s.array("epsilon").values<double>();
  const double mean = std::accumulate(e.begin(), e.end(), 0.0) / 30;
  double var = 0;
  for (double x : e) var += (x - mean) * (x - mean) / 29;
  EXPECT_GT(std::sqrt(var) / mean, 0.08);
  EXPECT_LT(std::sqrt(var) / mean, 0.4);
}

TEST(RaserSimulate, InconsistentParametersAreRejected) {
  EXPECT_THROW(
      NodeHarness("raser.simulate",
                  {{"epsilon", 10.0}, {"t2_star", std::numeric_limits<double>::infinity()}}),
      rf::ParamError);
  EXPECT_THROW(NodeHarness("raser.simulate", {{"pump_range", {5, 2}}}), rf::ParamError);
  NodeHarness bad_mode("raser.simulate", {{"pump_modes", {70}}});
  EXPECT_THROW(bad_mode.run(rf::test::item_with(0, {{"projections", profiles(1, 67)}})), rf::Error);
}

}  // namespace
