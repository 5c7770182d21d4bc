#include "plugin_loader.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>

#include "raserflow/dtype.hpp"

namespace raserflow {
namespace {

constexpr const char* kManifestSymbol = "raserflow_plugin_manifest_v1";

// Loaded libraries live until exit on purpose: see the class comment.
std::vector<boost::dll::shared_library>& resident_libraries() {
  static auto* libraries = new std::vector<boost::dll::shared_library>();
  return *libraries;
}

bool is_plugin_file(const std::filesystem::path& p) {
  return p.extension() == ".so" && std::filesystem::is_regular_file(p);
}

}  // namespace

std::filesystem::path PluginRegistry::builtin_folder() {
  // Beside the core library: <prefix>/lib/libraserflow.so -> <prefix>/lib/raserflow/plugins,
  // which is the same layout in the build tree and in an installed prefix.
  auto core = boost::dll::symbol_location(dtype_name);
  return std::filesystem::path(core.parent_path().string()) / "raserflow" / "plugins";
}

void PluginRegistry::load_default(const std::vector<std::filesystem::path>& extra) {
  load_folder(builtin_folder());
  if (const char* env = std::getenv("RASERFLOW_PLUGIN_PATH")) {
    std::stringstream list(env);
    std::string entry;
    while (std::getline(list, entry, ':'))
      if (!entry.empty()) load_folder(entry);
  }
  for (const auto& p : extra) load_folder(p);
}

void PluginRegistry::load_folder(const std::filesystem::path& folder) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(folder, ec)) return load_file(folder);
  if (!std::filesystem::is_directory(folder, ec)) {
    failures_.push_back({folder, "plugin folder does not exist"});
    return;
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec))
    if (is_plugin_file(entry.path())) files.push_back(entry.path());
  std::sort(files.begin(), files.end());  // load order must not depend on the file system
  for (const auto& f : files) load_file(f);
}

void PluginRegistry::load_file(const std::filesystem::path& file) {
  auto canonical = std::filesystem::weakly_canonical(file);
  for (const auto& p : plugins_)
    if (p->path == canonical) return;

  boost::dll::shared_library library;
  try {
    library.load(canonical.string(),
                 boost::dll::load_mode::rtld_lazy | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    failures_.push_back({canonical, std::string("cannot load library: ") + e.what()});
    return;
  }
  if (!library.has(kManifestSymbol)) {
    failures_.push_back({canonical, std::string("not a raserflow plugin: no '") + kManifestSymbol +
                                        "' symbol (missing RASERFLOW_PLUGIN line?)"});
    return;
  }
  const auto& manifest = library.get<const raserflow_plugin_manifest>(kManifestSymbol);
  // Only plain C fields are read until the ABI is known to match.
  if (manifest.abi_version != RASERFLOW_ABI_VERSION ||
      manifest.manifest_size != sizeof(raserflow_plugin_manifest)) {
    failures_.push_back(
        {canonical, "ABI mismatch: plugin built for raserflow ABI " +
                        std::to_string(manifest.abi_version) + ", this raserflow has ABI " +
                        std::to_string(RASERFLOW_ABI_VERSION) + "; rebuild the plugin"});
    return;
  }
  if (!manifest.compiler_abi || std::strcmp(manifest.compiler_abi, RASERFLOW_COMPILER_ABI) != 0) {
    failures_.push_back({canonical, std::string("ABI mismatch: plugin compiled with ") +
                                        (manifest.compiler_abi ? manifest.compiler_abi : "?") +
                                        ", raserflow with " + RASERFLOW_COMPILER_ABI});
    return;
  }
  auto plugin = std::make_unique<LoadedPlugin>();
  plugin->name = manifest.plugin_name ? manifest.plugin_name : canonical.stem().string();
  plugin->version = manifest.plugin_version ? manifest.plugin_version : "";
  plugin->path = canonical;
  for (const auto& p : plugins_)
    if (p->name == plugin->name) {
      failures_.push_back({canonical, "plugin '" + plugin->name + "' is already loaded from " +
                                          p->path.string() + "; this copy is ignored"});
      return;
    }

  const auto* types = static_cast<const std::vector<NodeType>*>(manifest.node_types());
  for (const auto& t : *types) {
    if (auto it = types_.find(t.type); it != types_.end()) {
      failures_.push_back({canonical, "node type '" + t.type + "' is already offered by plugin '" +
                                          it->second.plugin->name + "'; this one is ignored"});
      continue;
    }
    types_[t.type] = {&t, plugin.get()};
  }
  const auto* commands = static_cast<const std::vector<Command>*>(manifest.commands());
  for (const auto& c : *commands) {
    if (std::find(reserved_.begin(), reserved_.end(), c.name) != reserved_.end()) {
      failures_.push_back({canonical, "command '" + c.name +
                                          "' is one of raserflow's own; the plugin's is ignored"});
      continue;
    }
    if (auto it = commands_.find(c.name); it != commands_.end()) {
      failures_.push_back({canonical, "command '" + c.name + "' is already offered by plugin '" +
                                          it->second.plugin->name + "'; this one is ignored"});
      continue;
    }
    commands_[c.name] = {&c, plugin.get()};
  }
  resident_libraries().push_back(std::move(library));
  plugins_.push_back(std::move(plugin));
}

const LoadedType* PluginRegistry::find(const std::string& type) const {
  auto it = types_.find(type);
  return it == types_.end() ? nullptr : &it->second;
}

std::vector<std::string> PluginRegistry::type_names() const {
  std::vector<std::string> names;
  for (const auto& [name, t] : types_) names.push_back(name);
  return names;
}

}  // namespace raserflow
