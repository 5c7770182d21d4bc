#pragma once
// What an output folder remembers between runs of one pipeline, in <out>/.raserflow/: the
// run's identity (run.json), how far each checkpointing node got and what was published
// (state.json, replaced atomically), and a checkpoint folder per node. It is what lets the
// same command continue after a kill -9 or a stop.
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "raserflow/node.hpp"

namespace raserflow {

struct Pipeline;
class PluginRegistry;

// The output folder holds a run that this one cannot continue (exit status 2).
class ResumeRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What makes two runs the same run: the resolved pipeline (types, parameters, renames,
// batches, edges), the seed, the shard, and the plugins' names and versions. Not `items`
// (raising it extends a run), threads, in_flight, checkpoint cadence or the output folder.
nlohmann::ordered_json run_identity(const Pipeline& pipeline, const PluginRegistry& plugins,
                                    std::int64_t shard_index, std::int64_t shard_count);

class RunState {
 public:
  // Opens (creates) <output_dir>/.raserflow; `fresh` forgets any earlier run there. Throws
  // ResumeRefused when an earlier run had another identity, naming what differs, and Error
  // when the folder cannot be written.
  RunState(const std::filesystem::path& output_dir, const nlohmann::ordered_json& identity,
           bool fresh);

  // The position to continue from: the smallest that every checkpointing node reached
  // (`checkpointing` lists them). With none, nothing durable is written before publication,
  // so only a stopped or finished run (recorded under "") has a position to continue from.
  std::int64_t resume_items(const std::vector<std::string>& checkpointing) const;
  // What the last publication held; -1 when nothing was published.
  std::int64_t published_items() const;
  bool published_complete() const;

  std::filesystem::path node_dir(const std::string& node_id) const;
  // Forgets every position recorded: the run starts from its first item.
  void restart();
  // Whether the output folder held a run of this identity before this one.
  bool continues_earlier_run() const { return earlier_; }

  // Records that `node` (or "" for a run without checkpointing nodes, at publication) durably
  // holds `items`.
  // Thread-safe; the file on disk is replaced atomically.
  void record(const std::string& node, std::int64_t items);
  void record_publication(std::int64_t items, std::int64_t requested, bool complete);

  // Items dropped by a node, kept with the next record so that the manifest of a resumed run
  // lists the drops of earlier runs too.
  void add_dropped(const std::string& node, std::int64_t index);
  // Forgets drops at or after `next_index` (a resumed run drops them again) and returns the
  // rest, by node.
  std::map<std::string, std::vector<std::int64_t>> dropped_before(std::int64_t next_index);

 private:
  void save();  // call with mutex_ held

  std::filesystem::path dir_;
  bool earlier_ = false;
  mutable std::mutex mutex_;
  nlohmann::json state_;
};

// Removes temporaries (`*.partial-<pid>`) that runs killed before they could clean up left in
// the output folder; those of running processes stay.
void remove_stale_temporaries(const std::filesystem::path& output_dir);

}  // namespace raserflow
