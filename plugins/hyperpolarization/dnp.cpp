// hyperpolarization.dnp: DNP buildup by spin diffusion from polarizing centres (science.md §4,
// with the Wang–Takeda speed-up D0/√(1 − p̄²)), then dissolution into a liquid that can RASER.
#include <cmath>
#include <stdexcept>

#include "dnp_model.hpp"
#include "sample_params.hpp"

namespace {

namespace hp = raserflow::hyperpolarization;
using raserflow::Array;
using raserflow::Param;
using raserflow::ParamError;

struct Dnp final : raserflow::Node {
  static constexpr auto type = "hyperpolarization.dnp";
  static constexpr auto doc =
      "DNP: nuclear polarization spreading by spin diffusion from one polarizing centre per "
      "periodic lattice box (pulsed or continuous transfer, T1, diffusion D0 or "
      "D0/sqrt(1 - p^2)), then dissolution and transfer to the magnet; writes the solid's "
      "buildup curve and the liquid's polarization, molar_polarization, total_inversion";

  // The solid. Defaults: the pentacene-doped naphthalene of science.md §4.5; where the paper's
  // values are missing (T1, D0, box size) they are the assumptions documented there.
  Param<std::int64_t> lattice{this,
                              "lattice",
                              9,
                              {.doc = "lattice cells per side N_g: N_g^3 nuclei per polarizing "
                                      "centre (0.01 mol% pentacene in naphthalene: ~630, 9^3 = 729 "
                                      "nearest)",
                               .min = 1,
                               .max = 512}};
  Param<double> spacing{this,
                        "spacing",
                        1.43e-9,
                        {.doc = "distance between the polarized nuclei, n^(-1/3) (residual 1H "
                                "of 99.21 % deuterated naphthalene)",
                         .unit = "m",
                         .min = 1e-12}};
  Param<double> diffusion{
      this,
      "diffusion",
      1e-17,
      {.doc = "spin-diffusion coefficient D0 at low polarization", .unit = "m^2/s", .min = 0}};
  Param<bool> correction{this,
                         "correction",
                         true,
                         {.doc = "diffusion speeds up with the average polarization, "
                                 "D = D0/sqrt(1 - p^2) (Wang & Takeda); false: D = D0"}};
  Param<double> source_polarization{
      this,
      "source_polarization",
      0.7,
      {.doc = "polarization of the electron (pentacene triplet ~0.7; dDNP radical at 3.35 T, "
              "1.2 K: 0.954) the nuclei are driven toward",
       .min = 0,
       .max = 1}};
  Param<std::string> transfer{
      this,
      "transfer",
      "pulsed",
      {.doc = "pulsed: one transfer per cycle (laser/microwave pulse); continuous: "
              "dP_src/dt = exchange_rate (P_e - P_src), in `substeps` steps per cycle",
       .choices = {"pulsed", "continuous"}}};
  Param<double> repetition_rate{
      this,
      "repetition_rate",
      50.0,
      {.doc = "pulses per second (continuous: 1/cycle, the curve's time step)",
       .unit = "Hz",
       .min = 1e-9}};
  Param<double> exchange{
      this,
      "exchange",
      1.0,
      {.doc = "pulsed: fraction p_ex of P_e - P_src moved to the nearest nucleus per pulse",
       .min = 0,
       .max = 1}};
  Param<double> exchange_rate{
      this,
      "exchange_rate",
      100.0,
      {.doc = "continuous: transfer rate k_ex to the nearest nucleus", .unit = "1/s", .min = 0}};
  Param<std::int64_t> substeps{
      this,
      "substeps",
      20,
      {.doc = "continuous: transfer/diffusion steps per cycle (first-order splitting; "
              "exchange_rate / (repetition_rate x substeps) must stay <= 0.2)",
       .min = 1,
       .max = 100000}};
  Param<double> t1{
      this,
      "t1",
      300.0,
      {.doc = "nuclear T1 in the solid during polarization (.inf: none)", .unit = "s", .min = 0}};
  Param<double> thermal_polarization{
      this,
      "thermal_polarization",
      0.0,
      {.doc = "polarization T1 relaxes toward, and the start (0.3187 T, 100 K: 3.26e-6)",
       .min = -0.999,
       .max = 0.999}};
  Param<double> polarizing_time{
      this, "polarizing_time", 600.0, {.doc = "buildup time", .unit = "s", .min = 0}};
  Param<std::int64_t> curve_points{
      this,
      "curve_points",
      200,
      {.doc = "samples of the buildup curve (at most one per cycle)", .min = 1, .max = 1000000}};
  // Dissolution and transfer to the magnet.
  Param<std::string> polarization_sign{
      this,
      "polarization_sign",
      "negative",
      {.doc = "sign of the nuclear polarization, set in the experiment by the microwave frequency "
              "(which side of the electron line) or the field-sweep direction; a RASER needs "
              "negative (population inversion)",
       .choices = {"negative", "positive"}}};
  Param<double> frozen_concentration{
      this,
      "frozen_concentration",
      8967.0,
      {.doc = "concentration of the polarized molecule in the solid (naphthalene crystal)",
       .unit = "mol/m^3 (= mM)",
       .min = 0}};
  Param<double> dilution{this,
                         "dilution",
                         100.0,
                         {.doc = "dissolution: liquid volume over solid volume; the molecule's "
                                 "concentration in the liquid is frozen_concentration/dilution",
                          .min = 1}};
  Param<double> transfer_time{
      this,
      "transfer_time",
      5.0,
      {.doc = "dissolution and transfer to the detection magnet", .unit = "s", .min = 0}};
  Param<double> t1_transfer{this,
                            "t1_transfer",
                            10.0,
                            {.doc = "T1 in the liquid during transfer", .unit = "s", .min = 1e-9}};
  hp::SampleParams sample{
      this, hp::SampleSpec{.concentration = std::nullopt,
                           .equivalent_spins = 0.0632,
                           .equivalent_spins_doc = "polarized nuclei per molecule (residual 1H of "
                                                   "99.21 % deuterated naphthalene: 8 x 0.0079)"}};

  raserflow::Writes<double, 1> buildup_out{
      this,
      "buildup",
      {.doc = "[R] average polarization of the solid during the buildup (signed)"}};
  raserflow::Writes<double, 1> buildup_time_out{
      this, "buildup_time", {.doc = "[R] times of the buildup samples, s"}};
  raserflow::Writes<double, 0> solid_out{
      this, "solid_polarization", {.doc = "average polarization of the solid at the end (signed)"}};

  void configure() override {
    if (static_cast<double>(cycles()) > kMaxCycles)
      throw ParamError("polarizing_time", "polarizing_time x repetition_rate = " +
                                              std::to_string(*polarizing_time * *repetition_rate) +
                                              " cycles; at most 1e9");
    try {
      hp::check(model());
    } catch (const std::invalid_argument& e) {
      const std::string what = e.what();
      const auto field = what.substr(0, what.find(':'));
      throw ParamError(parameter_of(field), what.substr(what.find(':') + 2));
    }
  }

  // The buildup has no random element and the same parameters for every item: run it once.
  void start() override {
    const auto points = static_cast<std::size_t>(*curve_points);
    const std::size_t every = std::max<std::size_t>(1, (cycles() + points - 1) / points);
    result_ = hp::simulate_buildup(model(), cycles(), every);
  }

  void process(raserflow::Item& s) override {
    auto curve = Array::zeros<double>({static_cast<std::int64_t>(result_.mean.size())});
    auto times = Array::zeros<double>({static_cast<std::int64_t>(result_.time.size())});
    auto curve_v = curve.mutable_values<double>();
    auto times_v = times.mutable_values<double>();
    for (std::size_t i = 0; i < result_.mean.size(); ++i) {
      curve_v[i] = result_.mean[i];
      times_v[i] = result_.time[i];
    }
    buildup_out.put(s, std::move(curve));
    buildup_time_out.put(s, std::move(times));
    solid_out.put(s, Array::scalar(result_.final_mean));
    // Dissolution dilutes the molecule, not its polarization; T1 acts during the transfer.
    const double liquid = result_.final_mean * std::exp(-*transfer_time / *t1_transfer);
    sample.put(s, liquid, *frozen_concentration / *dilution);
  }

 private:
  static constexpr double kMaxCycles = 1e9;

  std::size_t cycles() const {
    const double n = std::round(*polarizing_time * *repetition_rate);
    return n > kMaxCycles ? static_cast<std::size_t>(kMaxCycles) + 1 : static_cast<std::size_t>(n);
  }

  hp::DnpLattice model() const {
    hp::DnpLattice l;
    l.cells = static_cast<std::size_t>(*lattice);
    l.spacing = *spacing;
    l.diffusion = *diffusion;
    l.cycle = 1 / *repetition_rate;
    l.t1 = *t1;
    l.equilibrium = *thermal_polarization;
    // The microwave frequency sets the sign the nuclei are driven toward; T1 still relaxes
    // toward the thermal polarization's own sign.
    l.source = (*polarization_sign == "negative" ? -1.0 : 1.0) * *source_polarization;
    l.transfer = *transfer == "pulsed" ? hp::Transfer::pulsed : hp::Transfer::continuous;
    l.exchange = *exchange;
    l.exchange_rate = *exchange_rate;
    l.substeps = static_cast<std::size_t>(*substeps);
    l.corrected = *correction;
    return l;
  }

  static std::string parameter_of(const std::string& field) {
    if (field == "cells") return "lattice";
    if (field == "cycle") return "repetition_rate";
    if (field == "source") return "source_polarization";
    if (field == "equilibrium") return "thermal_polarization";
    return field;
  }

  hp::Buildup result_;
};
RASERFLOW_NODE(Dnp);

}  // namespace
