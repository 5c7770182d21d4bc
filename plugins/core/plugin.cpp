#include "raserflow/plugin.hpp"

RASERFLOW_PLUGIN("core", "0.1.0");
