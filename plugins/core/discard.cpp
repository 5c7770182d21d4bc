// core.discard: a sink that drops every item, for pipelines run for their side effects.
#include "raserflow/raserflow.hpp"

namespace {

struct Discard final : raserflow::Node {
  static constexpr auto type = "core.discard";
  static constexpr auto doc = "a sink that drops every field of every item";

  void configure() override { pass_only({}); }
  void process(raserflow::Item&) override {}
};
RASERFLOW_NODE(Discard);

}  // namespace
