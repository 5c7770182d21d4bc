#pragma once
// `raserflow dataset join OUT.h5 SHARD.h5...` (dataset_join.cpp), a subcommand of `dataset`.
#include <ostream>
#include <string>
#include <vector>

namespace raserflow::io {

// The arguments after `join`. Returns 0 joined, 1 the files cannot be joined, 2 bad usage.
int dataset_join(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

extern const char* const dataset_join_usage;

}  // namespace raserflow::io
