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

// Hydrogenative PHIP (science.md §5.2): the same one-pool buildup while the substrate is
// hydrogenated with para-hydrogen, k the hydrogenation rate, toward
//   P_lim = η (4 x_p − 1) / 3,
// the singlet order times the transfer efficiency η: the share of the para-hydrogen spin order
// that ends as net polarization of the detected nucleus (losses of PASADENA/ALTADENA
// conversion, field cycling or pulses to a heteronucleus, relaxation during the transfer
// step). The sign of η is the sign of the result relative to Boltzmann: negative, inverted.
// Then decay during the transfer to the magnet: P_det = P(t_r) e^{−t_tr/T1_tr}.
struct Phip {
  double rate = 0.5;                  // k, hydrogenation rate, 1/s
  double t1_reaction = 20;            // T1 at the reaction field, s
  double transfer_efficiency = -0.1;  // η, signed
  double para_fraction = 0.98;        // x_p
  double reaction_time = 10;          // t_r, s
  double transfer_time = 2;           // t_tr, s
  double t1_transfer = 10;            // T1 during transfer, s
};
double phip_polarization_at(const Phip& p, double time);  // during the reaction
double phip_detected_polarization(const Phip& p);

// Spin-exchange optical pumping of a noble gas (Walker & Happer; science.md §5.2):
//   dP/dt = γ_SE (P_Rb − P) − Γ P,   P(0) = 0
//   P(t) = P_Rb γ_SE / (γ_SE + Γ) · (1 − e^{−(γ_SE + Γ) t}),
// then decay during the transfer to the magnet: P_det = P(t_p) e^{−t_tr/T1_tr}.
struct Seop {
  double rb_polarization = -0.95;    // P_Rb, signed by the pump light's helicity
  double spin_exchange_rate = 1e-2;  // γ_SE, 1/s
  double relaxation_rate = 1e-3;     // Γ, the gas' spin destruction other than exchange, 1/s
  double pumping_time = 300;         // t_p, s
  double transfer_time = 2;          // t_tr, s
  double t1_transfer = 60;           // T1 during transfer, s
};
double seop_polarization_at(const Seop& s, double time);  // during pumping
double seop_detected_polarization(const Seop& s);

// Concentration c = p / (R T) of an ideal gas, mol/m³ (p in Pa, T in K).
double ideal_gas_concentration(double pressure, double temperature);

// Inverted spins d0 = −n_eq · P · c · N_A · V_S (c in mol/m³, V_S in m³): positive only for
// P < 0, the RASER condition.
double total_inversion(double polarization, double concentration, double equivalent_spins,
                       double sample_volume);

}  // namespace raserflow::hyperpolarization
