#pragma once
// An HDF5 file that grows by rows: each field is a dataset [rows x item shape], chunked and
// extendible along the item axis, beside an int64 `item_index` dataset. Written through the
// driver of hdf5_driver.hpp, so a failed write is an Error and never a crash.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hdf5_driver.hpp"
#include "hdf5_util.hpp"
#include "raserflow/array.hpp"

namespace raserflow::io {

// One field's dataset: its name and the dtype and shape of one row.
struct Column {
  std::string name;
  DType dtype;
  Shape shape;
  bool operator==(const Column&) const = default;
};

class Hdf5Appender {
 public:
  // Creates (truncates) `path`. deflate_level 0 stores chunks raw; 1-9 adds shuffle + deflate.
  explicit Hdf5Appender(std::filesystem::path path, int deflate_level = 0);
  // Closes every object without reporting failures; the file stays where it is.
  ~Hdf5Appender();
  Hdf5Appender(const Hdf5Appender&) = delete;
  Hdf5Appender& operator=(const Hdf5Appender&) = delete;

  // Attributes of the root group: a UTF-8 string, a list of them, or an int64.
  void set_attribute(const std::string& name, const std::string& value);
  void set_attribute(const std::string& name, const std::vector<std::string>& values);
  void set_attribute(const std::string& name, std::int64_t value);

  // Creates the field datasets and item_index now, empty, for rows whose layout is known.
  void define(const std::vector<Column>& fields);
  bool defined() const { return index_.has_value(); }
  // The fields' columns, in the order of define() or of the first append().
  std::vector<Column> columns() const;

  // Appends one row to each field's dataset and to item_index. The first call on an undefined
  // file defines it from this row; any later mismatch throws before anything of this item is
  // written.
  void append(std::int64_t item, const std::vector<std::pair<std::string, Array>>& fields);
  // Appends `rows` rows from `data` (native layout) to one dataset: a field by its position in
  // columns(), or item_index at position columns().size(). For joining files block by block.
  void append_rows(std::size_t dataset, std::int64_t rows, const void* data);
  // Rows of item_index.
  std::int64_t rows() const { return index_ ? static_cast<std::int64_t>(index_->rows) : 0; }
  // Rows per chunk of one dataset (position as in append_rows).
  std::int64_t chunk_rows(std::size_t dataset) const;

  const std::filesystem::path& path() const { return path_; }

  // Closes every object and the file; throws raserflow::Error naming the file and the cause
  // when anything failed (disk full, file too large, ...). A run without rows still leaves a
  // readable file with an empty item_index.
  void close();

 private:
  struct Dataset {
    Column column;
    Hid type;  // memory and file type
    Hid id;
    hsize_t rows = 0;
    hsize_t chunk = 1;
  };
  Dataset create(const Column& c);
  const Dataset& dataset(std::size_t position) const;
  Dataset& dataset(std::size_t position);
  void write_rows(Dataset& d, hsize_t rows, const void* data, const std::string& what);
  void check_row(std::int64_t item, const std::vector<std::pair<std::string, Array>>& fields);
  void close_objects() noexcept;

  WriteStatus status_;  // declared first: outlives the file, whose driver reports into it
  std::filesystem::path path_;
  int deflate_level_;
  Hid file_;
  std::vector<Dataset> fields_;
  std::optional<Dataset> index_;
};

}  // namespace raserflow::io
