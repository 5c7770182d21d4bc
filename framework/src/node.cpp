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
    case Execution::parallel:
      return "parallel";
    case Execution::serial:
      return "serial";
    case Execution::ordered:
      return "ordered";
    case Execution::device:
      return "device";
  }
  return "unknown";
}

Node::Node() = default;
Node::~Node() = default;

void Node::process_batch(std::span<Item* const> items) {
  for (auto* item : items) process(*item);
}

std::uint64_t Node::item_seed(const Item& item) const {
  return mix(mix(mix(pipeline_seed_) ^ id_hash_) ^ static_cast<std::uint64_t>(item.index()));
}

void Node::read_field(FieldSpec spec) {
  if (spec.actual.empty()) spec.actual = spec.declared;
  reads_.push_back(std::move(spec));
}

void Node::put_field(Item& item, std::string_view declared, Field value) const {
  for (const auto& w : writes_) {
    if (w.declared != declared) continue;
    if (const auto* a = std::get_if<Array>(&value)) {
      if (w.text)
        throw Error("field '" + w.actual + "' is declared as text but the node wrote an array");
      detail::check_array(w, *a);
    } else if (!w.text) {
      throw Error("field '" + w.actual + "' is declared as an array but the node wrote text");
    }
    item.set(w.actual, std::move(value));
    return;
  }
  throw Error("the node writes field '" + std::string(declared) + "' without declaring it");
}

void Node::write_field(FieldSpec spec) {
  if (spec.actual.empty()) spec.actual = spec.declared;
  writes_.push_back(std::move(spec));
}

}  // namespace raserflow
