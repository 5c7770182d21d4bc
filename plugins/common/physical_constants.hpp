#pragma once
// CODATA 2018 values used across the physics plugins (science.md, "Constants").
namespace raserflow::constants {

inline constexpr double mu0 = 1.25663706212e-6;         // vacuum permeability, T m / A
inline constexpr double hbar = 1.054571817e-34;         // J s
inline constexpr double k_boltzmann = 1.380649e-23;     // J / K
inline constexpr double avogadro = 6.02214076e23;       // 1 / mol
inline constexpr double gamma_proton = 2.6752218744e8;  // 1H gyromagnetic ratio, rad / (s T)
inline constexpr double pi = 3.14159265358979323846;

}  // namespace raserflow::constants
