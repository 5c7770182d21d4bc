#pragma once
// Everything a plugin needs to declare nodes.
#include "raserflow/array.hpp"
#include "raserflow/error.hpp"
#include "raserflow/field.hpp"
#include "raserflow/item.hpp"
#include "raserflow/node.hpp"
#include "raserflow/output_file.hpp"
#include "raserflow/param.hpp"
#include "raserflow/plugin.hpp"
