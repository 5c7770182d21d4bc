// A plugin whose dependency is not where the dynamic loader looks.
#include "raserflow/raserflow.hpp"

extern "C" int raserflow_test_dependency();

namespace {
struct NeedsDependency final : raserflow::Node {
  static constexpr auto type = "test.needs_dependency";
  static constexpr auto doc = "calls into a library that cannot be found";
  void process(raserflow::Item&) override { raserflow_test_dependency(); }
};
RASERFLOW_NODE(NeedsDependency);
}  // namespace

RASERFLOW_PLUGIN("missing_dep", "0.0.1");
