#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "diagnostics.hpp"

namespace raserflow {

// A parameter value as written, with where it was written; paths resolve against `base_dir`.
struct ParamEntry {
  nlohmann::json value;
  Location where;
  std::filesystem::path base_dir;
};

struct Rename {
  std::string actual;
  Location where;
};

struct NodeSpec {
  std::string id;
  std::string type;
  Location where;       // the node's id key
  Location type_where;  // its `type:` value
  std::map<std::string, ParamEntry> params;
  std::map<std::string, Rename> inputs;   // declared -> actual
  std::map<std::string, Rename> outputs;  // declared -> actual
  std::int64_t batch = 1;                 // items per process_batch() call
  double batch_wait = 1.0;                // seconds, live streams only
  Location batch_where;
};

struct EdgeSpec {
  std::string from;
  std::string to;
  Location where;
};

// A pipeline file after includes, ${vars} and --set overrides, before any node exists.
struct PipelineSpec {
  std::string name;
  std::filesystem::path file;
  std::int64_t items = 1;
  // Where `items` was given in the pipeline file itself or by --set; empty when it comes from
  // an included file or the default (a source node that knows its count may then set it).
  std::optional<Location> items_where;
  std::uint64_t seed = 0;
  std::int64_t in_flight = 0;  // 0: the runtime's default
  std::int64_t checkpoint_every = 100;
  std::vector<NodeSpec> nodes;  // in file order
  std::vector<EdgeSpec> edges;
  std::vector<std::string> overrides;
  nlohmann::json vars = nlohmann::json::object();

  const NodeSpec* node(const std::string& id) const;
};

// Reads and checks the file's structure; throws ValidationFailed listing every problem.
PipelineSpec read_pipeline(const std::filesystem::path& file,
                           const std::vector<std::string>& overrides);

}  // namespace raserflow
