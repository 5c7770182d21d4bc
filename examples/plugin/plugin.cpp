#include "raserflow/plugin.hpp"

RASERFLOW_PLUGIN("example", "1.0.0");
