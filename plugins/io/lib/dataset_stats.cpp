#include "dataset_stats.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstring>
#include <limits>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "raserflow/error.hpp"

namespace raserflow::io {

void for_each_block(const Hdf5Reader& r, const Column& c, std::int64_t rows,
                    const std::function<void(const char*, std::int64_t)>& block) {
  const auto row_bytes = std::max<std::size_t>(
      1, static_cast<std::size_t>(Array::element_count(c.shape)) * dtype_size(c.dtype));
  const auto per_block =
      static_cast<std::int64_t>(std::max<std::size_t>(1, block_budget / row_bytes));
  std::vector<char> buffer(
      static_cast<std::size_t>(std::min(per_block, std::max<std::int64_t>(rows, 1))) * row_bytes);
  for (std::int64_t first = 0; first < rows; first += per_block) {
    const auto n = std::min(per_block, rows - first);
    r.read_rows(c, first, n, buffer.data());
    block(buffer.data(), n);
  }
}

bool countable(const Column& c) {
  return c.shape.empty() &&
         (c.dtype == DType::uint8 || c.dtype == DType::int32 || c.dtype == DType::int64);
}

void count_values(const Hdf5Reader& r, const Column& c, std::int64_t rows, ValueCounts& counts) {
  if (!countable(c))
    throw Error(
        "field '" + c.name + "' is " + std::string(dtype_name(c.dtype)) + " " +
        shape_string(c.shape) +
        "; counts are of integer scalar fields (uint8, int32 or int64, one value per item)");
  for_each_block(r, c, rows, [&](const char* data, std::int64_t n) {
    visit_dtype(c.dtype, [&](auto zero) {
      using T = decltype(zero);
      if constexpr (std::is_integral_v<T>) {
        for (std::int64_t k = 0; k < n; ++k) {
          T v;
          std::memcpy(&v, data + static_cast<std::size_t>(k) * sizeof(T), sizeof(T));
          ++counts[static_cast<std::int64_t>(v)];
        }
      }
    });
  });
}

std::string counts_json(const ValueCounts& counts) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [value, n] : counts) j[std::to_string(value)] = n;
  return j.dump();
}

ValueCounts parse_counts(const std::string& json) {
  const auto j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw Error("counts are not a JSON object: " + json);
  ValueCounts out;
  for (const auto& [key, n] : j.items()) {
    std::size_t end = 0;
    std::int64_t value = 0;
    try {
      value = std::stoll(key, &end);
    } catch (const std::exception&) {
      end = 0;
    }
    if (end != key.size() || key.empty() || !n.is_number_integer())
      throw Error("counts hold '" + key + "': " + n.dump() + ", not an integer value and count");
    out[value] = n.get<std::int64_t>();
  }
  return out;
}

DroppedItems::DroppedItems(std::int64_t first, std::int64_t stride, std::int64_t end)
    : next_(first), stride_(std::max<std::int64_t>(stride, 1)), end_(end) {}

void DroppedItems::add(std::int64_t item) {
  for (; next_ < item && next_ < end_; next_ += stride_) dropped_.push_back(next_);
  if (next_ == item) next_ += stride_;
}

std::vector<std::int64_t> DroppedItems::finish() {
  for (; next_ < end_; next_ += stride_) dropped_.push_back(next_);
  return std::move(dropped_);
}

ValueRange value_range(const Hdf5Reader& r, const Column& c, std::int64_t rows) {
  ValueRange out;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  long double sum = 0;
  const auto per_row = static_cast<std::size_t>(Array::element_count(c.shape));
  for_each_block(r, c, rows, [&](const char* data, std::int64_t n) {
    visit_dtype(c.dtype, [&](auto zero) {
      using T = decltype(zero);
      const auto count = static_cast<std::size_t>(n) * per_row;
      for (std::size_t k = 0; k < count; ++k) {
        T v;
        std::memcpy(&v, data + k * sizeof(T), sizeof(T));
        double x;
        if constexpr (requires { v.imag(); })
          x = static_cast<double>(std::abs(v));
        else
          x = static_cast<double>(v);
        if (!std::isfinite(x)) {
          ++out.nonfinite;
          continue;
        }
        lo = std::min(lo, x);
        hi = std::max(hi, x);
        sum += x;
        ++out.values;
      }
    });
  });
  if (out.values > 0) {
    out.min = lo;
    out.max = hi;
    out.mean = static_cast<double>(sum / static_cast<long double>(out.values));
  }
  return out;
}

}  // namespace raserflow::io
