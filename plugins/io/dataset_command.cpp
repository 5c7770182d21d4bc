// `raserflow dataset info FILE.h5`: what an io.hdf5 file holds (lib/dataset_info.cpp);
// `raserflow dataset join OUT.h5 SHARD.h5...`: the union of a run's shards (dataset_join.cpp).
#include <iostream>

#include "dataset_info.hpp"
#include "dataset_join.hpp"
#include "raserflow/plugin.hpp"

namespace {

int run_dataset(const std::vector<std::string>& args) {
  if (!args.empty() && args[0] == "join")
    return raserflow::io::dataset_join({args.begin() + 1, args.end()}, std::cout, std::cerr);
  const int status = raserflow::io::dataset_command(args, std::cout, std::cerr);
  // The usage printed for `dataset --help` or a wrong subcommand, completed with `join`.
  if (args.empty() || args[0] != "info")
    (status == 0 ? std::cout : std::cerr) << "\n" << raserflow::io::dataset_join_usage;
  return status;
}

}  // namespace

RASERFLOW_COMMAND(dataset,
                  "what an io.hdf5 file holds (info), the union of a run's shard files (join)",
                  run_dataset);
