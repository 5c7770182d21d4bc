#include "executor.hpp"

#include <pthread.h>
#include <unistd.h>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <thread>

#include <oneapi/tbb/concurrent_hash_map.h>
#include <oneapi/tbb/concurrent_queue.h>
#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <nlohmann/json.hpp>

namespace raserflow {
namespace {

namespace flow = oneapi::tbb::flow;
using Clock = std::chrono::steady_clock;

std::atomic<bool> g_interrupted{false};

extern "C" void on_interrupt(int) {
  g_interrupted.store(true);
  // A second Ctrl-C kills as usual, for a node stuck where it cannot be reached.
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

// One item in flight. Nodes on an unshared path change it in place; where a path forks,
// each branch copies it (fields are shared buffers, so a copy is cheap).
struct Token {
  Sample sample;
  std::shared_ptr<std::atomic<int>> sinks_left;  // terminal nodes yet to finish the item
};
using Msg = std::shared_ptr<Token>;

struct Span {
  std::uint32_t node;
  std::uint32_t thread;
  std::int64_t item;
  std::int64_t start_ns;
  std::int64_t duration_ns;
};

std::uint32_t thread_number() {
  static std::atomic<std::uint32_t> next{0};
  thread_local std::uint32_t id = next++;
  return id;
}

class Run {
 public:
  Run(Pipeline& p, const RunOptions& o) : pipeline_(p), options_(o), stats_(p.nodes.size()) {
    for (std::int64_t i = o.shard_index; i < p.spec.items; i += o.shard_count) ++total_;
    for (std::size_t i = 0; i < p.nodes.size(); ++i)
      if (p.nodes[i].outputs.empty()) ++sinks_;
  }

  RunResult go() {
    const int threads =
        options_.threads > 0 ? options_.threads : oneapi::tbb::info::default_concurrency();
    oneapi::tbb::global_control parallelism(oneapi::tbb::global_control::max_allowed_parallelism,
                                            static_cast<std::size_t>(threads));
    start_ = Clock::now();
    RunResult result;
    result.items_total = total_;
    if (start_nodes()) {
      std::thread monitor([this] { watch(); });
      run_graph(threads);
      {
        std::lock_guard lock(progress_mutex_);
        finished_ = true;
      }
      progress_cv_.notify_all();
      monitor.join();
    }
    if ((!failed_ && g_interrupted) || failure_is_interruption_) interrupted_ = true;
    if (!failed_ && !interrupted_ && done_ != total_)  // never report success for lost items
      fail("internal error: " + std::to_string(total_ - done_) + " of " + std::to_string(total_) +
           " items did not reach every sink");
    if (!failed_ && !interrupted_) finish_nodes();
    if (failed_ || interrupted_)
      for (auto& n : pipeline_.nodes) n.node->abort();
    result.status = interrupted_ ? RunStatus::interrupted
                    : failed_    ? RunStatus::failed
                                 : RunStatus::ok;
    result.error = error_;
    result.items_done = done_;
    result.seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    for (std::size_t i = 0; i < pipeline_.nodes.size(); ++i)
      result.nodes.push_back({pipeline_.nodes[i].spec.id, stats_[i].items.load(),
                              static_cast<double>(stats_[i].nanos.load()) * 1e-9});
    if (!options_.trace_file.empty()) write_trace();
    return result;
  }

 private:
  struct Counters {
    std::atomic<std::int64_t> items{0};
    std::atomic<std::int64_t> nanos{0};
  };

  void fail(const std::string& message) {
    bool expected = false;
    if (failed_.compare_exchange_strong(expected, true)) {
      error_ = message;
      // A node that gives up because Ctrl-C interrupted it is part of the interruption.
      failure_is_interruption_ = g_interrupted.load();
      interrupt_nodes();
    }
    if (graph_) graph_->cancel();
  }

  // Unblocks nodes waiting on hardware or I/O; once per run.
  void interrupt_nodes() {
    if (interrupt_sent_.exchange(true)) return;
    for (auto& n : pipeline_.nodes) n.node->interrupt();
  }

  static std::string label(const PipelineNode& n) {
    return "node '" + n.spec.id + "' (" + n.spec.type + ")";
  }

  // The message of whatever a node threw, foreign exceptions included.
  static std::string cause(std::exception_ptr thrown) {
    try {
      std::rethrow_exception(thrown);
    } catch (const std::exception& e) {
      return e.what();
    } catch (...) {
      return "unknown exception";
    }
  }

  // Calls start() or finish() on every node in order; the first that throws fails the run.
  bool call_each(void (Node::*stage)(), const char* what) {
    for (auto& n : pipeline_.nodes) {
      try {
        ((*n.node).*stage)();
      } catch (...) {
        fail(label(n) + ": " + what + " failed: " + cause(std::current_exception()));
        return false;
      }
    }
    return true;
  }
  bool start_nodes() { return call_each(&Node::start, "start"); }
  void finish_nodes() { call_each(&Node::finish, "finish"); }

  Msg process(std::size_t i, bool copy, const Msg& in) {
    if (!in || failed_) return nullptr;
    Msg m = copy ? std::make_shared<Token>(*in) : in;
    auto& n = pipeline_.nodes[i];
    const auto t0 = Clock::now();
    try {
      n.node->process(m->sample);
    } catch (...) {
      fail(label(n) + " failed on item " + std::to_string(m->sample.index()) + ": " +
           cause(std::current_exception()));
      return nullptr;
    }
    const auto t1 = Clock::now();
    if (const auto& keep = n.node->passes()) prune(m->sample, *keep, n.node->writes());
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count();
    stats_[i].items.fetch_add(1, std::memory_order_relaxed);
    stats_[i].nanos.fetch_add(ns, std::memory_order_relaxed);
    if (!options_.trace_file.empty())
      spans_.local().push_back(
          {static_cast<std::uint32_t>(i), thread_number(), m->sample.index(),
           std::chrono::duration_cast<std::chrono::nanoseconds>(t0 - start_).count(), ns});
    if (n.outputs.empty() && m->sinks_left->fetch_sub(1) == 1) {
      ++done_;
      limiter_->decrementer().try_put(flow::continue_msg());
    }
    return m;
  }

  static void prune(Sample& s, const std::vector<std::string>& keep,
                    const std::vector<FieldSpec>& writes) {
    std::vector<std::string> drop;
    for (const auto& [name, value] : s.fields()) {
      bool kept = std::find(keep.begin(), keep.end(), name) != keep.end();
      for (const auto& w : writes) kept = kept || w.actual == name;
      if (!kept) drop.push_back(name);
    }
    for (const auto& name : drop) s.erase(name);
  }

  void run_graph(int threads) {
    flow::graph g;
    graph_ = &g;
    const int in_flight = options_.max_in_flight > 0 ? options_.max_in_flight : 2 * threads + 2;
    std::int64_t next = options_.shard_index, ordinal = 0;
    flow::input_node<Msg> source(g, [&](oneapi::tbb::flow_control& fc) -> Msg {
      if (next >= pipeline_.spec.items || failed_ || g_interrupted) {
        fc.stop();
        return nullptr;
      }
      auto m = std::make_shared<Token>();
      m->sample = Sample(next, ordinal++);
      m->sinks_left = std::make_shared<std::atomic<int>>(sinks_);
      next += options_.shard_count;
      return m;
    });
    flow::limiter_node<Msg> limiter(g, static_cast<std::size_t>(in_flight));
    limiter_ = &limiter;
    flow::make_edge(source, limiter);

    const auto& nodes = pipeline_.nodes;
    std::size_t roots = 0;
    for (const auto& n : nodes) roots += n.inputs.empty() ? 1 : 0;
    std::vector<std::unique_ptr<flow::function_node<Msg, Msg>>> bodies(nodes.size());
    std::vector<flow::sender<Msg>*> outputs(nodes.size());
    using Async = flow::async_node<Msg, Msg>;
    struct Device {
      struct Job {
        Msg message;
        Async::gateway_type* gateway = nullptr;  // null: stop
      };
      oneapi::tbb::concurrent_bounded_queue<Job> queue;
      std::thread thread;
    };
    std::vector<std::unique_ptr<Device>> devices;
    std::vector<std::unique_ptr<flow::graph_node>> helpers;  // merges and sequencers
    using Merge = flow::multifunction_node<Msg, std::tuple<Msg>>;
    using Parts = oneapi::tbb::concurrent_hash_map<std::int64_t, std::vector<Msg>>;
    std::vector<std::unique_ptr<Parts>> parts(nodes.size());

    for (std::size_t i = 0; i < nodes.size(); ++i) {
      const auto& n = nodes[i];
      const bool copy = n.inputs.size() == 1 ? nodes[n.inputs[0]].outputs.size() > 1
                                             : (n.inputs.empty() && roots > 1);
      const auto execution = n.type.type->execution;
      const std::size_t concurrency = execution == Execution::parallel ? flow::unlimited : 1;
      flow::receiver<Msg>* entry = nullptr;
      if (execution == Execution::device) {
        auto device = std::make_unique<Device>();
        auto node = std::make_unique<Async>(
            g, flow::unlimited, [d = device.get()](const Msg& m, Async::gateway_type& gw) {
              gw.reserve_wait();  // the graph waits for the device thread to answer
              d->queue.push({m, &gw});
            });
        device->thread = std::thread([this, i, copy, d = device.get()] {
          // Named after the node, so it can be told apart in top, gdb and traces.
          const auto name = "rf:" + pipeline_.nodes[i].spec.id.substr(0, 12);
          pthread_setname_np(pthread_self(), name.c_str());
          for (;;) {
            Device::Job job;
            d->queue.pop(job);
            if (!job.gateway) return;
            job.gateway->try_put(process(i, copy, job.message));
            job.gateway->release_wait();
          }
        });
        entry = node.get();
        outputs[i] = &flow::output_port<0>(*node);  // async_node sends only through its port
        helpers.push_back(std::move(node));
        devices.push_back(std::move(device));
      } else {
        bodies[i] = std::make_unique<flow::function_node<Msg, Msg>>(
            g, concurrency, [this, i, copy](const Msg& m) { return process(i, copy, m); });
        entry = bodies[i].get();
        outputs[i] = bodies[i].get();
      }
      if (execution == Execution::ordered || execution == Execution::device) {
        auto seq = std::make_unique<flow::sequencer_node<Msg>>(g, [](const Msg& m) -> std::size_t {
          return m ? static_cast<std::size_t>(m->sample.ordinal()) : 0;
        });
        flow::make_edge(*seq, *entry);
        entry = seq.get();
        helpers.push_back(std::move(seq));
      }
      if (n.inputs.size() > 1) {
        parts[i] = std::make_unique<Parts>();
        const std::size_t expected = n.inputs.size();
        auto merge = std::make_unique<Merge>(
            g, flow::unlimited,
            [expected, store = parts[i].get()](const Msg& m, Merge::output_ports_type& out) {
              if (!m) return;
              std::vector<Msg> complete;
              {
                Parts::accessor a;
                store->insert(a, m->sample.index());
                a->second.push_back(m);
                if (a->second.size() < expected) return;
                complete = std::move(a->second);
                store->erase(a);
              }
              auto merged = std::make_shared<Token>(*complete.front());
              for (std::size_t k = 1; k < complete.size(); ++k)
                for (const auto& [name, value] : complete[k]->sample.fields())
                  if (!merged->sample.has(name)) merged->sample.set(name, value);
              std::get<0>(out).try_put(merged);
            });
        flow::make_edge(flow::output_port<0>(*merge), *entry);
        entry = merge.get();
        for (auto u : n.inputs) flow::make_edge(*outputs[u], *entry);
        helpers.push_back(std::move(merge));
      } else if (n.inputs.size() == 1) {
        flow::make_edge(*outputs[n.inputs[0]], *entry);
      } else {
        flow::make_edge(limiter, *entry);
      }
    }
    source.activate();
    g.wait_for_all();
    for (auto& d : devices) {
      d->queue.push({});
      d->thread.join();
    }
    graph_ = nullptr;
    limiter_ = nullptr;
  }

  // Runs beside the graph: passes Ctrl-C on to nodes that may be blocked, and shows progress.
  void watch() {
    const bool tty = ::isatty(STDERR_FILENO);
    std::unique_lock lock(progress_mutex_);
    int ticks = 0;
    while (!progress_cv_.wait_for(lock, std::chrono::milliseconds(100),
                                  [this] { return finished_; })) {
      if (g_interrupted) interrupt_nodes();
      if (!options_.progress || ++ticks % 5 != 0) continue;
      const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
      const auto done = done_.load();
      const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
      const double left = rate > 0 ? static_cast<double>(total_ - done) / rate : 0;
      std::fprintf(stderr, "%s  %lld/%lld items  %.1f items/s  %.0f s left   %s", tty ? "\r" : "",
                   static_cast<long long>(done), static_cast<long long>(total_), rate, left,
                   tty ? "" : "\n");
      std::fflush(stderr);
    }
    if (options_.progress && tty) std::fprintf(stderr, "\r%70s\r", "");
  }

  void write_trace() {
    nlohmann::json events = nlohmann::json::array();
    events.push_back({{"name", "process_name"},
                      {"ph", "M"},
                      {"pid", 1},
                      {"args", {{"name", pipeline_.spec.name}}}});
    for (const auto& local : spans_)
      for (const auto& s : local)
        events.push_back({{"name", pipeline_.nodes[s.node].spec.id},
                          {"cat", pipeline_.nodes[s.node].spec.type},
                          {"ph", "X"},
                          {"pid", 1},
                          {"tid", s.thread},
                          {"ts", static_cast<double>(s.start_ns) / 1000.0},
                          {"dur", static_cast<double>(s.duration_ns) / 1000.0},
                          {"args", {{"item", s.item}}}});
    std::ofstream out(options_.trace_file);
    out << nlohmann::json{{"traceEvents", events}, {"displayTimeUnit", "ms"}}.dump() << '\n';
    if (!out)
      std::fprintf(stderr, "raserflow: cannot write trace %s\n", options_.trace_file.c_str());
  }

  Pipeline& pipeline_;
  const RunOptions& options_;
  std::vector<Counters> stats_;
  std::int64_t total_ = 0;
  int sinks_ = 0;
  Clock::time_point start_;
  std::atomic<std::int64_t> done_{0};
  std::atomic<bool> failed_{false};
  std::atomic<bool> interrupt_sent_{false};
  bool interrupted_ = false;
  bool failure_is_interruption_ = false;
  std::string error_;
  flow::graph* graph_ = nullptr;
  flow::limiter_node<Msg>* limiter_ = nullptr;
  oneapi::tbb::enumerable_thread_specific<std::vector<Span>> spans_;
  std::mutex progress_mutex_;
  std::condition_variable progress_cv_;
  bool finished_ = false;
};

}  // namespace

RunResult execute(Pipeline& pipeline, const RunOptions& options) {
  return Run(pipeline, options).go();
}

void install_interrupt_handler() {
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
}

}  // namespace raserflow
