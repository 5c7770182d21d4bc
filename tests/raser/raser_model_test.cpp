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

// --- An independent reference: classical RK4 with a fixed step on equations written out here
// from science.md §1.2, sharing no code with the model.
using Vec = std::vector<double>;

// y(t_k) at t_k = k·dt for k = 0..samples-1, with `substeps` RK4 steps per interval.
template <class F>
std::vector<Vec> rk4(F f, Vec y, double dt, int samples, int substeps) {
  std::vector<Vec> out{y};
  const double h = dt / substeps;
  auto plus = [](const Vec& a, const Vec& b, double c) {
    Vec r(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) r[i] = a[i] + c * b[i];
    return r;
  };
  for (int k = 1; k < samples; ++k) {
    for (int j = 0; j < substeps; ++j) {
      const double t = (k - 1) * dt + j * h;
      const Vec k1 = f(y, t), k2 = f(plus(y, k1, h / 2), t + h / 2);
      const Vec k3 = f(plus(y, k2, h / 2), t + h / 2), k4 = f(plus(y, k3, h), t + h);
      for (std::size_t i = 0; i < y.size(); ++i)
        y[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
    }
    out.push_back(y);
  }
  return out;
}

// The largest |a_k[i] - b_k[i]| over every sample and the components [first, last).
double max_difference(const std::vector<Vec>& a, const std::vector<Vec>& b, std::size_t first,
                      std::size_t last) {
  double worst = 0;
  for (std::size_t k = 0; k < a.size(); ++k)
    for (std::size_t i = first; i < last; ++i) worst = std::max(worst, std::abs(a[k][i] - b[k][i]));
  return worst;
}

double rate_or_zero(double time) {
  return std::isinf(time) ? 0.0 : 1.0 / time;
}

// Complex form, y = [d_1..M, Re α_1..M, Im α_1..M]:
//   dα/dt = (iω − 1/T2*) α + β d S,  dd/dt = Γ0 e^{−t/τ} (d0 − d) − d/T1 − 4β Re(conj(α) S).
Vec complex_form(const rs::Modes& m, const Vec& y, double t) {
  const std::size_t n = m.size();
  Complex S = 0;
  for (std::size_t i = 0; i < n; ++i) S += Complex(y[n + i], y[2 * n + i]);
  const double pump = std::exp(-t * rate_or_zero(m.pump_decay));
  Vec dy(3 * n);
  for (std::size_t i = 0; i < n; ++i) {
    const Complex a(y[n + i], y[2 * n + i]);
    const Complex da = Complex(-rate_or_zero(m.t2_star), m.omega[i]) * a + m.beta * y[i] * S;
    dy[i] = m.pump_rate[i] * pump * (m.pump_target[i] - y[i]) - y[i] * rate_or_zero(m.t1) -
            4 * m.beta * (std::conj(a) * S).real();
    dy[n + i] = da.real();
    dy[2 * n + i] = da.imag();
  }
  return dy;
}

// Amplitude–phase form, y = [d_1..M, A_1..M, φ_1..M] (singular where an A reaches 0):
//   dd_μ/dt = Γ_μ(t)(d0_μ − d_μ) − d_μ/T1 − 4β Σ_ν A_μ A_ν cos(φ_ν − φ_μ)
//   dA_μ/dt = −A_μ/T2* + β d_μ Σ_ν A_ν cos(φ_ν − φ_μ)
//   dφ_μ/dt = ω_μ + β (d_μ/A_μ) Σ_ν A_ν sin(φ_ν − φ_μ)
Vec amplitude_phase_form(const rs::Modes& m, const Vec& y, double t) {
  const std::size_t n = m.size();
  const double pump = std::exp(-t * rate_or_zero(m.pump_decay));
  Vec dy(3 * n);
  for (std::size_t i = 0; i < n; ++i) {
    double cos_sum = 0, sin_sum = 0;
    for (std::size_t v = 0; v < n; ++v) {
      cos_sum += y[n + v] * std::cos(y[2 * n + v] - y[2 * n + i]);
      sin_sum += y[n + v] * std::sin(y[2 * n + v] - y[2 * n + i]);
    }
    const double d = y[i], A = y[n + i];
    dy[i] = m.pump_rate[i] * pump * (m.pump_target[i] - d) - d * rate_or_zero(m.t1) -
            4 * m.beta * A * cos_sum;
    dy[n + i] = -A * rate_or_zero(m.t2_star) + m.beta * d * cos_sum;
    dy[2 * n + i] = m.omega[i] + m.beta * d / A * sin_sum;
  }
  return dy;
}

Vec complex_vector(const rs::State& x) {
  Vec y(x.d);
  for (auto a : x.alpha) y.push_back(a.real());
  for (auto a : x.alpha) y.push_back(a.imag());
  return y;
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

// Without transverse spin (α(0) = 0 exactly) S stays 0, the RASER never starts, and each d_μ
// obeys the linear dd/dt = Γ(t)(κ d0 − d) − d/T1 with Γ(t) = Γ0 e^{−t/τ} (science.md §1.5).
// With G(t) = ∫Γ + t/T1 = Γ0 τ (1 − e^{−t/τ}) + t/T1 its solution is
//   d(t) = e^{−G(t)} [d(0) + κ d0 ∫_0^t Γ(s) e^{G(s)} ds].
double pumped_inversion(double d_start, double target, double gamma0, double tau, double t1,
                        double t) {
  auto G = [&](double x) { return gamma0 * tau * (1 - std::exp(-x / tau)) + x * rate_or_zero(t1); };
  if (std::isinf(t1))  // the integral is then κd0 (e^{G} − 1): the closed form
    return target + (d_start - target) * std::exp(-G(t));
  // Composite Simpson; the integrand is smooth and 4000 panels put its error below 1e-13.
  const int n = 4000;
  const double h = t / n;
  double sum = 0;
  for (int i = 0; i <= n; ++i) {
    const double x = i * h, w = (i == 0 || i == n) ? 1 : (i % 2 ? 4 : 2);
    sum += w * gamma0 * std::exp(-x / tau) * std::exp(G(x));
  }
  return std::exp(-G(t)) * (d_start + target * sum * h / 3);
}

void check_pumping_without_transverse_spin(double t1) {
  // Two pumped modes (κ = 1.5 and 0.5: one is pumped up, one down) and one unpumped.
  const double gamma0 = 2.0, tau = 1.5;
  auto m = threshold_units({-1.0, 0.2, 0.9}, t1);
  m.pump_decay = tau;
  m.pump_rate = {gamma0, gamma0, 0.0};
  m.pump_target = {1.5 * 1.2 * kThreshold, 0.5 * 2.0 * kThreshold, 0.0};
  const auto start = state({1.2, 2.0, 0.7}, {0.0, 0.0, 0.0});
  const auto times = linspace(0, 6, 61);
  auto states = rs::simulate_states(m, start, times, {1e-11, 1e-13});
  for (std::size_t k = 0; k < times.size(); ++k)
    for (std::size_t i = 0; i < 3; ++i) {
      const double expected =
          pumped_inversion(start.d[i], m.pump_target[i], m.pump_rate[i], tau, t1, times[k]);
      // rtol 1e-11 on a linear, smooth equation: 1e-9 of the inversion is ample.
      EXPECT_NEAR(states[k].d[i] / kThreshold, expected / kThreshold, 1e-9)
          << "mode " << i << ", t " << times[k];
      EXPECT_EQ(states[k].alpha[i], Complex(0)) << "no transverse spin appears from nothing";
    }
  // The pumping has run its course by t = 6 = 4τ: the test covers the whole decay.
  EXPECT_GT(std::abs(states.back().d[0] - start.d[0]), 0.1 * kThreshold);
}

TEST(Pumping, DecayingPumpingFollowsTheClosedFormWithoutTransverseSpin) {
  check_pumping_without_transverse_spin(rs::infinity);
}

TEST(Pumping, DecayingPumpingWithRelaxationFollowsTheQuadrature) {
  check_pumping_without_transverse_spin(4.0);
}

// The tolerance of a comparison with the RK4 reference. RK4's global error is O(h⁴): run with
// n and 2n steps per interval, |y_n − y_2n|/15 estimates the error of y_2n (Richardson). The
// model runs at rtol 1e-11, and its error stays at most about rtol times the peak
// (bench/raser_bench.cpp); 1e-9 of the scale leaves a margin of 100 for the growth of errors
// through the burst, while an error in an equation shows as 1e-3 or more.
double allowed_difference(const std::vector<Vec>& coarse, const std::vector<Vec>& fine,
                          std::size_t first, std::size_t last, double scale) {
  const double rk4_error = max_difference(coarse, fine, first, last) / 15;
  EXPECT_LT(rk4_error, 1e-9 * scale) << "the reference should be tighter than the check";
  return 2 * rk4_error + 1e-9 * scale;
}

TEST(Pumping, SignalWithDecayingPumpingMatchesAnIndependentIntegration) {
  // Five coupled modes through a burst, two of them pumped with a decaying rate, T1 and T2*
  // finite: S(t) of simulate_signal (adaptive steps, interpolated S) against RK4.
  auto m = threshold_units({-1.2, -0.5, 0.0, 0.6, 1.3}, 8.0);
  m.pump_decay = 2.0;
  m.pump_rate = {0.0, 1.5, 0.0, 1.5, 0.0};
  m.pump_target = {0.0, 1.2 * kThreshold, 0.0, 0.9 * kThreshold, 0.0};
  std::vector<Complex> a0;
  for (int i = 0; i < 5; ++i) a0.push_back(std::polar(1e-4, 1.1 * i));
  const auto start = state({0.5, 0.8, 1.0, 0.6, 0.4}, a0);
  const double dwell = 0.02;
  const int samples = 401;
  const auto signal = rs::simulate_signal(m, start, dwell, samples, {1e-11, 1e-12});
  auto f = [&](const Vec& y, double t) { return complex_form(m, y, t); };
  const auto coarse = rk4(f, complex_vector(start), dwell, samples, 10);
  const auto fine = rk4(f, complex_vector(start), dwell, samples, 20);
  // S as the real and imaginary part of a one-component "state", to reuse the helpers.
  std::vector<Vec> model_s, fine_s, coarse_s;
  auto S = [](const Vec& y) {
    Complex s = 0;
    for (std::size_t i = 0; i < 5; ++i) s += Complex(y[5 + i], y[10 + i]);
    return Vec{s.real(), s.imag()};
  };
  double peak = 0;
  for (std::size_t k = 0; k < fine.size(); ++k) {
    model_s.push_back({signal[k].real(), signal[k].imag()});
    fine_s.push_back(S(fine[k]));
    coarse_s.push_back(S(coarse[k]));
    peak = std::max(peak, std::hypot(fine_s.back()[0], fine_s.back()[1]));
  }
  EXPECT_GT(peak, 1e3 * std::abs(total(start))) << "the run should cover a burst";
  EXPECT_LT(max_difference(model_s, fine_s, 0, 2),
            allowed_difference(coarse_s, fine_s, 0, 2, peak));
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

TEST(Equations, ComplexFormTrajectoryEqualsAmplitudePhaseForm) {
  // R12: the model (complex form, adaptive steps) against the amplitude–phase equations of
  // §1.2 integrated here by RK4, over whole trajectories through a burst with every term
  // active: three modes, decaying pumping on two, finite T1 and T2*.
  auto m = threshold_units({-0.7, 0.1, 0.5}, 10.0);
  m.pump_decay = 3.0;
  m.pump_rate = {0.4, 0.0, 0.4};
  m.pump_target = {2.0 * kThreshold, 0.0, 1.0 * kThreshold};
  const std::vector<double> D0{1.5, 2.0, 1.0}, A0{0.02, 0.03, 0.025}, phi0{0.3, 0.5, 0.8};
  std::vector<Complex> a0;
  for (std::size_t i = 0; i < 3; ++i) a0.push_back(std::polar(A0[i], phi0[i]));
  const auto start = state(D0, a0);
  Vec y0(start.d);
  for (auto a : start.alpha) y0.push_back(std::abs(a));
  for (double p : phi0) y0.push_back(p);
  const double dt = 0.05;
  const int samples = 121;  // τ = 0 .. 6
  auto f = [&](const Vec& y, double t) { return amplitude_phase_form(m, y, t); };
  const auto coarse = rk4(f, y0, dt, samples, 10), fine = rk4(f, y0, dt, samples, 20);
  std::vector<double> times;
  for (int k = 0; k < samples; ++k) times.push_back(k * dt);
  const auto model = rs::simulate_states(m, start, times, {1e-11, 1e-13});

  double a_peak = 0, a_min = rs::infinity;
  for (const auto& y : fine)
    for (std::size_t i = 0; i < 3; ++i) {
      a_peak = std::max(a_peak, y[3 + i]);
      a_min = std::min(a_min, y[3 + i]);
    }
  ASSERT_GT(a_min, 1e-3 * a_peak) << "the amplitude–phase form holds only while every A > 0";
  ASSERT_GT(a_peak, 10 * 0.03 * kThreshold) << "the run should cover a burst";
  // Compare d and α = A e^{iφ} (φ is defined only modulo 2π).
  auto as_complex = [](const Vec& y) {
    Vec v(y.begin(), y.begin() + 3);
    for (std::size_t i = 0; i < 3; ++i) v.push_back(y[3 + i] * std::cos(y[6 + i]));
    for (std::size_t i = 0; i < 3; ++i) v.push_back(y[3 + i] * std::sin(y[6 + i]));
    return v;
  };
  std::vector<Vec> model_vectors, fine_vectors, coarse_vectors;
  for (std::size_t k = 0; k < times.size(); ++k) {
    model_vectors.push_back(complex_vector(model[k]));
    fine_vectors.push_back(as_complex(fine[k]));
    coarse_vectors.push_back(as_complex(coarse[k]));
  }
  const double d_scale = 4.5 * kThreshold;  // Σ d0
  EXPECT_LT(max_difference(model_vectors, fine_vectors, 0, 3),
            allowed_difference(coarse_vectors, fine_vectors, 0, 3, d_scale));
  EXPECT_LT(max_difference(model_vectors, fine_vectors, 3, 9),
            allowed_difference(coarse_vectors, fine_vectors, 3, 9, a_peak));
}

// derivative() and the stepper share one right-hand side, so this checks the rate scaling and
// the conversion back to physical units, not the equations: those are checked independently by
// ComplexFormTrajectoryEqualsAmplitudePhaseForm and the closed forms.
TEST(Equations, DerivativeIsTheIntegratedRightHandSide) {
  // derivative() is the integrator's own right-hand side: at t it must be what the trajectory
  // does there, (x(t + h) − x(t − h)) / 2h up to O(h²).
  auto m = threshold_units({-0.7, 0.1, 0.4, 1.2}, 10.0);
  m.pump_rate = {0.2, 0.2, 0.2, 0.2};
  m.pump_target = {1e15, 2e15, 1.5e15, 0.5e15};
  m.pump_decay = 2.0;
  std::vector<Complex> a0;
  for (int i = 0; i < 4; ++i) a0.push_back(std::polar(0.05, 0.9 * i));
  const double t = 1.0, h = 1e-3;
  auto x =
      rs::simulate_states(m, state({0.5, 1.5, 1.0, 0.8}, a0), {t - h, t, t + h}, {1e-12, 1e-14});
  const auto dx = rs::derivative(m, x[1], t);
  double d_rate = 0, a_rate = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    d_rate = std::max(d_rate, std::abs(dx.d[i]));
    a_rate = std::max(a_rate, std::abs(dx.alpha[i]));
  }
  for (std::size_t i = 0; i < 4; ++i) {
    // A central difference errs by h²/6 times the third derivative: about 1e-6 of the rates.
    EXPECT_NEAR((x[2].d[i] - x[0].d[i]) / (2 * h), dx.d[i], 1e-5 * d_rate) << i;
    EXPECT_NEAR(std::abs((x[2].alpha[i] - x[0].alpha[i]) / (2 * h) - dx.alpha[i]), 0.0,
                1e-5 * a_rate)
        << i;
  }
}

TEST(Signal, InterpolatedSignalMatchesTheStepperDenseOutput) {
  // simulate_signal interpolates S alone (quintic Hermite) between free steps; the steps of
  // simulate_states land on the sample times. At tight tolerance both must agree.
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

TEST(Signal, ErrorIsAboutRtolTimesThePeak) {
  // The meaning of raser.simulate's rtol: the signal's error is about rtol times its peak.
  // Degenerate modes collapse exactly to one mode (§1.7 C), whose burst has the closed form of
  // §1.7 E: with u0 = Σd0 − d_th, a0 = |S(0)|, R = √(u0² + 4a0²), S(t) = (R/2) sech(βR(t − t0))
  // e^{i(ωt + arg S(0))} (one mode's phase turns at exactly ω). ε = 10, a0 ≈ 1e-5.
  const int n = 8;
  const double omega = 0.8, eps = 10;
  std::vector<double> d;
  std::vector<Complex> a;
  for (int i = 0; i < n; ++i) {
    d.push_back(eps * (1.0 + 0.2 * i) / (n + 0.2 * n * (n - 1) / 2.0));
    a.push_back(std::polar(1e-6 * (1.0 + 0.1 * i), 0.5));  // equal phases: |S(0)| = Σ|α|
  }
  const auto start = state(d, a);
  const double a_start = std::abs(total(start)) / kThreshold, u0 = eps - 1;
  const double R = std::sqrt(u0 * u0 + 4 * a_start * a_start);
  const double t0 = std::log((R + u0) / (2 * a_start)) / R;
  const double dwell = 0.005;
  const std::size_t samples = 1001;  // τ = 0 .. 5, through the burst at τ0 ≈ 1.3
  for (double rtol : {1e-5, 1e-6, 1e-7, 1e-8}) {
    // The tolerances raser.simulate passes for its rtol.
    const auto S = rs::simulate_signal(threshold_units(std::vector<double>(n, omega)), start, dwell,
                                       samples, {rtol, rtol * 0.1});
    double worst = 0;
    for (std::size_t k = 0; k < samples; ++k) {
      const double t = static_cast<double>(k) * dwell;
      const Complex exact = R / 2 / std::cosh(R * (t - t0)) * std::polar(1.0, omega * t + 0.5);
      worst = std::max(worst, std::abs(S[k] / kThreshold - exact));
    }
    EXPECT_LT(worst / (R / 2), rtol) << "rtol " << rtol;
  }
}

}  // namespace
