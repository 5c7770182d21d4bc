#pragma once
// Bruker TopSpin raw data (formats.md §3): an experiment folder with `acqus` and either `fid`
// (one projection) or `ser` + `acqu2s` (P projections, one per row of a pseudo-2D `ser`).
#include <filesystem>
#include <vector>

#include "recording.hpp"

namespace raserflow::acquisition {

// Reads the folder's `fid` (or `ser` with `acqu2s`) as P rows of TD/2 complex points.
// - Storage: DTYPA 0 int32, 1 float32, 2 float64 (absent: 0, as data written before the key
//   existed); BYTORDA 0 little- or 1 big-endian. AQ_mod must be 1 or 3 (complex); real data
//   (0, 2) is refused. Rows start on 1024-byte boundaries and are trimmed to TD values.
// - dwell = 1/SW_h (complex points are 1/SW_h apart; Bruker's DW is per stored value).
// - Digital filter: when DIGMOD != 0, the group delay d (GRPDLY when > 0, else the DSPFVS
//   10..13 / DECIM table nmrglue uses, else 0) is removed from every row by multiplying its
//   DFT by exp(+i 2 pi d k / N), k taken signed in [-N/2, N/2): a circular advance by d points,
//   exact for a band-limited row, so the ~d points of filter onset wrap to the row's end.
//   DIGMOD = 0 or absent: no filter, the samples are returned as stored.
// - Angles: the text file `raserflow_angles` (one angle in degrees per line, row order) when
//   present, else empty. O1 (where the spectrometer put its carrier) is not used: where the
//   band should sit is the pipeline's choice (acquisition.replay's frequency_shift).
// Throws FormatError naming the file and the line, byte offset or key, and what was expected.
Recording read_bruker(const std::filesystem::path& folder);

// Writes the pseudo-2D layout of formats.md §3.3 into `folder` (created if needed): `acqus`,
// `acqu2s` (P > 1 only), `ser` (P > 1) or `fid` (P = 1) as float64 little-endian rows padded to
// 1024 bytes, and `raserflow_angles` (%.17g) when angles is not empty. Files are written under
// temporary names and renamed at the end, `acqus` last, after any stale `acqus`, `fid`, `ser`,
// `acqu2s` or `raserflow_angles` of an earlier write was removed: a failure never leaves a
// folder that reads as complete. Throws std::invalid_argument for inconsistent arguments (rows
// of unequal or zero length, non-finite samples, angles not empty and not one per row, dwell
// or spectrometer_mhz not positive), std::runtime_error when the files cannot be written.
void write_bruker(const std::filesystem::path& folder,
                  const std::vector<std::vector<Complex>>& fids, const std::vector<double>& angles,
                  double dwell, double spectrometer_mhz = 60.0);

}  // namespace raserflow::acquisition
