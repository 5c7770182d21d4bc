// core.fail: fails at a chosen item, for testing cancellation and error reports.
#include "raserflow/raserflow.hpp"

namespace {

using raserflow::Param;

struct Fail final : raserflow::Node {
  static constexpr auto type = "core.fail";
  static constexpr auto doc = "passes items through and throws at one chosen item";

  Param<std::int64_t> at_item{
      this, "at_item", 0, {.doc = "index of the item that fails", .min = 0}};
  Param<std::string> message{
      this, "message", "failure requested by core.fail", {.doc = "error message"}};
  Param<std::string> when{this,
                          "when",
                          "process",
                          {.doc = "where to fail: while processing the item, or in start()",
                           .choices = {"process", "start"}}};

  void start() override {
    if (*when == "start") throw raserflow::Error(*message);
  }
  void process(raserflow::Item& s) override {
    if (*when == "process" && s.index() == *at_item) throw raserflow::Error(*message);
  }
};
RASERFLOW_NODE(Fail);

}  // namespace
