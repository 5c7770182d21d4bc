// core.select: keep only the listed fields, so large arrays are freed early.
#include "raserflow/raserflow.hpp"

namespace {

struct Select final : raserflow::Node {
  static constexpr auto type = "core.select";
  static constexpr auto doc =
      "pass only the listed fields downstream; every other field is dropped";

  raserflow::Param<std::vector<std::string>> fields{
      this, "fields", raserflow::required, {.doc = "names of the fields to keep"}};

  void configure() override {
    if (fields->empty()) throw raserflow::ParamError("fields", "list at least one field to keep");
    for (const auto& f : *fields) read_field({.declared = f, .param = "fields"});
    pass_only(*fields);
  }
  void process(raserflow::Item&) override {}
};
RASERFLOW_NODE(Select);

}  // namespace
