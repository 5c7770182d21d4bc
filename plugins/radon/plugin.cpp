#include "raserflow/plugin.hpp"

RASERFLOW_PLUGIN("radon", "0.1.0");
