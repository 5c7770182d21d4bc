#include "raserflow/plugin.hpp"

RASERFLOW_PLUGIN("raser", "0.1.0");
