// acquisition.mode_grid: the projection bins' frequencies for acquisitions that do not come
// from the simulator (recorded, live): what raser.simulate writes as `mode_frequencies`, from
// the same gradient, field of view, bins and carrier (science.md §1.4, §2.5).
#include "fid_contract.hpp"
#include "physical_constants.hpp"
#include "raserflow/raserflow.hpp"

namespace {

using raserflow::Array;
using raserflow::Param;
namespace constants = raserflow::constants;

struct ModeGrid final : raserflow::Node {
  static constexpr auto type = "acquisition.mode_grid";
  static constexpr auto doc =
      "mode_frequencies [P x M] of a recorded or live acquisition: bin m of every projection at "
      "carrier_offset + (m - floor(M/2)) x spacing, spacing = gamma/2pi x gradient x fov / M "
      "(or hz_per_bin), exactly as raser.simulate places its modes";

  Param<double> gradient{
      this, "gradient", 26e-6, {.doc = "readout gradient G", .unit = "T/m", .min = 0}};
  Param<double> fov{this,
                    "fov",
                    7.4e-3,
                    {.doc = "field of view covered by the projection bins", .unit = "m", .min = 0}};
  Param<std::int64_t> bins{
      this, "bins", 67, {.doc = "projection bins M (67: MATLAB's radon of 44 x 44)", .min = 1}};
  Param<double> hz_per_bin{
      this,
      "hz_per_bin",
      0.0,
      {.doc = "bin spacing; 0: gamma/2pi * gradient * fov / bins", .unit = "Hz", .min = 0}};
  Param<double> carrier_offset{
      this,
      "carrier_offset",
      500.0,
      {.doc = "frequency of the centre bin in the receiver frame", .unit = "Hz"}};
  Param<double> gamma{
      this,
      "gamma",
      constants::gamma_proton,
      {.doc = "gyromagnetic ratio of the nucleus (1H by default)", .unit = "rad/(s T)", .min = 0}};

  raserflow::Reads<std::complex<double>, 2> fid{
      this, "fid", {.doc = "[P x T] the acquisition (for P)"}};
  raserflow::Writes<double, 2> frequencies{
      this, "mode_frequencies", {.doc = "[P x M] Hz, carrier offset included"}};

  void process(raserflow::Item& s) override {
    const auto P = fid.array(s).dim(0);
    const auto M = *bins;
    const double spacing =
        *hz_per_bin > 0 ? *hz_per_bin
                        : *gamma / (2 * constants::pi) * *gradient * *fov / static_cast<double>(M);
    auto out = Array::zeros<double>({P, M});
    auto v = out.mutable_values<double>();
    for (std::int64_t p = 0; p < P; ++p)
      for (std::int64_t m = 0; m < M; ++m)
        v[static_cast<std::size_t>(p * M + m)] =
            (static_cast<double>(m) - static_cast<double>(M / 2)) * spacing + *carrier_offset;
    frequencies.put(s, std::move(out));
  }
};
RASERFLOW_NODE(ModeGrid);

}  // namespace
