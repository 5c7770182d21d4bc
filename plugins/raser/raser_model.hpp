#pragma once
// The multi-mode RASER equations in complex form (science.md §1.2):
//   dα_μ/dt = (iω_μ − 1/T2*) α_μ + β d_μ S,            S = Σ_ν α_ν
//   dd_μ/dt = Γ_μ(t) (d0_μ − d_μ) − d_μ/T1 − 4β Re(conj(α_μ) S)
// with Γ_μ(t) = Γ0_μ exp(−t/τ_Γ). One right-hand side costs O(M) because S is shared.
#include <complex>
#include <cstddef>
#include <limits>
#include <vector>

namespace raserflow::raser {

using Complex = std::complex<double>;
inline constexpr double infinity = std::numeric_limits<double>::infinity();

// β = μ0 ħ γ² Q / (4 V_S), in s⁻¹ per spin (science.md §1.3).
double coupling_beta(double q_factor, double sample_volume, double gamma);
// d_th = 1 / (β T2*): the total inversion at which the RASER threshold is reached.
double threshold_inversion(double beta, double t2_star);

struct Modes {
  std::vector<double> omega;        // rad/s, in the integration frame
  std::vector<double> pump_target;  // d0_μ the pumping drives toward (spins)
  std::vector<double> pump_rate;    // Γ0_μ, 1/s (0: no pumping)
  double pump_decay = infinity;     // τ_Γ, s (inf: constant pumping)
  double beta = 0;                  // 1/s per spin
  double t1 = infinity;             // s
  double t2_star = infinity;        // s, every mode's T2* unless t2_star_modes is given
  // T2*_μ per mode, s (> 0, .inf: none), e.g. shortened by nanoparticles (science.md §5.3);
  // empty: t2_star for every mode. Equal entries give bit for bit the result of that t2_star.
  std::vector<double> t2_star_modes;
  std::size_t size() const { return omega.size(); }
  double t2_star_of(std::size_t mode) const {
    return t2_star_modes.empty() ? t2_star : t2_star_modes[mode];
  }
};

struct State {
  std::vector<double> d;       // population inversion per mode, spins (> 0: inverted)
  std::vector<Complex> alpha;  // transverse spin per mode, spins
};

// Error control of the adaptive integrator (Tsitouras 5(4), max norm over components).
// With `relative` = r, the signal's error max_k |S(t_k) − S_exact(t_k)| is at most about
// r·max|S|: measured 0.15–0.9 r for r = 1e-5..1e-8 (bench/raser_bench.cpp on 67-mode images,
// and the closed-form test Signal.ErrorIsAboutRtolTimesThePeak).
struct Tolerances {
  double relative = 1e-8;
  // Absolute tolerance (> 0) in units of each component's scale: the total initial inversion
  // for d, the rms initial transverse spin per mode for α. Keep it <= relative: the burst
  // amplifies the spin noise ~1e7-fold, so an error of x·noise early on becomes about x·peak
  // later. science.md §1.10's 1e-3·noise for α, at r = 1e-6 on the bench's image, gave an
  // error of 1.7e-4 of the peak instead of 1.7e-7.
  double absolute = 1e-9;
};

// Integrates from `initial` at t = 0 and returns S(t_k) = Σ α_μ(t_k) at t_k = k·dwell.
std::vector<Complex> simulate_signal(const Modes& modes, const State& initial, double dwell,
                                     std::size_t samples, const Tolerances& tol = {});

// The full state at each of `times` (ascending, >= 0), on which the steps land exactly: for
// tests and diagnostics.
std::vector<State> simulate_states(const Modes& modes, const State& initial,
                                   const std::vector<double>& times, const Tolerances& tol = {});

// The right-hand side the integrator uses, in physical units (dd/dt, dα/dt), for checking it
// against the equations (e.g. d/dt Σd = −4β|S|²).
State derivative(const Modes& modes, const State& x, double t);

}  // namespace raserflow::raser
