#pragma once
#include <complex>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "raserflow/export.hpp"

namespace raserflow {

// Element types of field arrays; names follow numpy so files and Python tools agree.
enum class DType : std::uint8_t { uint8, int32, int64, float32, float64, complex64, complex128 };

template <class T>
struct dtype_traits;
template <>
struct dtype_traits<std::uint8_t> {
  static constexpr DType value = DType::uint8;
};
template <>
struct dtype_traits<std::int32_t> {
  static constexpr DType value = DType::int32;
};
template <>
struct dtype_traits<std::int64_t> {
  static constexpr DType value = DType::int64;
};
template <>
struct dtype_traits<float> {
  static constexpr DType value = DType::float32;
};
template <>
struct dtype_traits<double> {
  static constexpr DType value = DType::float64;
};
template <>
struct dtype_traits<std::complex<float>> {
  static constexpr DType value = DType::complex64;
};
template <>
struct dtype_traits<std::complex<double>> {
  static constexpr DType value = DType::complex128;
};

template <class T>
inline constexpr DType dtype_of = dtype_traits<T>::value;

// Calls f(T{}) with T the element type of `t`; the one place that turns a runtime dtype into
// a C++ type:  visit_dtype(a.dtype(), [&](auto zero) { using T = decltype(zero); ... });
template <class F>
decltype(auto) visit_dtype(DType t, F&& f) {
  switch (t) {
    case DType::uint8:
      return f(std::uint8_t{});
    case DType::int32:
      return f(std::int32_t{});
    case DType::int64:
      return f(std::int64_t{});
    case DType::float32:
      return f(float{});
    case DType::float64:
      return f(double{});
    case DType::complex64:
      return f(std::complex<float>{});
    case DType::complex128:
      break;
  }
  return f(std::complex<double>{});
}

RASERFLOW_API std::string_view dtype_name(DType t);
RASERFLOW_API std::optional<DType> parse_dtype(std::string_view name);
RASERFLOW_API std::size_t dtype_size(DType t);

}  // namespace raserflow
