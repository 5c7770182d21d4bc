// example.scale: multiplies a float64 field by a constant. The node of the README, built out of
// tree against an installed raserflow (see README.md in this folder).
#include "raserflow/raserflow.hpp"

namespace {

struct Scale final : raserflow::Node {
  static constexpr auto type = "example.scale";
  static constexpr auto doc = "multiplies a float64 field by a constant";

  raserflow::Param<double> factor{
      this, "factor", 2.0, {.doc = "multiplier applied to every element"}};
  raserflow::Reads<double> data{this, "data", {.doc = "any shape"}};
  raserflow::Writes<double> scaled{this, "scaled", {.doc = "factor x data, same shape as data"}};

  void process(raserflow::Item& s) override {
    const auto in = data.values(s);
    auto out = raserflow::Array::zeros<double>(data.array(s).shape());
    auto v = out.mutable_values<double>();
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = *factor * in[i];
    scaled.put(s, std::move(out));
  }
};
RASERFLOW_NODE(Scale);

}  // namespace
