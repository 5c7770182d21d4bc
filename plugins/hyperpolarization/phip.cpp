// hyperpolarization.phip: hydrogenative para-hydrogen induced polarization: one-pool buildup
// while the substrate is hydrogenated, then decay on the way to the magnet (science.md §5.2).
// The defaults are assumptions of a typical 1H PHIP experiment, not measured values.
#include "sample_params.hpp"

namespace {

namespace hp = raserflow::hyperpolarization;
using raserflow::Param;

struct PhipSource final : raserflow::Node {
  static constexpr auto type = "hyperpolarization.phip";
  static constexpr auto doc =
      "hydrogenative PHIP: one-pool buildup toward transfer_efficiency x (4 x_p - 1)/3 during the "
      "reaction, decay during transfer; writes polarization, molar_polarization, sample_volume, "
      "total_inversion, spins and gamma";

  Param<double> hydrogenation_rate{
      this,
      "hydrogenation_rate",
      0.5,
      {.doc = "rate k at which para-hydrogen is added to the substrate", .unit = "1/s", .min = 0}};
  Param<double> t1_reaction{
      this,
      "t1_reaction",
      20.0,
      {.doc = "T1 of the product at the reaction field", .unit = "s", .min = 1e-9}};
  Param<double> transfer_efficiency{
      this,
      "transfer_efficiency",
      -0.1,
      {.doc = "signed share of the para-hydrogen singlet order that becomes net polarization "
              "of the detected nucleus: losses of the PASADENA/ALTADENA conversion, of field "
              "cycling or pulses to a heteronucleus, relaxation during that step. Its sign is "
              "the result's relative to Boltzmann, set by the spin system and the transfer; "
              "negative gives the inverted polarization (P < 0) a RASER needs",
       .min = -1,
       .max = 1}};
  Param<double> para_fraction{
      this,
      "para_fraction",
      0.98,
      {.doc = "para-hydrogen fraction x_p; singlet order (4 x_p - 1)/3", .min = 0.25, .max = 1}};
  Param<double> reaction_time{
      this, "reaction_time", 10.0, {.doc = "hydrogenation time", .unit = "s", .min = 0}};
  Param<double> transfer_time{
      this, "transfer_time", 2.0, {.doc = "transfer time to the magnet", .unit = "s", .min = 0}};
  Param<double> t1_transfer{
      this, "t1_transfer", 10.0, {.doc = "T1 during transfer", .unit = "s", .min = 1e-9}};
  hp::SampleParams sample{
      this,
      {.concentration = 10.0,
       .equivalent_spins = 2.0,
       .equivalent_spins_doc = "equivalent nuclei per product molecule sharing the polarization "
                               "(the two added para-hydrogen protons: 2; one heteronucleus after "
                               "transfer: 1)"}};

  void process(raserflow::Item& s) override {
    const hp::Phip model{*hydrogenation_rate, *t1_reaction,   *transfer_efficiency, *para_fraction,
                         *reaction_time,      *transfer_time, *t1_transfer};
    sample.put(s, hp::phip_detected_polarization(model));
  }
};
RASERFLOW_NODE(PhipSource);

}  // namespace
