#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "executor.hpp"
#include "pipeline.hpp"
#include "plugin_loader.hpp"

namespace raserflow {

// A node type's parameters and fields, as `describe --json` prints them.
nlohmann::ordered_json describe_json(const LoadedType& type);
std::string describe_text(const LoadedType& type);
// JSON Schema for pipeline files, every node type's parameters included.
nlohmann::ordered_json pipeline_schema(const PluginRegistry& plugins);
// Graphviz dot of a validated pipeline, fields on the edges.
std::string graph_dot(const Pipeline& pipeline);
// The run manifest: what ran, with what, and how it went.
nlohmann::ordered_json run_manifest(const Pipeline& pipeline, const PluginRegistry& plugins,
                                    const RunOptions& options, const RunResult& result);

}  // namespace raserflow
