#pragma once
// An HDF5 file that grows by one row per item: each field is a dataset [items x item shape],
// chunked and extendible along the item axis, beside an int64 `item_index` dataset.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <hdf5.h>

#include "raserflow/array.hpp"

namespace raserflow::io {

// Closes an HDF5 identifier when it goes out of scope.
class Hid {
 public:
  using Closer = herr_t (*)(hid_t);
  Hid() = default;
  Hid(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  Hid(Hid&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)), closer_(o.closer_) {}
  Hid& operator=(Hid&& o) noexcept;
  ~Hid() { reset(); }
  hid_t get() const { return id_; }
  // Closes now; the result tells whether HDF5 reported a failure.
  herr_t reset() noexcept;

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

class Hdf5Appender {
 public:
  // Creates (truncates) `path`. deflate_level 0 stores chunks raw; 1-9 adds shuffle + deflate.
  explicit Hdf5Appender(const std::filesystem::path& path, int deflate_level = 0);
  ~Hdf5Appender();
  Hdf5Appender(const Hdf5Appender&) = delete;
  Hdf5Appender& operator=(const Hdf5Appender&) = delete;

  // Attributes of the root group: a UTF-8 string, or a list of them.
  void set_attribute(const std::string& name, const std::string& value);
  void set_attribute(const std::string& name, const std::vector<std::string>& values);

  // Appends one row to each field's dataset and to item_index. The first call fixes each
  // field's dtype and shape, and the set of fields; any later mismatch throws before anything
  // of this item is written.
  void append(std::int64_t item, const std::vector<std::pair<std::string, Array>>& fields);
  std::int64_t rows() const { return rows_; }

  // Closes every object and the file; throws when HDF5 reports a failure (e.g. disk full).
  void close();

 private:
  struct Dataset {
    std::string name;
    DType dtype;
    Shape shape;  // of one item
    Hid type;     // memory and file type
    Hid id;
  };
  Dataset create(const std::string& name, DType dtype, const Shape& shape);
  void write_row(Dataset& d, const void* data);

  std::filesystem::path path_;
  int deflate_level_;
  Hid file_;
  std::vector<Dataset> fields_;  // in the order of the first append
  std::optional<Dataset> index_;
  std::int64_t rows_ = 0;
};

}  // namespace raserflow::io
