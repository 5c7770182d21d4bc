#include "raserflow/plugin.hpp"

RASERFLOW_PLUGIN("dl", "0.1.0");
