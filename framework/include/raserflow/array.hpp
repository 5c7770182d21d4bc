#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "raserflow/dtype.hpp"
#include "raserflow/error.hpp"
#include "raserflow/export.hpp"

namespace raserflow {

using Shape = std::vector<std::int64_t>;

RASERFLOW_API std::string shape_string(const Shape& shape);

// An N-d array of one dtype, row-major, over a buffer shared without copying. Copies of an
// Array share the buffer; a node that did not create the buffer never writes to it.
// adopt() wraps memory owned by another library (an OpenCV matrix, a LibTorch tensor)
// without copying, keeping that owner alive as long as any Array refers to it.
class RASERFLOW_API Array {
 public:
  Array() = default;

  template <class T>
  static Array zeros(Shape shape) {
    const auto n = element_count(shape);
    std::shared_ptr<T[]> buffer = std::make_shared<T[]>(static_cast<std::size_t>(n));
    T* data = buffer.get();
    return Array(dtype_of<T>, std::move(shape), std::move(buffer), data);
  }
  template <class T>
  static Array from(Shape shape, std::vector<T> values) {
    check_count(shape, values.size());
    auto owner = std::make_shared<std::vector<T>>(std::move(values));
    T* data = owner->data();
    return Array(dtype_of<T>, std::move(shape), std::move(owner), data);
  }
  template <class T>
  static Array scalar(T value) {
    return from<T>({}, std::vector<T>{value});
  }
  static Array adopt(DType dtype, Shape shape, std::shared_ptr<const void> owner, const void* data);

  bool empty() const { return data_ == nullptr; }
  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  int rank() const { return static_cast<int>(shape_.size()); }
  std::int64_t dim(int axis) const { return shape_.at(static_cast<std::size_t>(axis)); }
  std::int64_t size() const { return element_count(shape_); }
  std::span<const std::byte> bytes() const;

  template <class T>
  std::span<const T> values() const {
    expect(dtype_of<T>);
    return {static_cast<const T*>(data_), static_cast<std::size_t>(size())};
  }
  // Write access while this Array is the buffer's only owner (it was just made).
  template <class T>
  std::span<T> mutable_values() {
    expect(dtype_of<T>);
    expect_sole_owner();
    return {static_cast<T*>(const_cast<void*>(data_)), static_cast<std::size_t>(size())};
  }
  // The single value of an array with one element, converted to T.
  double as_double() const;
  std::int64_t as_int() const;

  static std::int64_t element_count(const Shape& shape);

 private:
  Array(DType dtype, Shape shape, std::shared_ptr<const void> owner, const void* data);
  static void check_count(const Shape& shape, std::size_t count);
  void expect(DType wanted) const;
  void expect_sole_owner() const;

  DType dtype_ = DType::float64;
  Shape shape_;
  std::shared_ptr<const void> owner_;
  const void* data_ = nullptr;
};

}  // namespace raserflow
