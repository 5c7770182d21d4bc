#pragma once
// Brings a recording to the convention the processing expects (the acquisition contract with
// the pipeline's samples and dwell): decimation, the cut to the first samples, a frequency
// shift that places the recorded band where the processing looks for it, and the angles.
#include <cstddef>
#include <vector>

#include "recording.hpp"

namespace raserflow::acquisition {

struct Convention {
  std::size_t samples = 4096;  // complex samples kept per projection
  double dwell = 0.5e-3;       // s, after decimation
  std::size_t decimate = 1;    // recorded samples per kept sample (boxcar average)
  double frequency_shift = 0;  // Hz added to every frequency: fid *= e^{i 2 pi f t}
  std::vector<double> angles;  // degrees, for recordings without angles; empty: 180 p / P
};

// Throws FormatError naming the recording and the convention when it cannot be brought to it
// (a dwell that decimation does not turn into the convention's, too few samples, angles that
// do not match the rows).
Recording conform(const Recording& recorded, const Convention& c);

// The recording's format from its path: "ismrmrd" (.h5, .mrd, .hdf5), "jcamp" (.dx, .jdx,
// .jcamp), "bruker" (a folder with acqus), "spinsolve" (a folder with data.1d / data.2d /
// acqu.par, or sub-folders holding them), or a folder holding one ISMRMRD or JCAMP-DX file;
// throws FormatError if none fits.
std::string detect_format(const std::filesystem::path& path);

// Every image of the recording at `path` in the given format (auto: detect_format); a folder
// given for an ISMRMRD or JCAMP-DX recording must hold exactly one such file.
std::vector<Recording> read_recording(const std::filesystem::path& path,
                                      const std::string& format = "auto");

}  // namespace raserflow::acquisition
