#pragma once
// Polarization sources and the inversion they give a RASER (science.md §5).
namespace raserflow::hyperpolarization {

// Boltzmann polarization P = tanh(ħγB0 / 2kT) of spin-1/2 nuclei.
double thermal_polarization(double field, double temperature, double gamma);

// One-pool SABRE/PHIP buildup while bubbling (science.md §5.2):
//   dP/dt = k (P_lim − P) − P / T1_lf,   P_lim = p_max · (4 x_p − 1) / 3
// from P(0) = 0, then decay during the transfer to the magnet: P_det = P(t_b) e^{−t_tr/T1_tr}.
struct Sabre {
  double rate = 0.1;            // k, 1/s
  double t1_low_field = 10;     // T1 at the polarization field, s
  double max_polarization = 0;  // p_max with pure para-hydrogen (negative: inversion)
  double para_fraction = 0.98;  // x_p
  double bubbling_time = 20;    // t_b, s
  double transfer_time = 2;     // t_tr, s
  double t1_transfer = 10;      // T1 during transfer, s
};
double sabre_polarization_at(const Sabre& s, double time);  // during bubbling
double sabre_detected_polarization(const Sabre& s);

// Inverted spins d0 = −n_eq · P · c · N_A · V_S (c in mol/m³, V_S in m³): positive only for
// P < 0, the RASER condition.
double total_inversion(double polarization, double concentration, double equivalent_spins,
                       double sample_volume);

}  // namespace raserflow::hyperpolarization
