#pragma once
// An item's acquisition (fid, angles, dwell: the contract) as a Recording, for the writers.
#include "raserflow/raserflow.hpp"
#include "recording.hpp"

namespace raserflow::acquisition {

// Checks the contract (raserflow::Error naming what is wrong) and copies the rows.
Recording recording_of(const Array& fid, const Array& angles, double dwell);

}  // namespace raserflow::acquisition
