#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "raserflow/export.hpp"
#include "raserflow/field.hpp"
#include "raserflow/param.hpp"
#include "raserflow/sample.hpp"

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

// Base of every node. A node declares its parameters and fields as members (Param, Reads,
// Writes); the runtime sets the parameters, calls configure(), checks the graph, calls
// start() once, process() per item, then finish() after the last item of a successful run or
// abort() after a failure or interruption.
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
  virtual void process(Sample& sample) = 0;
  // Commit outputs; only called when every item succeeded.
  virtual void finish() {}
  // Remove partial outputs after a failure or interruption.
  virtual void abort() noexcept {}
  // Called from another thread when the run is cancelled (a failure elsewhere, Ctrl-C) while
  // process() may be running: unblock any wait on hardware or I/O. Must be thread-safe.
  virtual void interrupt() noexcept {}

  // The node's id in the pipeline file.
  const std::string& id() const { return id_; }
  // Seed of this node's random stream for one item: a function of (pipeline seed, node id,
  // item index) only, so results do not depend on threads, scheduling or sharding.
  std::uint64_t item_seed(const Sample& sample) const;
  std::mt19937_64 rng(const Sample& sample) const { return std::mt19937_64(item_seed(sample)); }

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
  void put_field(Sample& sample, std::string_view declared, Field value) const;
  // Pass only these received fields downstream (plus the node's own writes).
  void pass_only(std::vector<std::string> names) { passes_ = std::move(names); }
  // The folder relative output paths resolve into (the run's --out).
  const std::filesystem::path& output_dir() const { return output_dir_; }

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
  std::vector<ParamBase*> params_;
  std::vector<FieldSpec> reads_;
  std::vector<FieldSpec> writes_;
  std::optional<std::vector<std::string>> passes_;
};

}  // namespace raserflow
