// Node types that exist only to exercise the runtime: typed reads, input files and failures.
#include <stdexcept>

#include "raserflow/raserflow.hpp"

namespace {

struct Typed final : raserflow::Node {
  static constexpr auto type = "test.typed";
  static constexpr auto doc = "reads a float64 image of rank 2 and an optional scale";
  raserflow::Reads<double, 2> image{this, "image", {.doc = "[rows x cols]"}};
  raserflow::Reads<double, 0> scale{this, "scale", {.doc = "optional factor", .optional = true}};
  raserflow::Writes<double, 0> total{this, "total", {.doc = "sum of the image times scale"}};
  raserflow::Param<std::string> path{this, "path", "", {.doc = "a file that must exist", .path = raserflow::PathKind::input}};
  void process(raserflow::Sample& s) override {
    double sum = 0;
    for (double v : image.values(s)) sum += v;
    if (scale.in(s)) sum *= scale.array(s).as_double();
    total.put(s, raserflow::Array::scalar(sum));
  }
};
RASERFLOW_NODE(Typed);

struct ThrowInConstructor final : raserflow::Node {
  static constexpr auto type = "test.throw_ctor";
  static constexpr auto doc = "throws while being constructed";
  ThrowInConstructor() { throw std::runtime_error("constructor refuses"); }
  void process(raserflow::Sample&) override {}
};
RASERFLOW_NODE(ThrowInConstructor);

struct ThrowInProcess final : raserflow::Node {
  static constexpr auto type = "test.throw_process";
  static constexpr auto doc = "throws a std::runtime_error (not raserflow::Error) at item 2";
  void process(raserflow::Sample& s) override {
    if (s.index() == 2) throw std::runtime_error("process refuses item two");
  }
};
RASERFLOW_NODE(ThrowInProcess);

struct WrongWrite final : raserflow::Node {
  static constexpr auto type = "test.wrong_write";
  static constexpr auto doc = "declares a float64 field and writes int32";
  raserflow::Writes<double> out{this, "out"};
  void process(raserflow::Sample& s) override { out.put(s, raserflow::Array::scalar<std::int32_t>(1)); }
};
RASERFLOW_NODE(WrongWrite);

}  // namespace

RASERFLOW_PLUGIN("testnodes", "0.0.1");
