#pragma once
// Reading io.hdf5 files back with the HDF5 C API, independently of the writer's code.
#include <complex>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <hdf5.h>

namespace io_test {

struct H5File {
  hid_t id;
  explicit H5File(const std::filesystem::path& p)
      : id(H5Fopen(p.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT)) {
    if (id < 0) throw std::runtime_error("cannot open " + p.string());
  }
  ~H5File() { H5Fclose(id); }
  H5File(const H5File&) = delete;
  H5File& operator=(const H5File&) = delete;
};

inline std::vector<hsize_t> dims_of(hid_t file, const char* name) {
  const hid_t d = H5Dopen2(file, name, H5P_DEFAULT);
  if (d < 0) throw std::runtime_error(std::string("no dataset ") + name);
  const hid_t s = H5Dget_space(d);
  std::vector<hsize_t> dims(static_cast<std::size_t>(H5Sget_simple_extent_ndims(s)));
  H5Sget_simple_extent_dims(s, dims.data(), nullptr);
  H5Sclose(s);
  H5Dclose(d);
  return dims;
}

// Whole dataset into T, converting through `mem_type`.
template <class T>
std::vector<T> read_all(hid_t file, const char* name, hid_t mem_type) {
  const hid_t d = H5Dopen2(file, name, H5P_DEFAULT);
  if (d < 0) throw std::runtime_error(std::string("no dataset ") + name);
  const hid_t s = H5Dget_space(d);
  std::vector<T> out(static_cast<std::size_t>(H5Sget_simple_extent_npoints(s)));
  const herr_t r = H5Dread(d, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data());
  H5Sclose(s);
  H5Dclose(d);
  if (r < 0) throw std::runtime_error(std::string("cannot read ") + name);
  return out;
}

// A memory type {r, i} of doubles, built here rather than taken from the writer.
inline std::vector<std::complex<double>> read_complex(hid_t file, const char* name) {
  const hid_t t = H5Tcreate(H5T_COMPOUND, 2 * sizeof(double));
  H5Tinsert(t, "r", 0, H5T_NATIVE_DOUBLE);
  H5Tinsert(t, "i", sizeof(double), H5T_NATIVE_DOUBLE);
  auto out = read_all<std::complex<double>>(file, name, t);
  H5Tclose(t);
  return out;
}

// A string attribute (scalar) or each element of a list attribute, variable-length strings.
inline std::vector<std::string> string_attribute(hid_t obj, const char* name) {
  const hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
  if (a < 0) throw std::runtime_error(std::string("no attribute ") + name);
  const hid_t s = H5Aget_space(a);
  const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(s));
  const hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  std::vector<char*> raw(n);
  H5Aread(a, t, raw.data());
  std::vector<std::string> out(raw.begin(), raw.end());
  H5Dvlen_reclaim(t, s, H5P_DEFAULT, raw.data());
  H5Tclose(t);
  H5Sclose(s);
  H5Aclose(a);
  return out;
}

// An integer attribute, read as int64.
inline std::int64_t int_attribute(hid_t obj, const char* name) {
  const hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
  if (a < 0) throw std::runtime_error(std::string("no attribute ") + name);
  std::int64_t v = 0;
  H5Aread(a, H5T_NATIVE_INT64, &v);
  H5Aclose(a);
  return v;
}

}  // namespace io_test
