#include "relaxation.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace raserflow::contrast {

namespace {

constexpr std::array<Agent, 6> kAgents{{
    {"ferumoxytol_r2star", 60.4, "r2*", "ferumoxytol in saline, 1.5 T, 37 C"},
    {"ferumoxytol_r2", 60.8, "r2", "ferumoxytol in saline, 1.5 T, 37 C"},
    {"ferumoxytol_plasma_r2", 64.9, "r2", "ferumoxytol in plasma, 1.5 T, 37 C"},
    {"ferumoxytol_3t_r2", 62.3, "r2", "ferumoxytol, 3 T"},
    {"pvp_iron_oxide_r2", 338.1, "r2", "PVP-coated iron oxide, 8-10 nm core, field not given"},
    {"snc11_r2", 454.0, "r2", "Fe3O4 seeded nanoclusters (SNC-11)"},
}};

}  // namespace

std::span<const Agent> agents() {
  return kAgents;
}

std::vector<std::string> agent_names() {
  std::vector<std::string> names;
  for (const auto& a : kAgents) names.emplace_back(a.name);
  return names;
}

const Agent& agent(std::string_view name) {
  const auto it =
      std::find_if(kAgents.begin(), kAgents.end(), [&](const Agent& a) { return a.name == name; });
  if (it == kAgents.end())
    throw std::invalid_argument("unknown contrast agent '" + std::string(name) + "'");
  return *it;
}

std::vector<double> t2_star_per_mode(std::span<const double> density_projection,
                                     std::span<const double> loaded_projection, double t2_star,
                                     double relaxivity) {
  if (density_projection.size() != loaded_projection.size())
    throw std::invalid_argument("t2_star_per_mode: the two projections differ in length");
  if (!(t2_star > 0)) throw std::invalid_argument("t2_star_per_mode: t2_star must be > 0");
  if (!(relaxivity >= 0))
    throw std::invalid_argument("t2_star_per_mode: the relaxivity must be >= 0");
  std::vector<double> out(density_projection.size(), t2_star);
  for (std::size_t k = 0; k < out.size(); ++k) {
    const double rho = density_projection[k];
    const double extra = rho > 0 ? relaxivity * loaded_projection[k] / rho : 0.0;
    if (extra > 0) out[k] = 1.0 / (1.0 / t2_star + extra);
  }
  return out;
}

}  // namespace raserflow::contrast
