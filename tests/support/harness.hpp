#pragma once
// Runs one node in-process, the way the runtime would, for unit tests of plugin nodes:
//   NodeHarness fbp("radon.fbp", {{"filter", "ramp"}});
//   Item out = fbp.run(item);
// It counts the positions the node has passed (items run, and items dropped upstream), so
// checkpoint() and finish() hand the node the Progress the runtime would. Destroying a harness
// without finish() or abort() is what a kill -9 leaves: a later harness with the same
// checkpoint folder and `resumed` continues from there.
#include <unistd.h>
#include <atomic>
#include <filesystem>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "node_access.hpp"
#include "plugin_loader.hpp"
#include "raserflow/raserflow.hpp"

namespace raserflow::test {

inline const PluginRegistry& builtin_plugins() {
  static const PluginRegistry registry = [] {
    PluginRegistry r;
    r.load_folder(PluginRegistry::builtin_folder());
    return r;
  }();
  return registry;
}

// How the runtime starts the node: its checkpoint folder (empty: a fresh one of its own) and
// what earlier runs checkpointed there.
struct HarnessStart {
  std::filesystem::path checkpoint_dir;
  Progress resumed;
};

class NodeHarness {
 public:
  // Parameters are given as JSON, as a pipeline file would give them; relative output paths
  // resolve in `output_dir`.
  explicit NodeHarness(const std::string& type,
                       const nlohmann::json& params = nlohmann::json::object(),
                       std::uint64_t seed = 0,
                       std::filesystem::path output_dir = std::filesystem::temp_directory_path(),
                       HarnessStart how = {})
      : done_(how.resumed) {
    const auto* t = builtin_plugins().find(type);
    if (!t) throw std::runtime_error("node type not found: " + type);
    node_ = t->type->make();
    detail::NodeAccess::bind(*node_, "node_under_test", seed, output_dir);
    if (how.checkpoint_dir.empty()) {
      static std::atomic<int> count{0};
      how.checkpoint_dir = std::filesystem::temp_directory_path() /
                           ("raserflow-test-" + std::to_string(::getpid())) / "checkpoints" /
                           std::to_string(count++);
      std::filesystem::remove_all(how.checkpoint_dir);
    }
    std::filesystem::create_directories(how.checkpoint_dir);
    detail::NodeAccess::set_checkpoint_dir(*node_, how.checkpoint_dir);
    detail::NodeAccess::set_resumed(*node_, how.resumed);
    for (const auto& [name, value] : params.items()) {
      auto it = std::find_if(node_->params().begin(), node_->params().end(),
                             [&](auto* p) { return p->name() == name; });
      if (it == node_->params().end())
        throw std::runtime_error("no parameter " + name + " in " + type);
      auto v = value;
      if ((*it)->info().path == PathKind::output && v.is_string() &&
          std::filesystem::path(v.get<std::string>()).is_relative())
        v = (output_dir / v.get<std::string>()).string();
      (*it)->assign(v);
    }
    // Defaults of output paths resolve in the output folder too, as the pipeline builder does.
    for (auto* p : node_->params()) {
      if (p->info().path != PathKind::output || p->is_set()) continue;
      auto v = p->value_json();
      if (v.is_string() && std::filesystem::path(v.get<std::string>()).is_relative())
        p->assign((output_dir / v.get<std::string>()).string());
    }
    node_->configure();
    node_->start();
  }

  Node& node() { return *node_; }

  // Processes one item; it counts as a position once process() returns.
  Item run(Item s) {
    node_->process(s);
    pass(s.index());
    return s;
  }
  // An item dropped upstream: a position the node never sees.
  void drop(std::int64_t index) { pass(index); }
  // Positions passed so far, those of earlier runs included.
  const Progress& done() const { return done_; }

  void checkpoint() { node_->checkpoint(done_); }
  // A run that ended well, all of `requested` (default: every position passed) done.
  void finish(std::int64_t requested = -1) {
    finish({done_, requested < 0 ? done_.items : requested, true});
  }
  // A run stopped early (Ctrl-C, end of a live stream) with `requested` items asked for.
  void stop(std::int64_t requested) { finish({done_, requested, false}); }
  // What the runtime does at the end: a last checkpoint, then publish.
  void finish(const Publication& p) {
    node_->checkpoint(p.done);
    detail::NodeAccess::set_publication(*node_, p);
    node_->finish();
  }

 private:
  void pass(std::int64_t index) {
    ++done_.items;
    done_.next_index = index + 1;
  }

  std::unique_ptr<Node> node_;
  Progress done_;
};

// An item with the given fields, for feeding a node.
inline Item item_with(std::int64_t index,
                      std::initializer_list<std::pair<std::string, Field>> fields) {
  Item s(index, index);
  for (const auto& [name, value] : fields) s.set(name, value);
  return s;
}

}  // namespace raserflow::test
