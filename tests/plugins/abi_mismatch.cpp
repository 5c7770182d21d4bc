// A plugin built against an imaginary future raserflow ABI.
#include "raserflow/plugin.hpp"

extern "C" __attribute__((visibility("default")))
const raserflow_plugin_manifest raserflow_plugin_manifest_v1 = {
    999u, sizeof(raserflow_plugin_manifest), RASERFLOW_COMPILER_ABI, "future", "9.9.9", nullptr};
