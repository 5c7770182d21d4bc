#pragma once
// `raserflow dataset info FILE.h5`: what an io.hdf5 file holds.
#include <ostream>
#include <string>
#include <vector>

namespace raserflow::io {

// Runs the `dataset` command with the arguments after its name; writes the summary to `out`
// and problems to `err`. Returns 0 done, 1 the file cannot be read, 2 bad usage.
int dataset_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace raserflow::io
