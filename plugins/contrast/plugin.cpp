#include "raserflow/plugin.hpp"

RASERFLOW_PLUGIN("contrast", "0.1.0");
