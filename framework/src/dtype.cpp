#include "raserflow/dtype.hpp"

#include <array>
#include <utility>

namespace raserflow {
namespace {
constexpr std::array<std::pair<DType, std::string_view>, 7> kNames{{
    {DType::uint8, "uint8"},
    {DType::int32, "int32"},
    {DType::int64, "int64"},
    {DType::float32, "float32"},
    {DType::float64, "float64"},
    {DType::complex64, "complex64"},
    {DType::complex128, "complex128"},
}};
}  // namespace

std::string_view dtype_name(DType t) {
  for (const auto& [d, n] : kNames)
    if (d == t) return n;
  return "unknown";
}

std::optional<DType> parse_dtype(std::string_view name) {
  for (const auto& [d, n] : kNames)
    if (n == name) return d;
  return std::nullopt;
}

std::size_t dtype_size(DType t) {
  switch (t) {
    case DType::uint8:
      return 1;
    case DType::int32:
      return 4;
    case DType::int64:
      return 8;
    case DType::float32:
      return 4;
    case DType::float64:
      return 8;
    case DType::complex64:
      return 8;
    case DType::complex128:
      return 16;
  }
  return 0;
}

}  // namespace raserflow
