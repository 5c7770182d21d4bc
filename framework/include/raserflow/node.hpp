#pragma once
#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "raserflow/export.hpp"
#include "raserflow/field.hpp"
#include "raserflow/item.hpp"
#include "raserflow/param.hpp"

namespace raserflow {

// How the runtime may call process(): `parallel` nodes are stateless and run on many items at
// once; `serial` nodes see one item at a time in any order; `ordered` nodes see one item at a
// time in item order (sinks that append to a file); `device` nodes are ordered and run on a
// thread of their own, outside the worker pool, so a node that waits on hardware (a live
// spectrometer) never ties up a worker. Such a node should wait with a timeout and return
// when interrupt() is called.
enum class Execution { parallel, serial, ordered, device };

RASERFLOW_API std::string_view execution_name(Execution e);

namespace detail {
struct NodeAccess;
}

// A position in a run: the first `items` items of this process's share, in item order, are
// done (dropped ones included), and `next_index` is the index of the item after them. Items
// whose index is below `next_index` are exactly those done, sharded or not.
struct Progress {
  std::int64_t items = 0;
  std::int64_t next_index = 0;
};

// What finish() publishes: `done` items of `requested`; `complete` is false when the run was
// stopped early (Ctrl-C, SIGTERM, end of a live stream before `items:`).
struct Publication {
  Progress done;
  std::int64_t requested = 0;
  bool complete = true;
  // The run's manifest as it stands at publication (JSON text: pipeline, seed, items, drops,
  // time per node so far), for sinks that keep it inside their files.
  std::string manifest;
};

// item_count() of a source that produces items until its stream ends or the run is stopped.
inline constexpr std::int64_t open_ended = std::numeric_limits<std::int64_t>::max();

// Base of every node. A node declares its parameters and fields as members (Param, Reads,
// Writes); the runtime sets the parameters, calls configure(), checks the graph, calls
// start() once, process() per item (or process_batch() per batch), checkpoint() now and then
// in item order (ordered and device nodes), then finish() to publish after a run that ended
// well or was stopped, or abort() after a failure.
class RASERFLOW_API Node {
 public:
  Node();
  virtual ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Check parameter combinations (throw ParamError) and declare fields that depend on them.
  virtual void configure() {}
  // Acquire resources: open files, plan transforms, load models.
  virtual void start() {}
  virtual void process(Item& item) = 0;
  // Several consecutive surviving items in item order, when the pipeline sets `batch:` on
  // this node. The default calls process() on each; a neural network stacks them instead.
  virtual void process_batch(std::span<Item* const> items);
  // Sources (nodes without inputs) that know how many items they have, e.g. a folder of
  // recordings; `open_ended` for a live stream. nullopt: as many as the pipeline's `items:`.
  // Called after configure().
  virtual std::optional<std::int64_t> item_count() const { return std::nullopt; }
  // Ordered and device nodes: make everything received so far survive a kill -9 (close a
  // piece file and rename it into place), so a later run can resume after `done`. Runs in
  // item order between items; every such node checkpoints at the same positions.
  virtual void checkpoint(const Progress& done) { (void)done; }
  // Publish outputs under their final names: the run ended well, or was stopped and
  // publication() says how far it got. Not called after a failure.
  virtual void finish() {}
  // Remove what this run wrote outside checkpoints after a failure.
  virtual void abort() noexcept {}
  // Called from another thread while process() may be running, when the run fails (every
  // node) or is stopped (device nodes): unblock any wait on hardware or I/O. A device source
  // interrupted by a stop calls item.end_stream() (or throws): its stream ends there. Must be
  // thread-safe.
  virtual void interrupt() noexcept {}
  // What this node has to say in the run's manifest, as a JSON object (e.g. counts of what it
  // wrote), or empty. Called once after finish(), under `nodes.<id>.report`.
  virtual std::string report() const { return {}; }
  // After every shard of a run under mpirun published its outputs, on the nodes of shard 0
  // only: `shard_dirs` are the shards' output folders in shard order (shard_dirs[0] is the one
  // this node ran in), and output_dir() is now the run's own --out. A sink that writes one file
  // per run writes the union of the shards' files there, in item order, so the run reads as if
  // one process had made it. Nodes with nothing to join keep the default, which does nothing.
  virtual void join_shards(const std::vector<std::filesystem::path>& shard_dirs) {
    (void)shard_dirs;
  }

  // The node's id in the pipeline file.
  const std::string& id() const { return id_; }
  // Seed of this node's random stream for one item: a function of (pipeline seed, node id,
  // item index) only, so results do not depend on threads, scheduling or sharding.
  std::uint64_t item_seed(const Item& item) const;
  std::mt19937_64 rng(const Item& item) const { return std::mt19937_64(item_seed(item)); }

  const std::vector<ParamBase*>& params() const { return params_; }
  const std::vector<FieldSpec>& reads() const { return reads_; }
  const std::vector<FieldSpec>& writes() const { return writes_; }
  // Fields passed downstream besides the node's writes: nullopt means all it received.
  const std::optional<std::vector<std::string>>& passes() const { return passes_; }

 protected:
  // Declarations for fields named by parameters (call from configure()).
  void read_field(FieldSpec spec);
  void write_field(FieldSpec spec);
  // Writes a field declared with write_field(), by its declared name, checking dtype and rank
  // the way Writes<T>::put does; the pipeline's rename decides the name it gets.
  void put_field(Item& item, std::string_view declared, Field value) const;
  // Pass only these received fields downstream (plus the node's own writes).
  void pass_only(std::vector<std::string> names) { passes_ = std::move(names); }
  // The folder relative output paths resolve into (the run's --out).
  const std::filesystem::path& output_dir() const { return output_dir_; }
  // A folder of this node's own that survives between runs of the same pipeline into the
  // same output folder, for checkpoints (created before start()).
  const std::filesystem::path& checkpoint_dir() const { return checkpoint_dir_; }
  // From start() on: what earlier runs checkpointed and this run continues after (all zero
  // on a fresh run). A node that checkpoints restores itself to exactly this position.
  const Progress& resumed() const { return resumed_; }
  // In finish(): what is being published.
  const Publication& publication() const { return publication_; }

 private:
  friend struct detail::NodeAccess;
  friend class ParamBase;
  friend std::size_t detail::declare_read(Node*, FieldSpec);
  friend std::size_t detail::declare_write(Node*, FieldSpec);
  friend const FieldSpec& detail::read_spec(const Node*, std::size_t);
  friend const FieldSpec& detail::write_spec(const Node*, std::size_t);

  std::string id_;
  std::uint64_t id_hash_ = 0;
  std::uint64_t pipeline_seed_ = 0;
  std::filesystem::path output_dir_;
  std::filesystem::path checkpoint_dir_;
  Progress resumed_;
  Publication publication_;
  std::vector<ParamBase*> params_;
  std::vector<FieldSpec> reads_;
  std::vector<FieldSpec> writes_;
  std::optional<std::vector<std::string>> passes_;
};

}  // namespace raserflow
