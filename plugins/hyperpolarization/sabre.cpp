// hyperpolarization.sabre: SABRE buildup while bubbling para-hydrogen, then decay on the way
// to the magnet (science.md §5.2). Defaults reproduce the paper's −2.0 % at detection.
#include "sample_params.hpp"

namespace {

namespace hp = raserflow::hyperpolarization;
using raserflow::Param;

// p_max that makes the default chain give the paper's −2.0 % at detection: with k = 0.1/s,
// T1 = 10 s, x_p = 0.98, 20 s bubbling and a 2 s transfer (T1 10 s) the one-pool model
// reaches 0.391 p_max (science.md §5.2, §1.9).
double calibrated_max_polarization() {
  return -0.020 / hp::sabre_detected_polarization({0.1, 10.0, 1.0, 0.98, 20.0, 2.0, 10.0});
}

struct SabreSource final : raserflow::Node {
  static constexpr auto type = "hyperpolarization.sabre";
  static constexpr auto doc =
      "SABRE hyperpolarization: one-pool buildup while bubbling para-hydrogen, decay during "
      "transfer; "
      "writes polarization, molar_polarization, sample_volume, total_inversion, spins and gamma";

  Param<double> rate{this, "rate", 0.1, {.doc = "SABRE transfer rate k", .unit = "1/s", .min = 0}};
  Param<double> t1_low_field{this,
                             "t1_low_field",
                             10.0,
                             {.doc = "T1 at the polarization field", .unit = "s", .min = 1e-9}};
  Param<double> max_polarization{
      this,
      "max_polarization",
      calibrated_max_polarization(),
      {.doc = "polarization the catalyst drives toward with pure para-hydrogen "
              "(negative: population inversion)",
       .min = -1,
       .max = 1}};
  Param<double> para_fraction{
      this,
      "para_fraction",
      0.98,
      {.doc = "para-hydrogen fraction x_p; singlet order (4 x_p - 1)/3", .min = 0.25, .max = 1}};
  Param<double> bubbling_time{
      this, "bubbling_time", 20.0, {.doc = "bubbling time", .unit = "s", .min = 0}};
  Param<double> transfer_time{
      this, "transfer_time", 2.0, {.doc = "transfer time to the magnet", .unit = "s", .min = 0}};
  Param<double> t1_transfer{
      this, "t1_transfer", 10.0, {.doc = "T1 during transfer", .unit = "s", .min = 1e-9}};
  hp::SampleParams sample{this, 60.0};

  void process(raserflow::Item& s) override {
    const hp::Sabre model{*rate,          *t1_low_field,  *max_polarization, *para_fraction,
                          *bubbling_time, *transfer_time, *t1_transfer};
    sample.put(s, hp::sabre_detected_polarization(model));
  }
};
RASERFLOW_NODE(SabreSource);

}  // namespace
