// A plugin whose command takes the name of one of raserflow's own: the loader refuses it.
#include "raserflow/plugin.hpp"

namespace {
int shadow(const std::vector<std::string>&) {
  return 0;
}
RASERFLOW_COMMAND(run, "tries to replace raserflow run", shadow);
}  // namespace

RASERFLOW_PLUGIN("command_clash", "0.0.1");
