#include "raserflow/plugin.hpp"

RASERFLOW_PLUGIN("io", "0.1.0");
