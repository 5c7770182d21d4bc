// hyperpolarization.seop: spin-exchange optical pumping of a noble gas (Walker & Happer), then
// decay on the way to the magnet (science.md §5.2). The defaults are assumptions of a typical
// Rb/129Xe cell, not measured values.
#include "sample_params.hpp"

namespace {

namespace hp = raserflow::hyperpolarization;
using raserflow::Param;

struct SeopSource final : raserflow::Node {
  static constexpr auto type = "hyperpolarization.seop";
  static constexpr auto doc =
      "noble-gas SEOP: P = P_Rb g_SE/(g_SE + G)(1 - exp(-(g_SE + G) t)), decay during transfer; "
      "the concentration is the ideal gas' p/(R T) at detection; writes polarization, "
      "molar_polarization, sample_volume, total_inversion, spins and gamma";

  Param<double> rb_polarization{
      this,
      "rb_polarization",
      -0.95,
      {.doc = "signed rubidium electron polarization P_Rb: the pump light's helicity relative "
              "to B0 sets the sign the gas inherits; negative gives the inverted polarization "
              "(P < 0, magnetization against B0) a RASER needs",
       .min = -1,
       .max = 1}};
  Param<double> spin_exchange_rate{
      this,
      "spin_exchange_rate",
      1e-2,
      {.doc = "Rb-gas spin-exchange rate gamma_SE per gas atom", .unit = "1/s", .min = 0}};
  Param<double> relaxation_rate{this,
                                "relaxation_rate",
                                1e-3,
                                {.doc = "spin destruction Gamma of the gas in the cell other "
                                        "than spin exchange (walls, collisions)",
                                 .unit = "1/s",
                                 .min = 0}};
  Param<double> pumping_time{
      this, "pumping_time", 300.0, {.doc = "optical pumping time", .unit = "s", .min = 0}};
  Param<double> transfer_time{
      this, "transfer_time", 2.0, {.doc = "transfer time to the magnet", .unit = "s", .min = 0}};
  Param<double> t1_transfer{
      this, "t1_transfer", 60.0, {.doc = "T1 during transfer", .unit = "s", .min = 1e-9}};
  Param<double> partial_pressure{this,
                                 "partial_pressure",
                                 1e5,
                                 {.doc = "partial pressure of the polarized gas in the sample "
                                         "at detection; with temperature it sets the "
                                         "concentration p/(R T)",
                                  .unit = "Pa",
                                  .min = 0}};
  Param<double> temperature{
      this,
      "temperature",
      298.15,
      {.doc = "gas temperature in the sample at detection", .unit = "K", .min = 1e-6}};
  hp::SampleParams sample{
      this,
      {.concentration = std::nullopt,
       .equivalent_spins = 0.264,
       .equivalent_spins_doc = "polarized nuclei per gas atom: the isotope's abundance "
                               "(natural xenon: 0.264 129Xe; enriched xenon up to ~0.9; 3He: 1)",
       .nucleus = "129Xe",
       .nuclei = {"129Xe", "3He"}}};

  void process(raserflow::Item& s) override {
    const hp::Seop model{*rb_polarization, *spin_exchange_rate, *relaxation_rate,
                         *pumping_time,    *transfer_time,      *t1_transfer};
    sample.put(s, hp::seop_detected_polarization(model),
               hp::ideal_gas_concentration(*partial_pressure, *temperature));
  }
};
RASERFLOW_NODE(SeopSource);

}  // namespace
