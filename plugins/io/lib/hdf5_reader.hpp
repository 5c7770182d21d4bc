#pragma once
// An HDF5 file opened read-only: its root datasets, attributes and rows. Reads io.hdf5's pieces
// back for joining, and any file for `raserflow dataset info`.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "hdf5_appender.hpp"
#include "hdf5_util.hpp"

namespace raserflow::io {

class Hdf5Reader {
 public:
  // Throws raserflow::Error naming the file when it is missing or not HDF5.
  explicit Hdf5Reader(std::filesystem::path path);
  ~Hdf5Reader();
  Hdf5Reader(const Hdf5Reader&) = delete;
  Hdf5Reader& operator=(const Hdf5Reader&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // Datasets of the root group, by name.
  std::vector<std::string> datasets() const;
  bool has_dataset(const std::string& name) const;
  // Its dtype: the `raserflow_dtype` attribute where there is one, else the stored type's name.
  std::string dtype(const std::string& name) const;
  std::vector<std::int64_t> dims(const std::string& name) const;
  // A field dataset as io.hdf5 writes it: rows of a raserflow dtype and shape. Throws otherwise.
  Column column(const std::string& name) const;

  // Reads rows [first, first + count) of a dataset written as `c` into `data` (native layout).
  void read_rows(const Column& c, std::int64_t first, std::int64_t count, void* data) const;

  // Attributes of the root group.
  std::vector<std::string> attributes() const;  // names, in name order
  bool has_attribute(const std::string& name) const;
  std::vector<std::string> strings(const std::string& name) const;
  std::int64_t int64(const std::string& name) const;

 private:
  Hid open(const std::string& name) const;

  std::filesystem::path path_;
  Hid file_;
};

}  // namespace raserflow::io
