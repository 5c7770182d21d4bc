// raser.simulate: the multi-mode RASER equations, one mode per projection bin (science.md §1).
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <span>

#include <oneapi/tbb/parallel_for.h>

#include "draws.hpp"
#include "physical_constants.hpp"
#include "raser_model.hpp"
#include "raserflow/raserflow.hpp"

namespace {

using raserflow::Array;
using raserflow::Param;
using raserflow::ParamError;
using raserflow::raser::Complex;
namespace constants = raserflow::constants;
namespace model = raserflow::raser;

constexpr double kInf = std::numeric_limits<double>::infinity();

struct Simulate final : raserflow::Node {
  static constexpr auto type = "raser.simulate";
  static constexpr auto doc =
      "RASER signals of every projection: one mode per bin, d0 per mode from the projection "
      "profile, "
      "coupled through the shared coil (complex multi-mode equations, adaptive Tsitouras 5(4))";

  // Coil, sample and relaxation.
  Param<double> q_factor{
      this, "q_factor", 50.0, {.doc = "quality factor Q of the detection coil", .min = 0.1}};
  Param<double> sample_volume{this,
                              "sample_volume",
                              1.056e-7,
                              {.doc = "sample volume V_S inside the coil (sets beta = mu0 hbar "
                                      "gamma^2 Q / 4 V_S); an upstream "
                                      "'sample_volume' field takes precedence",
                               .unit = "m^3",
                               .min = 1e-15}};
  Param<double> epsilon{
      this,
      "epsilon",
      0.0,
      {.doc = "if > 0: set beta so that the item's total inversion is epsilon times the threshold "
              "1/(beta t2_star) (needs a finite t2_star; with an upstream 't2_star_modes' field "
              "this is the sample without the extra dephasing, see the 'epsilon' output); 0: "
              "beta from q_factor, sample_volume and gamma",
       .min = 0}};
  Param<double> t1{this,
                   "t1",
                   10.0,
                   {.doc = "longitudinal relaxation time T1 (.inf: none)", .unit = "s", .min = 0}};
  Param<double> t2_star{
      this,
      "t2_star",
      0.3,
      {.doc = "transverse dephasing time T2* of every mode (.inf: none); an upstream "
              "'t2_star_modes' field replaces it per mode in the equations, while epsilon and "
              "epsilon_range still set beta through this value",
       .unit = "s",
       .min = 0}};
  Param<double> gamma{this,
                      "gamma",
                      constants::gamma_proton,
                      {.doc = "gyromagnetic ratio (1H by default), for beta and the mode "
                              "spacing; an upstream 'gamma' field takes precedence (its "
                              "magnitude: a negative gamma does not flip the band)",
                       .unit = "rad/(s T)",
                       .min = 0}};
  // Inversion.
  Param<double> total_inversion{
      this,
      "total_inversion",
      3e16,
      {.doc = "total population inversion d0 (spins), used when no upstream "
              "'total_inversion' field is present"}};
  Param<double> sigma_image{
      this,
      "sigma_image",
      0.0,
      {.doc = "relative spread of d0 per image: d0 * (1 + sigma N(0,1)), the factor drawn again "
              "while it is <= 0 (so d0 stays an inversion)",
       .min = 0,
       .max = 10}};
  Param<double> sigma_projection{
      this,
      "sigma_projection",
      0.0,
      {.doc = "relative spread of d0 per projection, on top of sigma_image (drawn the same way)",
       .min = 0,
       .max = 10}};
  // Dataset classes and ranges (science.md §1.5, §2.2).
  Param<std::vector<double>> class_weights{
      this,
      "class_weights",
      std::vector<double>{1.0, 0.0, 0.0},
      {.doc = "relative probabilities of the classes drawn per image: [plain, pumped, "
              "fluctuating] (paper: 10000, 10000, 1000); plain uses the fixed pump_* "
              "parameters, pumped draws pumping per projection from the *_range parameters, "
              "fluctuating uses fluctuation_sigma between projections",
       .min = 0}};
  Param<double> fluctuation_sigma{
      this,
      "fluctuation_sigma",
      0.2,
      {.doc = "relative spread of d0 per projection in the fluctuating class (replaces "
              "sigma_projection there)",
       .min = 0,
       .max = 10}};
  Param<std::vector<double>> epsilon_range{
      this,
      "epsilon_range",
      std::vector<double>{},
      {.doc = "if given as [low, high]: epsilon is drawn per image, log-uniform between them "
              "(replaces epsilon)",
       .min = 0}};
  Param<std::int64_t> class_pump_modes{
      this,
      "class_pump_modes",
      2,
      {.doc = "modes pumped per projection in the pumped class, drawn from pump_range", .min = 0}};
  Param<std::vector<double>> pump_rate_range{
      this,
      "pump_rate_range",
      std::vector<double>{0.1, 5.0},
      {.doc = "pumped class: Gamma0 per projection, uniform in [low, high]",
       .unit = "1/s",
       .min = 0}};
  Param<std::vector<double>> pump_decay_range{
      this,
      "pump_decay_range",
      std::vector<double>{0.5, 10.0},
      {.doc = "pumped class: tau_Gamma per projection, uniform in [low, high]",
       .unit = "s",
       .min = 0}};
  Param<std::vector<double>> pump_target_range{
      this,
      "pump_target_range",
      std::vector<double>{0.5, 2.0},
      {.doc = "pumped class: kappa_Gamma per projection (target = kappa times the mode's initial "
              "inversion), uniform in [low, high]",
       .min = 0}};
  // Frequencies.
  Param<double> gradient{
      this, "gradient", 26e-6, {.doc = "readout gradient G", .unit = "T/m", .min = 0}};
  Param<double> fov{this,
                    "fov",
                    7.4e-3,
                    {.doc = "field of view covered by the projection bins", .unit = "m", .min = 0}};
  Param<double> hz_per_bin{
      this,
      "hz_per_bin",
      0.0,
      {.doc = "mode spacing; 0: gamma/2pi * gradient * fov / bins", .unit = "Hz", .min = 0}};
  Param<double> carrier_offset{
      this,
      "carrier_offset",
      500.0,
      {.doc = "frequency of the centre bin in the receiver frame (default fs/4 at 0.5 ms)",
       .unit = "Hz"}};
  // Time grid.
  Param<std::int64_t> samples{
      this, "samples", 4096, {.doc = "complex samples per projection", .min = 1}};
  Param<double> dwell{
      this, "dwell", 0.5e-3, {.doc = "sampling interval", .unit = "s", .min = 1e-9}};
  // Seed of the burst.
  Param<double> spin_noise{
      this,
      "spin_noise",
      2e9,
      {.doc = "rms total transverse spin at t = 0; per mode A(0) ~ |N(0, spin_noise/sqrt(M))|, "
              "phase uniform",
       .unit = "spins",
       .min = 0}};
  Param<std::string> spin_noise_model{
      this,
      "spin_noise_model",
      "uniform",
      {.doc = "uniform: every mode's A(0) rms is spin_noise/sqrt(M); physical: the spin noise "
              "of the slab, rms sqrt(N_mu)/2 with N_mu all spins of the nucleus in slab mu (from "
              "the projection and spin_count, or an upstream 'spins' field)",
       .choices = {"uniform", "physical"}}};
  Param<double> spin_count{this,
                           "spin_count",
                           1.526e19,
                           {.doc = "spins of the nucleus in the sample (all, polarized or not), "
                                   "for spin_noise_model physical; default: 60 mM pyrazine (4 "
                                   "1H) in 0.1056 cm^3; an upstream 'spins' field takes "
                                   "precedence",
                            .unit = "spins",
                            .min = 0}};
  // Pumping.
  Param<double> pump_rate{
      this,
      "pump_rate",
      0.0,
      {.doc = "pumping rate Gamma0 on the pumped modes", .unit = "1/s", .min = 0}};
  Param<double> pump_decay{
      this,
      "pump_decay",
      kInf,
      {.doc = "decay time of the pumping rate (.inf: constant)", .unit = "s", .min = 0}};
  Param<double> pump_target{
      this,
      "pump_target",
      1.0,
      {.doc = "pumped modes are driven toward this factor times their initial inversion",
       .min = 0}};
  Param<std::vector<std::int64_t>> pump_modes{this,
                                              "pump_modes",
                                              std::vector<std::int64_t>{},
                                              {.doc = "0-based indices of pumped modes", .min = 0}};
  Param<std::int64_t> pump_random_modes{
      this,
      "pump_random_modes",
      0,
      {.doc = "number of modes drawn at random per projection to pump", .min = 0}};
  Param<std::vector<std::int64_t>> pump_range{
      this,
      "pump_range",
      std::vector<std::int64_t>{23, 41},
      {.doc = "inclusive 0-based range the random pumped modes are drawn from (paper: modes 24-42 "
              "of 67)",
       .min = 0}};
  // Accuracy.
  Param<double> rtol{
      this,
      "rtol",
      1e-6,
      {.doc =
           "relative tolerance of the integrator; the signal's error is about rtol times its peak",
       .min = 1e-14,
       .max = 1e-2}};

  raserflow::Reads<double, 2> projections{
      this, "projections", {.doc = "[P x M] projection profiles"}};
  raserflow::Reads<double, 0> upstream_volume{
      this,
      "sample_volume",
      {.doc = "sample volume from a hyperpolarization node (m^3); replaces the parameter, so d0 "
              "and beta "
              "describe the same sample",
       .optional = true}};
  raserflow::Reads<double, 0> upstream_spins{
      this,
      "spins",
      {.doc = "spins of the nucleus in the sample, for spin_noise_model physical",
       .optional = true}};
  raserflow::Reads<double, 0> upstream_inversion{
      this,
      "total_inversion",
      {.doc = "total inversion d0 from a hyperpolarization node (spins)", .optional = true}};
  raserflow::Reads<double, 0> upstream_gamma{
      this,
      "gamma",
      {.doc = "gyromagnetic ratio of the polarized nucleus from a hyperpolarization node "
              "(rad/(s T), either sign; its magnitude is used); replaces the parameter",
       .optional = true}};
  raserflow::Reads<double, 2> upstream_t2_modes{
      this,
      "t2_star_modes",
      {.doc = "[P x M] T2* of each projection's modes (s, > 0, .inf: none), e.g. from "
              "contrast.nanoparticles; replaces t2_star in the equations",
       .optional = true}};

  raserflow::Writes<std::complex<double>, 2> signals{
      this, "signals", {.doc = "[P x T] S(t_k) = sum of alpha, spins"}};
  raserflow::Writes<double, 2> frequencies{
      this, "mode_frequencies", {.doc = "[P x M] Hz, carrier offset included"}};
  raserflow::Writes<double, 2> initial_inversion{
      this, "initial_inversion", {.doc = "[P x M] d_mu(0), spins"}};
  raserflow::Writes<std::complex<double>, 2> initial_transverse{
      this, "initial_transverse", {.doc = "[P x M] alpha_mu(0), spins"}};
  raserflow::Writes<double, 2> targets{
      this, "targets", {.doc = "[P x M] initial inversion profile, min-max per row"}};
  raserflow::Writes<double, 1> epsilons{
      this,
      "epsilon",
      {.doc = "[P] total inversion over threshold per projection, beta sum_mu d0_mu T2*_mu (= "
              "d0/d_th with one T2*; with a uniform 't2_star_modes' T2*_eff it is epsilon "
              "T2*_eff/t2_star)"}};
  raserflow::Writes<double, 0> beta_out{this, "beta", {.doc = "coupling beta, 1/s per spin"}};
  raserflow::Writes<double, 0> t1_out{this, "t1", {.doc = "T1, s"}};
  raserflow::Writes<double, 0> t2_out{
      this, "t2_star", {.doc = "the t2_star parameter, s (per mode: 't2_star_modes' upstream)"}};
  raserflow::Writes<double, 0> dwell_out{this, "dwell", {.doc = "sampling interval, s"}};
  raserflow::Writes<double, 2> pump_rate_out{
      this, "pump_rate", {.doc = "[P x M] Gamma0 per mode, 1/s"}};
  raserflow::Writes<double, 2> pump_target_out{
      this, "pump_target", {.doc = "[P x M] pumping target per mode, spins"}};
  raserflow::Writes<double, 0> pump_decay_out{
      this,
      "pump_decay",
      {.doc = "the pump_decay parameter, s; images of the pumped class decay with their own "
              "tau per projection, in pump_tau"}};
  raserflow::Writes<double, 0> epsilon_image_out{
      this,
      "epsilon_image",
      {.doc = "the image's epsilon before the d0 spreads: drawn from epsilon_range, or epsilon, "
              "or d0/d_th of the nominal d0 when beta comes from the coil; with the t2_star "
              "parameter, not 't2_star_modes'"}};
  raserflow::Writes<std::int32_t, 0> class_out{
      this, "class", {.doc = "dataset class of the image: 0 plain, 1 pumped, 2 fluctuating"}};
  raserflow::Writes<double, 1> d0_out{
      this, "d0", {.doc = "[P] total inversion of each projection, spins"}};
  raserflow::Writes<double, 1> gamma0_out{
      this, "pump_gamma0", {.doc = "[P] Gamma0 of each projection's pumped modes, 1/s (0: none)"}};
  raserflow::Writes<double, 1> tau_out{
      this, "pump_tau", {.doc = "[P] tau_Gamma of each projection, s (0 when not pumped)"}};
  raserflow::Writes<double, 1> kappa_out{
      this, "pump_kappa", {.doc = "[P] kappa_Gamma of each projection (0 when not pumped)"}};
  raserflow::Writes<std::int64_t, 2> pumped_out{
      this,
      "pumped_modes",
      {.doc = "[P x K] 0-based pumped modes of each projection, -1 where fewer are pumped"}};
  raserflow::Writes<double, 2> amplitude_out{
      this, "initial_amplitude", {.doc = "[P x M] A_mu(0) = |alpha_mu(0)|, spins"}};
  raserflow::Writes<double, 2> phase_out{
      this, "initial_phase", {.doc = "[P x M] phi_mu(0) = arg alpha_mu(0) in [0, 2 pi)"}};

  void configure() override {
    if ((*epsilon > 0 || !epsilon_range->empty()) && std::isinf(*t2_star))
      throw ParamError(
          "epsilon",
          "epsilon defines beta through the threshold 1/(beta T2*), which needs a finite t2_star");
    if (!(*pump_decay > 0)) throw ParamError("pump_decay", "must be > 0 (.inf: constant pumping)");
    if (pump_range->size() != 2 || (*pump_range)[0] > (*pump_range)[1])
      throw ParamError("pump_range", "give two indices [first, last] with first <= last");
    const auto span = (*pump_range)[1] - (*pump_range)[0] + 1;
    if (*pump_random_modes > span)
      throw ParamError("pump_random_modes", "more random pumped modes than the pump_range holds");
    if (class_weights->size() != 3 ||
        std::accumulate(class_weights->begin(), class_weights->end(), 0.0) <= 0)
      throw ParamError("class_weights",
                       "give three weights [plain, pumped, fluctuating], at least one > 0");
    if ((*class_weights)[1] > 0 && *class_pump_modes > span)
      throw ParamError("class_pump_modes", "more pumped modes than the pump_range holds");
    if (!epsilon_range->empty()) check_range(epsilon_range, true);
    check_range(pump_rate_range, false);
    check_range(pump_decay_range, true);
    check_range(pump_target_range, false);
  }

  void process(raserflow::Item& s) override {
    const auto& proj = projections.array(s);
    const auto P = static_cast<std::size_t>(proj.dim(0)), M = static_cast<std::size_t>(proj.dim(1));
    const auto T = static_cast<std::size_t>(*samples);
    if (M == 0 || P == 0)
      throw raserflow::Error("projections are empty: " + raserflow::shape_string(proj.shape()));
    for (auto m : *pump_modes)
      if (static_cast<std::size_t>(m) >= M)
        throw raserflow::Error("pump_modes has index " + std::to_string(m) +
                               " but there are only " + std::to_string(M) + " modes");
    if ((*pump_random_modes > 0 || (*class_weights)[1] > 0) &&
        static_cast<std::size_t>((*pump_range)[1]) >= M)
      throw raserflow::Error("pump_range ends at mode " + std::to_string((*pump_range)[1]) +
                             " but there are only " + std::to_string(M) + " modes");
    const auto profile = proj.values<double>();

    const double d0_item =
        upstream_inversion.in(s) ? upstream_inversion.array(s).as_double() : *total_inversion;
    const double volume =
        upstream_volume.in(s) ? upstream_volume.array(s).as_double() : *sample_volume;
    if (!(volume > 0))
      throw raserflow::Error("sample_volume must be > 0, got " + std::to_string(volume));
    const double spins = upstream_spins.in(s) ? upstream_spins.array(s).as_double() : *spin_count;
    const bool physical_noise = *spin_noise_model == "physical";
    if (physical_noise && !(spins >= 0))
      throw raserflow::Error("spins must be >= 0, got " + std::to_string(spins));
    const double gyro = nucleus_gamma(s);
    const auto t2_modes = t2_star_map(s, proj);

    // All random draws happen here, in a fixed order (class, epsilon, d0 of the image, then
    // per projection d0, noise and pumping), so the result does not depend on how the
    // projections are then spread over threads. Draws a configuration does not use are not
    // made, so adding a class or range leaves the other images' streams alone.
    auto gen = rng(s);
    const auto cls = static_cast<model::DatasetClass>(model::draw_class(*class_weights, gen));
    const double eps_image =
        epsilon_range->empty() ? *epsilon
                               : model::log_uniform((*epsilon_range)[0], (*epsilon_range)[1], gen);
    const double beta = eps_image > 0 ? eps_image / (std::abs(d0_item) * *t2_star)
                                      : model::coupling_beta(*q_factor, volume, gyro);
    const double spacing =
        *hz_per_bin > 0 ? *hz_per_bin
                        : gyro / (2 * constants::pi) * *gradient * *fov / static_cast<double>(M);
    const double d_threshold = model::threshold_inversion(beta, *t2_star);
    const double spread =
        cls == model::DatasetClass::fluctuating ? *fluctuation_sigma : *sigma_projection;
    const std::size_t K = pumped_width();

    std::normal_distribution<double> normal(0.0, 1.0);
    std::uniform_real_distribution<double> phase(0.0, 2 * constants::pi);
    const double d0_image = d0_item * model::positive_factor(*sigma_image, gen);
    std::vector<model::State> initial(P);
    std::vector<model::Modes> modes(P);
    const auto PM =
        std::vector<std::int64_t>{static_cast<std::int64_t>(P), static_cast<std::int64_t>(M)};
    const auto Pv = std::vector<std::int64_t>{static_cast<std::int64_t>(P)};
    auto inv = Array::zeros<double>(PM), tgt = Array::zeros<double>(PM),
         freq = Array::zeros<double>(PM), rate = Array::zeros<double>(PM),
         target = Array::zeros<double>(PM), amp = Array::zeros<double>(PM),
         arg = Array::zeros<double>(PM);
    auto a0 = Array::zeros<Complex>(PM);
    auto eps = Array::zeros<double>(Pv), d0s = Array::zeros<double>(Pv),
         gamma0s = Array::zeros<double>(Pv), taus = Array::zeros<double>(Pv),
         kappas = Array::zeros<double>(Pv);
    auto pumped_list =
        Array::zeros<std::int64_t>({static_cast<std::int64_t>(P), static_cast<std::int64_t>(K)});
    auto inv_v = inv.mutable_values<double>(), tgt_v = tgt.mutable_values<double>(),
         freq_v = freq.mutable_values<double>(), amp_v = amp.mutable_values<double>(),
         arg_v = arg.mutable_values<double>();
    auto rate_v = rate.mutable_values<double>(), target_v = target.mutable_values<double>();
    auto a0_v = a0.mutable_values<Complex>();
    auto eps_v = eps.mutable_values<double>(), d0_v = d0s.mutable_values<double>(),
         gamma0_v = gamma0s.mutable_values<double>(), tau_v = taus.mutable_values<double>(),
         kappa_v = kappas.mutable_values<double>();
    auto pumped_v = pumped_list.mutable_values<std::int64_t>();
    std::fill(pumped_v.begin(), pumped_v.end(), std::int64_t{-1});
    const double uniform_noise = *spin_noise / std::sqrt(static_cast<double>(M));
    for (std::size_t j = 0; j < P; ++j) {
      const double d0_projection = d0_image * model::positive_factor(spread, gen);
      const auto row = profile.subspan(j * M, M);
      double total = 0, lo = kInf, hi = -kInf;
      for (double v : row) {
        total += std::max(v, 0.0);
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
      auto& st = initial[j];
      auto& md = modes[j];
      st.d.resize(M);
      st.alpha.resize(M);
      md.omega.resize(M);
      md.pump_target.assign(M, 0.0);
      md.pump_rate.assign(M, 0.0);
      md.beta = beta;
      md.t1 = *t1;
      md.t2_star = *t2_star;
      if (!t2_modes.empty()) md.t2_star_modes.assign(&t2_modes[j * M], &t2_modes[j * M] + M);
      for (std::size_t m = 0; m < M; ++m) {
        const std::size_t k = j * M + m;
        // d0_μ ∝ the projection (negative values from interpolation are no inversion).
        const double share = total > 0 ? std::max(row[m], 0.0) / total : 0.0;
        st.d[m] = d0_projection * share;
        // The slab's spins: all of them fluctuate, polarized or not (science.md §1.5).
        const double rms = physical_noise ? std::sqrt(spins * share) / 2 : uniform_noise;
        const double amplitude = std::abs(rms * normal(gen));
        const double angle = phase(gen);
        st.alpha[m] = std::polar(amplitude, angle);
        // Integrate in the frame centred on the band; the carrier is applied afterwards (§1.7 I).
        const double offset = (static_cast<double>(m) - static_cast<double>(M / 2)) * spacing;
        md.omega[m] = 2 * constants::pi * offset;
        freq_v[k] = offset + *carrier_offset;
        inv_v[k] = st.d[m];
        a0_v[k] = st.alpha[m];
        amp_v[k] = amplitude;
        arg_v[k] = angle;
        tgt_v[k] = hi > lo ? (row[m] - lo) / (hi - lo) : 0.0;
      }
      // Pumping: the fixed parameters, or in the pumped class values drawn per projection.
      std::vector<std::int64_t> pumped;
      double gamma0 = *pump_rate, tau = *pump_decay, kappa = *pump_target;
      if (cls == model::DatasetClass::pumped) {
        pumped = model::draw_modes(*class_pump_modes, (*pump_range)[0], (*pump_range)[1], {}, gen);
        gamma0 = model::uniform((*pump_rate_range)[0], (*pump_rate_range)[1], gen);
        tau = model::uniform((*pump_decay_range)[0], (*pump_decay_range)[1], gen);
        kappa = model::uniform((*pump_target_range)[0], (*pump_target_range)[1], gen);
      } else {
        pumped.assign(pump_modes->begin(), pump_modes->end());
        const auto drawn =
            model::draw_modes(*pump_random_modes, (*pump_range)[0], (*pump_range)[1], pumped, gen);
        pumped.insert(pumped.end(), drawn.begin(), drawn.end());
      }
      md.pump_decay = tau;
      if (gamma0 > 0 && !pumped.empty()) {
        gamma0_v[j] = gamma0;
        tau_v[j] = tau;
        kappa_v[j] = kappa;
        for (std::size_t r = 0; r < pumped.size(); ++r) {
          const auto m = static_cast<std::size_t>(pumped[r]);
          md.pump_rate[m] = gamma0;
          md.pump_target[m] = kappa * st.d[m];
          rate_v[j * M + m] = gamma0;
          target_v[j * M + m] = md.pump_target[m];
          pumped_v[j * K + r] = pumped[r];
        }
      }
      d0_v[j] = d0_projection;
      eps_v[j] = projection_epsilon(md, st, d0_projection, d_threshold);
    }

    auto sig = Array::zeros<Complex>({static_cast<std::int64_t>(P), static_cast<std::int64_t>(T)});
    auto sig_v = sig.mutable_values<Complex>();
    const model::Tolerances tol{*rtol, *rtol * 0.1};
    oneapi::tbb::parallel_for(std::size_t{0}, P, [&](std::size_t j) {
      const auto S = model::simulate_signal(modes[j], initial[j], *dwell, T, tol);
      for (std::size_t k = 0; k < T; ++k)
        sig_v[j * T + k] = S[k] * std::polar(1.0, 2 * constants::pi * *carrier_offset *
                                                      static_cast<double>(k) * *dwell);
    });

    signals.put(s, std::move(sig));
    frequencies.put(s, std::move(freq));
    initial_inversion.put(s, std::move(inv));
    initial_transverse.put(s, std::move(a0));
    amplitude_out.put(s, std::move(amp));
    phase_out.put(s, std::move(arg));
    targets.put(s, std::move(tgt));
    epsilons.put(s, std::move(eps));
    d0_out.put(s, std::move(d0s));
    beta_out.put(s, Array::scalar(beta));
    t1_out.put(s, Array::scalar(*t1));
    t2_out.put(s, Array::scalar(*t2_star));
    dwell_out.put(s, Array::scalar(*dwell));
    pump_rate_out.put(s, std::move(rate));
    pump_target_out.put(s, std::move(target));
    pump_decay_out.put(s, Array::scalar(*pump_decay));
    class_out.put(s, Array::scalar(static_cast<std::int32_t>(cls)));
    epsilon_image_out.put(s, Array::scalar(std::abs(d0_item) / d_threshold));
    gamma0_out.put(s, std::move(gamma0s));
    tau_out.put(s, std::move(taus));
    kappa_out.put(s, std::move(kappas));
    pumped_out.put(s, std::move(pumped_list));
  }

 private:
  // Columns of `pumped_modes`: the same for every image, so the field stacks into a dataset.
  std::size_t pumped_width() const {
    const auto fixed = static_cast<std::int64_t>(pump_modes->size()) + *pump_random_modes;
    const auto drawn = (*class_weights)[1] > 0 ? *class_pump_modes : std::int64_t{0};
    return static_cast<std::size_t>(std::max(fixed, drawn));
  }

  // |gamma| of the nucleus: the upstream field, else the parameter.
  double nucleus_gamma(const raserflow::Item& s) const {
    if (!upstream_gamma.in(s)) return *gamma;
    const double g = upstream_gamma.array(s).as_double();
    if (!(std::isfinite(g) && g != 0))
      throw raserflow::Error(
          "field 'gamma' must be a finite, non-zero gyromagnetic ratio "
          "(rad/(s T)), got " +
          std::to_string(g));
    // A gamma set here and another from the source: refuse rather than silently pick one.
    if (gamma.is_set() && std::abs(g) != std::abs(*gamma))
      throw ParamError("gamma", "set to " + std::to_string(*gamma) +
                                    " but the upstream source writes gamma " + std::to_string(g) +
                                    " (its nucleus); choose the nucleus on the source instead");
    return std::abs(g);
  }

  // The upstream T2* per projection and mode, checked against the projections' shape; empty
  // when there is none.
  std::span<const double> t2_star_map(const raserflow::Item& s, const Array& proj) const {
    if (!upstream_t2_modes.in(s)) return {};
    const auto& map = upstream_t2_modes.array(s);
    if (map.shape() != proj.shape())
      throw raserflow::Error("field 't2_star_modes' has shape " +
                             raserflow::shape_string(map.shape()) +
                             "; it needs one T2* per projection and mode, the projections' " +
                             raserflow::shape_string(proj.shape()));
    const auto v = map.values<double>();
    const auto M = static_cast<std::size_t>(proj.dim(1));
    for (std::size_t k = 0; k < v.size(); ++k)
      if (!(v[k] > 0))
        throw raserflow::Error("field 't2_star_modes' " + raserflow::shape_string(map.shape()) +
                               " must be > 0 s (.inf: no dephasing), got " + std::to_string(v[k]) +
                               " at projection " + std::to_string(k / M) + ", mode " +
                               std::to_string(k % M));
    return v;
  }

  // Total inversion over threshold: beta sum_mu d0_mu T2*_mu. Degenerate modes grow at the rate
  // lambda with 1 = beta sum_mu d0_mu / (lambda + 1/T2*_mu), so this is 1 exactly at their
  // threshold (lambda = 0), whatever the T2*_mu. With one T2* for every mode (no map, or a row
  // of the map equal to t2_star) it is d0/d_th, computed as before so that such runs keep their
  // output bit for bit.
  double projection_epsilon(const model::Modes& md, const model::State& st, double d0,
                            double d_threshold) const {
    const bool uniform = std::all_of(md.t2_star_modes.begin(), md.t2_star_modes.end(),
                                     [&](double t2) { return t2 == md.t2_star; });
    if (uniform) return d0 / d_threshold;
    double sum = 0;
    for (std::size_t m = 0; m < st.d.size(); ++m)
      if (st.d[m] != 0) sum += st.d[m] * md.t2_star_modes[m];  // empty bins may have T2* = inf
    return md.beta * sum;
  }

  static void check_range(const Param<std::vector<double>>& p, bool positive) {
    if (p->size() != 2 || !((*p)[0] <= (*p)[1]) || !std::isfinite((*p)[1]) ||
        (positive && !((*p)[0] > 0)))
      throw ParamError(p.name(), std::string("give [low, high] with ") +
                                     (positive ? "0 < " : "0 <= ") + "low <= high, both finite");
  }
};
RASERFLOW_NODE(Simulate);

}  // namespace
