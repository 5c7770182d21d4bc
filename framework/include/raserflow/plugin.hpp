#pragma once
// Include in plugin sources only: it defines per-library registration state.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "raserflow/node.hpp"

// Bumped whenever Node, Sample, Array, Param or NodeType change layout or meaning.
#define RASERFLOW_ABI_VERSION 1u

// A C struct so that the host can read it and check the ABI before any C++ object is used.
extern "C" struct raserflow_plugin_manifest {
  std::uint32_t abi_version;
  std::uint32_t manifest_size;
  const char* compiler_abi;  // compiler and standard library ABI the plugin was built with
  const char* plugin_name;
  const char* plugin_version;
  const void* (*node_types)();  // -> const std::vector<raserflow::NodeType>*
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
  std::function<std::unique_ptr<Node>()> make;
};

namespace detail {
// Function-local and hidden: each plugin library gets its own list.
inline std::vector<NodeType>& plugin_node_types() {
  static std::vector<NodeType> types;
  return types;
}
template <class T>
bool register_node() {
  Execution execution = Execution::parallel;
  if constexpr (requires { T::execution; }) execution = T::execution;
  plugin_node_types().push_back(
      {T::type, T::doc, execution, [] { return std::unique_ptr<Node>(std::make_unique<T>()); }});
  return true;
}
}  // namespace detail
}  // namespace raserflow

// One line per node type, after its class: RASERFLOW_NODE(Fbp);
#define RASERFLOW_NODE(T)                                       \
  [[maybe_unused]] static const bool raserflow_registered_##T = \
      ::raserflow::detail::register_node<T>()

// Once per plugin library: RASERFLOW_PLUGIN("radon", "1.0.0");
#define RASERFLOW_PLUGIN(name, version)                            \
  extern "C" __attribute__((visibility("default")))                \
  const raserflow_plugin_manifest raserflow_plugin_manifest_v1 = { \
      RASERFLOW_ABI_VERSION,                                       \
      sizeof(raserflow_plugin_manifest),                           \
      RASERFLOW_COMPILER_ABI,                                      \
      name,                                                        \
      version,                                                     \
      [] { return static_cast<const void*>(&::raserflow::detail::plugin_node_types()); }}
