// A T2* per mode in the RASER equations (science.md §5.3): equal entries reproduce the scalar
// T2* bit for bit, each mode dephases at its own rate, and a mode whose own T2* puts it below
// threshold does not burst. Threshold units as in raser_model_test.cpp: T2* = 1 s and
// β = 1/d_th, so t is τ = t/T2*, d/d_th is D and α/d_th is a.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "raser_model.hpp"

namespace rs = raserflow::raser;
using rs::Complex;

namespace {

constexpr double kThreshold = 1e15;  // d_th in spins at T2* = 1 s

// A small image-like problem: a profile over M modes, pumped on two of them, with T1, so that
// every term of the equations runs.
struct Problem {
  rs::Modes modes;
  rs::State start;
};

Problem problem(std::size_t M, double epsilon, std::uint64_t seed) {
  Problem p;
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> normal(0, 1);
  std::uniform_real_distribution<double> phase(0, 6.283185307179586);
  double total = 0;
  for (std::size_t m = 0; m < M; ++m) {
    const double x = (static_cast<double>(m) - M / 2.0) / (0.4 * M);
    p.start.d.push_back(std::max(0.0, 1 - x * x));
    total += p.start.d.back();
    p.start.alpha.push_back(std::polar(1e-6 * kThreshold * std::abs(normal(gen)), phase(gen)));
    p.modes.omega.push_back(0.7 * (static_cast<double>(m) - M / 2.0));
  }
  for (auto& d : p.start.d) d *= epsilon * kThreshold / total;
  p.modes.pump_rate.assign(M, 0.0);
  p.modes.pump_target.assign(M, 0.0);
  p.modes.pump_rate[M / 3] = 0.4;
  p.modes.pump_target[M / 3] = 2 * p.start.d[M / 3];
  p.modes.pump_decay = 3.0;
  p.modes.beta = 1.0 / kThreshold;
  p.modes.t1 = 8.0;
  p.modes.t2_star = 1.0;
  return p;
}

TEST(PerModeT2Star, EqualEntriesGiveBitForBitTheScalarRun) {
  // The scalar field is deliberately different: with a vector, only the vector counts.
  for (double t2 : {1.0, 0.37, 2.5}) {
    auto scalar = problem(9, 6.0, 3);
    scalar.modes.t2_star = t2;
    auto vector = scalar;
    vector.modes.t2_star = 123.0;
    vector.modes.t2_star_modes.assign(9, t2);
    const auto a = rs::simulate_signal(scalar.modes, scalar.start, 0.05, 400);
    const auto b = rs::simulate_signal(vector.modes, vector.start, 0.05, 400);
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t k = 0; k < a.size(); ++k) ASSERT_EQ(a[k], b[k]) << "T2* " << t2 << " k " << k;
    const std::vector<double> times{0.5, 3.0, 11.0};
    const auto sa = rs::simulate_states(scalar.modes, scalar.start, times);
    const auto sb = rs::simulate_states(vector.modes, vector.start, times);
    for (std::size_t k = 0; k < times.size(); ++k) {
      EXPECT_EQ(sa[k].d, sb[k].d);
      EXPECT_EQ(sa[k].alpha, sb[k].alpha);
    }
  }
}

TEST(PerModeT2Star, AnOddModeCountPadsWithoutTouchingTheResult) {
  // Odd M: the padded mode of the vectorised kernel must stay out of the sums.
  auto scalar = problem(7, 4.0, 11);
  auto vector = scalar;
  vector.modes.t2_star_modes.assign(7, scalar.modes.t2_star);
  EXPECT_EQ(rs::simulate_signal(scalar.modes, scalar.start, 0.05, 300),
            rs::simulate_signal(vector.modes, vector.start, 0.05, 300));
}

TEST(PerModeT2Star, TheRightHandSideDephasesEachModeAtItsOwnRate) {
  // dα_μ/dt = (iω_μ − 1/T2*_μ) α_μ + β d_μ S, written out here.
  auto p = problem(5, 3.0, 5);
  p.modes.t2_star_modes = {0.5, 1.0, 2.0, rs::infinity, 0.1};
  const auto dx = rs::derivative(p.modes, p.start, 0.0);
  Complex S = 0;
  for (auto a : p.start.alpha) S += a;
  for (std::size_t m = 0; m < 5; ++m) {
    const double r2 = std::isinf(p.modes.t2_star_modes[m]) ? 0 : 1 / p.modes.t2_star_modes[m];
    const Complex expected =
        Complex(-r2, p.modes.omega[m]) * p.start.alpha[m] + p.modes.beta * p.start.d[m] * S;
    EXPECT_NEAR(std::abs(dx.alpha[m] - expected), 0.0, 1e-12 * std::abs(expected)) << m;
  }
}

TEST(PerModeT2Star, WithoutInversionEachModeDecaysWithItsOwnT2Star) {
  // d = 0 and a tiny α: the coupling is second order in α, so α_μ(t) = α_μ(0) e^{(iω_μ −
  // 1/T2*_μ)t}.
  rs::Modes m;
  m.omega = {-2.0, 0.0, 3.0};
  m.pump_rate.assign(3, 0.0);
  m.pump_target.assign(3, 0.0);
  m.beta = 1.0 / kThreshold;
  m.t2_star = 1.0;
  m.t2_star_modes = {0.25, 1.0, 4.0};
  rs::State x{{0.0, 0.0, 0.0}, {Complex(1e3, 0), Complex(0, 2e3), Complex(-1e3, 1e3)}};
  const auto states = rs::simulate_states(m, x, {0.5, 1.0, 2.0}, {1e-10, 1e-12});
  for (std::size_t k = 0; k < 3; ++k) {
    const double t = std::vector<double>{0.5, 1.0, 2.0}[k];
    for (std::size_t mu = 0; mu < 3; ++mu) {
      const Complex expected =
          x.alpha[mu] * std::exp(Complex(-1 / m.t2_star_modes[mu], m.omega[mu]) * t);
      EXPECT_NEAR(std::abs(states[k].alpha[mu] - expected), 0.0, 1e-8 * std::abs(x.alpha[mu]))
          << "t " << t << " mode " << mu;
    }
  }
}

TEST(PerModeT2Star, AModeBelowItsOwnThresholdDoesNotBurst) {
  // ε = βd0T2* = 3 with T2* = 1 s bursts; T2*_μ = 0.25 s gives ε_eff = 0.75 < 1: the linear
  // regime's |a| = a0 e^{(βd0 − 1/T2*_μ)t} = a0 e^{−t} decays (science.md §1.7 F, §5.3).
  rs::Modes m;
  m.omega = {0.0};
  m.pump_rate = {0.0};
  m.pump_target = {0.0};
  m.beta = 1.0 / kThreshold;
  m.t2_star = 1.0;
  const rs::State x{{3.0 * kThreshold}, {Complex(1e-3 * kThreshold, 0)}};
  std::vector<double> times;
  for (int k = 1; k <= 50; ++k) times.push_back(0.1 * k);
  const auto bursting = rs::simulate_states(m, x, times, {1e-10, 1e-12});
  double peak = 0;
  for (const auto& s : bursting) peak = std::max(peak, std::abs(s.alpha[0]) / kThreshold);
  EXPECT_GT(peak, 0.5) << "the control above threshold must burst";

  m.t2_star_modes = {0.25};
  const auto quenched = rs::simulate_states(m, x, times, {1e-10, 1e-12});
  double previous = std::abs(x.alpha[0]);
  for (const auto& s : quenched) {
    EXPECT_LT(std::abs(s.alpha[0]), previous);
    previous = std::abs(s.alpha[0]);
  }
  EXPECT_NEAR(previous / kThreshold, 1e-3 * std::exp(-5.0), 1e-3 * std::exp(-5.0) * 1e-3);
}

TEST(PerModeT2Star, BadVectorsAreRejected) {
  auto p = problem(4, 2.0, 1);
  p.modes.t2_star_modes = {1.0, 1.0, 1.0};
  EXPECT_THROW(rs::simulate_signal(p.modes, p.start, 0.1, 10), std::invalid_argument);
  for (double bad : {0.0, -1.0, std::nan("")}) {
    p.modes.t2_star_modes = {1.0, bad, 1.0, 1.0};
    EXPECT_THROW(rs::simulate_signal(p.modes, p.start, 0.1, 10), std::invalid_argument) << bad;
  }
}

}  // namespace
