#include "hdf5_reader.hpp"

#include <system_error>

#include "raserflow/error.hpp"

namespace raserflow::io {

Hdf5Reader::Hdf5Reader(std::filesystem::path path) : path_(std::move(path)) {
  Hdf5Lock lock;
  const auto what = "cannot read " + path_.string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path_, ec))
    throw Error(what + ": " + (ec ? ec.message() : std::string("no such file")));
  if (H5Fis_hdf5(path_.c_str()) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    throw Error(what + ": not an HDF5 file");
  }
  auto fapl = make(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, what);
  check(H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG), what);
  // Each read opens and closes its dataset; evicting the dataset's metadata (its chunk index)
  // at the close keeps the metadata cache from growing with the rows read, so reading a file
  // from end to end needs the same memory whatever its length.
  // Best effort: an HDF5 built for MPI may refuse it, and reading still works without it.
  (void)H5Pset_evict_on_close(fapl.get(), true);
  file_ = make(H5Fopen(path_.c_str(), H5F_ACC_RDONLY, fapl.get()), H5Fclose, what);
}

Hdf5Reader::~Hdf5Reader() {
  Hdf5Lock lock;
  file_.reset();
  H5Eclear2(H5E_DEFAULT);
}

std::vector<std::string> Hdf5Reader::datasets() const {
  Hdf5Lock lock;
  const auto what = "cannot list the datasets of " + path_.string();
  H5G_info_t info{};
  check(H5Gget_info(file_.get(), &info), what);
  std::vector<std::string> out;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const auto n = check(H5Lget_name_by_idx(file_.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i,
                                            nullptr, 0, H5P_DEFAULT),
                         what);
    std::string name(static_cast<std::size_t>(n), '\0');
    check(H5Lget_name_by_idx(file_.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(),
                             name.size() + 1, H5P_DEFAULT),
          what);
    if (H5Lexists(file_.get(), name.c_str(), H5P_DEFAULT) <= 0) continue;  // a dangling link
    const hid_t obj = H5Oopen(file_.get(), name.c_str(), H5P_DEFAULT);
    if (obj < 0) {
      H5Eclear2(H5E_DEFAULT);
      continue;
    }
    if (H5Iget_type(obj) == H5I_DATASET) out.push_back(name);
    H5Oclose(obj);
  }
  return out;
}

bool Hdf5Reader::has_dataset(const std::string& name) const {
  Hdf5Lock lock;
  if (H5Lexists(file_.get(), name.c_str(), H5P_DEFAULT) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return false;
  }
  const hid_t obj = H5Oopen(file_.get(), name.c_str(), H5P_DEFAULT);
  if (obj < 0) {
    H5Eclear2(H5E_DEFAULT);
    return false;
  }
  const bool dataset = H5Iget_type(obj) == H5I_DATASET;
  H5Oclose(obj);
  return dataset;
}

Hid Hdf5Reader::open(const std::string& name) const {
  return make(H5Dopen2(file_.get(), name.c_str(), H5P_DEFAULT), H5Dclose,
              "no dataset '" + name + "' in " + path_.string());
}

std::string Hdf5Reader::dtype(const std::string& name) const {
  Hdf5Lock lock;
  auto d = open(name);
  if (io::has_attribute(d.get(), "raserflow_dtype")) {
    const auto v = read_string_attribute(d.get(), "raserflow_dtype");
    if (v.size() == 1 && parse_dtype(v[0])) return v[0];
  }
  auto t = make(H5Dget_type(d.get()), H5Tclose, "cannot read the type of '" + name + "'");
  return type_name(t.get());
}

std::vector<std::int64_t> Hdf5Reader::dims(const std::string& name) const {
  Hdf5Lock lock;
  const auto what = "cannot read the shape of '" + name + "' in " + path_.string();
  auto d = open(name);
  auto space = make(H5Dget_space(d.get()), H5Sclose, what);
  const int rank = static_cast<int>(check(H5Sget_simple_extent_ndims(space.get()), what));
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  check(H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr), what);
  return {dims.begin(), dims.end()};
}

Column Hdf5Reader::column(const std::string& name) const {
  const auto dt = parse_dtype(dtype(name));
  const auto d = dims(name);
  if (!dt || d.empty())
    throw Error("dataset '" + name + "' in " + path_.string() +
                " is not one row per item of a raserflow dtype");
  return {name, *dt, Shape(d.begin() + 1, d.end())};
}

void Hdf5Reader::read_rows(const Column& c, std::int64_t first, std::int64_t count,
                           void* data) const {
  Hdf5Lock lock;
  const auto what = "cannot read rows " + std::to_string(first) + " to " +
                    std::to_string(first + count - 1) + " of '" + c.name + "' in " + path_.string();
  auto d = open(c.name);
  auto type = element_type(c.dtype, what);
  std::vector<hsize_t> start{static_cast<hsize_t>(first)}, n{static_cast<hsize_t>(count)};
  for (auto k : c.shape) {
    start.push_back(0);
    n.push_back(static_cast<hsize_t>(k));
  }
  auto file_space = make(H5Dget_space(d.get()), H5Sclose, what);
  check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, n.data(),
                            nullptr),
        what);
  auto mem_space =
      make(H5Screate_simple(static_cast<int>(n.size()), n.data(), nullptr), H5Sclose, what);
  check(H5Dread(d.get(), type.get(), mem_space.get(), file_space.get(), H5P_DEFAULT, data), what);
}

std::vector<std::string> Hdf5Reader::attributes() const {
  Hdf5Lock lock;
  std::vector<std::string> out;
  hsize_t at = 0;
  // Called from C: nothing may be thrown through it.
  const auto collect = [](hid_t, const char* name, const H5A_info_t*, void* names) -> herr_t {
    try {
      static_cast<std::vector<std::string>*>(names)->emplace_back(name);
      return 0;
    } catch (...) {
      return -1;
    }
  };
  check(H5Aiterate2(file_.get(), H5_INDEX_NAME, H5_ITER_INC, &at, collect, &out),
        "cannot list the attributes of " + path_.string());
  return out;
}

bool Hdf5Reader::has_attribute(const std::string& name) const {
  Hdf5Lock lock;
  return io::has_attribute(file_.get(), name);
}

std::vector<std::string> Hdf5Reader::strings(const std::string& name) const {
  Hdf5Lock lock;
  return read_string_attribute(file_.get(), name);
}

std::int64_t Hdf5Reader::int64(const std::string& name) const {
  Hdf5Lock lock;
  return read_int64_attribute(file_.get(), name);
}

}  // namespace raserflow::io
