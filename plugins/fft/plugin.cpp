#include "raserflow/plugin.hpp"

RASERFLOW_PLUGIN("fft", "0.1.0");
