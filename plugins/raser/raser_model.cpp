#include "raser_model.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

#include "physical_constants.hpp"

namespace raserflow::raser {
namespace {

using Vector = std::vector<double>;

// Tsitouras' 5(4) pair, FSAL (Ch. Tsitouras, Comput. Math. Appl. 62 (2011) 770-775). Chosen
// over Dormand-Prince 5(4) by measurement: on the 67-mode images of bench/raser_bench.cpp it
// needs ~30 % fewer steps for the same error of S. a[i][0] = c[i] − the row's other entries.
struct Tsit5 {
  static constexpr std::size_t stages = 7;
  static constexpr double order = 5;  // of the solution; the error estimate is O(h^5)
  static constexpr std::array<double, stages> c{0, 0.161, 0.327, 0.9, 0.9800255409045097, 1, 1};
  static constexpr std::array<std::array<double, stages - 1>, stages> a{{
      {},
      {0.161},
      {-0.008480655492356992, 0.335480655492357},
      {2.8971530571054944, -6.359448489975075, 4.362295432869581},
      {5.325864828439259, -11.74888356406283, 7.495539342889836, -0.09249506636175525},
      {5.86145544294642, -12.92096931784711, 8.159367898576159, -0.071584973281401,
       -0.02826905039406838},
      // The last row is the solution's weights b; its stage is f(t + h, y_new), reused (FSAL).
      {0.09646076681806523, 0.01, 0.4798896504144996, 1.379008574103742, -3.290069515436081,
       2.324710524099774},
  }};
  // b - b̂: the difference to the embedded 4th-order solution estimates the local error.
  static constexpr std::array<double, stages> e{-0.00178001105222577714,
                                                -0.0008164344596567469,
                                                0.007880878010261995,
                                                -0.1447110071732629,
                                                0.5823571654525552,
                                                -0.45808210592918697,
                                                1.0 / 66};
};

// The equations in scaled variables, so that the tolerances mean the same whatever the units:
// D = d/U_d, a = α/U_a, s = t·r with r the fastest rate (below), c = βU_d/r:
//   da_μ/ds = (iω_μ − 1/T2*_μ)/r a_μ + c D_μ Σa
//   dD_μ/ds = [Γ_μ(t) (D0_μ − D_μ) − D_μ/T1]/r − 4c (U_a/U_d)² Re(conj(a_μ) Σa)
// U_d is the total inversion and U_a the rms transverse spin per mode at t = 0: d (~1e15 spins
// per mode) and α at the start (~1e8, spin noise) differ by many decades.
// State layout [D, Re a, Im a] (science.md §1.10), each block padded to an even length with
// modes that stay exactly zero: loops of an even trip count vectorise at -O2.
class Scaled {
 public:
  Scaled(const Modes& m, const State& x) : n_(m.size()), p_(n_ + n_ % 2) {
    if (x.d.size() != n_ || x.alpha.size() != n_ || m.pump_target.size() != n_ ||
        m.pump_rate.size() != n_ || (!m.t2_star_modes.empty() && m.t2_star_modes.size() != n_))
      throw std::invalid_argument("RASER model: every per-mode vector needs " + std::to_string(n_) +
                                  " entries");
    if (!(m.beta > 0)) throw std::invalid_argument("RASER model: beta must be > 0");
    for (double t2 : m.t2_star_modes)
      if (!(t2 > 0))
        throw std::invalid_argument("RASER model: every T2* per mode must be > 0 (.inf: none)");
    double total = 0, noise = 0;
    for (std::size_t i = 0; i < n_; ++i) {
      total += std::abs(x.d[i]);
      total = std::max(total, std::abs(m.pump_target[i]));
      noise += std::norm(x.alpha[i]);
    }
    u_d_ = total > 0 ? total : 1.0;
    u_a_ = noise > 0 ? std::sqrt(noise / static_cast<double>(n_)) : 1e-12 * u_d_;
    // Time unit: the fastest rate in the problem (coupling, dephasing, relaxation, offsets,
    // pumping), so steps are O(1) in s whichever process dominates.
    rate_ = m.beta * u_d_;
    const auto dephasing = [&](double t2) {
      if (!std::isinf(t2)) rate_ = std::max(rate_, 1.0 / t2);
    };
    if (m.t2_star_modes.empty()) dephasing(m.t2_star);
    for (double t2 : m.t2_star_modes) dephasing(t2);  // the fastest mode sets the time unit
    if (!std::isinf(m.t1)) rate_ = std::max(rate_, 1.0 / m.t1);
    for (std::size_t i = 0; i < n_; ++i)
      rate_ = std::max({rate_, std::abs(m.omega[i]), m.pump_rate[i]});
    coupling_ = m.beta * u_d_ / rate_;
    loss_ = 4.0 * coupling_ * (u_a_ / u_d_) * (u_a_ / u_d_);
    relax_ = std::isinf(m.t1) ? 0.0 : 1.0 / (m.t1 * rate_);
    pump_decay_ = std::isinf(m.pump_decay) ? 0.0 : 1.0 / (m.pump_decay * rate_);
    w_.assign(p_, 0.0);
    decay_.assign(p_, 0.0);
    pump_.assign(p_, 0.0);
    target_.assign(p_, 0.0);
    for (std::size_t i = 0; i < n_; ++i) {
      w_[i] = m.omega[i] / rate_;
      // The same arithmetic as a scalar T2*, so equal T2*_μ reproduce it bit for bit.
      decay_[i] = std::isinf(m.t2_star_of(i)) ? 0.0 : 1.0 / (m.t2_star_of(i) * rate_);
      pump_[i] = m.pump_rate[i] / rate_;
      target_[i] = m.pump_target[i] / u_d_;
    }
  }

  std::size_t size() const { return 3 * p_; }
  double scaled_time(double t) const { return t * rate_; }

  Vector pack(const State& x) const {
    Vector v(size(), 0.0);
    for (std::size_t i = 0; i < n_; ++i) {
      v[i] = x.d[i] / u_d_;
      v[p_ + i] = x.alpha[i].real() / u_a_;
      v[2 * p_ + i] = x.alpha[i].imag() / u_a_;
    }
    return v;
  }
  State unpack(const double* v) const {
    State x{Vector(n_), std::vector<Complex>(n_)};
    for (std::size_t i = 0; i < n_; ++i) {
      x.d[i] = v[i] * u_d_;
      x.alpha[i] = Complex(v[p_ + i], v[2 * p_ + i]) * u_a_;
    }
    return x;
  }
  // d/dt of the physical state from d/ds of the scaled one.
  State unpack_rate(const double* dv) const {
    State x = unpack(dv);
    for (auto& d : x.d) d *= rate_;
    for (auto& a : x.alpha) a *= rate_;
    return x;
  }

  // The right-hand side: the only one, used by the integrator and by derivative().
  void operator()(const double* v, double* dv, double s) const {
    const double pump_now = pump_decay_ > 0 ? std::exp(-s * pump_decay_) : 1.0;
    kernel(v, v + p_, v + 2 * p_, dv, dv + p_, dv + 2 * p_, pump_now);
  }

  // S, dS/ds and d²S/ds² (physical spins) from a state and its derivative, all O(M):
  //   a''_μ = (iw_μ − decay_μ) a'_μ + c (D'_μ Σa + D_μ Σa'), summed over modes.
  std::array<Complex, 3> signal_jet(const double* v, const double* dv) const {
    Complex a_sum = 0, da_sum = 0, rot = 0;
    double d_sum = 0, dd_sum = 0;
    for (std::size_t i = 0; i < p_; ++i) {
      const Complex da(dv[p_ + i], dv[2 * p_ + i]);
      a_sum += Complex(v[p_ + i], v[2 * p_ + i]);
      da_sum += da;
      rot += Complex(-decay_[i], w_[i]) * da;
      d_sum += v[i];
      dd_sum += dv[i];
    }
    return {a_sum * u_a_, da_sum * u_a_,
            (rot + coupling_ * (dd_sum * a_sum + d_sum * da_sum)) * u_a_};
  }

 private:
  // The outputs are distinct restrict parameters: GCC honours restrict on parameters, and
  // knowing that the three blocks do not overlap lets the loop vectorise at -O2.
  void kernel(const double* D, const double* ar, const double* ai, double* __restrict dD,
              double* __restrict dar, double* __restrict dai, double pump_now) const {
    const std::size_t p = 2 * (p_ / 2);  // even, as the compiler can see
    double sr = 0, si = 0;
    for (std::size_t i = 0; i < p; ++i) {
      sr += ar[i];
      si += ai[i];
    }
    const double gr = coupling_ * sr, gi = coupling_ * si, lr = loss_ * sr, li = loss_ * si;
    const double *w = w_.data(), *decay = decay_.data(), *pump = pump_.data(),
                 *target = target_.data();
    const double relax = relax_;
    for (std::size_t i = 0; i < p; ++i) {
      // (iw − decay)(ar + i ai) + c D (sr + i si)
      dar[i] = -decay[i] * ar[i] - w[i] * ai[i] + gr * D[i];
      dai[i] = w[i] * ar[i] - decay[i] * ai[i] + gi * D[i];
      dD[i] = pump_now * pump[i] * (target[i] - D[i]) - relax * D[i] - (lr * ar[i] + li * ai[i]);
    }
  }

  std::size_t n_, p_;
  double u_d_ = 1, u_a_ = 1, rate_ = 1, coupling_ = 1, loss_ = 0, relax_ = 0, pump_decay_ = 0;
  Vector w_, decay_, pump_, target_;  // per mode, scaled; zero on the padding
};

// Adaptive explicit Runge-Kutta with an embedded error estimate, FSAL, PI step control.
template <class Method>
class Stepper {
 public:
  Stepper(const Scaled& f, const State& initial, const Tolerances& tol)
      : f_(f),
        n_(f.size()),
        y_(f.pack(initial)),
        y_new_(n_),
        stage_(n_),
        ratio_(n_),
        atol_(n_),
        rtol_(tol.relative) {
    // A zero absolute tolerance would make 0/0 of components that are exactly zero.
    if (!(tol.relative > 0) || !(tol.absolute > 0))
      throw std::invalid_argument("RASER model: tolerances must be positive");
    for (auto& k : k_) k.resize(n_);
    std::fill(atol_.begin(), atol_.end(), tol.absolute);
    f_(y_.data(), k_[0].data(), s_);
    // A step of the size whose local error, O(h^5) in time units of the fastest rate, is
    // about rtol; the controller corrects it within a few steps either way.
    h_ = 0.1 * std::pow(tol.relative, 1.0 / Method::order);
  }

  double time() const { return s_; }
  const double* state() const { return y_.data(); }
  const double* slope() const { return k_[0].data(); }  // f(s, y), kept by FSAL

  // Advances by one accepted step, never past `s_stop`; returns the step's size.
  double step(double s_stop = infinity) {
    const double proposed = h_;
    bool clipped = false;
    if (s_ + h_ >= s_stop) {
      h_ = s_stop - s_;
      clipped = true;
    }
    for (;;) {
      const double h = h_;
      stages(h, std::make_index_sequence<Method::stages - 1>{});
      const double err = error_norm(h, std::make_index_sequence<Method::stages>{});
      if (std::isnan(err)) throw std::runtime_error("RASER integration diverged");
      const double q = 1.0 / Method::order;
      if (err <= 1.0) {
        // PI control with Hairer's constants (Hairer & Wanner, Solving ODEs I, §II.4): the
        // previous step's error damps the change, which keeps rejections rare.
        constexpr double beta = 0.04, safety = 0.9, fac_min = 0.2, fac_max = 10.0;
        double fac = err > 0 ? safety * std::pow(err, -(q - 0.75 * beta)) * std::pow(err_old_, beta)
                             : fac_max;
        fac = std::clamp(fac, fac_min, rejected_ ? 1.0 : fac_max);
        err_old_ = std::max(err, 1e-4);
        rejected_ = false;
        s_ = clipped ? s_stop : s_ + h;
        std::swap(y_, y_new_);
        std::swap(k_[0], k_[Method::stages - 1]);
        // A step shortened to land on s_stop says little about the size the solution allows.
        h_ = clipped ? std::max(h * fac, proposed) : h * fac;
        return h;
      }
      rejected_ = true;
      clipped = false;
      h_ = h * std::max(0.2, 0.9 * std::pow(err, -q));
      if (!(h_ > 1e-14 * std::max(1.0, s_)))
        throw std::runtime_error("RASER integration failed: step size " + std::to_string(h_));
    }
  }

 private:
  // Stage St: stage_ = y + h Σ_j a[St][j] k_j (y_new_ for the last, FSAL, stage), k_St = f(.).
  template <std::size_t St, std::size_t... J>
  void stage(double h, std::index_sequence<J...>) {
    double* out = St == Method::stages - 1 ? y_new_.data() : stage_.data();
    combine<St>(out, y_.data(), h, std::array<const double*, sizeof...(J)>{k_[J].data()...},
                std::index_sequence<J...>{});
    f_(out, k_[St].data(), s_ + Method::c[St] * h);
  }
  // These loops run over pairs of components, with `out` a restrict parameter: written so,
  // GCC vectorises them at -O2 (its "very cheap" cost model refuses a loop that may need a
  // scalar remainder). The state's length is even (Scaled pads it).
  template <std::size_t St, std::size_t... J>
  void combine(double* __restrict out, const double* y, double h,
               std::array<const double*, sizeof...(J)> k, std::index_sequence<J...>) const {
    constexpr auto& a = Method::a[St];
    for (std::size_t i = 0; i < n_; i += 2) {
      out[i] = y[i] + h * ((a[J] * k[J][i]) + ...);
      out[i + 1] = y[i + 1] + h * ((a[J] * k[J][i + 1]) + ...);
    }
  }
  template <std::size_t... St>
  void stages(double h, std::index_sequence<St...>) {
    (stage<St + 1>(h, std::make_index_sequence<St + 1>{}), ...);
  }

  // Max over components of |local error| / (atol + rtol·max(|y|, |y_new|)). The max norm, not
  // Hairer's rms: on the bench's images both cost the same for a given error of S, and the max
  // holds every mode's α to rtol, also modes too weak to move an rms, whose error a later burst
  // may amplify.
  template <std::size_t... J>
  double error_norm(double h, std::index_sequence<J...>) {
    ratios(ratio_.data(), h, std::array<const double*, sizeof...(J)>{k_[J].data()...},
           std::index_sequence<J...>{});
    double worst = 0;
    for (double x : ratio_) {
      if (std::isnan(x)) return x;  // a NaN in the state: the caller reports divergence
      worst = std::max(worst, x);
    }
    return worst;
  }
  template <std::size_t... J>
  void ratios(double* __restrict r, double h, std::array<const double*, sizeof...(J)> k,
              std::index_sequence<J...>) const {
    const double *y = y_.data(), *y_new = y_new_.data(), *atol = atol_.data();
    const double rtol = rtol_;
    for (std::size_t i = 0; i < n_; i += 2) {
      r[i] = std::abs(h * ((Method::e[J] * k[J][i]) + ...)) /
             (atol[i] + rtol * std::max(std::abs(y[i]), std::abs(y_new[i])));
      r[i + 1] = std::abs(h * ((Method::e[J] * k[J][i + 1]) + ...)) /
                 (atol[i + 1] + rtol * std::max(std::abs(y[i + 1]), std::abs(y_new[i + 1])));
    }
  }

  const Scaled& f_;
  std::size_t n_;
  Vector y_, y_new_, stage_, ratio_, atol_;
  std::array<Vector, Method::stages> k_;
  double rtol_, s_ = 0, h_ = 0, err_old_ = 1e-4;
  bool rejected_ = false;
};

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
  // costs more than the integration itself (science.md §1.10), so S is interpolated alone: a
  // quintic Hermite polynomial through S, S' and S'' at both ends of each accepted step. Its
  // error is O(h⁶), below that of the 5th-order steps.
  std::vector<Complex> out(samples);
  if (samples == 0) return out;
  Scaled system(modes, initial);
  Stepper<Tsit5> stepper(system, initial, tol);
  auto jet = system.signal_jet(stepper.state(), stepper.slope());
  out[0] = jet[0];
  const double ds_sample = system.scaled_time(dwell);
  std::size_t k = 1;
  while (k < samples) {
    const double s_old = stepper.time();
    const auto jet_old = jet;
    // Steps may overshoot the last sample; stopping exactly there is not needed.
    const double h = stepper.step();
    const double s = stepper.time();
    jet = system.signal_jet(stepper.state(), stepper.slope());
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
  // Steps land exactly on each requested time, so these states carry no interpolation error:
  // what tests compare against closed forms is the integrator itself.
  Scaled system(modes, initial);
  Stepper<Tsit5> stepper(system, initial, tol);
  std::vector<State> out;
  out.reserve(times.size());
  for (double t : times) {
    const double s = system.scaled_time(t);
    if (!(s >= stepper.time()))
      throw std::invalid_argument("RASER model: times must be ascending and >= 0");
    while (stepper.time() < s) stepper.step(s);
    out.push_back(system.unpack(stepper.state()));
  }
  return out;
}

State derivative(const Modes& modes, const State& x, double t) {
  Scaled system(modes, x);
  const auto v = system.pack(x);
  Vector dv(v.size());
  system(v.data(), dv.data(), system.scaled_time(t));
  return system.unpack_rate(dv.data());
}

}  // namespace raserflow::raser
