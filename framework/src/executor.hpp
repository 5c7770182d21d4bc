#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "pipeline.hpp"

namespace raserflow {

class RunState;
struct RunResult;

struct RunOptions {
  int threads = 0;  // 0: all cores
  std::int64_t shard_index = 0;
  std::int64_t shard_count = 1;
  std::filesystem::path trace_file;  // empty: no trace
  bool progress = false;             // live progress line on stderr
  std::int64_t resume_items = 0;     // positions done by earlier runs: continue after them
  RunState* state = nullptr;         // where checkpoints are recorded; null: nowhere
  // Renders the manifest of a run's result as JSON text, handed to the nodes at publication
  // (Publication::manifest); null: they get none.
  std::function<std::string(const RunResult&)> manifest;
};

struct NodeStats {
  std::string id;
  std::int64_t items = 0;
  double seconds = 0;
};

// ok: every requested item done and published. stopped: Ctrl-C/SIGTERM (or a stream that
// ended early): the items done were published. failed: a node failed; nothing published.
enum class RunStatus { ok, stopped, failed };

struct RunResult {
  RunStatus status = RunStatus::ok;
  std::string error;              // node, item and cause when failed
  std::int64_t items_total = 0;   // positions of this shard requested (open_ended for streams)
  std::int64_t items_done = 0;    // positions done, earlier runs included
  std::int64_t resumed_from = 0;  // positions earlier runs had done
  double seconds = 0;
  std::vector<NodeStats> nodes;
  std::map<std::string, std::vector<std::int64_t>> dropped;  // node id -> item indices
};

// Whether the runtime calls checkpoint() on this node (ordered and device nodes, in item
// order); a run resumes from the smallest position such nodes recorded.
bool checkpoints(const PipelineNode& n);

// Positions of this shard when the pipeline asks for `items` (open_ended stays open_ended).
std::int64_t shard_positions(std::int64_t items, std::int64_t shard_index,
                             std::int64_t shard_count);

// Runs this shard's items through the pipeline on a TBB flow graph, continuing after
// options.resume_items. Never throws for node failures: they come back in RunResult with the
// node and item named.
RunResult execute(Pipeline& pipeline, const RunOptions& options);

// The first SIGINT/SIGTERM stops: no new items start, those in flight finish, and sinks
// publish what they hold. A second one ends the process at once.
void install_interrupt_handler();
bool stop_requested();

}  // namespace raserflow
