#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>

#include "raserflow/array.hpp"
#include "raserflow/export.hpp"

namespace raserflow {

namespace detail {
struct ItemAccess;
}

// A field is an N-d array (rank 0 for a scalar) or a text string.
using Field = std::variant<Array, std::string>;

// The unit of work flowing through a pipeline: one item (for the paper, one image with all
// its projections) with its named fields. `index` is the item's number in the whole run
// (what seeds its random streams); `ordinal` is its position in this process's share of
// items, which is what in-order delivery follows when a run is sharded.
class RASERFLOW_API Item {
 public:
  using Fields = std::map<std::string, Field, std::less<>>;

  Item() = default;
  Item(std::int64_t index, std::int64_t ordinal) : index_(index), ordinal_(ordinal) {}

  std::int64_t index() const { return index_; }
  std::int64_t ordinal() const { return ordinal_; }

  // Drops this item: nodes downstream never see it, sinks skip it, and the run's manifest
  // lists it under this node (the paper drops an image whose spectrum ROI is clamped).
  void drop() { fate_ = Fate::dropped; }
  // Sources only: there is no item here because the stream has ended (a live device was
  // stopped, a recording has no more scans). No item after this one is produced either.
  void end_stream() { fate_ = Fate::past_end; }
  bool dropped() const { return fate_ != Fate::kept; }

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
  friend struct detail::ItemAccess;
  enum class Fate : std::uint8_t { kept, dropped, past_end };
  std::int64_t index_ = 0;
  std::int64_t ordinal_ = 0;
  Fields fields_;
  Fate fate_ = Fate::kept;
};

}  // namespace raserflow
