// `raserflow dataset info FILE.h5`: what an io.hdf5 file holds (lib/dataset_info.cpp).
#include <iostream>

#include "dataset_info.hpp"
#include "raserflow/plugin.hpp"

namespace {

int run_dataset(const std::vector<std::string>& args) {
  return raserflow::io::dataset_command(args, std::cout, std::cerr);
}

}  // namespace

RASERFLOW_COMMAND(dataset, "what an io.hdf5 file holds: datasets, dtypes, shapes, item counts",
                  run_dataset);
