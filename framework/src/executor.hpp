#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "pipeline.hpp"

namespace raserflow {

struct RunOptions {
  int threads = 0;  // 0: all cores
  std::int64_t shard_index = 0;
  std::int64_t shard_count = 1;
  std::filesystem::path trace_file;  // empty: no trace
  bool progress = false;             // live progress line on stderr
  int max_in_flight = 0;             // 0: 2 x threads + 2
};

struct NodeStats {
  std::string id;
  std::int64_t items = 0;
  double seconds = 0;
};

enum class RunStatus { ok, failed, interrupted };

struct RunResult {
  RunStatus status = RunStatus::ok;
  std::string error;  // node, item and cause when failed
  std::int64_t items_total = 0;
  std::int64_t items_done = 0;
  double seconds = 0;
  std::vector<NodeStats> nodes;
};

// Runs every item of this shard through the pipeline on a TBB flow graph. Never throws for
// node failures: they come back in RunResult with the node and item named.
RunResult execute(Pipeline& pipeline, const RunOptions& options);

// Ctrl-C handling: the first SIGINT/SIGTERM stops feeding new items and lets the graph drain.
void install_interrupt_handler();

}  // namespace raserflow
