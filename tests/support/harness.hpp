#pragma once
// Runs one node in-process, the way the runtime would, for unit tests of plugin nodes:
//   NodeHarness fbp("radon.fbp", {{"filter", "ramp"}});
//   Sample out = fbp.run(sample);
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

class NodeHarness {
 public:
  // Parameters are given as JSON, as a pipeline file would give them; relative output paths
  // resolve in `output_dir`.
  explicit NodeHarness(const std::string& type,
                       const nlohmann::json& params = nlohmann::json::object(),
                       std::uint64_t seed = 0,
                       std::filesystem::path output_dir = std::filesystem::temp_directory_path()) {
    const auto* t = builtin_plugins().find(type);
    if (!t) throw std::runtime_error("node type not found: " + type);
    node_ = t->type->make();
    detail::NodeAccess::bind(*node_, "node_under_test", seed, output_dir);
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

  Sample run(Sample s) {
    node_->process(s);
    return s;
  }
  void finish() { node_->finish(); }

 private:
  std::unique_ptr<Node> node_;
};

// A sample with the given fields, for feeding a node.
inline Sample sample_with(std::int64_t index,
                          std::initializer_list<std::pair<std::string, Field>> fields) {
  Sample s(index, index);
  for (const auto& [name, value] : fields) s.set(name, value);
  return s;
}

}  // namespace raserflow::test
