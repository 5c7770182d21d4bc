#include "raserflow/plugin.hpp"

RASERFLOW_PLUGIN("hyperpolarization", "0.1.0");
