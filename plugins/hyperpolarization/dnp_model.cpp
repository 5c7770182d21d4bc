#include "dnp_model.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include <boost/math/quadrature/gauss.hpp>

#include "physical_constants.hpp"

namespace raserflow::hyperpolarization {

double diffusion_speedup(double mean_polarization) {
  const double p = std::abs(mean_polarization);
  if (p >= 1) return std::numeric_limits<double>::infinity();
  return 1 / std::sqrt((1 - p) * (1 + p));
}

double diffusion_integral(double d0, double tau, double t1, double mean_after_transfer,
                          bool corrected, double equilibrium) {
  if (!corrected) return d0 * tau;
  if (equilibrium != 0) {
    // p̄(t) = P_0 + (p̄⁺ − P_0) e^{−t/T1}: no closed form, but a smooth integrand.
    const bool relaxes = std::isfinite(t1);
    const auto speedup = [&](double t) {
      const double decay = relaxes ? std::exp(-t / t1) : 1.0;
      return diffusion_speedup(equilibrium + (mean_after_transfer - equilibrium) * decay);
    };
    return d0 * boost::math::quadrature::gauss<double, 16>::integrate(speedup, 0.0, tau);
  }
  // p̄(t) = b e^{−t/T1} with b = |p̄⁺|, and ∫ dw/(w√(1−w²)) = −arcsech w give
  //   Φ = D0 T1 [arcsech(b e^{−τ/T1}) − arcsech(b)] = D0 [τ + T1 ln((1 + s_a)/(1 + s_b))]
  // with s = √(1 − w²); the logarithm is written as log1p of a difference without cancellation,
  // so Φ → D0 τ at b = 0 and Φ → D0 τ/√(1 − b²) for T1 → ∞ come out exactly.
  const double b = std::abs(mean_after_transfer);
  const double sb = std::sqrt((1 - b) * (1 + b));
  if (!std::isfinite(t1)) return d0 * tau / sb;
  const double a = b * std::exp(-tau / t1);
  const double sa = std::sqrt((1 - a) * (1 + a));
  const double sa_minus_sb = -b * b * std::expm1(-2 * tau / t1) / (sa + sb);
  return d0 * (tau + t1 * std::log1p(sa_minus_sb / (1 + sb)));
}

double lattice_eigenvalue(std::size_t m, std::size_t n, double spacing) {
  // (2/a²)(1 − cos x) = (4/a²) sin²(x/2): no cancellation for long waves.
  const double s = std::sin(constants::pi * static_cast<double>(m) / static_cast<double>(n));
  return 4 * s * s / (spacing * spacing);
}

void check(const DnpLattice& l) {
  const auto fail = [](const std::string& field, const std::string& why) {
    throw std::invalid_argument(field + ": " + why);
  };
  if (l.cells < 1) fail("cells", "need at least 1 cell per side");
  if (!(l.spacing > 0)) fail("spacing", "must be > 0");
  if (!(l.diffusion >= 0) || !std::isfinite(l.diffusion)) fail("diffusion", "must be >= 0");
  if (!(l.cycle > 0) || !std::isfinite(l.cycle)) fail("cycle", "must be > 0");
  if (!(l.t1 > 0)) fail("t1", "must be > 0 (infinite: no relaxation)");
  if (!(std::abs(l.equilibrium) < 1)) fail("equilibrium", "must lie in (-1, 1)");
  if (!(std::abs(l.source) <= 1)) fail("source", "must lie in [-1, 1]");
  if (l.corrected && !(std::abs(l.source) < 1))
    fail("source",
         "must lie in (-1, 1) with the correction: D0/sqrt(1 - p^2) diverges as the average "
         "polarization approaches 1");
  if (!(l.exchange >= 0 && l.exchange <= 1)) fail("exchange", "must lie in [0, 1]");
  if (!(l.exchange_rate >= 0) || !std::isfinite(l.exchange_rate))
    fail("exchange_rate", "must be >= 0");
  if (l.substeps < 1) fail("substeps", "need at least 1");
  // The transfer and the diffusion are split per sub-step (first order): the source cell must
  // not saturate within one.
  const double saturation = l.exchange_rate * l.cycle / static_cast<double>(l.substeps);
  if (l.transfer == Transfer::continuous && saturation > 0.2)
    fail("substeps",
         "exchange_rate / (repetition_rate x substeps) = " + std::to_string(saturation) +
             ": the split transfer needs it <= 0.2; raise substeps");
}

namespace {

// The modes with sorted wave indices c1 <= c2 <= c3 in 0..N_g/2 (a mode and its mirror images
// share one), each standing for `weight` Fourier modes of the N_g³ lattice.
struct ModeClasses {
  std::vector<std::size_t> c1, c2, c3;
  std::vector<double> weight;
};

ModeClasses mode_classes(std::size_t n) {
  const std::size_t half = n / 2;
  // Indices c and n − c are distinct modes with the same eigenvalue unless c = 0 or c = n/2.
  const auto mirrors = [n](std::size_t c) { return c == 0 || 2 * c == n ? 1.0 : 2.0; };
  ModeClasses k;
  for (std::size_t a = 0; a <= half; ++a)
    for (std::size_t b = a; b <= half; ++b)
      for (std::size_t c = b; c <= half; ++c) {
        const double orderings = a == b && b == c ? 1 : (a == b || b == c ? 3 : 6);
        k.c1.push_back(a);
        k.c2.push_back(b);
        k.c3.push_back(c);
        k.weight.push_back(orderings * mirrors(a) * mirrors(b) * mirrors(c));
      }
  return k;
}

}  // namespace

Buildup simulate_buildup(const DnpLattice& l, std::size_t cycles, std::size_t record_every) {
  check(l);
  if (record_every < 1) throw std::invalid_argument("record_every: need at least 1");
  const std::size_t n = l.cells, half = n / 2;
  const double cells = static_cast<double>(n * n * n);
  const ModeClasses k = mode_classes(n);
  const std::size_t classes = k.weight.size();
  std::vector<double> eigen1d(half + 1), decay1d(half + 1);
  for (std::size_t c = 0; c <= half; ++c) eigen1d[c] = lattice_eigenvalue(c, n, l.spacing);

  // P̂(k) = Σ_i P_i e^{−ik·x_i}: P_src = P(0) = Σ_k P̂(k) / N, p̄ = P̂(0) / N, and adding δ at
  // cell 0 adds δ to every P̂(k). Start from thermal equilibrium.
  std::vector<double> mode(classes, 0.0);
  mode[0] = cells * l.equilibrium;

  const bool pulsed = l.transfer == Transfer::pulsed;
  const std::size_t steps = pulsed ? 1 : l.substeps;
  const double dt = l.cycle / static_cast<double>(steps);
  // Continuous transfer dP_src/dt = k_ex (P_e − P_src), taken exactly over each sub-step for the
  // source cell alone (Lie splitting with the diffusion: first order in dt).
  const double exchange = pulsed ? l.exchange : -std::expm1(-l.exchange_rate * dt);
  const double relax = std::isfinite(l.t1) ? std::exp(-dt / l.t1) : 1.0;

  Buildup out;
  for (std::size_t cycle = 0; cycle < cycles; ++cycle) {
    for (std::size_t step = 0; step < steps; ++step) {
      double source = 0;
      for (std::size_t i = 0; i < classes; ++i) source += k.weight[i] * mode[i];
      const double inject = exchange * (l.source - source / cells);
      for (double& v : mode) v += inject;
      const double phi =
          diffusion_integral(l.diffusion, dt, l.t1, mode[0] / cells, l.corrected, l.equilibrium);
      for (std::size_t c = 0; c <= half; ++c) decay1d[c] = std::exp(-eigen1d[c] * phi);
      for (std::size_t i = 0; i < classes; ++i)
        mode[i] *= decay1d[k.c1[i]] * decay1d[k.c2[i]] * decay1d[k.c3[i]] * relax;
      // T1 relaxes toward P_0, which only the uniform mode carries.
      mode[0] += cells * l.equilibrium * (1 - relax);
    }
    if ((cycle + 1) % record_every == 0 || cycle + 1 == cycles) {
      out.time.push_back(static_cast<double>(cycle + 1) * l.cycle);
      out.mean.push_back(mode[0] / cells);
    }
  }
  out.final_mean = mode[0] / cells;
  return out;
}

}  // namespace raserflow::hyperpolarization
