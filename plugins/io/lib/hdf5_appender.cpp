#include "hdf5_appender.hpp"

#include <algorithm>

#include "raserflow/error.hpp"

namespace raserflow::io {

Hdf5Appender::Hdf5Appender(std::filesystem::path path, int deflate_level)
    : path_(std::move(path)), deflate_level_(deflate_level) {
  Hdf5Lock lock;
  const auto what = "cannot create HDF5 file " + path_.string();
  if (deflate_level_ > 0 && H5Zfilter_avail(H5Z_FILTER_DEFLATE) <= 0)
    throw Error("this HDF5 library has no deflate filter; set compression to 0");
  // No object timestamps, so identical runs give byte-identical files.
  auto fcpl = make(H5Pcreate(H5P_FILE_CREATE), H5Pclose, what);
  check(H5Pset_obj_track_times(fcpl.get(), false), what);
  auto fapl = writer_file_access(&status_, what);
  file_ = make(H5Fcreate(path_.c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get()), H5Fclose, what,
               &status_);
}

Hdf5Appender::~Hdf5Appender() {
  Hdf5Lock lock;
  close_objects();
  H5Eclear2(H5E_DEFAULT);
}

void Hdf5Appender::close_objects() noexcept {
  index_.reset();
  fields_.clear();
  file_.reset();
}

void Hdf5Appender::set_attribute(const std::string& name, const std::string& value) {
  Hdf5Lock lock;
  write_string_attribute(file_.get(), name, {value}, true);
  check(0, "cannot write attribute '" + name + "' to " + path_.string(), &status_);
}

void Hdf5Appender::set_attribute(const std::string& name, const std::vector<std::string>& values) {
  Hdf5Lock lock;
  write_string_attribute(file_.get(), name, values, false);
  check(0, "cannot write attribute '" + name + "' to " + path_.string(), &status_);
}

void Hdf5Appender::set_attribute(const std::string& name, std::int64_t value) {
  Hdf5Lock lock;
  write_int64_attribute(file_.get(), name, value);
  check(0, "cannot write attribute '" + name + "' to " + path_.string(), &status_);
}

std::vector<Column> Hdf5Appender::columns() const {
  std::vector<Column> out;
  for (const auto& d : fields_) out.push_back(d.column);
  return out;
}

Hdf5Appender::Dataset Hdf5Appender::create(const Column& c) {
  const auto what = "cannot create dataset '" + c.name + "' in " + path_.string();
  Dataset d{c,
            element_type(c.dtype, what),
            {},
            0,
            items_per_chunk(static_cast<std::size_t>(Array::element_count(c.shape)) *
                            dtype_size(c.dtype))};
  std::vector<hsize_t> dims{0}, maxdims{H5S_UNLIMITED}, chunk{d.chunk};
  for (auto n : c.shape) {
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
  d.id = make(H5Dcreate2(file_.get(), c.name.c_str(), d.type.get(), space.get(), H5P_DEFAULT,
                         dcpl.get(), H5P_DEFAULT),
              H5Dclose, what, &status_);
  write_string_attribute(d.id.get(), "raserflow_dtype", {std::string(dtype_name(c.dtype))}, true);
  check(0, what, &status_);
  return d;
}

void Hdf5Appender::define(const std::vector<Column>& fields) {
  Hdf5Lock lock;
  if (defined()) throw Error("internal: " + path_.string() + " already has its datasets");
  if (file_.get() < 0) throw Error("internal: " + path_.string() + " is already closed");
  for (const auto& c : fields) {
    if (std::find(c.shape.begin(), c.shape.end(), 0) != c.shape.end())
      throw Error("field '" + c.name + "' has the empty shape " + shape_string(c.shape) +
                  ", which an HDF5 chunk cannot hold");
  }
  for (const auto& c : fields) fields_.push_back(create(c));
  index_ = create({"item_index", DType::int64, {}});
}

const Hdf5Appender::Dataset& Hdf5Appender::dataset(std::size_t position) const {
  if (!index_ || position > fields_.size())
    throw Error("internal: no dataset " + std::to_string(position) + " in " + path_.string());
  return position == fields_.size() ? *index_ : fields_[position];
}

Hdf5Appender::Dataset& Hdf5Appender::dataset(std::size_t position) {
  return const_cast<Dataset&>(std::as_const(*this).dataset(position));
}

std::int64_t Hdf5Appender::chunk_rows(std::size_t position) const {
  return static_cast<std::int64_t>(dataset(position).chunk);
}

void Hdf5Appender::write_rows(Dataset& d, hsize_t rows, const void* data, const std::string& what) {
  std::vector<hsize_t> size{d.rows + rows}, start{d.rows}, count{rows};
  for (auto n : d.column.shape) {
    size.push_back(static_cast<hsize_t>(n));
    start.push_back(0);
    count.push_back(static_cast<hsize_t>(n));
  }
  check(H5Dset_extent(d.id.get(), size.data()), what, &status_);
  auto file_space = make(H5Dget_space(d.id.get()), H5Sclose, what);
  check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                            nullptr),
        what);
  auto mem_space =
      make(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr), H5Sclose, what);
  check(H5Dwrite(d.id.get(), d.type.get(), mem_space.get(), file_space.get(), H5P_DEFAULT, data),
        what, &status_);
  d.rows += rows;
}

void Hdf5Appender::check_row(std::int64_t item,
                             const std::vector<std::pair<std::string, Array>>& fields) {
  if (fields.size() != fields_.size())
    throw Error("internal: io.hdf5 got a different set of fields");
  for (std::size_t f = 0; f < fields.size(); ++f) {
    const auto& [name, a] = fields[f];
    const auto& c = fields_[f].column;
    if (name != c.name) throw Error("internal: io.hdf5 got fields in a different order");
    if (a.dtype() != c.dtype || a.shape() != c.shape)
      throw Error("field '" + name + "': item " + std::to_string(item) + " is " +
                  std::string(dtype_name(a.dtype())) + " " + shape_string(a.shape()) +
                  " but earlier items are " + std::string(dtype_name(c.dtype)) + " " +
                  shape_string(c.shape) +
                  "; a dataset needs the same dtype and shape for every item");
  }
}

void Hdf5Appender::append(std::int64_t item,
                          const std::vector<std::pair<std::string, Array>>& fields) {
  Hdf5Lock lock;
  if (file_.get() < 0) throw Error("internal: " + path_.string() + " is already closed");
  if (!defined()) {
    std::vector<Column> columns;
    for (const auto& [name, a] : fields) {
      if (std::find(a.shape().begin(), a.shape().end(), 0) != a.shape().end())
        throw Error("field '" + name + "': item " + std::to_string(item) + " has the empty shape " +
                    shape_string(a.shape()) + ", which an HDF5 chunk cannot hold");
      columns.push_back({name, a.dtype(), a.shape()});
    }
    define(columns);
  }
  check_row(item, fields);
  for (std::size_t f = 0; f < fields.size(); ++f)
    write_rows(fields_[f], 1, fields[f].second.bytes().data(),
               "cannot append item " + std::to_string(item) + " to dataset '" + fields[f].first +
                   "' in " + path_.string());
  write_rows(*index_, 1, &item,
             "cannot append item " + std::to_string(item) + " to item_index in " + path_.string());
}

void Hdf5Appender::append_rows(std::size_t position, std::int64_t rows, const void* data) {
  Hdf5Lock lock;
  auto& d = dataset(position);
  write_rows(d, static_cast<hsize_t>(rows), data,
             "cannot write " + std::to_string(rows) + " rows to dataset '" + d.column.name +
                 "' in " + path_.string());
}

void Hdf5Appender::close() {
  Hdf5Lock lock;
  const auto what = "cannot finish writing " + path_.string();
  if (file_.get() < 0) throw Error("internal: " + path_.string() + " is already closed");
  try {
    // A file without rows still gets an empty item_index.
    if (!index_) index_ = create({"item_index", DType::int64, {}});
  } catch (...) {
    close_objects();
    throw;
  }
  bool ok = index_->id.reset() >= 0;
  for (auto& d : fields_) ok = d.id.reset() >= 0 && ok;
  ok = file_.reset() >= 0 && ok;
  close_objects();
  if (!ok || status_.failed()) fail(what, &status_);
}

}  // namespace raserflow::io
