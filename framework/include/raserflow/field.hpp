#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "raserflow/array.hpp"
#include "raserflow/dtype.hpp"
#include "raserflow/item.hpp"

namespace raserflow {

class Node;

inline constexpr int any_rank = -1;

// What a node reads or writes. `declared` is the name in the node's code; `actual` is the
// field in the item after the pipeline's `inputs:`/`outputs:` renames.
struct FieldSpec {
  std::string declared;
  std::string actual;
  bool text = false;           // a string field instead of an array
  std::optional<DType> dtype;  // nullopt: any dtype
  int rank = any_rank;         // any_rank: any rank
  std::string doc;             // shape and unit, e.g. "[angles x bins], a.u."
  bool optional = false;       // reads only: absent upstream is allowed
  std::string param;           // the parameter that named this field, if any (for errors)
};

RASERFLOW_API std::string describe_type(const FieldSpec& f);  // "float64[2]", "text", "any"

struct FieldInfo {
  std::string_view doc;
  bool optional = false;
};

namespace detail {
RASERFLOW_API std::size_t declare_read(Node* owner, FieldSpec spec);
RASERFLOW_API std::size_t declare_write(Node* owner, FieldSpec spec);
RASERFLOW_API const FieldSpec& read_spec(const Node* owner, std::size_t slot);
RASERFLOW_API const FieldSpec& write_spec(const Node* owner, std::size_t slot);
RASERFLOW_API void check_array(const FieldSpec& spec, const Array& a);  // throws Error
template <class T>
constexpr std::optional<DType> dtype_or_any() {
  if constexpr (std::is_void_v<T>)
    return std::nullopt;
  else
    return dtype_of<T>;
}
}  // namespace detail

// A field the node reads: an array of element type T (void: any) and rank Rank.
template <class T, int Rank = any_rank>
class Reads {
 public:
  Reads(Node* owner, std::string name, FieldInfo info = {})
      : owner_(owner),
        slot_(detail::declare_read(owner, {name, name, false, detail::dtype_or_any<T>(), Rank,
                                           std::string(info.doc), info.optional})) {}
  const std::string& name() const { return detail::read_spec(owner_, slot_).actual; }
  bool in(const Item& s) const { return s.has(name()); }
  const Array& array(const Item& s) const { return s.array(name()); }
  std::span<const T> values(const Item& s) const requires(!std::is_void_v<T>) {
    return s.array(name()).template values<T>();
  }

 private:
  Node* owner_;
  std::size_t slot_;
};

// A field the node writes; put() checks dtype and rank against the declaration.
template <class T, int Rank = any_rank>
class Writes {
 public:
  Writes(Node* owner, std::string name, FieldInfo info = {})
      : owner_(owner),
        slot_(detail::declare_write(owner, {name, name, false, detail::dtype_or_any<T>(), Rank,
                                            std::string(info.doc), false})) {}
  const std::string& name() const { return detail::write_spec(owner_, slot_).actual; }
  void put(Item& s, Array a) const {
    detail::check_array(detail::write_spec(owner_, slot_), a);
    s.set(name(), std::move(a));
  }

 private:
  Node* owner_;
  std::size_t slot_;
};

class ReadsText {
 public:
  ReadsText(Node* owner, std::string name, FieldInfo info = {})
      : owner_(owner),
        slot_(detail::declare_read(owner, {name, name, true, std::nullopt, any_rank,
                                           std::string(info.doc), info.optional})) {}
  const std::string& name() const { return detail::read_spec(owner_, slot_).actual; }
  bool in(const Item& s) const { return s.has(name()); }
  const std::string& text(const Item& s) const { return s.text(name()); }

 private:
  Node* owner_;
  std::size_t slot_;
};

class WritesText {
 public:
  WritesText(Node* owner, std::string name, FieldInfo info = {})
      : owner_(owner),
        slot_(detail::declare_write(
            owner, {name, name, true, std::nullopt, any_rank, std::string(info.doc), false})) {}
  const std::string& name() const { return detail::write_spec(owner_, slot_).actual; }
  void put(Item& s, std::string text) const { s.set(name(), std::move(text)); }

 private:
  Node* owner_;
  std::size_t slot_;
};

}  // namespace raserflow
