#include "raserflow/plugin.hpp"

RASERFLOW_PLUGIN("phantom", "0.1.0");
