#include "raserflow/field.hpp"

#include "raserflow/node.hpp"

namespace raserflow {

std::string describe_type(const FieldSpec& f) {
  if (f.text) return "text";
  std::string out = f.dtype ? std::string(dtype_name(*f.dtype)) : std::string("any");
  if (f.rank != any_rank) out += "[rank " + std::to_string(f.rank) + "]";
  return out;
}

namespace detail {

std::size_t declare_read(Node* owner, FieldSpec spec) {
  owner->reads_.push_back(std::move(spec));
  return owner->reads_.size() - 1;
}
std::size_t declare_write(Node* owner, FieldSpec spec) {
  owner->writes_.push_back(std::move(spec));
  return owner->writes_.size() - 1;
}
const FieldSpec& read_spec(const Node* owner, std::size_t slot) {
  return owner->reads_[slot];
}
const FieldSpec& write_spec(const Node* owner, std::size_t slot) {
  return owner->writes_[slot];
}

void check_array(const FieldSpec& spec, const Array& a) {
  if (spec.dtype && a.dtype() != *spec.dtype)
    throw Error("field '" + spec.actual + "' is declared " + std::string(dtype_name(*spec.dtype)) +
                " but the node wrote " + std::string(dtype_name(a.dtype())));
  if (spec.rank != any_rank && a.rank() != spec.rank)
    throw Error("field '" + spec.actual + "' is declared rank " + std::to_string(spec.rank) +
                " but the node wrote shape " + shape_string(a.shape()));
}

}  // namespace detail
}  // namespace raserflow
