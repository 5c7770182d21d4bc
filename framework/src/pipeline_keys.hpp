#pragma once
// The keys of a pipeline file, in one table that the file reader, `--set`, the JSON Schema and
// the manifest all use.
#include <array>
#include <string_view>

namespace raserflow {

struct PipelineKey {
  std::string_view name;
  std::string_view doc;
  bool settable;  // may be given as `--set key=value`
  bool integer;   // a whole number (minimum `min`)
  long long min;
};

inline constexpr std::array<PipelineKey, 10> kPipelineKeys{{
    {"name", "the run's name (default output folder out/<name>)", false, false, 0},
    {"description", "free text", false, false, 0},
    {"items", "how many items to run (0 .. items-1); optional when a source node knows its count",
     true, true, 1},
    {"seed", "with the node id and item index, seeds every random draw", true, true, 0},
    {"in_flight",
     "most items in flight at once (memory bound); default max(2 x threads + 2, 2 x the "
     "largest batch)",
     true, true, 1},
    {"checkpoint_every",
     "sinks checkpoint after this many items (and at least every 10 s), so a killed run "
     "resumes there",
     true, true, 1},
    {"include", "pipeline files merged in (paths relative to this file)", false, false, 0},
    {"vars", "values used as ${name} anywhere below", false, false, 0},
    {"nodes", "node id -> {type, params, inputs, outputs, batch}", false, false, 0},
    {"edges", "chains \"a -> b -> c\"", false, false, 0},
}};

struct NodeKey {
  std::string_view name;
  std::string_view doc;
};

inline constexpr std::array<NodeKey, 7> kNodeKeys{{
    {"type", "node type, domain.name"},
    {"description", "free text"},
    {"params", "parameter name -> value"},
    {"inputs", "renames of fields read: {declared: actual}"},
    {"outputs", "renames of fields written: {declared: actual}"},
    {"batch", "items per process_batch() call (consecutive surviving items, in item order)"},
    {"batch_wait",
     "live streams only: seconds a partial batch waits for more items before it is processed"},
}};

}  // namespace raserflow
