// core.filter: drops the items whose flag field says so (the paper drops an image whose
// spectrum ROI is clamped).
#include "raserflow/raserflow.hpp"

namespace {

using raserflow::Param;

struct Filter final : raserflow::Node {
  static constexpr auto type = "core.filter";
  static constexpr auto doc =
      "keeps the items whose integer flag field is true (or false) and drops the rest; "
      "downstream nodes never see a dropped item and the manifest lists it";

  Param<std::string> field{
      this,
      "field",
      raserflow::required,
      {.doc = "flag field: uint8, int32 or int64, a scalar or an array; nonzero is true"}};
  Param<bool> keep{this, "keep", true, {.doc = "keep the items whose flag is this value"}};
  Param<std::string> reduce{
      this,
      "reduce",
      "any",
      {.doc = "for an array flag: any (true when one element is) or all (when every element is)",
       .choices = {"any", "all"}}};

  void configure() override {
    read_field({.declared = "flag", .actual = *field, .doc = "integer flag", .param = "field"});
  }

  void process(raserflow::Item& item) override {
    const auto& a = item.array(reads().front().actual);
    const bool flag = raserflow::visit_dtype(a.dtype(), [&](auto zero) -> bool {
      using T = decltype(zero);
      if constexpr (!std::is_integral_v<T>) {
        throw raserflow::Error("field '" + reads().front().actual + "' is " +
                               std::string(raserflow::dtype_name(a.dtype())) +
                               "; core.filter reads an integer flag (uint8, int32, int64)");
      } else {
        const auto v = a.values<T>();
        if (v.empty()) return *reduce == "all";
        return *reduce == "any" ? std::any_of(v.begin(), v.end(), [](T x) { return x != 0; })
                                : std::all_of(v.begin(), v.end(), [](T x) { return x != 0; });
      }
    });
    if (flag != *keep) item.drop();
  }
};
RASERFLOW_NODE(Filter);

}  // namespace
