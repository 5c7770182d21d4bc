#pragma once
// DNP buildup by spin diffusion from one polarizing centre (science.md §4): a periodic cubic
// lattice of nuclei, one per cell, with the electron beside cell 0. Between transfers
//   ∂P/∂t = D(p̄) ∇²P − (P − P_0)/T1,   D(p̄) = D0 / √(1 − p̄²)  (Wang & Takeda; or D0)
// and a transfer moves the source cell toward the electron's polarization P_e.
#include <cstddef>
#include <limits>
#include <vector>

namespace raserflow::hyperpolarization {

// D(p̄)/D0 = 1/√(1 − p̄²): the speed-up of spin diffusion at average polarization p̄ (|p̄| < 1).
double diffusion_speedup(double mean_polarization);

// Φ = ∫ D dt over an interval τ that starts at mean polarization p̄⁺ and relaxes with T1 toward
// `equilibrium` (science.md §4.4). Closed form for equilibrium 0 (the arcsech difference, written
// so that it stays exact at p̄⁺ = 0 and for T1 = ∞), 16-point Gauss–Legendre otherwise.
// Without the correction Φ = D0 τ.
double diffusion_integral(double d0, double tau, double t1, double mean_after_transfer,
                          bool corrected, double equilibrium = 0);

// Eigenvalue of −(lattice Laplacian) for wave index m on a ring of n cells of spacing a:
// (2/a²)(1 − cos 2πm/n). A 3-D mode's eigenvalue is the sum over its three indices.
double lattice_eigenvalue(std::size_t m, std::size_t n, double spacing);

enum class Transfer { pulsed, continuous };

struct DnpLattice {
  std::size_t cells = 16;    // N_g per side; N_g³ nuclei per electron
  double spacing = 1.43e-9;  // a, m (one nucleus per cell)
  double diffusion = 1e-17;  // D0, m²/s
  double cycle = 0.02;       // τ: one transfer per cycle (pulsed), or the recording step
  double t1 = std::numeric_limits<double>::infinity();  // s
  double equilibrium = 0;  // P_0, the thermal polarization T1 relaxes toward
  double source = 0.7;     // P_e, the electron (or triplet) polarization
  Transfer transfer = Transfer::pulsed;
  double exchange = 1;        // pulsed: p_ex, fraction of P_e − P_src moved per pulse
  double exchange_rate = 0;   // continuous: k_ex, 1/s
  std::size_t substeps = 20;  // continuous: transfer/diffusion steps per cycle
  bool corrected = true;      // D = D0/√(1 − p̄²) rather than D0
};

struct Buildup {
  std::vector<double> time;  // s, the end of each recorded cycle
  std::vector<double> mean;  // p̄ there, just before the next transfer
  double final_mean = 0;     // p̄ at the end of the last cycle
};

// Throws std::invalid_argument naming the field for an unusable lattice.
void check(const DnpLattice& lattice);

// Runs `cycles` cycles and records p̄ after every `record_every`-th (and the last). Exact per
// Fourier mode: with all polarization injected at cell 0, every mode receives the same amount at
// a transfer and decays on its own in between, and modes with equal eigenvalue stay equal, so
// only the distinct sorted index triples are tracked (969 at N_g = 32) — no FFT per cycle.
Buildup simulate_buildup(const DnpLattice& lattice, std::size_t cycles,
                         std::size_t record_every = 1);

}  // namespace raserflow::hyperpolarization
