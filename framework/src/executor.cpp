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

#include "node_access.hpp"
#include "run_state.hpp"

namespace raserflow {
namespace {

namespace flow = oneapi::tbb::flow;
using Clock = std::chrono::steady_clock;
using detail::ItemAccess;

std::atomic<bool> g_stop{false};

extern "C" void on_stop_signal(int) {
  g_stop.store(true);
  // A second Ctrl-C ends the process as usual, for a node stuck where nothing reaches it.
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

// Sinks checkpoint at least this often, whatever checkpoint_every says.
constexpr auto kCheckpointInterval = std::chrono::seconds(10);

// One position of the run in flight. Nodes on an unshared path change it in place; where a
// path forks, each branch copies it (fields are shared buffers, so a copy is cheap).
// Dropped items keep flowing as empty tokens: that is what releases the in-flight bound,
// pending joins and in-order delivery; no node's process() sees them.
struct Token {
  Item item;
  std::shared_ptr<std::atomic<int>> sinks_left;  // terminal nodes yet to finish the position
  bool end = false;                              // after the last position: flushes partial batches
  bool checkpoint = false;  // ordered and device nodes checkpoint after this position
  bool tick = false;        // a batch timer's nudge (live streams), not a position
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

std::string label(const PipelineNode& n) {
  return "node '" + n.spec.id + "' (" + n.spec.type + ")";
}

// The message of whatever a node threw, foreign exceptions included.
std::string cause(std::exception_ptr thrown) {
  try {
    std::rethrow_exception(thrown);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}

class Run {
 public:
  Run(Pipeline& p, const RunOptions& o)
      : pipeline_(p),
        options_(o),
        stats_(p.nodes.size()),
        dropped_(p.nodes.size()),
        acked_(p.nodes.size()),
        batches_(p.nodes.size()) {
    total_ = shard_positions(p.spec.items, o.shard_index, o.shard_count);
    first_ = std::min(o.resume_items, total_);
    for (std::size_t i = 0; i < p.nodes.size(); ++i) {
      if (p.nodes[i].outputs.empty()) ++sinks_;
      if (checkpoints(p.nodes[i])) checkpointing_.push_back(i);
      acked_[i] = first_;
    }
  }

  RunResult go() {
    const int threads =
        options_.threads > 0 ? options_.threads : oneapi::tbb::info::default_concurrency();
    oneapi::tbb::global_control parallelism(oneapi::tbb::global_control::max_allowed_parallelism,
                                            static_cast<std::size_t>(threads));
    start_ = Clock::now();
    if (options_.state)
      earlier_drops_ = options_.state->dropped_before(position(first_).next_index);
    for (auto& n : pipeline_.nodes) {
      detail::NodeAccess::set_resumed(*n.node, position(first_));
      detail::NodeAccess::set_publication(*n.node, {});
    }
    if (call_each(&Node::start, "start")) {
      std::thread monitor([this] { watch(); });
      run_graph(threads);
      {
        std::lock_guard lock(progress_mutex_);
        finished_ = true;
      }
      progress_cv_.notify_all();
      monitor.join();
    }
    RunResult result;
    result.items_total = total_;
    result.resumed_from = first_;
    result.items_done = first_ + done_.load();
    if (!failed_ && !end_arrived_)  // never publish a run whose items did not all arrive
      fail("internal error: the graph went idle before every item reached the sinks");
    if (!failed_) publish(result);
    if (failed_)
      for (auto& n : pipeline_.nodes) n.node->abort();
    result.status = failed_ ? RunStatus::failed : result.status;
    result.error = error_;
    fill_statistics(result);
    if (!options_.trace_file.empty()) write_trace();
    return result;
  }

 private:
  struct Counters {
    std::atomic<std::int64_t> items{0};
    std::atomic<std::int64_t> nanos{0};
  };
  // A node that takes items in batches: what it holds until the batch is full.
  struct Batch {
    std::vector<Msg> pending;
    std::atomic<std::size_t> held{0};
    std::atomic<std::int64_t> first_held_ns{0};
    std::atomic<bool> tick_sent{false};
    flow::receiver<Msg>* body = nullptr;
  };
  using BatchPort = flow::multifunction_node<Msg, std::tuple<Msg>>;

  Progress position(std::int64_t items) const {
    return {items, options_.shard_index + items * options_.shard_count};
  }
  std::int64_t elapsed_ns() const {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start_).count();
  }

  void fail(const std::string& message) {
    bool expected = false;
    if (failed_.compare_exchange_strong(expected, true)) {
      error_ = message;
      interrupt_nodes(false);
    }
    if (graph_) graph_->cancel();
  }

  // Unblocks nodes waiting on hardware or I/O: every node when the run fails, device nodes
  // when it stops (a live source then ends its stream). Once each.
  void interrupt_nodes(bool devices_only) {
    auto& sent = devices_only ? devices_interrupted_ : all_interrupted_;
    if (sent.exchange(true)) return;
    for (auto& n : pipeline_.nodes)
      if (!devices_only || n.type.type->execution == Execution::device) n.node->interrupt();
  }

  bool stopping() const { return g_stop.load() || stream_end_.load() != open_ended; }

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

  // Runs `work` for node i, timed and traced; false when it threw and the run failed. A
  // device node that gives up because a stop interrupted it ends its stream there instead.
  template <class Work>
  bool call(std::size_t i, std::int64_t index, std::size_t count, Work&& work) {
    auto& n = pipeline_.nodes[i];
    const auto t0 = Clock::now();
    try {
      work();
    } catch (...) {
      if (g_stop && devices_interrupted_ && n.type.type->execution == Execution::device)
        return false;
      fail(label(n) + " failed on item " + std::to_string(index) + ": " +
           cause(std::current_exception()));
      return false;
    }
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count();
    stats_[i].items.fetch_add(static_cast<std::int64_t>(count), std::memory_order_relaxed);
    stats_[i].nanos.fetch_add(ns, std::memory_order_relaxed);
    if (!options_.trace_file.empty())
      spans_.local().push_back(
          {static_cast<std::uint32_t>(i), thread_number(), index,
           std::chrono::duration_cast<std::chrono::nanoseconds>(t0 - start_).count(), ns});
    return true;
  }

  // Marks positions at or after the end of a stream, so no node works on them.
  bool past_end(Item& item) {
    if (item.ordinal() < stream_end_.load()) return false;
    ItemAccess::set_past_end(item);
    ItemAccess::clear(item);
    return true;
  }

  void end_stream_at(std::int64_t ordinal) {
    auto cur = stream_end_.load();
    while (ordinal < cur && !stream_end_.compare_exchange_weak(cur, ordinal)) {
    }
  }

  // After node i worked on an item: record a drop or the end of a stream, or prune fields.
  void settle(std::size_t i, Item& item) {
    if (ItemAccess::past_end(item)) {
      end_stream_at(item.ordinal());
      ItemAccess::clear(item);
    } else if (item.dropped()) {
      {
        std::lock_guard lock(drop_mutex_);
        dropped_[i].push_back(item.index());
      }
      if (options_.state) options_.state->add_dropped(pipeline_.nodes[i].spec.id, item.index());
      ItemAccess::clear(item);
    } else if (const auto& keep = pipeline_.nodes[i].node->passes()) {
      prune(item, *keep, pipeline_.nodes[i].node->writes());
    }
  }

  static void prune(Item& s, const std::vector<std::string>& keep,
                    const std::vector<FieldSpec>& writes) {
    std::vector<std::string> drop;
    for (const auto& [name, value] : s.fields()) {
      bool kept = std::find(keep.begin(), keep.end(), name) != keep.end();
      for (const auto& w : writes) kept = kept || w.actual == name;
      if (!kept) drop.push_back(name);
    }
    for (const auto& name : drop) s.erase(name);
  }

  // Node i's work on one position: process() unless the item is gone, then its checkpoint.
  void visit(std::size_t i, Token& t) {
    auto& item = t.item;
    if (!t.end && !item.dropped() && !past_end(item)) {
      auto* node = pipeline_.nodes[i].node.get();
      if (!call(i, item.index(), 1, [&] { node->process(item); })) {
        if (failed_) return;
        item.end_stream();  // a stopped device source: its stream ends here
      }
      settle(i, item);
    }
    if (t.checkpoint && !t.end) checkpoint(i, item.ordinal() + 1);
  }

  void checkpoint(std::size_t i, std::int64_t items) {
    if (!checkpoints(pipeline_.nodes[i]) || items > stream_end_.load() || failed_) return;
    auto& n = pipeline_.nodes[i];
    try {
      n.node->checkpoint(position(items));
      acked_[i] = items;
      if (options_.state) options_.state->record(n.spec.id, items);
    } catch (...) {
      fail(label(n) + ": checkpoint after " + std::to_string(items) +
           " items failed: " + cause(std::current_exception()));
    }
  }

  // A position reached every terminal node.
  void arrive(const Msg& m) {
    if (m->sinks_left->fetch_sub(1) != 1) return;
    if (m->end)
      end_arrived_ = true;
    else
      ++done_;
    limiter_->decrementer().try_put(flow::continue_msg());
  }

  // The failed-item convention: once the run has failed, bodies return nullptr and every body
  // passes a nullptr on without work, so the graph drains at once; cancel() stops what has
  // not started. Nothing is published after a failure.
  Msg process(std::size_t i, bool copy, const Msg& in) {
    if (!in || failed_) return nullptr;
    Msg m = copy ? std::make_shared<Token>(*in) : in;
    visit(i, *m);
    if (failed_) return nullptr;
    if (pipeline_.nodes[i].outputs.empty()) arrive(m);
    return m;
  }

  // Batching node i: hands the surviving items of `batch` consecutive positions, in item order,
  // to process_batch() together; a partial batch goes at the end of the run, at a stop, or
  // (live streams) when its oldest item has waited batch_wait. Dropped positions count
  // towards the batch, so what it holds never exceeds `batch` positions: an in-flight bound of
  // two batches always lets it fill.
  void process_batching(std::size_t i, bool copy, const Msg& in,
                        BatchPort::output_ports_type& out) {
    if (!in || failed_) return;
    auto& b = *batches_[i];
    const auto& spec = pipeline_.nodes[i].spec;
    if (in->tick) {
      const auto waited = elapsed_ns() - b.first_held_ns.load();
      if (!b.pending.empty() && waited >= static_cast<std::int64_t>(spec.batch_wait * 1e9))
        flush(i, out);
      b.tick_sent = false;
      return;
    }
    Msg m = copy ? std::make_shared<Token>(*in) : in;
    if (m->end) {
      flush(i, out);
      emit(i, m, out);
      return;
    }
    const bool gone = m->item.dropped() || past_end(m->item);
    if (gone && b.pending.empty()) {
      emit(i, m, out);
      return;
    }
    if (b.pending.empty()) b.first_held_ns = elapsed_ns();
    b.pending.push_back(m);
    b.held = b.pending.size();
    // An ordered node's checkpoint covers exactly the items before it, so it closes a batch.
    const bool closes = m->checkpoint && checkpoints(pipeline_.nodes[i]);
    if (static_cast<std::int64_t>(b.pending.size()) >= spec.batch || closes) flush(i, out);
  }

  void flush(std::size_t i, BatchPort::output_ports_type& out) {
    auto& b = *batches_[i];
    if (b.pending.empty()) return;
    auto pending = std::move(b.pending);
    b.pending.clear();
    b.held = 0;
    std::vector<Item*> items;
    for (auto& m : pending)
      if (!m->item.dropped()) items.push_back(&m->item);
    if (!items.empty()) {
      auto* node = pipeline_.nodes[i].node.get();
      if (!call(i, items.front()->index(), items.size(),
                [&] { node->process_batch(std::span<Item* const>(items)); }))
        return;
      for (auto* item : items) settle(i, *item);
    }
    for (auto& m : pending) emit(i, m, out);
  }

  void emit(std::size_t i, const Msg& m, BatchPort::output_ports_type& out) {
    if (failed_) return;
    if (m->checkpoint && !m->end) checkpoint(i, m->item.ordinal() + 1);
    if (pipeline_.nodes[i].outputs.empty()) arrive(m);
    std::get<0>(out).try_put(m);
  }

  // --- The graph -------------------------------------------------------------------------

  struct Device {
    struct Job {
      Msg message;
      flow::async_node<Msg, Msg>::gateway_type* gateway = nullptr;  // null: stop
    };
    oneapi::tbb::concurrent_bounded_queue<Job> queue;
    std::thread thread;
  };
  using Parts = oneapi::tbb::concurrent_hash_map<std::int64_t, std::vector<Msg>>;
  struct Stage {
    flow::receiver<Msg>* entry = nullptr;
    flow::sender<Msg>* exit = nullptr;
  };

  // Emits the positions of this run, then one end token; marks checkpoint positions.
  std::function<Msg(oneapi::tbb::flow_control&)> source_body() {
    return [this, next = first_, ended = false,
            last_mark = Clock::now()](oneapi::tbb::flow_control& fc) mutable -> Msg {
      if (ended) {
        fc.stop();
        return nullptr;
      }
      auto m = std::make_shared<Token>();
      m->sinks_left = std::make_shared<std::atomic<int>>(sinks_);
      m->item = Item(position(next).next_index, next);
      if (next >= total_ || failed_ || stopping()) {
        m->end = true;
        ended = true;
        end_ordinal_ = next;
        return m;
      }
      const auto now = Clock::now();
      if ((next + 1) % pipeline_.spec.checkpoint_every == 0 ||
          now - last_mark >= kCheckpointInterval) {
        m->checkpoint = true;
        last_mark = now;
      }
      ++next;
      return m;
    };
  }

  Stage add_device(flow::graph& g, std::size_t i, bool copy) {
    using Async = flow::async_node<Msg, Msg>;
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
    Stage s{node.get(), &flow::output_port<0>(*node)};
    helpers_.push_back(std::move(node));
    devices_.push_back(std::move(device));
    return s;
  }

  Stage add_batching(flow::graph& g, std::size_t i, bool copy) {
    batches_[i] = std::make_unique<Batch>();
    auto node = std::make_unique<BatchPort>(
        g, 1, [this, i, copy](const Msg& m, BatchPort::output_ports_type& out) {
          process_batching(i, copy, m, out);
        });
    batches_[i]->body = node.get();
    Stage s{node.get(), &flow::output_port<0>(*node)};
    helpers_.push_back(std::move(node));
    return s;
  }

  Stage add_function(flow::graph& g, std::size_t i, bool copy) {
    const auto execution = pipeline_.nodes[i].type.type->execution;
    const std::size_t concurrency = execution == Execution::parallel ? flow::unlimited : 1;
    auto node = std::make_unique<flow::function_node<Msg, Msg>>(
        g, concurrency, [this, i, copy](const Msg& m) { return process(i, copy, m); });
    Stage s{node.get(), node.get()};
    helpers_.push_back(std::move(node));
    return s;
  }

  // In-order delivery: a sequencer on the position within this run.
  flow::receiver<Msg>* in_order(flow::graph& g, flow::receiver<Msg>* entry) {
    auto seq = std::make_unique<flow::sequencer_node<Msg>>(
        g, [first = first_](const Msg& m) -> std::size_t {
          return m ? static_cast<std::size_t>(m->item.ordinal() - first) : 0;
        });
    flow::make_edge(*seq, *entry);
    auto* r = seq.get();
    helpers_.push_back(std::move(seq));
    return r;
  }

  // Fan-in: the branches' tokens of one position, joined into the union of their fields. A
  // position dropped on any branch stays dropped.
  flow::receiver<Msg>* join(flow::graph& g, std::size_t i, flow::receiver<Msg>* entry) {
    using Merge = flow::multifunction_node<Msg, std::tuple<Msg>>;
    parts_.push_back(std::make_unique<Parts>());
    const std::size_t expected = pipeline_.nodes[i].inputs.size();
    auto merge = std::make_unique<Merge>(
        g, flow::unlimited,
        [expected, store = parts_.back().get()](const Msg& m, Merge::output_ports_type& out) {
          if (!m) return;
          std::vector<Msg> complete;
          {
            Parts::accessor a;
            store->insert(a, m->item.ordinal());
            a->second.push_back(m);
            if (a->second.size() < expected) return;
            complete = std::move(a->second);
            store->erase(a);
          }
          auto gone = std::find_if(complete.begin(), complete.end(),
                                   [](const Msg& p) { return p->item.dropped(); });
          if (gone != complete.end()) {
            std::get<0>(out).try_put(std::make_shared<Token>(**gone));
            return;
          }
          auto merged = std::make_shared<Token>(*complete.front());
          for (std::size_t k = 1; k < complete.size(); ++k)
            for (const auto& [name, value] : complete[k]->item.fields())
              if (!merged->item.has(name)) merged->item.set(name, value);
          std::get<0>(out).try_put(merged);
        });
    flow::make_edge(flow::output_port<0>(*merge), *entry);
    auto* r = merge.get();
    helpers_.push_back(std::move(merge));
    return r;
  }

  void run_graph(int threads) {
    flow::graph g;
    graph_ = &g;
    std::int64_t largest_batch = 1;
    for (const auto& n : pipeline_.nodes) largest_batch = std::max(largest_batch, n.spec.batch);
    const auto in_flight = pipeline_.spec.in_flight > 0
                               ? pipeline_.spec.in_flight
                               : std::max<std::int64_t>(2 * threads + 2, 2 * largest_batch);
    flow::input_node<Msg> source(g, source_body());
    flow::limiter_node<Msg> limiter(g, static_cast<std::size_t>(in_flight));
    limiter_ = &limiter;
    flow::make_edge(source, limiter);

    const auto& nodes = pipeline_.nodes;
    std::size_t roots = 0;
    for (const auto& n : nodes) roots += n.inputs.empty() ? 1 : 0;
    std::vector<flow::sender<Msg>*> exits(nodes.size());
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      const auto& n = nodes[i];
      const bool copy = n.inputs.size() == 1 ? nodes[n.inputs[0]].outputs.size() > 1
                                             : (n.inputs.empty() && roots > 1);
      const auto execution = n.type.type->execution;
      const Stage stage = execution == Execution::device ? add_device(g, i, copy)
                          : n.spec.batch > 1             ? add_batching(g, i, copy)
                                                         : add_function(g, i, copy);
      exits[i] = stage.exit;
      auto* entry = stage.entry;
      if (execution == Execution::ordered || execution == Execution::device || n.spec.batch > 1)
        entry = in_order(g, entry);
      if (n.inputs.size() > 1) {
        entry = join(g, i, entry);
        for (auto u : n.inputs) flow::make_edge(*exits[u], *entry);
      } else if (n.inputs.size() == 1) {
        flow::make_edge(*exits[n.inputs[0]], *entry);
      } else {
        flow::make_edge(limiter, *entry);
      }
    }
    source.activate();
    g.wait_for_all();
    {
      // The monitor nudges batches only while graph_ is set; a nudge sent just before is
      // waited for below, so no task outlives the graph.
      std::lock_guard lock(progress_mutex_);
      graph_ = nullptr;
    }
    g.wait_for_all();
    for (auto& d : devices_) {
      d->queue.push({});
      d->thread.join();
    }
    limiter_ = nullptr;
    for (auto& b : batches_)
      if (b) b->body = nullptr;
    helpers_.clear();
    parts_.clear();
  }

  // --- After the graph ---------------------------------------------------------------------

  // Time, item counts and drops per node, as they stand now.
  void fill_statistics(RunResult& result) {
    result.seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    result.nodes.clear();
    result.dropped.clear();
    for (std::size_t i = 0; i < pipeline_.nodes.size(); ++i) {
      result.nodes.push_back({pipeline_.nodes[i].spec.id, stats_[i].items.load(),
                              static_cast<double>(stats_[i].nanos.load()) * 1e-9});
      std::lock_guard lock(drop_mutex_);
      auto all = earlier_drops_[pipeline_.nodes[i].spec.id];
      all.insert(all.end(), dropped_[i].begin(), dropped_[i].end());
      std::sort(all.begin(), all.end());
      if (!all.empty()) result.dropped[pipeline_.nodes[i].spec.id] = all;
    }
  }

  // Every node checkpoints the positions done, then publishes them.
  void publish(RunResult& result) {
    const auto done_items = std::min(end_ordinal_, stream_end_.load());
    const auto done = position(done_items);
    const bool stream_ran_out = pipeline_.open_ended && stream_end_.load() != open_ended && !g_stop;
    const bool complete = !g_stop && (done_items == total_ || stream_ran_out);
    for (auto i : checkpointing_)
      if (acked_[i] != done_items) checkpoint(i, done_items);
    if (failed_) return;
    if (options_.state && checkpointing_.empty()) options_.state->record("", done_items);
    std::string manifest;
    if (options_.manifest) {
      RunResult now = result;
      now.items_done = done_items;
      now.status = complete ? RunStatus::ok : RunStatus::stopped;
      fill_statistics(now);
      manifest = options_.manifest(now);
    }
    for (auto& n : pipeline_.nodes)
      detail::NodeAccess::set_publication(*n.node, {done, total_, complete, manifest});
    if (!call_each(&Node::finish, "publishing")) return;
    if (options_.state) options_.state->record_publication(done_items, total_, complete);
    result.items_done = done_items;
    result.status = complete ? RunStatus::ok : RunStatus::stopped;
  }

  // --- Beside the graph --------------------------------------------------------------------

  // Passes a stop on to device nodes, nudges batches of live streams, shows progress.
  void watch() {
    const bool tty = ::isatty(STDERR_FILENO);
    std::unique_lock lock(progress_mutex_);
    int ticks = 0;
    bool told = false;
    while (
        !progress_cv_.wait_for(lock, std::chrono::milliseconds(50), [this] { return finished_; })) {
      if (g_stop) {
        interrupt_nodes(true);
        if (!told)
          std::fprintf(stderr,
                       "%sraserflow: stopping: finishing the items in flight, then "
                       "publishing them (Ctrl-C again aborts)\n",
                       tty ? "\r" : "");
        told = true;
      }
      if (pipeline_.open_ended) nudge_batches();
      if (!options_.progress || ++ticks % 10 != 0) continue;
      const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
      const auto done = done_.load();
      const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
      const auto so_far = static_cast<long long>(first_ + done);
      if (total_ == open_ended) {
        std::fprintf(stderr, "%s  %lld items  %.1f items/s   %s", tty ? "\r" : "", so_far, rate,
                     tty ? "" : "\n");
      } else {
        const double left = rate > 0 ? static_cast<double>(total_ - first_ - done) / rate : 0;
        std::fprintf(stderr, "%s  %lld/%lld items  %.1f items/s  %.0f s left   %s", tty ? "\r" : "",
                     so_far, static_cast<long long>(total_), rate, left, tty ? "" : "\n");
      }
      std::fflush(stderr);
    }
    if (options_.progress && tty) std::fprintf(stderr, "\r%70s\r", "");
  }

  void nudge_batches() {
    if (!graph_ || failed_) return;
    for (std::size_t i = 0; i < batches_.size(); ++i) {
      auto* b = batches_[i].get();
      if (!b || b->held.load() == 0 || b->tick_sent.load()) continue;
      const auto wait = static_cast<std::int64_t>(pipeline_.nodes[i].spec.batch_wait * 1e9);
      if (elapsed_ns() - b->first_held_ns.load() < wait) continue;
      b->tick_sent = true;
      auto tick = std::make_shared<Token>();
      tick->tick = true;
      b->body->try_put(tick);
    }
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
    out.close();
    if (!out)
      std::fprintf(stderr, "raserflow: warning: cannot write trace %s\n",
                   options_.trace_file.c_str());
  }

  Pipeline& pipeline_;
  const RunOptions& options_;
  std::vector<Counters> stats_;
  std::mutex drop_mutex_;
  std::vector<std::vector<std::int64_t>> dropped_;
  std::map<std::string, std::vector<std::int64_t>> earlier_drops_;  // by runs this one resumes
  std::vector<std::int64_t> acked_;  // per node: positions of its last checkpoint
  std::vector<std::unique_ptr<Batch>> batches_;
  std::vector<std::size_t> checkpointing_;
  std::int64_t total_ = 0;
  std::int64_t first_ = 0;
  std::int64_t end_ordinal_ = 0;
  std::atomic<std::int64_t> stream_end_{open_ended};
  int sinks_ = 0;
  Clock::time_point start_;
  std::atomic<std::int64_t> done_{0};
  std::atomic<bool> failed_{false};
  std::atomic<bool> end_arrived_{false};
  std::atomic<bool> devices_interrupted_{false};
  std::atomic<bool> all_interrupted_{false};
  std::string error_;
  flow::graph* graph_ = nullptr;
  flow::limiter_node<Msg>* limiter_ = nullptr;
  std::vector<std::unique_ptr<flow::graph_node>> helpers_;
  std::vector<std::unique_ptr<Device>> devices_;
  std::vector<std::unique_ptr<Parts>> parts_;
  oneapi::tbb::enumerable_thread_specific<std::vector<Span>> spans_;
  std::mutex progress_mutex_;
  std::condition_variable progress_cv_;
  bool finished_ = false;
};

}  // namespace

bool checkpoints(const PipelineNode& n) {
  const auto e = n.type.type->execution;
  return e == Execution::ordered || e == Execution::device;
}

std::int64_t shard_positions(std::int64_t items, std::int64_t shard_index,
                             std::int64_t shard_count) {
  if (items == open_ended) return open_ended;
  return items > shard_index ? (items - shard_index + shard_count - 1) / shard_count : 0;
}

RunResult execute(Pipeline& pipeline, const RunOptions& options) {
  return Run(pipeline, options).go();
}

void install_interrupt_handler() {
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
}

bool stop_requested() {
  return g_stop.load();
}

}  // namespace raserflow
