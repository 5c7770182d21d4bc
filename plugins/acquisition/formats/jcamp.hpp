#pragma once
// JCAMP-DX 5.01/6.0 NMR FIDs (formats.md §2): NTUPLES files with a real (R) and an imaginary (I)
// page, alone (one projection) or as the blocks of a LINK file (one image, one block per
// projection, each with its angle in `##$RASERFLOW ANGLE DEG=`).
#include <filesystem>
#include <vector>

#include "recording.hpp"

namespace raserflow::acquisition {

// Reads one NMR FID block or a LINK file of NMR FID blocks into P rows (P = 1 for a single
// block). Values may be AFFN, PAC or ASDF (SQZ, DIF, DUP, with the DIF Y-check); labels compare
// after uppercasing and dropping spaces, '-', '/' and '_'. The dwell comes from the X axis
// (FIRST, LAST, VAR_DIM; units SECONDS) or from `##$SW_h` (Hz) when the X units are not given;
// when both are there they must agree to 1e-6. Angles are those of `##$RASERFLOW ANGLE DEG=`,
// empty when no block carries one. Throws FormatError naming the file and line.
Recording read_jcamp(const std::filesystem::path& file);

// Writes P FIDs of equal length as a LINK file of P NMR FID blocks (a plain NMR FID block when
// P = 1): AFFN values printed with %.9g, lines of at most 80 characters, `##$SW_h` = 1/dwell,
// and `##$RASERFLOW ANGLE DEG=` in every block when `angles` is not empty (then it has P
// entries). The file appears under its name only once complete (written to a temporary name,
// then renamed). Throws std::invalid_argument for arguments that break the fid contract (rows of
// unequal length, values that are not finite, dwell <= 0, angles neither empty nor P), and
// FormatError (naming the file) when the file cannot be written.
// The text write_jcamp writes (same checks, messages without a file name).
std::string jcamp_text(const std::vector<std::vector<Complex>>& fids,
                       const std::vector<double>& angles, double dwell,
                       double spectrometer_mhz = 60.0);

void write_jcamp(const std::filesystem::path& file, const std::vector<std::vector<Complex>>& fids,
                 const std::vector<double>& angles, double dwell, double spectrometer_mhz = 60.0);

}  // namespace raserflow::acquisition
