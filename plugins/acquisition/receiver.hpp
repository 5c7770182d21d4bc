#pragma once
// The receiver chain applied to noiseless simulated signals: a phase offset and thermal noise.
#include <complex>
#include <cstdint>
#include <random>
#include <span>

namespace raserflow::acquisition {

struct ReceiverSettings {
  double phase = 0;  // receiver phase, rad
  double snr = 0;    // peak |signal| of a projection over the noise σ of each channel; inf: none
};

// fid[j][k] = signals[j][k]·e^{i·phase} + n, with re(n) and im(n) independent N(0, σ_j²) and
// σ_j = max_k |signals[j][k]| / snr, drawn row by row, sample by sample, real part first.
// Every sample draws noise when snr is finite, so the noise of one projection does not depend
// on the content of the others. Both spans hold projections·samples values, row-major.
void receive(std::span<const std::complex<double>> signals, std::int64_t samples,
             const ReceiverSettings& settings, std::mt19937_64& gen,
             std::span<std::complex<double>> fid);

}  // namespace raserflow::acquisition
