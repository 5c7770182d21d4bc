#include "raserflow/plugin.hpp"

RASERFLOW_PLUGIN("metrics", "0.1.0");
