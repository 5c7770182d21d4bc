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
  static void set_output_dir(Node& n, std::filesystem::path dir) { n.output_dir_ = std::move(dir); }
  static void set_checkpoint_dir(Node& n, std::filesystem::path dir) {
    n.checkpoint_dir_ = std::move(dir);
  }
  static void set_resumed(Node& n, Progress p) { n.resumed_ = p; }
  static void set_publication(Node& n, Publication p) { n.publication_ = p; }
  static std::vector<FieldSpec>& reads(Node& n) { return n.reads_; }
  static std::vector<FieldSpec>& writes(Node& n) { return n.writes_; }
};

// The runtime's view of an item's fate.
struct ItemAccess {
  static bool past_end(const Item& i) { return i.fate_ == Item::Fate::past_end; }
  static void set_past_end(Item& i) { i.fate_ = Item::Fate::past_end; }
  // A dropped item keeps no fields: its buffers are freed at once.
  static void clear(Item& i) { i.fields_.clear(); }
};

}  // namespace raserflow::detail
