#include "raserflow/plugin.hpp"

RASERFLOW_PLUGIN("acquisition", "0.1.0");
