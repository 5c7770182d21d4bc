#pragma once
// Magritek Spinsolve / Prospa (SpinsolveExpert) native files (formats.md §4.1, §4.2): the
// binary `.1d` / `.2d` data files with their reversed-ASCII header, and the `acqu.par` text file
// that gives the dwell.
#include <filesystem>
#include <vector>

#include "recording.hpp"

namespace raserflow::acquisition {

// Reads the projections of one image from a folder, which holds either
//  (a) `data.2d` (type 501, dim1 = T points, dim2 = P projections) or `data.1d` (type 501 or 504:
//      one projection), plus `acqu.par`; or
//  (b) sub-folders, each holding one projection as `data.1d` + `acqu.par`, taken in natural name
//      order (p2 before p10); all must agree on T and dwell.
// dwell = 1 / (bandwidth [kHz] * 1000), cross-checked with dwellTime [µs] * 1e-6 and, for type
// 504, with the file's time axis (seconds); nrPnts, when present, must equal T. Angles come from
// `angles.txt` in the folder (one per projection and line, degrees), else are empty.
// Throws FormatError naming the file and the byte offset or line, and what was expected.
Recording read_spinsolve(const std::filesystem::path& path);

// Writes one image into `folder` (created if needed): a V1.1 type-501 `data.2d` (dim1 = T,
// dim2 = P, float32), `acqu.par` (bandwidth in kHz and dwellTime in µs, %.9g; nrPnts) and, when
// `angles` is not empty, `angles.txt` (%.17g). Each file is written under a temporary name and
// renamed, data.2d last, so a watcher that waits for data.2d sees a complete folder.
// Throws std::invalid_argument for arguments that break the fid contract or do not fit float32,
// FormatError (naming the file) when the folder cannot be written.
void write_spinsolve(const std::filesystem::path& folder,
                     const std::vector<std::vector<Complex>>& fids,
                     const std::vector<double>& angles, double dwell);

}  // namespace raserflow::acquisition
