#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>

#include "raserflow/array.hpp"
#include "raserflow/export.hpp"

namespace raserflow {

// A field is an N-d array (rank 0 for a scalar) or a text string.
using Field = std::variant<Array, std::string>;

// The unit of work flowing through a pipeline: one item (for the paper, one image with all
// its projections) with its named fields. `index` is the item's number in the whole run
// (what seeds its random streams); `ordinal` is its position in this process's share of
// items, which is what in-order delivery follows when a run is sharded.
class RASERFLOW_API Sample {
 public:
  using Fields = std::map<std::string, Field, std::less<>>;

  Sample() = default;
  Sample(std::int64_t index, std::int64_t ordinal) : index_(index), ordinal_(ordinal) {}

  std::int64_t index() const { return index_; }
  std::int64_t ordinal() const { return ordinal_; }

  bool has(std::string_view name) const { return fields_.find(name) != fields_.end(); }
  const Field* find(std::string_view name) const;
  // Throws raserflow::Error naming the field when it is missing or not an array/text.
  const Array& array(std::string_view name) const;
  const std::string& text(std::string_view name) const;
  double scalar(std::string_view name) const { return array(name).as_double(); }

  void set(std::string name, Field value) {
    fields_.insert_or_assign(std::move(name), std::move(value));
  }
  void erase(std::string_view name);
  const Fields& fields() const { return fields_; }

 private:
  std::int64_t index_ = 0;
  std::int64_t ordinal_ = 0;
  Fields fields_;
};

}  // namespace raserflow
