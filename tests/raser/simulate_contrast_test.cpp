// raser.simulate with an upstream T2* per projection and mode ('t2_star_modes', e.g. from
// contrast.nanoparticles) and an upstream gyromagnetic ratio ('gamma', from a hyperpolarization
// source): science.md §1.3, §1.4 and §5.3.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "raser/profiles.hpp"
#include "support/harness.hpp"

namespace rf = raserflow;
using raserflow::test::profiles;
using rf::test::NodeHarness;
using Complex = std::complex<double>;

namespace {

constexpr double kGammaH = 2.6752218744e8;  // 1H, rad/(s T), CODATA 2018
constexpr double kGammaC = 6.728284e7;      // 13C, rad/(s T)

rf::Array filled(int P, int M, double value) {
  return rf::Array::from<double>({P, M},
                                 std::vector<double>(static_cast<std::size_t>(P * M), value));
}

rf::Item run(const nlohmann::json& params, rf::Item in) {
  NodeHarness node("raser.simulate", params, 1);
  return node.run(std::move(in));
}

rf::Item with_map(int P, int M, rf::Array map) {
  return rf::test::item_with(0, {{"projections", profiles(P, M)}, {"t2_star_modes", map}});
}

std::string error_of(const nlohmann::json& params, rf::Item in) {
  try {
    run(params, std::move(in));
  } catch (const rf::Error& e) {
    return e.what();
  }
  return "(no error)";
}

void expect_identical(const rf::Item& a, const rf::Item& b, const char* field) {
  const auto x = a.array(field).values<Complex>(), y = b.array(field).values<Complex>();
  ASSERT_EQ(x.size(), y.size());
  for (std::size_t k = 0; k < x.size(); ++k) ASSERT_EQ(x[k], y[k]) << field << " at " << k;
}

const nlohmann::json kRun{{"samples", 1024}, {"t1", 10.0}, {"t2_star", 0.3}, {"epsilon", 8.0}};

TEST(RaserSimulateContrast, AMapEqualToT2StarGivesBitForBitTheRunWithoutIt) {
  const auto plain = run(kRun, rf::test::item_with(0, {{"projections", profiles(3, 67)}}));
  const auto mapped = run(kRun, with_map(3, 67, filled(3, 67, 0.3)));
  expect_identical(plain, mapped, "signals");
  const auto e0 = plain.array("epsilon").values<double>(),
             e1 = mapped.array("epsilon").values<double>();
  EXPECT_TRUE(std::equal(e0.begin(), e0.end(), e1.begin()));
  EXPECT_EQ(plain.scalar("beta"), mapped.scalar("beta"));
}

TEST(RaserSimulateContrast, AUniformMapActsAsTheShorterT2Star) {
  // β from the coil (no epsilon), so it does not depend on T2*: a uniform map of T2*_eff is
  // then the same run as t2_star = T2*_eff, epsilon included.
  const double t2_eff = 1 / (1 / 0.3 + 60 * 0.1);
  const nlohmann::json coil{{"samples", 1024}, {"t2_star", 0.3}, {"total_inversion", 6e16}};
  auto shorter = coil;
  shorter["t2_star"] = t2_eff;
  const auto a = run(shorter, rf::test::item_with(0, {{"projections", profiles(2, 45)}}));
  const auto b = run(coil, with_map(2, 45, filled(2, 45, t2_eff)));
  const auto sa = a.array("signals").values<Complex>(), sb = b.array("signals").values<Complex>();
  double peak = 0, worst = 0;
  for (std::size_t k = 0; k < sa.size(); ++k) {
    peak = std::max(peak, std::abs(sa[k]));
    worst = std::max(worst, std::abs(sa[k] - sb[k]));
  }
  EXPECT_GT(peak, 1e3 * std::abs(sa[0])) << "the run must burst for the comparison to mean much";
  EXPECT_LE(worst, 1e-12 * peak);
  for (int j = 0; j < 2; ++j)
    EXPECT_NEAR(b.array("epsilon").values<double>()[j], a.array("epsilon").values<double>()[j],
                1e-12 * a.array("epsilon").values<double>()[j]);
}

TEST(RaserSimulateContrast, EpsilonOutputIsReducedByTheT2StarRatio) {
  // science.md §6 T4: ferumoxytol r2* = 60 /(mM s) at 0.1 mM on T2* = 0.3 s: 1/T2*_eff =
  // 3.33 + 6.0 s^-1, ε drops by 2.8. epsilon still sets β through the t2_star parameter.
  const double t2_eff = 1 / (1 / 0.3 + 60 * 0.1);
  const auto s = run(kRun, with_map(3, 67, filled(3, 67, t2_eff)));
  for (double e : s.array("epsilon").values<double>()) {
    EXPECT_NEAR(e, 8.0 / 2.8, 8.0 / 2.8 * 1e-2);
    EXPECT_NEAR(e, 8.0 * t2_eff / 0.3, 8.0 * 1e-12);
  }
  EXPECT_DOUBLE_EQ(s.scalar("epsilon_image"), 8.0);
  EXPECT_DOUBLE_EQ(s.scalar("t2_star"), 0.3);
}

TEST(RaserSimulateContrast, EpsilonWeighsEachModesInversionByItsT2Star) {
  // β Σ d0_μ T2*_μ, with d0_μ the projection's share of d0.
  std::vector<double> t2;
  for (int m = 0; m < 21; ++m) t2.push_back(m < 10 ? 0.3 : 0.05);
  const auto s = run({{"samples", 16}, {"epsilon", 5.0}},
                     with_map(1, 21, rf::Array::from<double>({1, 21}, t2)));
  const auto d = s.array("initial_inversion").values<double>();
  double weighted = 0, total = 0;
  for (int m = 0; m < 21; ++m) {
    weighted += d[m] * t2[m];
    total += d[m];
  }
  EXPECT_NEAR(s.array("epsilon").values<double>()[0], 5.0 * weighted / (total * 0.3), 1e-12 * 5);
  EXPECT_LT(s.array("epsilon").values<double>()[0], 5.0);
}

TEST(RaserSimulateContrast, ASingleModeQuenchedByItsT2StarDoesNotBurst) {
  // ε = 3 on T2* = 0.3 s, the mode's T2* 0.075 s: ε_eff = 0.75 < 1. No T1, so that d stays d0.
  const auto one = rf::Array::from<double>({1, 1}, {1.0});
  const nlohmann::json p{{"samples", 8000},
                         {"epsilon", 3.0},
                         {"t2_star", 0.3},
                         {"t1", std::numeric_limits<double>::infinity()}};
  const auto burst = run(p, rf::test::item_with(0, {{"projections", one}}));
  const auto quenched = run(p, with_map(1, 1, rf::Array::from<double>({1, 1}, {0.075})));
  EXPECT_NEAR(quenched.array("epsilon").values<double>()[0], 0.75, 1e-12);
  auto peak_after = [](const rf::Item& s, int from) {
    const auto sig = s.array("signals").values<Complex>();
    double peak = 0;
    for (std::size_t k = static_cast<std::size_t>(from); k < sig.size(); ++k)
      peak = std::max(peak, std::abs(sig[k]));
    return peak / std::abs(sig[0]);
  };
  EXPECT_GT(peak_after(burst, 1), 1e3);
  EXPECT_LT(peak_after(quenched, 1), 1.0);
  // 1 s later the noise has decayed as e^{-(1 - ε_eff) t/T2*_μ} = e^{-0.25/0.075}.
  const auto sig = quenched.array("signals").values<Complex>();
  EXPECT_NEAR(std::abs(sig[1999]) / std::abs(sig[0]), std::exp(-0.25 / 0.075 * 1999 * 0.5e-3),
              1e-3 * std::exp(-0.25 / 0.075 * 1999 * 0.5e-3));
}

TEST(RaserSimulateContrast, AMapOfTheWrongShapeOrValuesIsRefusedByName) {
  const auto shape = error_of(kRun, with_map(3, 67, filled(3, 66, 0.3)));
  EXPECT_NE(shape.find("'t2_star_modes'"), std::string::npos) << shape;
  EXPECT_NE(shape.find("[3 x 66]"), std::string::npos) << shape;
  EXPECT_NE(shape.find("[3 x 67]"), std::string::npos) << shape;
  for (double bad : {0.0, -0.1, std::nan("")}) {
    auto map = filled(2, 9, 0.3);
    std::vector<double> v(map.values<double>().begin(), map.values<double>().end());
    v[9 + 4] = bad;
    const auto why = error_of(kRun, with_map(2, 9, rf::Array::from<double>({2, 9}, v)));
    EXPECT_NE(why.find("'t2_star_modes'"), std::string::npos) << why;
    EXPECT_NE(why.find("projection 1, mode 4"), std::string::npos) << why;
  }
}

rf::Item h_item_with_gamma(double gamma) {
  auto item = rf::test::item_with(0, {{"projections", profiles(1, 67)}});
  item.set("gamma", rf::Array::scalar(gamma));
  return item;
}

TEST(RaserSimulateContrast, AnUpstreamGammaScalesTheCouplingAndTheModeSpacing) {
  // β ∝ γ² (β from the coil) and the mode spacing ∝ γ (science.md §1.3, §1.4).
  const nlohmann::json p{{"samples", 64}};
  const auto h = run(p, rf::test::item_with(0, {{"projections", profiles(1, 67)}}));
  auto carbon_item = rf::test::item_with(0, {{"projections", profiles(1, 67)}});
  carbon_item.set("gamma", rf::Array::scalar(kGammaC));
  const auto c = run(p, carbon_item);
  const double ratio = kGammaC / kGammaH;
  EXPECT_NEAR(c.scalar("beta") / h.scalar("beta"), ratio * ratio, 1e-12);
  const auto fh = h.array("mode_frequencies").values<double>(),
             fc = c.array("mode_frequencies").values<double>();
  EXPECT_NEAR((fc[40] - fc[10]) / (fh[40] - fh[10]), ratio, 1e-12);
  EXPECT_EQ(fc[33], 500.0) << "the centre bin stays on the carrier";

  // A negative γ (129Xe, or a source that keeps the sign) must not flip the band or β.
  auto negative_item = rf::test::item_with(0, {{"projections", profiles(1, 67)}});
  negative_item.set("gamma", rf::Array::scalar(-kGammaC));
  const auto n = run(p, negative_item);
  EXPECT_EQ(n.scalar("beta"), c.scalar("beta"));
  const auto fn = n.array("mode_frequencies").values<double>();
  EXPECT_TRUE(std::equal(fn.begin(), fn.end(), fc.begin()));
  expect_identical(n, c, "signals");

  auto zero_item = rf::test::item_with(0, {{"projections", profiles(1, 67)}});
  zero_item.set("gamma", rf::Array::scalar(0.0));
  EXPECT_NE(error_of(p, zero_item).find("'gamma'"), std::string::npos);

  // A gamma set on the simulator and another from the source: refused, not silently replaced.
  const nlohmann::json hydrogen{{"samples", 64}, {"gamma", kGammaH}};
  EXPECT_NE(error_of(hydrogen, carbon_item).find("choose the nucleus on the source"),
            std::string::npos);
  EXPECT_EQ(run(hydrogen, h_item_with_gamma(kGammaH)).scalar("beta"), h.scalar("beta"));
}

}  // namespace
