#include "raserflow/array.hpp"

#include <complex>
#include <sstream>

namespace raserflow {

std::string shape_string(const Shape& shape) {
  std::ostringstream out;
  out << '[';
  for (std::size_t i = 0; i < shape.size(); ++i) out << (i ? " x " : "") << shape[i];
  out << ']';
  return out.str();
}

Array::Array(DType dtype, Shape shape, std::shared_ptr<const void> owner, const void* data)
    : dtype_(dtype), shape_(std::move(shape)), owner_(std::move(owner)), data_(data) {}

Array Array::adopt(DType dtype, Shape shape, std::shared_ptr<const void> owner, const void* data) {
  if (!data && element_count(shape) > 0)
    throw Error("Array::adopt: null data for a non-empty shape");
  return Array(dtype, std::move(shape), std::move(owner), data);
}

std::int64_t Array::element_count(const Shape& shape) {
  std::int64_t n = 1;
  for (auto d : shape) {
    if (d < 0) throw Error("negative dimension in shape " + shape_string(shape));
    n *= d;
  }
  return n;
}

void Array::check_count(const Shape& shape, std::size_t count) {
  if (static_cast<std::size_t>(element_count(shape)) != count)
    throw Error("shape " + shape_string(shape) + " needs " + std::to_string(element_count(shape)) +
                " values, got " + std::to_string(count));
}

std::span<const std::byte> Array::bytes() const {
  return {static_cast<const std::byte*>(data_),
          static_cast<std::size_t>(size()) * dtype_size(dtype_)};
}

void Array::expect(DType wanted) const {
  if (empty()) throw Error("empty array read as " + std::string(dtype_name(wanted)));
  if (wanted != dtype_)
    throw Error("array of " + std::string(dtype_name(dtype_)) + " read as " +
                std::string(dtype_name(wanted)));
}

void Array::expect_sole_owner() const {
  if (owner_.use_count() != 1)
    throw Error("array buffer is shared; nodes may only write arrays they created");
}

double Array::as_double() const {
  if (size() != 1)
    throw Error("expected a single value, got an array of shape " + shape_string(shape_));
  return visit_dtype(dtype_, [&](auto zero) -> double {
    using T = decltype(zero);
    if constexpr (requires { zero.imag(); })
      throw Error("expected a real value, got " + std::string(dtype_name(dtype_)));
    else
      return static_cast<double>(*static_cast<const T*>(data_));
  });
}

std::int64_t Array::as_int() const {
  if (dtype_ == DType::int64 && size() == 1) return *static_cast<const std::int64_t*>(data_);
  return static_cast<std::int64_t>(as_double());
}

}  // namespace raserflow
