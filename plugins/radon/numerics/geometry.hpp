#pragma once
// Detector and angle geometry shared by the projector and the back-projector.
#include <cstdint>
#include <vector>

namespace raserflow::radon {

// Bin count of MATLAB's radon() for a rows x cols image:
// 2*ceil(norm([rows cols] - floor(([rows cols] - 1)/2) - 1)) + 3 (67 for 44 x 44).
std::int64_t matlab_bin_count(std::int64_t rows, std::int64_t cols);

// theta_j = 180 * j / count degrees, j = 0 .. count-1: half a turn, 180 excluded, because a
// parallel-beam projection at 180 degrees is the one at 0 mirrored and adds nothing.
std::vector<double> uniform_angles_deg(std::int64_t count);

// The same arithmetic as numpy.deg2rad, so angles agree with scikit-image.
inline double radians(double degrees) {
  return degrees * (3.14159265358979323846 / 180.0);
}

}  // namespace raserflow::radon
