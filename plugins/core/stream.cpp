// core.stream: a source that produces items at a fixed rate, like a live instrument, until a
// count is reached or the run is stopped.
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "raserflow/raserflow.hpp"

namespace {

using raserflow::Param;
using Clock = std::chrono::steady_clock;

struct Stream final : raserflow::Node {
  static constexpr auto type = "core.stream";
  static constexpr auto doc =
      "a live-like source: one item every 1/rate seconds on its own thread; open-ended unless "
      "count is set, and a stop (Ctrl-C) ends the stream";
  static constexpr auto execution = raserflow::Execution::device;

  Param<double> rate{this, "rate", 100.0, {.doc = "items per second", .unit = "Hz", .min = 1e-3}};
  Param<std::int64_t> count{
      this, "count", 0, {.doc = "items in the stream; 0: until stopped", .min = 0}};
  raserflow::Writes<std::int64_t, 0> value{
      this, "value", {.doc = "the item index, as an acquisition counter"}};

  std::optional<std::int64_t> item_count() const override {
    return *count > 0 ? *count : raserflow::open_ended;
  }

  void start() override { start_ = Clock::now(); }

  void process(raserflow::Item& item) override {
    const auto due =
        start_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                     static_cast<double>(item.ordinal() - resumed().items + 1) / *rate));
    std::unique_lock lock(mutex_);
    if (cv_.wait_until(lock, due, [this] { return interrupted_; })) {
      item.end_stream();
      return;
    }
    value.put(item, raserflow::Array::scalar<std::int64_t>(item.index()));
  }

  void interrupt() noexcept override {
    {
      std::lock_guard lock(mutex_);
      interrupted_ = true;
    }
    cv_.notify_all();
  }

 private:
  Clock::time_point start_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool interrupted_ = false;
};
RASERFLOW_NODE(Stream);

}  // namespace
