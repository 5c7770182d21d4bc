#pragma once
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "pipeline_file.hpp"
#include "plugin_loader.hpp"

namespace raserflow {

struct PipelineNode {
  NodeSpec spec;
  LoadedType type;
  std::unique_ptr<Node> node;
  std::vector<std::size_t> inputs;   // indices of upstream nodes
  std::vector<std::size_t> outputs;  // indices of downstream nodes
};

// A validated pipeline: nodes instantiated and configured, in topological order.
struct Pipeline {
  PipelineSpec spec;
  std::vector<PipelineNode> nodes;
  std::filesystem::path output_dir;
  bool open_ended = false;  // a source produces items until its stream ends or the run stops
};

// Instantiates and checks everything that can be checked without running: parameters, files,
// renames, the graph and the fields flowing along it. Throws ValidationFailed (bad pipeline)
// or SetupFailed (a node could not be constructed).
Pipeline build_pipeline(PipelineSpec spec, const PluginRegistry& plugins,
                        const std::filesystem::path& output_dir);

std::filesystem::path default_output_dir(const PipelineSpec& spec);

}  // namespace raserflow
