// The RASER equations against the invariants and closed forms of science.md §1.7 and the
// oracles R1–R13 of §6. Most tests run in threshold units: T2* = 1 s and β = 1/d_th, so
// t is τ = t/T2*, d/d_th is D and α/d_th is a.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <random>

#include "physical_constants.hpp"
#include "raser_model.hpp"

namespace rs = raserflow::raser;
using rs::Complex;

namespace {

constexpr double kThreshold = 1e15;  // d_th in spins for the threshold-unit tests

rs::Modes threshold_units(std::vector<double> omega, double t1 = rs::infinity) {
  rs::Modes m;
  m.pump_target.assign(omega.size(), 0.0);
  m.pump_rate.assign(omega.size(), 0.0);
  m.omega = std::move(omega);
  m.t2_star = 1.0;
  m.t1 = t1;
  m.beta = 1.0 / kThreshold;
  return m;
}

rs::State state(std::vector<double> D, std::vector<Complex> a) {
  rs::State s;
  for (double x : D) s.d.push_back(x * kThreshold);
  for (auto x : a) s.alpha.push_back(x * kThreshold);
  return s;
}

std::vector<double> linspace(double a, double b, int n) {
  std::vector<double> v(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) v[static_cast<std::size_t>(i)] = a + (b - a) * i / (n - 1);
  return v;
}

Complex total(const rs::State& s) {
  return std::accumulate(s.alpha.begin(), s.alpha.end(), Complex(0));
}

TEST(Coupling, BetaReproducesThePaperThresholdFormula) {
  // R1: Q = 50, V_S = π (2.05 mm)² 8 mm.
  const double beta = rs::coupling_beta(50, 1.05620e-7, raserflow::constants::gamma_proton);
  EXPECT_NEAR(beta, 1.12245e-15, 1.12245e-15 * 1e-4);
  // R2: d_th = 4 V_S / (μ0 ħ Q γ² T2*) (paper Eq. 2) equals 1/(β T2*).
  const double g = raserflow::constants::gamma_proton;
  const double eq2 =
      4 * 1.056e-7 / (raserflow::constants::mu0 * raserflow::constants::hbar * 50 * g * g * 0.5);
  const double d_th = rs::threshold_inversion(rs::coupling_beta(50, 1.056e-7, g), 0.5);
  EXPECT_NEAR(d_th, 1.782e15, 1.782e15 * 1e-3);
  EXPECT_NEAR(d_th, eq2, eq2 * 1e-12);
}

TEST(SingleMode, BurstFollowsTheSechClosedForm) {
  // R4 / §1.7 E: ε = 10, a0 = 1e-6, T1 = ∞, no pumping.
  const double eps = 10, a0 = 1e-6, u0 = eps - 1, R = std::sqrt(u0 * u0 + 4 * a0 * a0);
  const double tau0 = std::log((R + u0) / (2 * a0)) / R;
  EXPECT_NEAR(tau0, 1.7791928, 1e-7);
  auto times = linspace(0, 4, 401);
  auto states =
      rs::simulate_states(threshold_units({0.0}), state({eps}, {a0}), times, {1e-10, 1e-12});
  double worst = 0, peak = 0;
  for (std::size_t k = 0; k < times.size(); ++k) {
    const double D = states[k].d[0] / kThreshold;
    const double exact = 1 - R * std::tanh(R * (times[k] - tau0));
    worst = std::max(worst, std::abs(D - exact));
    peak = std::max(peak, std::abs(states[k].alpha[0]) / kThreshold);
    const double a_exact = R / 2 / std::cosh(R * (times[k] - tau0));
    EXPECT_NEAR(std::abs(states[k].alpha[0]) / kThreshold, a_exact, 1e-6) << "tau " << times[k];
  }
  EXPECT_LT(worst, 1e-6);
  EXPECT_NEAR(peak, 4.5, 1e-3);  // the 0.01-spaced grid samples the peak within 1e-3
  EXPECT_NEAR(states.back().d[0] / kThreshold, 2 - eps, 1e-6)
      << "the burst overshoots symmetrically to 2 - ε";
}

TEST(SingleMode, ShiftedSpinLengthIsConservedWithDephasing) {
  // §1.7 D: one mode, T1 = ∞, no pumping, finite T2*: (d − d_th)² + 4|α|² is constant.
  auto states = rs::simulate_states(threshold_units({0.4}), state({6}, {Complex(2e-3, 1e-3)}),
                                    linspace(0, 5, 51), {1e-11, 1e-13});
  const double start = 25.0 + 4 * std::norm(Complex(2e-3, 1e-3));
  for (const auto& s : states) {
    const double D = s.d[0] / kThreshold, a2 = std::norm(s.alpha[0]) / (kThreshold * kThreshold);
    EXPECT_NEAR(((D - 1) * (D - 1) + 4 * a2) / start, 1.0, 1e-8);
  }
}

TEST(SingleMode, BelowThresholdTheSpinNoiseDecays) {
  // R5 / §1.7 F: ε = 0.8, a0 = 1e-3: |a| ≈ a0 e^{−(1−ε)τ} and decreasing.
  auto times = linspace(0, 5, 51);
  auto states =
      rs::simulate_states(threshold_units({0.0}), state({0.8}, {1e-3}), times, {1e-10, 1e-12});
  for (std::size_t k = 1; k < times.size(); ++k)
    EXPECT_LT(std::abs(states[k].alpha[0]), std::abs(states[k - 1].alpha[0]));
  EXPECT_NEAR(std::abs(states.back().alpha[0]) / kThreshold, 3.6788e-4, 3.6788e-4 * 1e-3);
}

TEST(MultiMode, SpinLengthIsConservedPerModeWithoutRelaxation) {
  // R6 / §1.7 A: T2* = T1 = ∞, no pumping: d_μ² + 4|α_μ|² constant for every mode.
  auto m = threshold_units(linspace(-3, 3, 5));
  m.t2_star = rs::infinity;
  std::mt19937_64 gen(4);
  std::uniform_real_distribution<double> D0(1, 4), ph(0, 6.283);
  std::vector<double> d;
  std::vector<Complex> a;
  for (int i = 0; i < 5; ++i) {
    d.push_back(D0(gen));
    a.push_back(std::polar(1e-3, ph(gen)));
  }
  auto start = state(d, a);
  auto states = rs::simulate_states(m, start, linspace(0, 5, 26), {1e-11, 1e-13});
  for (const auto& s : states)
    for (std::size_t i = 0; i < 5; ++i) {
      const double before = start.d[i] * start.d[i] + 4 * std::norm(start.alpha[i]);
      const double now = s.d[i] * s.d[i] + 4 * std::norm(s.alpha[i]);
      EXPECT_NEAR(now / before, 1.0, 1e-8) << "mode " << i;
    }
}

TEST(MultiMode, TotalInversionNeverIncreases) {
  // R7 / §1.7 B: d/dt Σd = −4β|S|² ≤ 0 (any T2*, T1 = ∞, no pumping).
  auto m = threshold_units(linspace(-2, 2, 7));
  std::vector<double> d0{0.5, 1, 2, 3, 2, 1, 0.5};
  std::vector<Complex> a0;
  for (int i = 0; i < 7; ++i) a0.push_back(std::polar(1e-4, 0.9 * i));
  auto times = linspace(0, 6, 121);
  auto states = rs::simulate_states(m, state(d0, a0), times, {1e-10, 1e-12});
  double previous = rs::infinity;
  for (std::size_t k = 0; k < states.size(); ++k) {
    const auto& s = states[k];
    const double sum = std::accumulate(s.d.begin(), s.d.end(), 0.0);
    EXPECT_LE(sum, previous + 1e-9 * kThreshold);
    previous = sum;
    const auto dx = rs::derivative(m, s, times[k]);
    const double rate = std::accumulate(dx.d.begin(), dx.d.end(), 0.0);
    const double expected = -4 * m.beta * std::norm(total(s));
    EXPECT_NEAR(rate, expected, 1e-9 * std::abs(expected) + 1e-12 * kThreshold);
  }
}

TEST(MultiMode, DegenerateModesCollapseToOneMode) {
  // R8 / §1.7 C: equal frequencies; (Σd, Σα) obeys the single-mode equations with Σd0.
  auto times = linspace(0, 3, 61);
  std::vector<Complex> a0{Complex(1e-4, 0), Complex(0, 2e-4), Complex(-1e-4, 1e-4),
                          Complex(3e-4, -1e-4)};
  auto many = rs::simulate_states(threshold_units({0.7, 0.7, 0.7, 0.7}), state({1, 2, 3, 4}, a0),
                                  times, {1e-11, 1e-13});
  Complex a_sum = std::accumulate(a0.begin(), a0.end(), Complex(0));
  auto one =
      rs::simulate_states(threshold_units({0.7}), state({10}, {a_sum}), times, {1e-11, 1e-13});
  for (std::size_t k = 0; k < times.size(); ++k) {
    const double d_many = std::accumulate(many[k].d.begin(), many[k].d.end(), 0.0);
    EXPECT_NEAR(d_many / kThreshold, one[k].d[0] / kThreshold, 1e-8);
    EXPECT_NEAR(std::abs(total(many[k]) - one[k].alpha[0]) / kThreshold, 0.0, 1e-8);
  }
}

// exp(M τ) a(0) for a 2x2 matrix, by Sylvester's formula (distinct eigenvalues).
std::array<Complex, 2> linear_solution(const std::array<Complex, 4>& M, std::array<Complex, 2> a,
                                       double tau, Complex* lambda1 = nullptr) {
  const Complex tr = M[0] + M[3], det = M[0] * M[3] - M[1] * M[2];
  const Complex root = std::sqrt(tr * tr - 4.0 * det);
  const Complex l1 = (tr + root) / 2.0, l2 = (tr - root) / 2.0;
  if (lambda1) *lambda1 = l1;
  const Complex e1 = std::exp(l1 * tau), e2 = std::exp(l2 * tau);
  auto apply = [&](Complex l, const std::array<Complex, 2>& v) {  // (M − l I) v
    return std::array<Complex, 2>{(M[0] - l) * v[0] + M[1] * v[1], M[2] * v[0] + (M[3] - l) * v[1]};
  };
  auto p = apply(l2, a), q = apply(l1, a);
  return {(e1 * p[0] - e2 * q[0]) / (l1 - l2), (e1 * p[1] - e2 * q[1]) / (l1 - l2)};
}

void check_linear_regime(double eps, double delta, double expected_growth) {
  // Two modes at ±δ/2, each with ε/2; tiny seed so d stays at d0 (|a|² ≪ 1 throughout).
  const double half = delta / 2;
  std::array<Complex, 2> a0{Complex(1e-9, 0), Complex(0, 1e-9)};
  std::array<Complex, 4> M{Complex(-1 + eps / 2, -half), Complex(eps / 2, 0), Complex(eps / 2, 0),
                           Complex(-1 + eps / 2, half)};
  const double tau = 6;
  Complex l1;
  auto expected = linear_solution(M, a0, tau, &l1);
  EXPECT_NEAR(l1.real(), expected_growth, std::abs(expected_growth) * 1e-4 + 1e-12);
  auto states =
      rs::simulate_states(threshold_units({-half, half}), state({eps / 2, eps / 2}, {a0[0], a0[1]}),
                          {tau}, {1e-11, 1e-13});
  for (int i = 0; i < 2; ++i) {
    const Complex got = states[0].alpha[static_cast<std::size_t>(i)] / kThreshold;
    EXPECT_NEAR(std::abs(got - expected[static_cast<std::size_t>(i)]) /
                    std::abs(expected[static_cast<std::size_t>(i)]),
                0.0, 1e-5)
        << "mode " << i;
  }
}

TEST(LinearRegime, CollectiveGrowthWhenModesOverlap) {
  // R9 / §1.7 G: ε = 3, δ = 1: Re λ = (ε + √(ε² − δ²))/2 − 1 = 1.91421.
  check_linear_regime(3, 1, 1.91421);
  EXPECT_NEAR((3 + std::sqrt(9.0 - 1.0)) / 2 - 1, 1.91421, 1e-5);
}

TEST(LinearRegime, SeparatedModesGrowOnTheirOwnHalf) {
  // R10: δ > ε: Re λ = ε/2 − 1, so the per-mode threshold is ε = 2.
  check_linear_regime(3, 8, 0.5);
  check_linear_regime(1.8, 8, -0.1);
}

TEST(Pumping, ContinuousRaserSettlesOnTheClosedFormSteadyState) {
  // R11 / §1.7 H: ε = 5, g = 0.5, r = 0.1: D_ss = 1, |a_ss|² = [g(ε − 1) − r]/4 = 0.475.
  auto m = threshold_units({0.0}, 10.0);
  m.pump_rate = {0.5};
  m.pump_target = {5 * kThreshold};
  auto states = rs::simulate_states(m, state({5}, {1e-3}), {150.0}, {1e-10, 1e-12});
  EXPECT_NEAR(states[0].d[0] / kThreshold, 1.0, 1e-6);
  EXPECT_NEAR(std::norm(states[0].alpha[0]) / (kThreshold * kThreshold), 0.475, 1e-6);
}

TEST(Pumping, ConstantPumpingEqualsInfiniteDecayTime) {
  auto m = threshold_units({0.0, 1.0}, 10.0);
  m.pump_rate = {0.5, 0.0};
  m.pump_target = {3 * kThreshold, 0};
  auto constant = rs::simulate_states(m, state({2, 1}, {1e-3, 1e-3}), {20.0});
  m.pump_decay = 1e300;
  auto slow = rs::simulate_states(m, state({2, 1}, {1e-3, 1e-3}), {20.0});
  EXPECT_NEAR(constant[0].d[0] / kThreshold, slow[0].d[0] / kThreshold, 1e-9);
}

TEST(Symmetry, ShiftingEveryFrequencyOnlyRotatesAlpha) {
  // R13 / §1.7 I: ω → ω + Δω gives a(t) e^{iΔω t} with D unchanged.
  const double shift = 2.5;
  auto base = threshold_units({-1, 0, 1.5});
  auto moved = threshold_units({-1 + shift, shift, 1.5 + shift});
  base.pump_rate = moved.pump_rate = {0.2, 0.2, 0.0};
  base.pump_target = moved.pump_target = {2 * kThreshold, kThreshold, 0};
  base.t1 = moved.t1 = 10;
  auto start = state({1.5, 2.5, 1.0}, {Complex(1e-3, 0), Complex(0, 1e-3), Complex(1e-3, 1e-3)});
  const std::vector<double> times{0.5, 1.5, 3.0};
  auto a = rs::simulate_states(base, start, times, {1e-11, 1e-13});
  auto b = rs::simulate_states(moved, start, times, {1e-11, 1e-13});
  for (std::size_t k = 0; k < times.size(); ++k)
    for (std::size_t i = 0; i < 3; ++i) {
      EXPECT_NEAR(b[k].d[i] / a[k].d[i], 1.0, 1e-8);
      const Complex rotated = a[k].alpha[i] * std::polar(1.0, shift * times[k]);
      EXPECT_NEAR(std::abs(b[k].alpha[i] - rotated) / std::abs(rotated), 0.0, 1e-7);
    }
}

TEST(Symmetry, AGlobalPhaseLeavesTheSignalMagnitudeUnchanged) {
  // §1.7 I: α → α e^{iθ} for every mode gives the same |S(t)| and the same d(t).
  auto m = threshold_units(linspace(-1.5, 1.5, 6), 10.0);
  std::vector<double> d{0.5, 1.0, 1.5, 1.5, 1.0, 0.5};
  std::vector<Complex> a, turned;
  for (int i = 0; i < 6; ++i) {
    a.push_back(std::polar(1e-4, 0.8 * i));
    turned.push_back(a.back() * std::polar(1.0, 1.1));
  }
  const std::vector<double> times{1.0, 2.5, 4.0};
  auto x = rs::simulate_states(m, state(d, a), times, {1e-11, 1e-13});
  auto y = rs::simulate_states(m, state(d, turned), times, {1e-11, 1e-13});
  for (std::size_t k = 0; k < times.size(); ++k) {
    EXPECT_NEAR(std::abs(total(y[k])) / std::abs(total(x[k])), 1.0, 1e-8);
    for (std::size_t i = 0; i < 6; ++i) EXPECT_NEAR(y[k].d[i] / x[k].d[i], 1.0, 1e-8);
  }
}

TEST(Symmetry, MirroringTheProfileConjugatesTheTrajectory) {
  // §1.7 I: μ → M+1−μ with ω → −ω and α(0) conjugated gives the conjugate trajectory.
  const std::vector<double> omega{-2.0, -0.5, 1.0, 2.5};
  std::vector<double> mirrored_omega;
  for (auto it = omega.rbegin(); it != omega.rend(); ++it) mirrored_omega.push_back(-*it);
  std::vector<double> d{0.5, 2.0, 1.0, 0.7}, d_mirror(d.rbegin(), d.rend());
  std::vector<Complex> a{Complex(1e-4, 2e-4), Complex(-3e-4, 1e-4), Complex(2e-4, 0),
                         Complex(0, -1e-4)};
  std::vector<Complex> a_mirror;
  for (auto it = a.rbegin(); it != a.rend(); ++it) a_mirror.push_back(std::conj(*it));
  const std::vector<double> times{1.0, 3.0};
  auto x = rs::simulate_states(threshold_units(omega, 10.0), state(d, a), times, {1e-11, 1e-13});
  auto y = rs::simulate_states(threshold_units(mirrored_omega, 10.0), state(d_mirror, a_mirror),
                               times, {1e-11, 1e-13});
  for (std::size_t k = 0; k < times.size(); ++k) {
    const Complex sx = total(x[k]), sy = total(y[k]);
    EXPECT_NEAR(std::abs(sy - std::conj(sx)) / std::abs(sx), 0.0, 1e-7);
    for (std::size_t i = 0; i < 4; ++i) EXPECT_NEAR(y[k].d[3 - i] / x[k].d[i], 1.0, 1e-8);
  }
}

TEST(Equations, ComplexFormEqualsAmplitudePhaseForm) {
  // R12: the complex right-hand side equals the amplitude–phase equations of §1.2.
  auto m = threshold_units({-0.7, 0.1, 0.4, 1.2}, 10.0);
  m.pump_rate = {0.2, 0.2, 0.2, 0.2};
  m.pump_target = {1e15, 2e15, 1.5e15, 0.5e15};
  std::mt19937_64 gen(9);
  std::uniform_real_distribution<double> u(0.1, 2.0), ph(0, 6.283);
  rs::State x;
  for (int i = 0; i < 4; ++i) {
    x.d.push_back(u(gen) * kThreshold);
    x.alpha.push_back(std::polar(u(gen) * 1e13, ph(gen)));
  }
  const auto dx = rs::derivative(m, x, 0.3);
  for (std::size_t i = 0; i < 4; ++i) {
    const double A = std::abs(x.alpha[i]), phi = std::arg(x.alpha[i]);
    double cos_sum = 0, sin_sum = 0;
    for (std::size_t v = 0; v < 4; ++v) {
      const double Av = std::abs(x.alpha[v]), pv = std::arg(x.alpha[v]);
      cos_sum += Av * std::cos(pv - phi);
      sin_sum += Av * std::sin(pv - phi);
    }
    const double dd =
        m.pump_rate[i] * (m.pump_target[i] - x.d[i]) - x.d[i] / m.t1 - 4 * m.beta * A * cos_sum;
    const double dA = -A / m.t2_star + m.beta * x.d[i] * cos_sum;
    const double dphi = m.omega[i] + m.beta * x.d[i] / A * sin_sum;
    // d/dt (A e^{iφ}) = (dA + i A dφ) e^{iφ}
    const Complex da = Complex(dA, A * dphi) * std::polar(1.0, phi);
    EXPECT_NEAR(dx.d[i] / dd, 1.0, 1e-12);
    EXPECT_NEAR(std::abs(dx.alpha[i] - da) / std::abs(da), 0.0, 1e-12);
  }
}

TEST(Signal, InterpolatedSignalMatchesTheStepperDenseOutput) {
  // simulate_signal interpolates S alone (quintic Hermite); simulate_states uses the
  // stepper's dense output of the whole state. At tight tolerance both must agree.
  auto m = threshold_units(linspace(-1, 1, 9), 10.0);
  std::vector<double> d(9, 0.8);
  std::vector<Complex> a;
  for (int i = 0; i < 9; ++i) a.push_back(std::polar(1e-5, 0.7 * i));
  const double dwell = 0.01;
  const rs::Tolerances tight{1e-11, 1e-13};
  auto signal = rs::simulate_signal(m, state(d, a), dwell, 600, tight);
  std::vector<double> times;
  for (int k = 0; k < 600; ++k) times.push_back(k * dwell);
  auto states = rs::simulate_states(m, state(d, a), times, tight);
  double peak = 0;
  for (const auto& z : signal) peak = std::max(peak, std::abs(z));
  EXPECT_GT(peak, 100 * std::abs(signal[0])) << "the test should cover a burst";
  for (std::size_t k = 0; k < 600; ++k)
    EXPECT_NEAR(std::abs(signal[k] - total(states[k])) / peak, 0.0, 1e-9) << k;
  const Complex start = total(state(d, a));
  EXPECT_NEAR(std::abs(signal[0] - start), 0.0, 1e-14 * std::abs(start))
      << "the first sample is the initial state";
}

TEST(Signal, ErrorScalesWithTheRelativeTolerance) {
  // The node's default rtol 1e-6 must keep the signal within ~1e-6 of its peak.
  auto m = threshold_units(linspace(-2, 2, 15), 10.0);
  std::vector<double> d;
  std::vector<Complex> a;
  for (int i = 0; i < 15; ++i) {
    d.push_back(1.0 - (i - 7) * (i - 7) / 64.0);
    a.push_back(std::polar(1e-6, 1.3 * i));
  }
  auto reference = rs::simulate_signal(m, state(d, a), 0.01, 800, {1e-11, 1e-12});
  auto loose = rs::simulate_signal(m, state(d, a), 0.01, 800, {1e-6, 1e-7});
  double peak = 0, err = 0;
  for (std::size_t k = 0; k < 800; ++k) {
    peak = std::max(peak, std::abs(reference[k]));
    err = std::max(err, std::abs(loose[k] - reference[k]));
  }
  EXPECT_LT(err / peak, 1e-5);
}

}  // namespace
