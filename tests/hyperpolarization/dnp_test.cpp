// DNP buildup with polarization-dependent spin diffusion against science.md §4.1 and the oracles
// of §4.7 (D1–D5 of §6), and the per-mode integrator against a full-lattice FFTW integrator.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <vector>

#include <fftw3.h>

#include "dnp_model.hpp"
#include "support/error_of.hpp"
#include "support/harness.hpp"

namespace hp = raserflow::hyperpolarization;
namespace rf = raserflow;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// The lattice of §4.4 stepped with an FFT per cycle, as science.md writes the method: inject at
// cell 0, diffuse every Fourier mode by exp(−λ(k)Φ), relax with T1. Only the test uses it.
class FftLattice {
 public:
  explicit FftLattice(const hp::DnpLattice& l) : l_(l), n_(l.cells), p_(n_ * n_ * n_) {
    const int n = static_cast<int>(n_);
    const std::size_t half = n_ / 2 + 1;
    spectrum_.resize(n_ * n_ * half);
    forward_ = fftw_plan_dft_r2c_3d(
        n, n, n, p_.data(), reinterpret_cast<fftw_complex*>(spectrum_.data()), FFTW_ESTIMATE);
    backward_ = fftw_plan_dft_c2r_3d(n, n, n, reinterpret_cast<fftw_complex*>(spectrum_.data()),
                                     p_.data(), FFTW_ESTIMATE);
    eigen_.resize(spectrum_.size());
    for (std::size_t x = 0; x < n_; ++x)
      for (std::size_t y = 0; y < n_; ++y)
        for (std::size_t z = 0; z < half; ++z)
          eigen_[(x * n_ + y) * half + z] = hp::lattice_eigenvalue(x, n_, l.spacing) +
                                            hp::lattice_eigenvalue(y, n_, l.spacing) +
                                            hp::lattice_eigenvalue(z, n_, l.spacing);
    std::fill(p_.begin(), p_.end(), l.equilibrium);
  }
  ~FftLattice() {
    fftw_destroy_plan(forward_);
    fftw_destroy_plan(backward_);
  }
  FftLattice(const FftLattice&) = delete;
  FftLattice& operator=(const FftLattice&) = delete;

  std::vector<double>& cells() { return p_; }
  double mean() const {
    double s = 0;
    for (double v : p_) s += v;
    return s / static_cast<double>(p_.size());
  }
  void diffuse(double phi) {
    fftw_execute(forward_);
    const double scale = 1.0 / static_cast<double>(p_.size());
    for (std::size_t i = 0; i < spectrum_.size(); ++i)
      spectrum_[i] *= std::exp(-eigen_[i] * phi) * scale;
    fftw_execute(backward_);
  }
  // One cycle (pulsed) or the cycle's sub-steps (continuous); returns p̄ at its end.
  double cycle() {
    const bool pulsed = l_.transfer == hp::Transfer::pulsed;
    const std::size_t steps = pulsed ? 1 : l_.substeps;
    const double dt = l_.cycle / static_cast<double>(steps);
    const double exchange = pulsed ? l_.exchange : 1 - std::exp(-l_.exchange_rate * dt);
    const double relax = std::isfinite(l_.t1) ? std::exp(-dt / l_.t1) : 1.0;
    for (std::size_t s = 0; s < steps; ++s) {
      p_[0] += exchange * (l_.source - p_[0]);
      diffuse(
          hp::diffusion_integral(l_.diffusion, dt, l_.t1, mean(), l_.corrected, l_.equilibrium));
      for (double& v : p_) v = l_.equilibrium + (v - l_.equilibrium) * relax;
    }
    return mean();
  }

 private:
  hp::DnpLattice l_;
  std::size_t n_;
  std::vector<double> p_;
  std::vector<std::complex<double>> spectrum_;
  std::vector<double> eigen_;
  fftw_plan forward_, backward_;
};

// Lattice in units where a = 1 and τ = 1, so diffusion = D0 τ / a².
hp::DnpLattice unit_lattice(std::size_t cells, double d0_tau_over_a2) {
  hp::DnpLattice l;
  l.cells = cells;
  l.spacing = 1;
  l.cycle = 1;
  l.diffusion = d0_tau_over_a2;
  return l;
}

// Cycles until p̄ first reaches half the source polarization.
std::size_t half_time(const hp::Buildup& b, double source) {
  const auto it =
      std::find_if(b.mean.begin(), b.mean.end(), [&](double p) { return p >= source / 2; });
  return static_cast<std::size_t>(it - b.mean.begin()) + 1;
}

TEST(DnpCorrection, FactorsOfTheAbstract) {
  // §4.1 / D1: 1.1547, 1.4003, 2.2942, 7.0888 (paper: 1.15, 1.4, 2.3, 7.1).
  EXPECT_NEAR(hp::diffusion_speedup(0.5), 1.1547, 1e-4);
  EXPECT_NEAR(hp::diffusion_speedup(0.7), 1.4003, 1e-4);
  EXPECT_NEAR(hp::diffusion_speedup(0.9), 2.2942, 1e-4);
  EXPECT_NEAR(hp::diffusion_speedup(0.99), 7.0888, 1e-4);
  EXPECT_DOUBLE_EQ(hp::diffusion_speedup(-0.9), hp::diffusion_speedup(0.9));
  EXPECT_DOUBLE_EQ(hp::diffusion_speedup(0), 1.0);
  EXPECT_TRUE(std::isinf(hp::diffusion_speedup(1)));
}

TEST(DnpCorrection, DiffusionIntegralClosedFormAndLimits) {
  // D5: p̄⁺ = 0.5, τ = T1 = D0 = 1 → arcsech(0.5/e) − arcsech(0.5) = 1.0607686.
  const auto arcsech = [](double x) { return std::log((1 + std::sqrt(1 - x * x)) / x); };
  EXPECT_NEAR(hp::diffusion_integral(1, 1, 1, 0.5, true), 1.0607686, 1e-7);
  EXPECT_NEAR(hp::diffusion_integral(1, 1, 1, 0.5, true), arcsech(0.5 / std::exp(1)) - arcsech(0.5),
              1e-14);
  // The same by composite Simpson quadrature of D0/√(1 − 0.25 e^{−2s}) over [0, 1].
  double simpson = 0;
  const int n = 2000;
  for (int i = 0; i <= n; ++i) {
    const double s = static_cast<double>(i) / n, w = i == 0 || i == n ? 1 : (i % 2 ? 4 : 2);
    simpson += w / std::sqrt(1 - 0.25 * std::exp(-2 * s));
  }
  simpson /= 3.0 * n;
  EXPECT_NEAR(hp::diffusion_integral(1, 1, 1, 0.5, true), simpson, 1e-12);
  // The quadrature used when T1 relaxes toward a nonzero P_0 agrees as P_0 → 0.
  EXPECT_NEAR(hp::diffusion_integral(1, 1, 1, 0.5, true, 1e-300), 1.0607686, 1e-7);
  EXPECT_NEAR(hp::diffusion_integral(2e-17, 0.02, 3.0, 0.8, true, 1e-300),
              hp::diffusion_integral(2e-17, 0.02, 3.0, 0.8, true), 1e-12 * 2e-17 * 0.02);
  // Limits: no polarization, no T1, no correction; the sign of p̄ does not matter.
  EXPECT_DOUBLE_EQ(hp::diffusion_integral(3, 0.5, 2, 0, true), 1.5);
  EXPECT_DOUBLE_EQ(hp::diffusion_integral(3, 0.5, kInf, 0.6, true), 1.5 / 0.8);
  EXPECT_NEAR(hp::diffusion_integral(3, 0.5, 1e12, 0.6, true), 1.5 / 0.8, 1e-11);
  EXPECT_DOUBLE_EQ(hp::diffusion_integral(3, 0.5, 2, 0.6, false), 1.5);
  EXPECT_DOUBLE_EQ(hp::diffusion_integral(3, 0.5, 2, -0.6, true),
                   hp::diffusion_integral(3, 0.5, 2, 0.6, true));
}

TEST(DnpLattice, EigenvalueIsTheDiscreteLaplacianOfAFourierMode) {
  // −(D/a²) Σ_nn (P_j − P_i) on P_i = cos(2π m i/n) equals λ P_i (here D = 1, a = 0.5).
  const std::size_t n = 12;
  const double a = 0.5;
  for (std::size_t m = 0; m < n; ++m) {
    std::vector<double> p(n);
    for (std::size_t i = 0; i < n; ++i) p[i] = std::cos(2 * M_PI * double(m * i) / double(n));
    for (std::size_t i = 0; i < n; ++i) {
      const double lap = (p[(i + 1) % n] + p[(i + n - 1) % n] - 2 * p[i]) / (a * a);
      EXPECT_NEAR(-lap, hp::lattice_eigenvalue(m, n, a) * p[i], 1e-12) << "m " << m;
    }
  }
}

TEST(DnpLattice, FourierModeDecaysExactlyAndDiffusionConservesTheSum) {
  // Oracle 1 on the FFT integrator the per-mode one is checked against.
  hp::DnpLattice l = unit_lattice(8, 0.3);
  FftLattice lattice(l);
  auto& p = lattice.cells();
  for (std::size_t x = 0; x < 8; ++x)
    for (std::size_t y = 0; y < 8; ++y)
      for (std::size_t z = 0; z < 8; ++z)
        p[(x * 8 + y) * 8 + z] = 0.25 + std::cos(2 * M_PI * (1.0 * x + 3.0 * z) / 8);
  const double lambda = hp::lattice_eigenvalue(1, 8, 1) + hp::lattice_eigenvalue(3, 8, 1);
  const double phi = 0.7;
  lattice.diffuse(phi);
  double worst = 0;
  for (std::size_t x = 0; x < 8; ++x)
    for (std::size_t y = 0; y < 8; ++y)
      for (std::size_t z = 0; z < 8; ++z)
        worst = std::max(worst, std::abs(p[(x * 8 + y) * 8 + z] - 0.25 -
                                         std::exp(-lambda * phi) *
                                             std::cos(2 * M_PI * (1.0 * x + 3.0 * z) / 8)));
  EXPECT_LT(worst, 1e-14);
  EXPECT_NEAR(lattice.mean(), 0.25, 0.25 * 1e-12);
}

TEST(DnpBuildup, RapidDiffusionLimitIsAGeometricSeries) {
  // Oracle 2 / D2: D τ/a² = 50, N_g = 8, p_ex = 0.5, P_e = 0.7: p̄_n = P_e[1 − (1 − q)^{n+1}],
  // q = p_ex/N_g³, with and without the correction (diffusion is complete either way).
  for (bool corrected : {false, true}) {
    hp::DnpLattice l = unit_lattice(8, 50);
    l.exchange = 0.5;
    l.source = 0.7;
    l.corrected = corrected;
    const auto b = hp::simulate_buildup(l, 3000);
    const double q = 0.5 / 512;
    double worst = 0;
    for (std::size_t n = 0; n < b.mean.size(); ++n)
      worst = std::max(worst, std::abs(b.mean[n] - 0.7 * (1 - std::pow(1 - q, double(n + 1)))));
    EXPECT_LT(worst, 1e-12) << "corrected " << corrected;
    EXPECT_DOUBLE_EQ(b.time[9], 10.0);
  }
}

TEST(DnpBuildup, RapidDiffusionWithT1ReachesTheFixedPoint) {
  // Oracle 3 / D3: τ/T1 = 1/500 → p̄_ss = q P_e e^{−τ/T1}/(1 − (1 − q) e^{−τ/T1}) = 0.2295045.
  hp::DnpLattice l = unit_lattice(8, 50);
  l.exchange = 0.5;
  l.source = 0.7;
  l.t1 = 500;
  const auto b = hp::simulate_buildup(l, 20000, 1000);
  const double q = 0.5 / 512, e = std::exp(-1.0 / 500);
  EXPECT_NEAR(b.final_mean, q * 0.7 * e / (1 - (1 - q) * e), 1e-12);
  EXPECT_NEAR(b.final_mean, 0.2295045, 1e-7);
  EXPECT_EQ(b.mean.size(), 20u);
}

// p̄ after each of `cycles` pulses with p_ex = 1 and D = D0, by the Green's function recursion of
// §4.4 (no lattice arrays): P_src(t_n⁻) = Σ_{m<n} q_m G00((n − m)Φ), q_n = P_e − P_src(t_n⁻).
std::vector<double> greens_function_buildup(std::size_t cells, double phi, double source,
                                            std::size_t cycles) {
  const double total = double(cells * cells * cells);
  std::vector<double> g(cycles + 1, 0.0), q(cycles), mean(cycles);
  for (std::size_t x = 0; x < cells; ++x)
    for (std::size_t y = 0; y < cells; ++y)
      for (std::size_t z = 0; z < cells; ++z) {
        const double lambda = hp::lattice_eigenvalue(x, cells, 1) +
                              hp::lattice_eigenvalue(y, cells, 1) +
                              hp::lattice_eigenvalue(z, cells, 1);
        for (std::size_t j = 1; j <= cycles; ++j)
          g[j] += std::exp(-lambda * phi * double(j)) / total;
      }
  double injected = 0;
  for (std::size_t n = 0; n < cycles; ++n) {
    double at_source = 0;
    for (std::size_t m = 0; m < n; ++m) at_source += q[m] * g[n - m];
    q[n] = source - at_source;
    injected += q[n];
    mean[n] = injected / total;
  }
  return mean;
}

TEST(DnpBuildup, PerModeIntegratorEqualsTheGreensFunctionRecursion) {
  hp::DnpLattice l = unit_lattice(16, 0.1);
  l.source = 0.9;
  l.corrected = false;
  const auto b = hp::simulate_buildup(l, 3000);
  const auto reference = greens_function_buildup(16, 0.1, 0.9, 3000);
  double worst = 0;
  for (std::size_t n = 0; n < reference.size(); ++n)
    worst = std::max(worst, std::abs(b.mean[n] - reference[n]));
  EXPECT_LT(worst, 1e-13);
}

TEST(DnpBuildup, CorrectionSpeedsUpTheBuildupAtHighSourcePolarization) {
  // Oracle 4 / D4: 16³, D0 τ/a² = 0.1, p_ex = 1, T1 = ∞.
  hp::DnpLattice l = unit_lattice(16, 0.1);
  l.source = 0.9;
  hp::DnpLattice plain = l;
  plain.corrected = false;
  const auto with = hp::simulate_buildup(l, 20000), without = hp::simulate_buildup(plain, 20000);
  for (std::size_t n = 0; n < with.mean.size(); ++n)
    ASSERT_GE(with.mean[n], without.mean[n]) << "cycle " << n + 1;
  // science.md quotes p̄(20,000) = 0.7649 vs 0.7265. The recipe of §4.4, run here three ways
  // (per mode, FFT, Green's function: the tests above), gives 0.7680 vs 0.7294 — the quoted
  // pair is reached ~200 cycles earlier — while the ratio, the effect of the correction, agrees
  // to 1e-4: we test the ratio tightly and the absolute values to 5e-3.
  EXPECT_NEAR(with.final_mean / without.final_mean, 0.7649 / 0.7265, 1e-3);
  EXPECT_NEAR(with.final_mean, 0.7649, 5e-3);
  EXPECT_NEAR(without.final_mean, 0.7265, 5e-3);
  // t50: 8,200 against 8,400 cycles (§4.7, to the 200 cycles quoted).
  EXPECT_NEAR(double(half_time(with, 0.9)), 8200, 200);
  EXPECT_NEAR(double(half_time(without, 0.9)), 8400, 200);
  EXPECT_LT(half_time(with, 0.9), half_time(without, 0.9));

  // At P_e = 0.3 the curves coincide to plotting accuracy (t50 8,400 both).
  l.source = plain.source = 0.3;
  const auto low = hp::simulate_buildup(l, 12000), low_plain = hp::simulate_buildup(plain, 12000);
  EXPECT_NEAR(double(half_time(low, 0.3)), 8400, 200);
  EXPECT_LE(half_time(low_plain, 0.3) - half_time(low, 0.3), 100u);
  EXPECT_LT(low.final_mean - low_plain.final_mean, 0.01 * 0.3);
}

TEST(DnpBuildup, WithoutTheCorrectionTheBuildupIsLinearInTheSource) {
  // D = D0 makes the problem linear (with P_0 = 0); the correction makes it nonlinear.
  hp::DnpLattice l = unit_lattice(8, 0.05);
  l.t1 = 400;
  l.corrected = false;
  hp::DnpLattice half = l;
  l.source = 0.9;
  half.source = 0.45;
  EXPECT_NEAR(hp::simulate_buildup(l, 5000).final_mean,
              2 * hp::simulate_buildup(half, 5000).final_mean, 1e-14);
  l.corrected = half.corrected = true;
  EXPECT_GT(hp::simulate_buildup(l, 5000).final_mean,
            2 * hp::simulate_buildup(half, 5000).final_mean * 1.002);
  // The sign of the source only flips the result.
  hp::DnpLattice negative = l;
  negative.source = -0.9;
  EXPECT_DOUBLE_EQ(hp::simulate_buildup(negative, 500).final_mean,
                   -hp::simulate_buildup(l, 500).final_mean);
}

// The per-mode integrator against the FFT one, cycle by cycle.
void expect_same_as_fft(const hp::DnpLattice& l, std::size_t cycles) {
  const auto fast = hp::simulate_buildup(l, cycles);
  FftLattice reference(l);
  double worst = 0;
  for (std::size_t n = 0; n < cycles; ++n)
    worst = std::max(worst, std::abs(fast.mean[n] - reference.cycle()));
  EXPECT_LT(worst, 1e-13 * std::abs(l.source)) << "N_g " << l.cells;
}

TEST(DnpBuildup, PerModeIntegratorEqualsTheFftIntegrator) {
  for (std::size_t cells : {8u, 9u, 16u}) {
    hp::DnpLattice l = unit_lattice(cells, 0.2);
    l.source = 0.95;
    l.exchange = 0.8;
    l.t1 = 300;
    expect_same_as_fft(l, 400);
    l.equilibrium = 0.01;  // T1 toward a thermal polarization: the quadrature path
    expect_same_as_fft(l, 300);
    l.transfer = hp::Transfer::continuous;
    l.exchange_rate = 0.7;
    l.substeps = 4;
    expect_same_as_fft(l, 200);
  }
}

TEST(DnpBuildup, ContinuousTransferConvergesToTheRateEquationAtFirstOrder) {
  // Rapid diffusion, continuous transfer: dp̄/dt = k (P_e − p̄)/N → p̄ = P_e(1 − e^{−k t/N}).
  hp::DnpLattice l = unit_lattice(4, 200);
  l.transfer = hp::Transfer::continuous;
  l.exchange_rate = 0.8;
  l.source = 0.6;
  l.corrected = false;
  std::vector<double> errors;
  for (std::size_t substeps : {5u, 10u, 20u}) {
    l.substeps = substeps;
    const auto b = hp::simulate_buildup(l, 200);
    double worst = 0;
    for (std::size_t n = 0; n < b.mean.size(); ++n)
      worst = std::max(worst, std::abs(b.mean[n] - 0.6 * (1 - std::exp(-0.8 * b.time[n] / 64))));
    errors.push_back(worst);
  }
  EXPECT_LT(errors[2], 0.01 * 0.6);
  EXPECT_NEAR(errors[0] / errors[1], 2, 0.2);
  EXPECT_NEAR(errors[1] / errors[2], 2, 0.2);
}

TEST(DnpBuildup, UnusableLatticeIsRefusedNamingTheField) {
  hp::DnpLattice l = unit_lattice(8, 0.1);
  l.source = 1;
  EXPECT_NE(rf::test::error_of([&] { hp::simulate_buildup(l, 10); }).find("source"),
            std::string::npos);
  l.source = 0.5;
  l.exchange = 1.5;
  EXPECT_NE(rf::test::error_of([&] { hp::simulate_buildup(l, 10); }).find("exchange"),
            std::string::npos);
}

TEST(DnpNode, DissolutionGivesTheLiquidItsPolarizationAndInversion) {
  rf::test::NodeHarness node("hyperpolarization.dnp", {{"polarizing_time", 100.0},
                                                       {"transfer_time", 4.0},
                                                       {"t1_transfer", 8.0},
                                                       {"dilution", 50.0},
                                                       {"frozen_concentration", 5000.0},
                                                       {"equivalent_spins", 2.0}});
  auto s = node.run(rf::Item(0, 0));
  const double solid = s.scalar("solid_polarization");
  EXPECT_LT(solid, 0) << "negative by default: the RASER condition";
  EXPECT_NEAR(s.scalar("polarization"), solid * std::exp(-0.5), 1e-15);
  EXPECT_NEAR(s.scalar("molar_polarization"), s.scalar("polarization") * 100.0, 1e-12);
  EXPECT_NEAR(s.scalar("total_inversion"),
              -2 * s.scalar("polarization") * 100.0 * 6.02214076e23 * 1.056e-7,
              1e-9 * s.scalar("total_inversion"));
  EXPECT_GT(s.scalar("total_inversion"), 0);
  const auto curve = s.array("buildup").values<double>();
  ASSERT_EQ(curve.size(), 200u);
  EXPECT_DOUBLE_EQ(curve.back(), solid);
  EXPECT_DOUBLE_EQ(s.array("buildup_time").values<double>().back(), 100.0);
  // Every curve point lies between 0 and the source polarization, with the sign chosen.
  for (double p : curve) EXPECT_TRUE(p <= 0 && p >= -0.7) << p;
}

TEST(DnpNode, SourcePolarizationOfOneIsRefusedWithTheCorrection) {
  try {
    rf::test::NodeHarness node("hyperpolarization.dnp", {{"source_polarization", 1.0}});
    FAIL() << "accepted";
  } catch (const rf::ParamError& e) {
    EXPECT_EQ(e.param(), "source_polarization");
    EXPECT_NE(std::string(e.what()).find("diverges"), std::string::npos) << e.what();
  }
}

}  // namespace
