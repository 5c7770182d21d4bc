// The PHIP and SEOP sources against their closed forms and their rate equations integrated
// independently (science.md §5.2), the ideal-gas concentration, and the gyromagnetic ratio every
// source writes against the nuclear magnetic moments of the literature.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>

#include "nuclei.hpp"
#include "physical_constants.hpp"
#include "polarization.hpp"
#include "support/error_of.hpp"
#include "support/harness.hpp"

namespace hp = raserflow::hyperpolarization;
namespace rf = raserflow;
namespace constants = raserflow::constants;

namespace {

// Nuclear magneton (CODATA 2018), J/T.
constexpr double kNuclearMagneton = 5.0507837461e-27;

// |γ| = |μ| / (I ħ) of a spin-1/2 nucleus from its magnetic moment in nuclear magnetons
// (CODATA 2018 for the proton and the bare helion; Stone's table for the others).
double gamma_from_moment(double moment) {
  return std::abs(moment) * kNuclearMagneton / (0.5 * constants::hbar);
}

struct Moment {
  const char* nucleus;
  double moment;  // μ / μ_N, signed
};
constexpr Moment kMoments[] = {
    {"1H", 2.79284734463}, {"13C", 0.7024118},    {"15N", -0.28318884},  {"19F", 2.628868},
    {"31P", 1.13160},      {"129Xe", -0.7779763}, {"3He", -2.127625307},
};

// Classic RK4 of dP/dt = f(P) from P(0) = 0 over `steps` steps of `h`.
double integrate(const std::function<double(double)>& f, double h, int steps) {
  double p = 0;
  for (int i = 0; i < steps; ++i) {
    const double k1 = f(p), k2 = f(p + h / 2 * k1), k3 = f(p + h / 2 * k2), k4 = f(p + h * k3);
    p += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
  }
  return p;
}

TEST(Nuclei, GyromagneticRatiosFollowTheMagneticMoments) {
  ASSERT_EQ(std::size(kMoments), rf::nuclei::table.size());
  for (const auto& [name, moment] : kMoments) {
    const auto* n = rf::nuclei::find(name);
    ASSERT_NE(n, nullptr) << name;
    EXPECT_NEAR(std::abs(n->gamma) / gamma_from_moment(moment), 1, 1e-5) << name;
    EXPECT_EQ(n->gamma < 0, moment < 0) << name << ": the sign of gamma is the moment's";
  }
  EXPECT_EQ(rf::nuclei::find("2H"), nullptr);
  EXPECT_DOUBLE_EQ(rf::nuclei::find("1H")->gamma, constants::gamma_proton);
}

TEST(Phip, ClosedFormMatchesTheBuildupEquationIntegrated) {
  const hp::Phip p{0.4, 15.0, -0.3, 0.9, 8.0, 1.5, 12.0};
  // dP/dt = k (η (4 x_p − 1)/3 − P) − P / T1.
  const double limit = p.transfer_efficiency * (4 * p.para_fraction - 1) / 3;
  const double integrated =
      integrate([&](double x) { return p.rate * (limit - x) - x / p.t1_reaction; }, 1e-3, 8000);
  EXPECT_NEAR(hp::phip_polarization_at(p, 8.0), integrated, 1e-12);
  EXPECT_NEAR(hp::phip_detected_polarization(p), integrated * std::exp(-1.5 / 12.0), 1e-12);
  EXPECT_LT(hp::phip_detected_polarization(p), 0) << "a negative efficiency inverts";
}

TEST(Phip, FastReactionWithoutRelaxationReachesTheSingletOrder) {
  // k ≫ 1/T1 and a long reaction: P → η (4 x_p − 1)/3; pure para-hydrogen, no loss: P → 1.
  hp::Phip p{50.0, 1e12, 1.0, 1.0, 10.0, 0.0, 10.0};
  EXPECT_NEAR(hp::phip_detected_polarization(p), 1.0, 1e-9);
  p.para_fraction = 0.98;  // 23 K generator: 0.973
  p.transfer_efficiency = -0.5;
  EXPECT_NEAR(hp::phip_detected_polarization(p), -0.5 * (4 * 0.98 - 1) / 3, 1e-9);
  p.para_fraction = 0.5;  // normal hydrogen at 77 K: 1/3
  EXPECT_NEAR(hp::phip_detected_polarization(p), -0.5 / 3, 1e-9);
}

TEST(Seop, WalkerHapperClosedFormAndItsRateEquation) {
  const hp::Seop s{0.9, 2e-2, 3e-3, 120.0, 3.0, 40.0};
  const double total = s.spin_exchange_rate + s.relaxation_rate;
  const double walker_happer =
      s.rb_polarization * s.spin_exchange_rate / total * (1 - std::exp(-total * 120.0));
  // dP/dt = γ_SE (P_Rb − P) − Γ P.
  const double integrated = integrate(
      [&](double x) {
        return s.spin_exchange_rate * (s.rb_polarization - x) - s.relaxation_rate * x;
      },
      1e-2, 12000);
  EXPECT_NEAR(hp::seop_polarization_at(s, 120.0), walker_happer, 1e-12);
  EXPECT_NEAR(hp::seop_polarization_at(s, 120.0), integrated, 1e-12);
  EXPECT_NEAR(hp::seop_detected_polarization(s), walker_happer * std::exp(-3.0 / 40.0), 1e-12);
}

TEST(Seop, SteadyStateIsTheRubidiumPolarizationSharedWithRelaxation) {
  const hp::Seop s{-0.95, 1e-2, 1e-3, 1e5, 0.0, 60.0};
  EXPECT_NEAR(hp::seop_detected_polarization(s), -0.95 * 1e-2 / (1e-2 + 1e-3), 1e-12);
  const hp::Seop no_wall{0.7, 5e-2, 0.0, 1e5, 0.0, 60.0};
  EXPECT_NEAR(hp::seop_detected_polarization(no_wall), 0.7, 1e-12);
  EXPECT_EQ(hp::seop_polarization_at({0.7, 0.0, 0.0, 100.0, 0.0, 60.0}, 100.0), 0);
}

TEST(Seop, IdealGasConcentration) {
  // 1 bar at 273.15 K: c = p / (R T), R = 8.314462618 J/(mol K), 44.03 mol/m³.
  EXPECT_NEAR(hp::ideal_gas_concentration(1e5, 273.15), 1e5 / (8.314462618 * 273.15), 1e-9);
  EXPECT_NEAR(hp::ideal_gas_concentration(1e5, 273.15), 44.03, 0.005);
  EXPECT_NEAR(hp::ideal_gas_concentration(2e5, 546.3), hp::ideal_gas_concentration(1e5, 273.15),
              1e-12);
}

TEST(PhipNode, WritesTheClosedFormAndTheFieldsOfTheSample) {
  rf::test::NodeHarness node("hyperpolarization.phip", {{"hydrogenation_rate", 0.3},
                                                        {"t1_reaction", 25.0},
                                                        {"transfer_efficiency", -0.2},
                                                        {"para_fraction", 0.9},
                                                        {"reaction_time", 12.0},
                                                        {"transfer_time", 1.0},
                                                        {"t1_transfer", 8.0},
                                                        {"concentration", 20.0},
                                                        {"equivalent_spins", 2.0},
                                                        {"sample_volume", 2e-7}});
  const auto s = node.run(rf::Item(0, 0));
  const double loss = 0.3 + 1 / 25.0;
  const double p =
      0.3 * (-0.2 * (4 * 0.9 - 1) / 3) / loss * (1 - std::exp(-loss * 12.0)) * std::exp(-1.0 / 8.0);
  EXPECT_NEAR(s.scalar("polarization"), p, 1e-14);
  EXPECT_NEAR(s.scalar("molar_polarization"), p * 20.0, 1e-12);
  const double spins = 2.0 * 20.0 * constants::avogadro * 2e-7;
  EXPECT_NEAR(s.scalar("spins"), spins, spins * 1e-14);
  EXPECT_NEAR(s.scalar("total_inversion"), -p * spins, spins * 1e-14);
  EXPECT_GT(s.scalar("total_inversion"), 0) << "negative efficiency: RASER-capable";
  EXPECT_DOUBLE_EQ(s.scalar("sample_volume"), 2e-7);
  EXPECT_DOUBLE_EQ(s.scalar("gamma"), constants::gamma_proton);
}

TEST(PhipNode, PositiveEfficiencyPolarizesAlongBoltzmann) {
  rf::test::NodeHarness node("hyperpolarization.phip", {{"transfer_efficiency", 0.2}});
  const auto s = node.run(rf::Item(0, 0));
  EXPECT_GT(s.scalar("polarization"), 0);
  EXPECT_LT(s.scalar("total_inversion"), 0);
}

TEST(SeopNode, ConcentrationComesFromPressureAndTemperature) {
  rf::test::NodeHarness node("hyperpolarization.seop", {{"rb_polarization", -0.9},
                                                        {"spin_exchange_rate", 2e-2},
                                                        {"relaxation_rate", 2e-3},
                                                        {"pumping_time", 200.0},
                                                        {"transfer_time", 4.0},
                                                        {"t1_transfer", 80.0},
                                                        {"partial_pressure", 1e5},
                                                        {"temperature", 273.15},
                                                        {"sample_volume", 1e-7}});
  const auto s = node.run(rf::Item(0, 0));
  const double p = -0.9 * 2e-2 / 2.2e-2 * (1 - std::exp(-2.2e-2 * 200.0)) * std::exp(-4.0 / 80.0);
  const double c = 1e5 / (8.314462618 * 273.15);
  EXPECT_NEAR(s.scalar("polarization"), p, 1e-14);
  EXPECT_NEAR(s.scalar("molar_polarization"), p * c, 1e-9);
  // Natural xenon: 26.4 % of the atoms are 129Xe.
  const double spins = 0.264 * c * constants::avogadro * 1e-7;
  EXPECT_NEAR(s.scalar("spins"), spins, spins * 1e-9);
  EXPECT_NEAR(s.scalar("total_inversion"), -p * spins, spins * 1e-9);
  EXPECT_GT(s.scalar("total_inversion"), 0);
  EXPECT_NEAR(s.scalar("gamma"), gamma_from_moment(-0.7779763), 1e-5 * 7.45e7);
}

TEST(SeopNode, HasNoConcentrationParameterAndOnlyNobleGases) {
  const std::string no_concentration = rf::test::error_of([] {
    rf::test::NodeHarness("hyperpolarization.seop", {{"concentration", 10.0}});
  });
  EXPECT_NE(no_concentration.find("no parameter concentration"), std::string::npos)
      << no_concentration;
  const std::string proton = rf::test::error_of([] {
    rf::test::NodeHarness("hyperpolarization.seop", {{"nucleus", "1H"}});
  });
  EXPECT_NE(proton.find("129Xe"), std::string::npos) << proton;
  rf::test::NodeHarness helium("hyperpolarization.seop", {{"nucleus", "3He"}});
  EXPECT_NEAR(helium.run(rf::Item(0, 0)).scalar("gamma"), gamma_from_moment(-2.127625307),
              1e-5 * 2.04e8);
}

TEST(SourceNodes, EachWritesTheGammaOfItsNucleus) {
  for (const char* type :
       {"hyperpolarization.thermal", "hyperpolarization.sabre", "hyperpolarization.phip"}) {
    for (const auto& [name, moment] : kMoments) {
      rf::test::NodeHarness node(type, {{"nucleus", name}});
      const double gamma = node.run(rf::Item(0, 0)).scalar("gamma");
      EXPECT_GT(gamma, 0) << type << " " << name << ": |gamma| is written";
      EXPECT_NEAR(gamma / gamma_from_moment(moment), 1, 1e-5) << type << " " << name;
    }
    // The default nucleus is 1H, exactly the proton gamma the RASER nodes used so far.
    rf::test::NodeHarness node(type);
    EXPECT_EQ(node.run(rf::Item(0, 0)).scalar("gamma"), constants::gamma_proton) << type;
  }
}

TEST(ThermalNode, DefaultIsTheProtonBoltzmannPolarizationBitForBit) {
  rf::test::NodeHarness node("hyperpolarization.thermal");
  EXPECT_EQ(node.run(rf::Item(0, 0)).scalar("polarization"),
            std::tanh(constants::hbar * constants::gamma_proton * 1.4092 /
                      (2 * constants::k_boltzmann * 298.15)));
}

TEST(ThermalNode, CarbonAtNineTeslaScalesWithTheGyromagneticRatio) {
  rf::test::NodeHarness proton("hyperpolarization.thermal", {{"field", 9.4}});
  rf::test::NodeHarness carbon("hyperpolarization.thermal", {{"field", 9.4}, {"nucleus", "13C"}});
  const double p_h = proton.run(rf::Item(0, 0)).scalar("polarization");
  const double p_c = carbon.run(rf::Item(0, 0)).scalar("polarization");
  EXPECT_NEAR(p_h, 3.221e-5, 3.221e-5 * 1e-3);  // science.md §5.1
  // High-temperature limit: P ∝ γ (tanh's curvature is ~1e-10 here).
  EXPECT_NEAR(p_c / p_h, 0.7024118 / 2.79284734463, 1e-5);
}

TEST(ThermalNode, NegativeGammaNucleusIsNotInverted) {
  // 15N has γ < 0, yet its Boltzmann magnetization lies along B0: P > 0, no RASER.
  rf::test::NodeHarness node("hyperpolarization.thermal", {{"field", 9.4}, {"nucleus", "15N"}});
  const auto s = node.run(rf::Item(0, 0));
  EXPECT_GT(s.scalar("polarization"), 0);
  EXPECT_LT(s.scalar("total_inversion"), 0);
  EXPECT_NEAR(s.scalar("polarization") / 3.221e-5, 0.28318884 / 2.79284734463, 1e-3);
}

}  // namespace
