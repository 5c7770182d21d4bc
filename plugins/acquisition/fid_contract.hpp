#pragma once
// The acquisition contract: what every node that produces `fid` writes, whether it simulates a
// receiver, reads a recorded file or drives a live spectrometer, so that everything downstream
// (fft.spectrum, correctors, reconstruction) works unchanged on any of them.
#include <cstdint>
#include <string_view>

#include "raserflow/array.hpp"

// Spelled as a literal so node doc strings can include it.
#define RASERFLOW_FID_CONTRACT                                                                  \
  "Contract shared by every acquisition node (simulated, recorded, live): `fid` complex128 "    \
  "[P x T], one row per projection, sample k taken at t_k = k*dwell from the start of the "     \
  "acquisition, demodulated at the carrier so that a spin precessing nu Hz above it "           \
  "contributes e^{+i2*pi*nu*t} (arbitrary units: spectra are normalised downstream); `angles` " \
  "float64 [P], the gradient direction of each row in degrees; `dwell` float64 scalar, the "    \
  "sampling interval in seconds. Every value is finite, P >= 1, T >= 1, dwell > 0."

namespace raserflow::acquisition {

struct FidShape {
  std::int64_t projections = 0;
  std::int64_t samples = 0;
};

// Checks a complex [P x T] array (`what` names it in messages), its angles and dwell against
// the contract; throws raserflow::Error saying what is wrong.
FidShape check_fid_contract(const Array& fid, const Array& angles, double dwell,
                            std::string_view what = "fid");

}  // namespace raserflow::acquisition
