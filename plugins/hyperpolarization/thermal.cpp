// hyperpolarization.thermal: Boltzmann polarization, the reference every enhancement is quoted
// against.
#include "sample_params.hpp"

namespace {

namespace hp = raserflow::hyperpolarization;
using raserflow::Param;

struct Thermal final : raserflow::Node {
  static constexpr auto type = "hyperpolarization.thermal";
  static constexpr auto doc =
      "thermal (Boltzmann) polarization P = tanh(hbar |gamma| B0 / 2kT) of the chosen nucleus; its "
      "total_inversion is negative: no RASER";

  Param<double> field{
      this, "field", 1.4092, {.doc = "static field B0 (60 MHz 1H)", .unit = "T", .min = 0}};
  Param<double> temperature{
      this, "temperature", 298.15, {.doc = "sample temperature", .unit = "K", .min = 1e-6}};
  hp::SampleParams sample{this, 60.0};

  void process(raserflow::Item& s) override {
    sample.put(s, hp::thermal_polarization(*field, *temperature, sample.gamma()));
  }
};
RASERFLOW_NODE(Thermal);

}  // namespace
