// Polarization sources against the values of science.md §5 and §6 (T1–T3) and the one-pool
// buildup equation integrated independently.
#include <gtest/gtest.h>

#include <cmath>

#include "physical_constants.hpp"
#include "polarization.hpp"
#include "support/harness.hpp"

namespace hp = raserflow::hyperpolarization;
namespace rf = raserflow;

namespace {

constexpr double kGamma = raserflow::constants::gamma_proton;

TEST(Thermal, BoltzmannPolarizationAtCommonFields) {
  // T1: 60 MHz / 298.15 K; 1.5 T; 9.4 T; and the DNP case of §4.5.
  EXPECT_NEAR(hp::thermal_polarization(1.4092, 298.15, kGamma), 4.829e-6, 4.829e-6 * 1e-3);
  EXPECT_NEAR(hp::thermal_polarization(1.5, 298.15, kGamma), 5.140e-6, 5.140e-6 * 1e-3);
  EXPECT_NEAR(hp::thermal_polarization(9.4, 298.15, kGamma), 3.221e-5, 3.221e-5 * 1e-3);
  EXPECT_NEAR(hp::thermal_polarization(0.3187, 100, kGamma), 3.256e-6, 3.256e-6 * 1e-3);
}

TEST(Inversion, InvertedSpinsOfThePaperSample) {
  // T3: 4 equivalent protons x 1.2 mM (−2 % of 60 mM) in 0.1056 cm³ → 3.053e17 spins.
  EXPECT_NEAR(hp::total_inversion(-0.02, 60.0, 4, 1.056e-7), 3.053e17, 3.053e17 * 1e-3);
  EXPECT_LT(hp::total_inversion(4.8e-6, 60.0, 4, 1.056e-7), 0)
      << "thermal polarization cannot invert";
}

TEST(Sabre, ClosedFormMatchesTheBuildupEquationIntegrated) {
  const hp::Sabre s{0.3, 7.0, -0.1, 0.9, 12.0, 1.5, 8.0};
  // dP/dt = k (P_lim − P) − P/T1, integrated with classic RK4 and a small step.
  const double p_lim = s.max_polarization * (4 * s.para_fraction - 1) / 3;
  auto f = [&](double p) { return s.rate * (p_lim - p) - p / s.t1_low_field; };
  double p = 0, h = 1e-3;
  for (int i = 0; i < 12000; ++i) {
    const double k1 = f(p), k2 = f(p + h / 2 * k1), k3 = f(p + h / 2 * k2), k4 = f(p + h * k3);
    p += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
  }
  EXPECT_NEAR(hp::sabre_polarization_at(s, 12.0), p, 1e-12);
  EXPECT_NEAR(hp::sabre_detected_polarization(s), p * std::exp(-1.5 / 8.0), 1e-12);
}

TEST(Sabre, ParaHydrogenFractionScalesTheSingletOrder) {
  hp::Sabre pure{0.1, 10, -0.05, 1.0, 20, 2, 10}, normal = pure;
  normal.para_fraction = 0.5;  // normal H2 at 77 K: (4·0.5 − 1)/3 = 1/3
  EXPECT_NEAR(hp::sabre_detected_polarization(normal) / hp::sabre_detected_polarization(pure),
              1.0 / 3, 1e-12);
}

TEST(SabreNode, DefaultsGiveThePaperPolarizationAndMolarPolarization) {
  rf::test::NodeHarness node("hyperpolarization.sabre");
  auto s = node.run(rf::Item(0, 0));
  EXPECT_NEAR(s.scalar("polarization"), -0.020, 1e-12);
  // T2: −2 % × 60 mM = −1.2 mM (mol/m³).
  EXPECT_NEAR(s.scalar("molar_polarization"), -1.2, 1e-9);
  EXPECT_NEAR(s.scalar("total_inversion"), 3.053e17, 3.053e17 * 1e-3);
  EXPECT_DOUBLE_EQ(s.scalar("sample_volume"), 1.056e-7);
}

TEST(SabreNode, TrainingRegimeIsTenTimesLessConcentrated) {
  // 6 mM pyrazine gives the paper's d0 ≈ 3e16 (science.md §1.3).
  rf::test::NodeHarness node("hyperpolarization.sabre", {{"concentration", 6.0}});
  EXPECT_NEAR(node.run(rf::Item(0, 0)).scalar("total_inversion"), 3.05e16, 0.01e16);
}

TEST(ThermalNode, WaterReferenceMolarPolarization) {
  // T2: 4.83e-6 × 55.5 M water protons... per molecule 2 protons share the polarization;
  // the paper's 26 µmol/L is P × c(H2O) = 4.83e-6 × 5550 mol/m³ (10 % H2O).
  rf::test::NodeHarness node("hyperpolarization.thermal",
                             {{"concentration", 5550.0}, {"equivalent_spins", 2.0}});
  auto s = node.run(rf::Item(0, 0));
  EXPECT_NEAR(s.scalar("molar_polarization"), 26.8e-3, 26.8e-3 * 1e-2);
  EXPECT_LT(s.scalar("total_inversion"), 0);
}

}  // namespace
