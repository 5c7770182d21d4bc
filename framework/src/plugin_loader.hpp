#pragma once
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "raserflow/plugin.hpp"

namespace raserflow {

struct LoadedPlugin {
  std::string name;
  std::string version;
  std::filesystem::path path;
};

struct LoadedCommand {
  const Command* command = nullptr;
  const LoadedPlugin* plugin = nullptr;
};

struct PluginFailure {
  std::filesystem::path path;
  std::string reason;
};

struct LoadedType {
  const NodeType* type = nullptr;
  const LoadedPlugin* plugin = nullptr;
};

// Finds plugin libraries, checks each manifest's ABI before touching any C++ object in it,
// and keeps every library loaded until the process exits (nodes and TBB tasks may still
// refer to their code; unloading them is a crash waiting to happen).
class PluginRegistry {
 public:
  // The built-in folder, then RASERFLOW_PLUGIN_PATH (colon-separated), then `extra`.
  void load_default(const std::vector<std::filesystem::path>& extra);
  void load_folder(const std::filesystem::path& folder);
  void load_file(const std::filesystem::path& file);

  const LoadedType* find(const std::string& type) const;
  std::vector<std::string> type_names() const;
  // Subcommands of `raserflow` offered by plugins, by name.
  const std::map<std::string, LoadedCommand>& commands() const { return commands_; }
  // Names a plugin command may not take.
  void reserve_command_names(std::vector<std::string> names) { reserved_ = std::move(names); }
  const std::vector<std::unique_ptr<LoadedPlugin>>& plugins() const { return plugins_; }
  const std::vector<PluginFailure>& failures() const { return failures_; }

  static std::filesystem::path builtin_folder();

 private:
  std::vector<std::unique_ptr<LoadedPlugin>> plugins_;
  std::map<std::string, LoadedType> types_;
  std::map<std::string, LoadedCommand> commands_;
  std::vector<std::string> reserved_;
  std::vector<PluginFailure> failures_;
};

}  // namespace raserflow
