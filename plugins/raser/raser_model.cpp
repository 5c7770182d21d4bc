#include "raser_model.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

#include <boost/numeric/odeint.hpp>

#include "physical_constants.hpp"

namespace raserflow::raser {
namespace {

namespace odeint = boost::numeric::odeint;
using Vector = std::vector<double>;

// The integrator works in scaled variables so that one absolute tolerance suits every
// component although d (~1e15 spins per mode) and α at the start (~1e8, spin noise) differ
// by many decades: D = d/U_d, a = α/U_a, s = t·r with r the fastest rate (below), c = βU_d/r:
//   da_μ/ds = (iω_μ − 1/T2*)/r a_μ + c D_μ Σa
//   dD_μ/ds = [Γ_μ (D0_μ − D_μ) − D_μ/T1]/r − 4c (U_a/U_d)² Re(conj(a_μ) Σa)
// State layout [D_1..D_M, Re a_1..M, Im a_1..M] (science.md §1.10).
class Scaled {
 public:
  Scaled(const Modes& m, const State& initial) : m_(m), n_(m.size()) {
    if (initial.d.size() != n_ || initial.alpha.size() != n_ || m.pump_target.size() != n_ ||
        m.pump_rate.size() != n_)
      throw std::invalid_argument("RASER model: every per-mode vector needs " + std::to_string(n_) +
                                  " entries");
    double total = 0, noise = 0;
    for (std::size_t i = 0; i < n_; ++i) {
      total += std::abs(initial.d[i]);
      total = std::max(total, std::abs(m.pump_target[i]));
      noise += std::norm(initial.alpha[i]);
    }
    u_d_ = total > 0 ? total : 1.0;
    u_a_ = noise > 0 ? std::sqrt(noise / static_cast<double>(n_)) : 1e-12 * u_d_;
    if (!(m.beta > 0)) throw std::invalid_argument("RASER model: beta must be > 0");
    // Time unit: the fastest rate in the problem (coupling, dephasing, relaxation, offsets,
    // pumping), so steps are O(1) in s whichever process dominates.
    rate_ = m.beta * u_d_;
    if (!std::isinf(m.t2_star)) rate_ = std::max(rate_, 1.0 / m.t2_star);
    if (!std::isinf(m.t1)) rate_ = std::max(rate_, 1.0 / m.t1);
    for (std::size_t i = 0; i < n_; ++i)
      rate_ = std::max({rate_, std::abs(m.omega[i]), m.pump_rate[i]});
    coupling_ = m.beta * u_d_ / rate_;
    ratio2_ = 4.0 * coupling_ * (u_a_ / u_d_) * (u_a_ / u_d_);
  }

  Vector pack(const State& x) const {
    Vector v(3 * n_);
    for (std::size_t i = 0; i < n_; ++i) {
      v[i] = x.d[i] / u_d_;
      v[n_ + i] = x.alpha[i].real() / u_a_;
      v[2 * n_ + i] = x.alpha[i].imag() / u_a_;
    }
    return v;
  }
  State unpack(const Vector& v) const {
    State x{Vector(n_), std::vector<Complex>(n_)};
    for (std::size_t i = 0; i < n_; ++i) {
      x.d[i] = v[i] * u_d_;
      x.alpha[i] = Complex(v[n_ + i], v[2 * n_ + i]) * u_a_;
    }
    return x;
  }
  // S, dS/ds and d²S/ds² (scaled) from a state and its derivative, all O(M):
  //   a'' = (iw − decay) a' + D' Σa + D Σa'   summed over modes.
  std::array<Complex, 3> signal_jet(const Vector& v, const Vector& dv) const {
    const double decay = std::isinf(m_.t2_star) ? 0.0 : 1.0 / (m_.t2_star * rate_);
    Complex a_sum = 0, da_sum = 0, rot = 0;
    double d_sum = 0, dd_sum = 0;
    for (std::size_t i = 0; i < n_; ++i) {
      const Complex da(dv[n_ + i], dv[2 * n_ + i]);
      a_sum += Complex(v[n_ + i], v[2 * n_ + i]);
      da_sum += da;
      rot += Complex(-decay, m_.omega[i] / rate_) * da;
      d_sum += v[i];
      dd_sum += dv[i];
    }
    return {a_sum * u_a_, da_sum * u_a_,
            (rot + coupling_ * (dd_sum * a_sum + d_sum * da_sum)) * u_a_};
  }
  double scaled_time(double t) const { return t * rate_; }

  void operator()(const Vector& v, Vector& dv, double s) const {
    const double t = s / rate_;
    const double decay = std::isinf(m_.t2_star) ? 0.0 : 1.0 / (m_.t2_star * rate_);
    const double relax = std::isinf(m_.t1) ? 0.0 : 1.0 / (m_.t1 * rate_);
    const double pump_now = std::isinf(m_.pump_decay) ? 1.0 : std::exp(-t / m_.pump_decay);
    double sr = 0, si = 0;
    for (std::size_t i = 0; i < n_; ++i) {
      sr += v[n_ + i];
      si += v[2 * n_ + i];
    }
    for (std::size_t i = 0; i < n_; ++i) {
      const double d = v[i], ar = v[n_ + i], ai = v[2 * n_ + i];
      const double w = m_.omega[i] / rate_;
      // (iw − decay)(ar + i ai) = (−decay·ar − w·ai) + i(w·ar − decay·ai)
      dv[n_ + i] = -decay * ar - w * ai + coupling_ * d * sr;
      dv[2 * n_ + i] = w * ar - decay * ai + coupling_ * d * si;
      const double pump = m_.pump_rate[i] * pump_now / rate_;
      dv[i] = pump * (m_.pump_target[i] / u_d_ - d) - relax * d - ratio2_ * (ar * sr + ai * si);
    }
  }

 private:
  const Modes& m_;
  std::size_t n_;
  double u_d_ = 1, u_a_ = 1, rate_ = 1, coupling_ = 1, ratio2_ = 0;
};

template <class Visit>
void integrate(const Modes& modes, const State& initial, const std::vector<double>& times,
               const Tolerances& tol, Visit visit) {
  Scaled system(modes, initial);
  auto stepper =
      odeint::make_dense_output(tol.absolute, tol.relative, odeint::runge_kutta_dopri5<Vector>());
  Vector x = system.pack(initial);
  const double s_end = times.empty() ? 0.0 : system.scaled_time(times.back());
  // The first step is a guess the controller corrects; a small fraction of the span is safe.
  stepper.initialize(x, 0.0, std::max(1e-6, s_end * 1e-6));
  Vector at(x.size());
  std::size_t k = 0;
  bool stepped = false;
  while (k < times.size()) {
    const double s_k = system.scaled_time(times[k]);
    if (s_k <= stepper.current_time()) {
      if (stepped)
        stepper.calc_state(s_k, at);
      else
        at = stepper.current_state();  // dense output needs one step before it can interpolate
      visit(k, system, at);
      ++k;
      continue;
    }
    stepper.do_step(std::cref(system));
    stepped = true;
    if (!std::isfinite(stepper.current_time()))
      throw std::runtime_error("RASER integration diverged");
  }
}

}  // namespace

double coupling_beta(double q_factor, double sample_volume, double gamma) {
  return constants::mu0 * constants::hbar * gamma * gamma * q_factor / (4.0 * sample_volume);
}

double threshold_inversion(double beta, double t2_star) {
  return 1.0 / (beta * t2_star);
}

std::vector<Complex> simulate_signal(const Modes& modes, const State& initial, double dwell,
                                     std::size_t samples, const Tolerances& tol) {
  // The receiver needs only S = Σα. Interpolating the whole 3M-element state at every sample
  // (the stepper's dense output) costs more than the integration itself (science.md §1.10),
  // so S is interpolated alone: a quintic Hermite polynomial through S, S' and S'' at both
  // ends of each accepted step. Its error is O(h⁶), below that of the 4th-order dense output
  // of Dormand–Prince; simulate_states() keeps the full dense output for checking it.
  std::vector<Complex> out(samples);
  if (samples == 0) return out;
  Scaled system(modes, initial);
  auto stepper =
      odeint::make_controlled(tol.absolute, tol.relative, odeint::runge_kutta_dopri5<Vector>());
  Vector x = system.pack(initial), dxdt(x.size());
  double s = 0;
  system(x, dxdt, s);
  auto jet = system.signal_jet(x, dxdt);
  out[0] = jet[0];
  const double ds_sample = system.scaled_time(dwell);
  const double s_end = ds_sample * static_cast<double>(samples - 1);
  double ds = std::max(1e-6, s_end * 1e-6);
  std::size_t k = 1;
  while (k < samples) {
    const double s_old = s;
    const auto jet_old = jet;
    // Steps may overshoot the last sample; stopping exactly there is not needed.
    while (stepper.try_step(std::cref(system), x, dxdt, s, ds) == odeint::fail) {
      if (!(ds > 0) || !std::isfinite(ds))
        throw std::runtime_error("RASER integration failed: step size " + std::to_string(ds));
    }
    if (!std::isfinite(s) || !std::isfinite(x[0]))
      throw std::runtime_error("RASER integration diverged");
    jet = system.signal_jet(x, dxdt);
    const double h = s - s_old;
    for (; k < samples && static_cast<double>(k) * ds_sample <= s; ++k) {
      const double th = (static_cast<double>(k) * ds_sample - s_old) / h;
      const double t2 = th * th, t3 = t2 * th, t4 = t3 * th, t5 = t4 * th;
      const double h00 = 1 - 10 * t3 + 15 * t4 - 6 * t5, h01 = th - 6 * t3 + 8 * t4 - 3 * t5,
                   h02 = 0.5 * t2 - 1.5 * t3 + 1.5 * t4 - 0.5 * t5;
      const double h10 = 10 * t3 - 15 * t4 + 6 * t5, h11 = -4 * t3 + 7 * t4 - 3 * t5,
                   h12 = 0.5 * t3 - t4 + 0.5 * t5;
      out[k] = h00 * jet_old[0] + h * h01 * jet_old[1] + h * h * h02 * jet_old[2] + h10 * jet[0] +
               h * h11 * jet[1] + h * h * h12 * jet[2];
    }
  }
  return out;
}

std::vector<State> simulate_states(const Modes& modes, const State& initial,
                                   const std::vector<double>& times, const Tolerances& tol) {
  std::vector<State> out(times.size());
  integrate(modes, initial, times, tol, [&](std::size_t k, const Scaled& system, const Vector& v) {
    out[k] = system.unpack(v);
  });
  return out;
}

State derivative(const Modes& m, const State& x, double t) {
  const auto n = m.size();
  Complex s = 0;
  for (const auto& a : x.alpha) s += a;
  const double decay = std::isinf(m.t2_star) ? 0.0 : 1.0 / m.t2_star;
  const double relax = std::isinf(m.t1) ? 0.0 : 1.0 / m.t1;
  const double pump_now = std::isinf(m.pump_decay) ? 1.0 : std::exp(-t / m.pump_decay);
  State dx{std::vector<double>(n), std::vector<Complex>(n)};
  for (std::size_t i = 0; i < n; ++i) {
    dx.alpha[i] = Complex(-decay, m.omega[i]) * x.alpha[i] + m.beta * x.d[i] * s;
    dx.d[i] = m.pump_rate[i] * pump_now * (m.pump_target[i] - x.d[i]) - relax * x.d[i] -
              4.0 * m.beta * (std::conj(x.alpha[i]) * s).real();
  }
  return dx;
}

}  // namespace raserflow::raser
