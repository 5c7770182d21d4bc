#pragma once
// The sample every hyperpolarization node describes, and the fields they all write.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nuclei.hpp"
#include "physical_constants.hpp"
#include "polarization.hpp"
#include "raserflow/raserflow.hpp"

namespace raserflow::hyperpolarization {

// What differs between the sources' samples.
struct SampleSpec {
  // Default of the `concentration` parameter, mol/m³; nullopt: the node has no such parameter
  // because it computes the concentration itself and passes it to put() (a gas from its
  // pressure and temperature).
  std::optional<double> concentration = 60.0;
  double equivalent_spins = 4.0;
  std::string_view equivalent_spins_doc =
      "equivalent nuclei per molecule sharing the polarization (pyrazine: 4)";
  std::string_view nucleus = "1H";
  std::vector<std::string> nuclei = raserflow::nuclei::names();
};

struct SampleParams {
  Param<std::string> nucleus;
  std::unique_ptr<Param<double>> concentration;  // null when the node computes it
  Param<double> equivalent_spins;
  Param<double> sample_volume;
  Writes<double, 0> polarization_out;
  Writes<double, 0> molar_out;
  Writes<double, 0> volume_out;
  Writes<double, 0> inversion_out;
  Writes<double, 0> spins_out;
  Writes<double, 0> gamma_out;

  explicit SampleParams(Node* n, double default_concentration)
      : SampleParams(n, SampleSpec{.concentration = default_concentration}) {}

  SampleParams(Node* n, SampleSpec spec)
      : nucleus{n,
                "nucleus",
                std::string(spec.nucleus),
                {.doc = "polarized nucleus; sets gamma (|gamma|: polarization is quoted relative "
                        "to the Boltzmann sense, so the sign of gamma only mirrors the spectrum)",
                 .choices = std::move(spec.nuclei)}},
        concentration{spec.concentration
                          ? std::make_unique<Param<double>>(
                                n, "concentration", *spec.concentration,
                                ParamInfo{.doc = "concentration of the polarized molecule",
                                          .unit = "mol/m^3 (= mM)",
                                          .min = 0})
                          : nullptr},
        equivalent_spins{n,
                         "equivalent_spins",
                         spec.equivalent_spins,
                         {.doc = spec.equivalent_spins_doc, .min = 0}},
        sample_volume{n,
                      "sample_volume",
                      1.056e-7,
                      {.doc = "sample volume inside the coil (4.1 mm tube, 8 mm coil)",
                       .unit = "m^3",
                       .min = 0}},
        polarization_out{n,
                         "polarization",
                         {.doc = "nuclear polarization at detection relative to the Boltzmann "
                                 "sense (negative: inverted)"}},
        molar_out{n, "molar_polarization", {.doc = "polarization x concentration, mol/m^3"}},
        volume_out{n, "sample_volume", {.doc = "sample volume, m^3"}},
        inversion_out{n,
                      "total_inversion",
                      {.doc = "inverted spins d0 = -n_eq P c N_A V_S (> 0 only for P < 0)"}},
        spins_out{n,
                  "spins",
                  {.doc = "spins of the nucleus in the sample, n_eq c N_A V_S (their noise seeds "
                          "the burst)"}},
        gamma_out{n, "gamma", {.doc = "|gyromagnetic ratio| of the polarized nucleus, rad/(s T)"}} {
  }

  // |γ| of the chosen nucleus, rad/(s T).
  double gamma() const { return raserflow::nuclei::abs_gamma(*nucleus); }

  // The fields, with the concentration parameter.
  void put(Item& s, double polarization) const {
    if (!concentration) throw Error("this source computes its concentration: pass it to put()");
    put(s, polarization, **concentration);
  }

  // The fields, with a concentration the node computed (mol/m³).
  void put(Item& s, double polarization, double concentration_value) const {
    polarization_out.put(s, Array::scalar(polarization));
    molar_out.put(s, Array::scalar(polarization * concentration_value));
    volume_out.put(s, Array::scalar(*sample_volume));
    inversion_out.put(s, Array::scalar(total_inversion(polarization, concentration_value,
                                                       *equivalent_spins, *sample_volume)));
    spins_out.put(s, Array::scalar(*equivalent_spins * concentration_value * constants::avogadro *
                                   *sample_volume));
    gamma_out.put(s, Array::scalar(gamma()));
  }
};

}  // namespace raserflow::hyperpolarization
