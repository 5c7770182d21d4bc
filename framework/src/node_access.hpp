#pragma once
#include "raserflow/node.hpp"

namespace raserflow::detail {

// The runtime's handle on a node's private binding (id, seeds, output folder, renames).
struct NodeAccess {
  static void bind(Node& n, const std::string& id, std::uint64_t pipeline_seed,
                   const std::filesystem::path& output_dir) {
    n.id_ = id;
    std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a: stable across builds and platforms
    for (unsigned char c : id) h = (h ^ c) * 0x100000001b3ULL;
    n.id_hash_ = h;
    n.pipeline_seed_ = pipeline_seed;
    n.output_dir_ = output_dir;
  }
  static std::vector<FieldSpec>& reads(Node& n) { return n.reads_; }
  static std::vector<FieldSpec>& writes(Node& n) { return n.writes_; }
};

}  // namespace raserflow::detail
