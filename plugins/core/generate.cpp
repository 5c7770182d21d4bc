// core.generate: a field of a given shape and dtype, constant or drawn from the item's stream.
#include <random>

#include "raserflow/raserflow.hpp"

namespace {

using raserflow::Array;
using raserflow::DType;
using raserflow::Param;

struct Generate final : raserflow::Node {
  static constexpr auto type = "core.generate";
  static constexpr auto doc =
      "a field of a given shape and dtype: constant, or random from the item's stream";

  Param<std::vector<std::int64_t>> shape{
      this, "shape", {4}, {.doc = "dimensions, row-major; [] for a scalar", .min = 0}};
  Param<std::string> dtype{
      this,
      "dtype",
      "float64",
      {.doc = "element type",
       .choices = {"uint8", "int32", "int64", "float32", "float64", "complex64", "complex128"}}};
  Param<double> fill{this, "fill", 0.0, {.doc = "value of every element when random is none"}};
  Param<std::string> random{
      this,
      "random",
      "none",
      {.doc = "distribution: none (constant fill), uniform on [0, 1), normal N(0, 1)",
       .choices = {"none", "uniform", "normal"}}};

  void configure() override {
    write_field({.declared = "data",
                 .dtype = raserflow::parse_dtype(*dtype),
                 .rank = static_cast<int>(shape->size()),
                 .doc = "shape from 'shape'"});
  }

  void process(raserflow::Item& s) override {
    raserflow::visit_dtype(*raserflow::parse_dtype(*dtype),
                           [&](auto zero) { put<decltype(zero)>(s); });
  }

  template <class T>
  void put(raserflow::Item& s) {
    auto a = Array::zeros<T>(*shape);
    auto v = a.template mutable_values<T>();
    if (*random == "none") {
      std::fill(v.begin(), v.end(), static_cast<T>(*fill));
    } else {
      auto gen = rng(s);
      std::uniform_real_distribution<double> uniform(0.0, 1.0);
      std::normal_distribution<double> normal(0.0, 1.0);
      auto draw = [&] { return *random == "uniform" ? uniform(gen) : normal(gen); };
      for (auto& x : v) {
        if constexpr (requires { x.imag(); }) {
          const auto re = draw();
          x = T(static_cast<typename T::value_type>(re),
                static_cast<typename T::value_type>(draw()));
        } else {
          x = static_cast<T>(draw());
        }
      }
    }
    put_field(s, "data", std::move(a));
  }
};
RASERFLOW_NODE(Generate);

}  // namespace
