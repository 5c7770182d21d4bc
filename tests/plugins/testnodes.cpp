// Node types that exist only to exercise the runtime: typed reads, input files and failures.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <stdexcept>

#include <pthread.h>

#include "raserflow/raserflow.hpp"

namespace {

struct Typed final : raserflow::Node {
  static constexpr auto type = "test.typed";
  static constexpr auto doc = "reads a float64 image of rank 2 and an optional scale";
  raserflow::Reads<double, 2> image{this, "image", {.doc = "[rows x cols]"}};
  raserflow::Reads<double, 0> scale{this, "scale", {.doc = "optional factor", .optional = true}};
  raserflow::Writes<double, 0> total{this, "total", {.doc = "sum of the image times scale"}};
  raserflow::Param<std::string> path{
      this, "path", "", {.doc = "a file that must exist", .path = raserflow::PathKind::input}};
  void process(raserflow::Item& s) override {
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
  void process(raserflow::Item&) override {}
};
RASERFLOW_NODE(ThrowInConstructor);

struct ThrowInProcess final : raserflow::Node {
  static constexpr auto type = "test.throw_process";
  static constexpr auto doc = "throws a std::runtime_error (not raserflow::Error) at item 2";
  void process(raserflow::Item& s) override {
    if (s.index() == 2) throw std::runtime_error("process refuses item two");
  }
};
RASERFLOW_NODE(ThrowInProcess);

struct WrongWrite final : raserflow::Node {
  static constexpr auto type = "test.wrong_write";
  static constexpr auto doc = "declares a float64 field and writes int32";
  raserflow::Writes<double> out{this, "out"};
  void process(raserflow::Item& s) override {
    out.put(s, raserflow::Array::scalar<std::int32_t>(1));
  }
};
RASERFLOW_NODE(WrongWrite);

}  // namespace

namespace {

// Stands in for a live spectrometer: each acquisition waits `wait` seconds on "hardware",
// unless the run is cancelled.
struct SlowDevice final : raserflow::Node {
  static constexpr auto type = "test.device";
  static constexpr auto doc = "waits per item like hardware would; interrupt() ends the wait";
  static constexpr auto execution = raserflow::Execution::device;
  raserflow::Param<double> wait{
      this, "wait", 0.001, {.doc = "seconds per acquisition", .unit = "s", .min = 0}};
  raserflow::Writes<std::int64_t, 0> acquired{this, "acquired", {.doc = "1 per acquisition"}};

  void process(raserflow::Item& s) override {
    std::unique_lock lock(mutex_);
    if (cv_.wait_for(lock, std::chrono::duration<double>(*wait), [this] { return interrupted_; }))
      throw raserflow::Error("acquisition interrupted");
    // The runtime names a device node's thread "rf:<node id>"; any other thread is a worker.
    char name[16] = {};
    pthread_getname_np(pthread_self(), name, sizeof name);
    if (std::string(name) != "rf:" + id().substr(0, 12))
      throw raserflow::Error("process() ran on thread '" + std::string(name) +
                             "', not the device thread");
    acquired.put(s, raserflow::Array::scalar<std::int64_t>(1));
  }
  void interrupt() noexcept override {
    {
      std::lock_guard lock(mutex_);
      interrupted_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool interrupted_ = false;
};
RASERFLOW_NODE(SlowDevice);

}  // namespace

namespace {

// A source that knows how many items it holds, like a folder of recordings.
struct Counted final : raserflow::Node {
  static constexpr auto type = "test.counted";
  static constexpr auto doc = "a source holding `count` items";
  raserflow::Param<std::int64_t> count{this, "count", 7, {.doc = "items held", .min = 1}};
  raserflow::Writes<std::int64_t, 0> number{this, "number", {.doc = "the item index"}};
  std::optional<std::int64_t> item_count() const override { return *count; }
  void process(raserflow::Item& s) override {
    number.put(s, raserflow::Array::scalar<std::int64_t>(s.index()));
  }
};
RASERFLOW_NODE(Counted);

// A plugin command: prints its arguments, fails on "fail", refuses "--bad".
int hello(const std::vector<std::string>& args) {
  if (!args.empty() && args[0] == "--help") {
    std::printf("usage: raserflow hello [WORD]...\n");
    return 0;
  }
  for (const auto& a : args) {
    if (a == "--bad") {
      std::fprintf(stderr, "hello: unknown option --bad\n");
      return 2;
    }
    if (a == "fail") return 1;
  }
  std::printf("hello");
  for (const auto& a : args) std::printf(" %s", a.c_str());
  std::printf("\n");
  return 0;
}
RASERFLOW_COMMAND(hello, "prints its arguments (a test of plugin commands)", hello);

}  // namespace

RASERFLOW_PLUGIN("testnodes", "0.0.1");
