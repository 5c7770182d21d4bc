#include "raserflow/node.hpp"

namespace raserflow {
namespace {
// SplitMix64 finaliser: a bijective 64-bit mixer, so nearby (seed, node, item) triples give
// unrelated streams.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
}  // namespace

std::string_view execution_name(Execution e) {
  switch (e) {
    case Execution::parallel: return "parallel";
    case Execution::serial: return "serial";
    case Execution::ordered: return "ordered";
    case Execution::device: return "device";
  }
  return "unknown";
}

Node::Node() = default;
Node::~Node() = default;

std::uint64_t Node::item_seed(const Sample& sample) const {
  return mix(mix(mix(pipeline_seed_) ^ id_hash_) ^ static_cast<std::uint64_t>(sample.index()));
}

void Node::read_field(FieldSpec spec) {
  if (spec.actual.empty()) spec.actual = spec.declared;
  reads_.push_back(std::move(spec));
}

void Node::write_field(FieldSpec spec) {
  if (spec.actual.empty()) spec.actual = spec.declared;
  writes_.push_back(std::move(spec));
}

}  // namespace raserflow
