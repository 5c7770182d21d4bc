#pragma once
// The sample every hyperpolarization node describes, and the fields they all write.
#include "physical_constants.hpp"
#include "polarization.hpp"
#include "raserflow/raserflow.hpp"

namespace raserflow::hyperpolarization {

struct SampleParams {
  Param<double> concentration;
  Param<double> equivalent_spins;
  Param<double> sample_volume;
  Writes<double, 0> polarization_out;
  Writes<double, 0> molar_out;
  Writes<double, 0> volume_out;
  Writes<double, 0> inversion_out;
  Writes<double, 0> spins_out;

  explicit SampleParams(Node* n, double default_concentration)
      : concentration{n,
                      "concentration",
                      default_concentration,
                      {.doc = "concentration of the polarized molecule",
                       .unit = "mol/m^3 (= mM)",
                       .min = 0}},
        equivalent_spins{
            n,
            "equivalent_spins",
            4.0,
            {.doc = "equivalent nuclei per molecule sharing the polarization (pyrazine: 4)",
             .min = 0}},
        sample_volume{n,
                      "sample_volume",
                      1.056e-7,
                      {.doc = "sample volume inside the coil (4.1 mm tube, 8 mm coil)",
                       .unit = "m^3",
                       .min = 0}},
        polarization_out{
            n, "polarization", {.doc = "nuclear polarization at detection (negative: inverted)"}},
        molar_out{n, "molar_polarization", {.doc = "polarization x concentration, mol/m^3"}},
        volume_out{n, "sample_volume", {.doc = "sample volume, m^3"}},
        inversion_out{n,
                      "total_inversion",
                      {.doc = "inverted spins d0 = -n_eq P c N_A V_S (> 0 only for P < 0)"}},
        spins_out{n,
                  "spins",
                  {.doc = "spins of the nucleus in the sample, n_eq c N_A V_S (their noise seeds "
                          "the burst)"}} {}

  void put(Item& s, double polarization) const {
    polarization_out.put(s, Array::scalar(polarization));
    molar_out.put(s, Array::scalar(polarization * *concentration));
    volume_out.put(s, Array::scalar(*sample_volume));
    inversion_out.put(s, Array::scalar(total_inversion(polarization, *concentration,
                                                       *equivalent_spins, *sample_volume)));
    spins_out.put(s, Array::scalar(*equivalent_spins * *concentration * constants::avogadro *
                                   *sample_volume));
  }
};

}  // namespace raserflow::hyperpolarization
