// core.stack: a node that works on batches the way a neural network does, for tests and
// benchmarks of the batch path.
#include <cstring>

#include "raserflow/raserflow.hpp"

namespace {

using raserflow::Array;
using raserflow::Param;

struct Stack final : raserflow::Node {
  static constexpr auto type = "core.stack";
  static constexpr auto doc =
      "per batch, stacks float64 field 'data' of every item into one [batch x ...] array, "
      "scales it in one pass and unstacks it as 'scaled'; the result does not depend on the "
      "batch size";

  Param<double> factor{this, "factor", 2.0, {.doc = "multiplier"}};
  raserflow::Reads<double> data{this, "data", {.doc = "any shape; the same for every item"}};
  raserflow::Writes<double> scaled{this, "scaled", {.doc = "factor x data, same shape"}};

  void process(raserflow::Item& item) override {
    raserflow::Item* one = &item;
    process_batch(std::span<raserflow::Item* const>(&one, 1));
  }

  void process_batch(std::span<raserflow::Item* const> items) override {
    const auto& shape = data.array(*items.front()).shape();
    const auto per = static_cast<std::size_t>(Array::element_count(shape));
    std::vector<double> stacked(per * items.size());
    for (std::size_t b = 0; b < items.size(); ++b) {
      const auto& a = data.array(*items[b]);
      if (a.shape() != shape)
        throw raserflow::Error("item " + std::to_string(items[b]->index()) + ": 'data' is " +
                               raserflow::shape_string(a.shape()) + " but item " +
                               std::to_string(items.front()->index()) + "'s is " +
                               raserflow::shape_string(shape) + "; a batch needs one shape");
      std::memcpy(stacked.data() + b * per, a.values<double>().data(), per * sizeof(double));
    }
    for (auto& x : stacked) x *= *factor;
    for (std::size_t b = 0; b < items.size(); ++b) {
      auto out = Array::zeros<double>(shape);
      auto v = out.mutable_values<double>();
      std::memcpy(v.data(), stacked.data() + b * per, per * sizeof(double));
      scaled.put(*items[b], std::move(out));
    }
  }
};
RASERFLOW_NODE(Stack);

}  // namespace
