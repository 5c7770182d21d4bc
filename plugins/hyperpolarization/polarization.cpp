#include "polarization.hpp"

#include <cmath>

#include "physical_constants.hpp"

namespace raserflow::hyperpolarization {

double thermal_polarization(double field, double temperature, double gamma) {
  return std::tanh(constants::hbar * gamma * field / (2 * constants::k_boltzmann * temperature));
}

double sabre_polarization_at(const Sabre& s, double time) {
  const double singlet_order = (4 * s.para_fraction - 1) / 3;
  const double loss = s.rate + 1 / s.t1_low_field;  // 1/T_b
  const double steady = s.rate * s.max_polarization * singlet_order / loss;
  return steady * (1 - std::exp(-loss * time));
}

double sabre_detected_polarization(const Sabre& s) {
  return sabre_polarization_at(s, s.bubbling_time) * std::exp(-s.transfer_time / s.t1_transfer);
}

double total_inversion(double polarization, double concentration, double equivalent_spins,
                       double sample_volume) {
  return -equivalent_spins * polarization * concentration * constants::avogadro * sample_volume;
}

}  // namespace raserflow::hyperpolarization
