#pragma once
// Relaxivity of magnetic nanoparticles and the T2* they leave on each RASER mode
// (science.md §5.3): R2* = 1/T2* + r2*·[M], [M] in mM of metal.
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace raserflow::contrast {

// A tabulated agent: its relaxivity in 1/(mM s), which relaxivity the source gives (r2* or
// r2) and under which conditions.
struct Agent {
  std::string_view name;
  double relaxivity;
  std::string_view kind;  // "r2*" or "r2"
  std::string_view conditions;
};

// science.md §5.3's table, the measured values only (no ranges, nothing from memory).
std::span<const Agent> agents();
std::vector<std::string> agent_names();
// The agent called `name`; throws std::invalid_argument for an unknown one.
const Agent& agent(std::string_view name);

// T2* of each mode from the projections of the spin density, Radon(ρ)_μ, and of the
// density-weighted concentration, Radon(ρc)_μ (same projector, same bins):
//   1/T2*_μ = 1/t2_star + relaxivity · Radon(ρc)_μ / Radon(ρ)_μ,
// the mode's spins seeing the spin-weighted mean concentration of its slab. Where no particles
// reach a mode (Radon(ρc)_μ = 0, or no spins: Radon(ρ)_μ <= 0) the result is exactly t2_star,
// not 1/(1/t2_star), so a run without particles is unchanged bit for bit. t2_star may be
// infinite (no intrinsic dephasing).
std::vector<double> t2_star_per_mode(std::span<const double> density_projection,
                                     std::span<const double> loaded_projection, double t2_star,
                                     double relaxivity);

}  // namespace raserflow::contrast
