#pragma once
// Include in plugin sources only: it defines per-library registration state.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "raserflow/node.hpp"

// Bumped whenever Node, Item, Array, Param, NodeType or Command change layout or meaning.
// 2: Sample became Item (drop, end_stream), batches, checkpoints, plugin commands.
// 3: Publication::manifest, Node::report(), Node::join_shards().
#define RASERFLOW_ABI_VERSION 3u

// A C struct so that the host can read it and check the ABI before any C++ object is used.
extern "C" struct raserflow_plugin_manifest {
  std::uint32_t abi_version;
  std::uint32_t manifest_size;
  const char* compiler_abi;  // compiler and standard library ABI the plugin was built with
  const char* plugin_name;
  const char* plugin_version;
  const void* (*node_types)();  // -> const std::vector<raserflow::NodeType>*
  const void* (*commands)();    // -> const std::vector<raserflow::Command>*
};

#define RASERFLOW_STRINGIFY_(x) #x
#define RASERFLOW_STRINGIFY(x) RASERFLOW_STRINGIFY_(x)
#define RASERFLOW_COMPILER_ABI                                                         \
  "gcc-abi-" RASERFLOW_STRINGIFY(__GXX_ABI_VERSION) "/cxx11-abi-" RASERFLOW_STRINGIFY( \
      _GLIBCXX_USE_CXX11_ABI)

namespace raserflow {

// One node type as a plugin offers it.
struct NodeType {
  std::string type;  // "domain.name"
  std::string doc;
  Execution execution = Execution::parallel;
  // Whether a run with this node may continue from a checkpoint. Stateless nodes can; a node
  // that keeps state across items declares `static constexpr bool resumable = true;` only
  // when its checkpoint() and start() carry that state over.
  bool resumable = true;
  std::function<std::unique_ptr<Node>()> make;
};

// A subcommand of `raserflow` offered by a plugin: `raserflow NAME ARGS...` calls run() with
// the ARGS; it parses them itself (`--help` included) and returns the exit status: 0 done,
// 1 failed, 2 bad usage. `raserflow --help` lists it with its summary and plugin.
struct Command {
  std::string name;
  std::string summary;
  std::function<int(const std::vector<std::string>& args)> run;
};

namespace detail {
// Function-local and hidden: each plugin library gets its own list.
inline std::vector<NodeType>& plugin_node_types() {
  static std::vector<NodeType> types;
  return types;
}
inline std::vector<Command>& plugin_commands() {
  static std::vector<Command> commands;
  return commands;
}
template <class T>
bool register_node() {
  Execution execution = Execution::parallel;
  if constexpr (requires { T::execution; }) execution = T::execution;
  bool resumable = execution == Execution::parallel;
  if constexpr (requires { T::resumable; }) resumable = T::resumable;
  plugin_node_types().push_back({T::type, T::doc, execution, resumable,
                                 [] { return std::unique_ptr<Node>(std::make_unique<T>()); }});
  return true;
}
inline bool register_command(Command c) {
  plugin_commands().push_back(std::move(c));
  return true;
}
}  // namespace detail
}  // namespace raserflow

// One line per node type, after its class: RASERFLOW_NODE(Fbp);
#define RASERFLOW_NODE(T)                                       \
  [[maybe_unused]] static const bool raserflow_registered_##T = \
      ::raserflow::detail::register_node<T>()

// One line per subcommand: RASERFLOW_COMMAND(train, "train a corrector", run_train);
// where run_train is int(const std::vector<std::string>& args).
#define RASERFLOW_COMMAND(name, summary, function)              \
  [[maybe_unused]] static const bool raserflow_command_##name = \
      ::raserflow::detail::register_command({#name, summary, function})

// Once per plugin library: RASERFLOW_PLUGIN("radon", "1.0.0");
#define RASERFLOW_PLUGIN(name, version)                                                   \
  extern "C" __attribute__((visibility("default")))                                       \
  const raserflow_plugin_manifest raserflow_plugin_manifest_v1 = {                        \
      RASERFLOW_ABI_VERSION,                                                              \
      sizeof(raserflow_plugin_manifest),                                                  \
      RASERFLOW_COMPILER_ABI,                                                             \
      name,                                                                               \
      version,                                                                            \
      [] { return static_cast<const void*>(&::raserflow::detail::plugin_node_types()); }, \
      [] { return static_cast<const void*>(&::raserflow::detail::plugin_commands()); }}
