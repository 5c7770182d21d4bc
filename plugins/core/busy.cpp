// core.busy: a fixed amount of CPU work per item, for speed-up benchmarks and ordering tests.
#include <cmath>
#include <random>

#include "raserflow/raserflow.hpp"

namespace {

using raserflow::Param;

struct Busy final : raserflow::Node {
  static constexpr auto type = "core.busy";
  static constexpr auto doc =
      "CPU-bound work per item (a sum of sines); stateless, runs in parallel";

  Param<std::int64_t> iterations{
      this, "iterations", 100000, {.doc = "sine evaluations per item", .min = 0}};
  Param<double> jitter{
      this,
      "jitter",
      0.0,
      {.doc = "random extra work per item, as a fraction of iterations (from the item's stream)",
       .min = 0,
       .max = 100}};
  raserflow::Writes<double, 0> result{
      this, "busy_result", {.doc = "the sum, so the work is not optimised away"}};

  void process(raserflow::Item& s) override {
    auto n = *iterations;
    if (*jitter > 0) {
      auto gen = rng(s);
      n += static_cast<std::int64_t>(std::uniform_real_distribution<double>(0, *jitter)(gen) *
                                     static_cast<double>(n));
    }
    double sum = 0;
    for (std::int64_t i = 0; i < n; ++i) sum += std::sin(static_cast<double>(i) * 1e-3);
    result.put(s, raserflow::Array::scalar(sum));
  }
};
RASERFLOW_NODE(Busy);

}  // namespace
