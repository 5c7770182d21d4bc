#pragma once
// Gyromagnetic ratios of the nuclei the hyperpolarization sources polarize, with their sign.
// 1H is CODATA 2018 (the free proton, constants::gamma_proton); the others are the IUPAC table
// (Harris et al., Pure Appl. Chem. 73, 1795 (2001)), bare-nucleus values from the nuclear
// magnetic moments. The Larmor frequency observed in a molecule or a gas differs from γB0/2π by
// the chemical shielding: ppm for the light nuclei, a few 1e-3 for xenon.
//
// 15N, 129Xe and 3He have γ < 0: their magnetic moment points against their spin, so they
// precess the other way and their Boltzmann equilibrium has ⟨I_z⟩ < 0. The sources quote
// polarization relative to the Boltzmann sense (P > 0: magnetization along B0, as at thermal
// equilibrium; P < 0: inverted, RASER-capable) and therefore need only |γ|.
#include <array>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "physical_constants.hpp"

namespace raserflow::nuclei {

struct Nucleus {
  std::string_view name;
  double gamma;  // signed gyromagnetic ratio, rad / (s T)
};

inline constexpr std::array<Nucleus, 7> table{{
    {"1H", constants::gamma_proton},
    {"13C", 6.728284e7},
    {"15N", -2.71261804e7},
    {"19F", 25.18148e7},
    {"31P", 10.8394e7},
    {"129Xe", -7.452103e7},
    {"3He", -20.3801587e7},
}};

// The nucleus called `name`; nullptr when the table has none.
constexpr const Nucleus* find(std::string_view name) {
  for (const auto& n : table)
    if (n.name == name) return &n;
  return nullptr;
}

// |γ| of `name`, rad / (s T); a name outside the table is a programming error (the nucleus
// parameter's choices are the table's names), so it gives NaN rather than a plausible value.
inline double abs_gamma(std::string_view name) {
  const Nucleus* n = find(name);
  return n ? std::abs(n->gamma) : std::nan("");
}

inline std::vector<std::string> names() {
  std::vector<std::string> out;
  for (const auto& n : table) out.emplace_back(n.name);
  return out;
}

}  // namespace raserflow::nuclei
