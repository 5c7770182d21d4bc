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

double phip_polarization_at(const Phip& p, double time) {
  const double limit = p.transfer_efficiency * (4 * p.para_fraction - 1) / 3;
  const double loss = p.rate + 1 / p.t1_reaction;  // 1/T_b
  return p.rate * limit / loss * (1 - std::exp(-loss * time));
}

double phip_detected_polarization(const Phip& p) {
  return phip_polarization_at(p, p.reaction_time) * std::exp(-p.transfer_time / p.t1_transfer);
}

double seop_polarization_at(const Seop& s, double time) {
  const double loss = s.spin_exchange_rate + s.relaxation_rate;
  if (loss == 0) return 0;  // no exchange and no relaxation: the gas stays unpolarized
  return s.rb_polarization * s.spin_exchange_rate / loss * (1 - std::exp(-loss * time));
}

double seop_detected_polarization(const Seop& s) {
  return seop_polarization_at(s, s.pumping_time) * std::exp(-s.transfer_time / s.t1_transfer);
}

double ideal_gas_concentration(double pressure, double temperature) {
  // R = N_A k_B exactly since the 2019 SI.
  return pressure / (constants::avogadro * constants::k_boltzmann * temperature);
}

double total_inversion(double polarization, double concentration, double equivalent_spins,
                       double sample_volume) {
  return -equivalent_spins * polarization * concentration * constants::avogadro * sample_volume;
}

}  // namespace raserflow::hyperpolarization
