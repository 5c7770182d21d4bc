#include "hdf5_appender.hpp"

#include <algorithm>
#include <complex>
#include <mutex>

#include "raserflow/error.hpp"

namespace raserflow::io {

namespace {

// Serialises this plugin's HDF5 calls even where the library was built without its global
// lock (Debian's is thread-safe; other builds may not be).
std::mutex& hdf5_mutex() {
  static std::mutex m;
  return m;
}

// The automatic error printer is a per-thread setting in thread-safe builds, and the runtime
// calls a node from any worker thread, so it is switched off on every entry.
void quiet() {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

herr_t innermost(unsigned n, const H5E_error2_t* e, void* out) {
  if (n == 0) *static_cast<std::string*>(out) = std::string(e->desc) + " (in " + e->func_name + ")";
  return 0;
}

[[noreturn]] void fail(const std::string& what) {
  std::string cause;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, innermost, &cause);
  H5Eclear2(H5E_DEFAULT);
  throw Error(what + (cause.empty() ? std::string() : ": " + cause));
}

hid_t check(hid_t id, const std::string& what) {
  if (id < 0) fail(what);
  return id;
}

Hid make(hid_t id, Hid::Closer closer, const std::string& what) {
  return Hid(check(id, what), closer);
}

Hid complex_type(hid_t part, std::size_t part_size, const std::string& what) {
  // Members named r and i are what h5py (and numpy) read back as a complex number.
  auto t = make(H5Tcreate(H5T_COMPOUND, 2 * part_size), H5Tclose, what);
  check(H5Tinsert(t.get(), "r", 0, part), what);
  check(H5Tinsert(t.get(), "i", part_size, part), what);
  return t;
}

Hid element_type(DType d, const std::string& what) {
  switch (d) {
    case DType::uint8:
      return make(H5Tcopy(H5T_NATIVE_UINT8), H5Tclose, what);
    case DType::int32:
      return make(H5Tcopy(H5T_NATIVE_INT32), H5Tclose, what);
    case DType::int64:
      return make(H5Tcopy(H5T_NATIVE_INT64), H5Tclose, what);
    case DType::float32:
      return make(H5Tcopy(H5T_NATIVE_FLOAT), H5Tclose, what);
    case DType::float64:
      return make(H5Tcopy(H5T_NATIVE_DOUBLE), H5Tclose, what);
    case DType::complex64:
      return complex_type(H5T_NATIVE_FLOAT, sizeof(float), what);
    case DType::complex128:
      return complex_type(H5T_NATIVE_DOUBLE, sizeof(double), what);
  }
  throw Error(what + ": unknown dtype");
}

Hid string_type(const std::string& what) {
  auto t = make(H5Tcopy(H5T_C_S1), H5Tclose, what);
  check(H5Tset_size(t.get(), H5T_VARIABLE), what);
  check(H5Tset_cset(t.get(), H5T_CSET_UTF8), what);
  return t;
}

void write_strings(hid_t owner, const std::string& name, const std::vector<std::string>& values,
                   bool scalar) {
  const auto what = "cannot write attribute '" + name + "'";
  if (check(H5Aexists(owner, name.c_str()), what) > 0) check(H5Adelete(owner, name.c_str()), what);
  auto type = string_type(what);
  const hsize_t n = values.size();
  auto space = scalar ? make(H5Screate(H5S_SCALAR), H5Sclose, what)
                      : make(H5Screate_simple(1, &n, nullptr), H5Sclose, what);
  auto attr =
      make(H5Acreate2(owner, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
           H5Aclose, what);
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  check(H5Awrite(attr.get(), type.get(), ptrs.data()), what);
}

// Chunks hold one item, or as many small items (scalars, short vectors) as fill ~16 KiB, so a
// long run of scalars is not stored as millions of 8-byte chunks.
hsize_t items_per_chunk(std::size_t item_bytes) {
  constexpr std::size_t target = 16 * 1024;
  return std::max<hsize_t>(1, target / std::max<std::size_t>(item_bytes, 1));
}

}  // namespace

Hid& Hid::operator=(Hid&& o) noexcept {
  if (this != &o) {
    reset();
    id_ = std::exchange(o.id_, H5I_INVALID_HID);
    closer_ = o.closer_;
  }
  return *this;
}

herr_t Hid::reset() noexcept {
  herr_t r = 0;
  if (id_ >= 0 && closer_) r = closer_(id_);
  id_ = H5I_INVALID_HID;
  return r;
}

Hdf5Appender::Hdf5Appender(const std::filesystem::path& path, int deflate_level)
    : path_(path), deflate_level_(deflate_level) {
  std::lock_guard lock(hdf5_mutex());
  quiet();
  const auto what = "cannot create HDF5 file " + path.string();
  if (deflate_level_ > 0 && H5Zfilter_avail(H5Z_FILTER_DEFLATE) <= 0)
    throw Error("this HDF5 library has no deflate filter; set compression to 0");
  // No object timestamps, so identical runs give byte-identical files.
  auto fcpl = make(H5Pcreate(H5P_FILE_CREATE), H5Pclose, what);
  check(H5Pset_obj_track_times(fcpl.get(), false), what);
  file_ = make(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl.get(), H5P_DEFAULT), H5Fclose, what);
}

Hdf5Appender::~Hdf5Appender() {
  std::lock_guard lock(hdf5_mutex());
  quiet();
  index_.reset();
  fields_.clear();
  file_.reset();
  H5Eclear2(H5E_DEFAULT);
}

void Hdf5Appender::set_attribute(const std::string& name, const std::string& value) {
  std::lock_guard lock(hdf5_mutex());
  quiet();
  write_strings(file_.get(), name, {value}, true);
}

void Hdf5Appender::set_attribute(const std::string& name, const std::vector<std::string>& values) {
  std::lock_guard lock(hdf5_mutex());
  quiet();
  write_strings(file_.get(), name, values, false);
}

Hdf5Appender::Dataset Hdf5Appender::create(const std::string& name, DType dtype,
                                           const Shape& shape) {
  const auto what = "cannot create dataset '" + name + "' in " + path_.string();
  Dataset d{name, dtype, shape, element_type(dtype, what), {}};
  std::vector<hsize_t> dims{0}, maxdims{H5S_UNLIMITED},
      chunk{items_per_chunk(static_cast<std::size_t>(Array::element_count(shape)) *
                            dtype_size(dtype))};
  for (auto n : shape) {
    dims.push_back(static_cast<hsize_t>(n));
    maxdims.push_back(static_cast<hsize_t>(n));
    chunk.push_back(static_cast<hsize_t>(n));
  }
  auto space = make(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), maxdims.data()),
                    H5Sclose, what);
  auto dcpl = make(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, what);
  check(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()), what);
  check(H5Pset_obj_track_times(dcpl.get(), false), what);
  if (deflate_level_ > 0) {
    check(H5Pset_shuffle(dcpl.get()), what);
    check(H5Pset_deflate(dcpl.get(), static_cast<unsigned>(deflate_level_)), what);
  }
  d.id = make(H5Dcreate2(file_.get(), name.c_str(), d.type.get(), space.get(), H5P_DEFAULT,
                         dcpl.get(), H5P_DEFAULT),
              H5Dclose, what);
  write_strings(d.id.get(), "raserflow_dtype", {std::string(dtype_name(dtype))}, true);
  return d;
}

void Hdf5Appender::write_row(Dataset& d, const void* data) {
  const auto what = "cannot append item row " + std::to_string(rows_) + " to dataset '" + d.name +
                    "' in " + path_.string();
  std::vector<hsize_t> size{static_cast<hsize_t>(rows_ + 1)}, start{static_cast<hsize_t>(rows_)},
      count{1};
  for (auto n : d.shape) {
    size.push_back(static_cast<hsize_t>(n));
    start.push_back(0);
    count.push_back(static_cast<hsize_t>(n));
  }
  check(H5Dset_extent(d.id.get(), size.data()), what);
  auto file_space = make(H5Dget_space(d.id.get()), H5Sclose, what);
  check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                            nullptr),
        what);
  auto mem_space =
      make(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr), H5Sclose, what);
  check(H5Dwrite(d.id.get(), d.type.get(), mem_space.get(), file_space.get(), H5P_DEFAULT, data),
        what);
}

void Hdf5Appender::append(std::int64_t item,
                          const std::vector<std::pair<std::string, Array>>& fields) {
  std::lock_guard lock(hdf5_mutex());
  quiet();
  if (file_.get() < 0) throw Error("internal: " + path_.string() + " is already closed");
  if (rows_ > 0) {
    if (fields.size() != fields_.size())
      throw Error("internal: io.hdf5 got a different set of fields");
    for (std::size_t f = 0; f < fields.size(); ++f) {
      const auto& [name, a] = fields[f];
      const auto& d = fields_[f];
      if (name != d.name) throw Error("internal: io.hdf5 got fields in a different order");
      if (a.dtype() != d.dtype || a.shape() != d.shape)
        throw Error("field '" + name + "': item " + std::to_string(item) + " is " +
                    std::string(dtype_name(a.dtype())) + " " + shape_string(a.shape()) +
                    " but earlier items are " + std::string(dtype_name(d.dtype)) + " " +
                    shape_string(d.shape) +
                    "; a dataset needs the same dtype and shape for every item");
    }
  } else {
    for (const auto& [name, a] : fields) {
      if (std::find(a.shape().begin(), a.shape().end(), 0) != a.shape().end())
        throw Error("field '" + name + "': item " + std::to_string(item) + " has the empty shape " +
                    shape_string(a.shape()) + ", which an HDF5 chunk cannot hold");
    }
    for (const auto& [name, a] : fields) fields_.push_back(create(name, a.dtype(), a.shape()));
    index_ = create("item_index", DType::int64, {});
  }
  for (std::size_t f = 0; f < fields.size(); ++f)
    write_row(fields_[f], fields[f].second.bytes().data());
  write_row(*index_, &item);
  ++rows_;
}

void Hdf5Appender::close() {
  std::lock_guard lock(hdf5_mutex());
  quiet();
  const auto what = "cannot finish writing " + path_.string();
  // An empty run still leaves a readable file with an empty item_index.
  if (!index_) {
    auto d = create("item_index", DType::int64, {});
    index_.emplace(std::move(d));
  }
  bool ok = index_->id.reset() >= 0;
  for (auto& d : fields_) ok = d.id.reset() >= 0 && ok;
  ok = file_.reset() >= 0 && ok;
  if (!ok) fail(what);
}

}  // namespace raserflow::io
