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
  return visit_dtype(t, [](auto zero) { return sizeof(zero); });
}

}  // namespace raserflow
