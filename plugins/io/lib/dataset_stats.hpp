#pragma once
// Statistics of the rows of io.hdf5 files, read block by block so memory stays flat however
// many items a file holds: value counts of integer scalar fields (class labels), the items a
// file lacks (dropped upstream), and the range of every numeric field.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "hdf5_reader.hpp"

namespace raserflow::io {

// Bytes read at once from one dataset (at least one row).
inline constexpr std::size_t block_budget = 4u << 20;

// Calls `block(data, rows)` with consecutive blocks of rows [0, rows) of a dataset written as
// `c`, native layout, each at most block_budget bytes unless one row is larger.
void for_each_block(const Hdf5Reader& r, const Column& c, std::int64_t rows,
                    const std::function<void(const char* data, std::int64_t rows)>& block);

// How often each value occurs, by value.
using ValueCounts = std::map<std::int64_t, std::int64_t>;

// An integer dtype (uint8, int32, int64) of one value per item: what counts apply to.
bool countable(const Column& c);
// Adds the values of rows [0, rows) of a countable column to `counts`.
void count_values(const Hdf5Reader& r, const Column& c, std::int64_t rows, ValueCounts& counts);
// {"0": 12, "1": 7, ...} in value order, and back (throws raserflow::Error on other text).
std::string counts_json(const ValueCounts& counts);
ValueCounts parse_counts(const std::string& json);

// The positions of a run's share that have no row: a process holds the items
// first, first + stride, ... below `end` (a shard's stride is its shard count), and every one
// of them without a row was dropped upstream. Fed the rows' item indices in item order.
class DroppedItems {
 public:
  DroppedItems(std::int64_t first, std::int64_t stride, std::int64_t end);
  void add(std::int64_t item);
  // Every position not added so far, up to `end`. Call once, after the last add().
  std::vector<std::int64_t> finish();

 private:
  std::int64_t next_, stride_, end_;
  std::vector<std::int64_t> dropped_;
};

// The range of a numeric field over all its elements; of |z| for complex fields. Non-finite
// values are counted, not ranged.
struct ValueRange {
  double min = 0, max = 0, mean = 0;
  std::int64_t values = 0;     // finite values ranged
  std::int64_t nonfinite = 0;  // NaN and infinities left out
};
ValueRange value_range(const Hdf5Reader& r, const Column& c, std::int64_t rows);

}  // namespace raserflow::io
