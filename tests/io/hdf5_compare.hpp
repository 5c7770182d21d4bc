#pragma once
// Compares two HDF5 files dataset by dataset and attribute by attribute, with the HDF5 C API
// only (independently of the writer's code).
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <hdf5.h>

#include "hdf5_read.hpp"

namespace io_test {

// Names of the links in the root group, in name order.
inline std::vector<std::string> root_names(hid_t file) {
  H5G_info_t info{};
  H5Gget_info(file, &info);
  std::vector<std::string> out;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    char name[256] = {};
    H5Lget_name_by_idx(file, ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof name, H5P_DEFAULT);
    out.emplace_back(name);
  }
  return out;
}

inline herr_t collect_name(hid_t, const char* name, const H5A_info_t*, void* out) {
  static_cast<std::vector<std::string>*>(out)->emplace_back(name);
  return 0;
}

// Every attribute of `obj`, in name order: its name and its value as stored, strings as text.
inline std::vector<std::pair<std::string, std::string>> attributes_of(hid_t obj) {
  std::vector<std::string> names;
  H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_name, &names);
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& name : names) {
    const hid_t a = H5Aopen(obj, name.c_str(), H5P_DEFAULT);
    const hid_t t = H5Aget_type(a);
    std::string value;
    if (H5Tget_class(t) == H5T_STRING) {
      for (const auto& s : string_attribute(obj, name.c_str())) value += s + "\n";
    } else {
      const hid_t s = H5Aget_space(a);
      value.resize(H5Tget_size(t) * static_cast<std::size_t>(H5Sget_simple_extent_npoints(s)));
      H5Aread(a, t, value.data());
      H5Sclose(s);
    }
    H5Tclose(t);
    H5Aclose(a);
    out.emplace_back(name, value);
  }
  return out;
}

// The raw bytes of a dataset, its dims, chunk dims and number of filters.
struct DatasetImage {
  std::vector<hsize_t> dims, chunk;
  int filters = 0;
  std::string bytes;
  std::vector<std::pair<std::string, std::string>> attributes;
  bool operator==(const DatasetImage&) const = default;
};

inline DatasetImage image_of(hid_t file, const std::string& name) {
  DatasetImage d;
  d.dims = dims_of(file, name.c_str());
  const hid_t id = H5Dopen2(file, name.c_str(), H5P_DEFAULT);
  const hid_t dcpl = H5Dget_create_plist(id);
  d.chunk.resize(8);
  d.chunk.resize(static_cast<std::size_t>(std::max(0, H5Pget_chunk(dcpl, 8, d.chunk.data()))));
  d.filters = H5Pget_nfilters(dcpl);
  const hid_t t = H5Dget_type(id);
  std::size_t n = H5Tget_size(t);
  for (auto k : d.dims) n *= k;
  d.bytes.resize(n);
  if (n) H5Dread(id, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, d.bytes.data());
  d.attributes = attributes_of(id);
  H5Tclose(t);
  H5Pclose(dcpl);
  H5Dclose(id);
  return d;
}

inline void expect_same_datasets_and_attributes(const std::filesystem::path& a,
                                                const std::filesystem::path& b) {
  H5File fa(a), fb(b);
  const auto names = root_names(fa.id);
  EXPECT_EQ(names, root_names(fb.id));
  for (const auto& n : names) EXPECT_TRUE(image_of(fa.id, n) == image_of(fb.id, n)) << n;
  EXPECT_EQ(attributes_of(fa.id), attributes_of(fb.id));
}

}  // namespace io_test
