#include "model_file.hpp"

#include <functional>
#include <numeric>

#include <hdf5.h>

#include "hdf5_util.hpp"
#include "raserflow/error.hpp"
#include "raserflow/output_file.hpp"

namespace raserflow::dl {

namespace io = raserflow::io;

std::int64_t NamedTensor::numel() const {
  return std::accumulate(shape.begin(), shape.end(), std::int64_t{1}, std::multiplies<>());
}

namespace {

std::vector<hsize_t> dims_of(const NamedTensor& t) {
  std::vector<hsize_t> dims;
  for (auto d : t.shape) dims.push_back(static_cast<hsize_t>(d));
  return dims;
}

herr_t collect_name(hid_t, const char* name, const H5L_info_t*, void* out) {
  static_cast<std::vector<std::string>*>(out)->emplace_back(name);
  return 0;
}

}  // namespace

void save_model(const std::filesystem::path& path, const ModelFile& model) {
  OutputFile out(path);
  {
    io::Hdf5Lock lock;
    const std::string where = "writing model file " + path.string();
    auto file =
        io::make(H5Fcreate(out.temp_path().c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
                 H5Fclose, where);
    io::write_string_attribute(file.get(), "format", {model_format}, true);
    io::write_int64_attribute(file.get(), "format_version", model_format_version);
    io::write_string_attribute(file.get(), "architecture", {model.architecture}, true);
    io::write_string_attribute(file.get(), "config", {model.config}, true);
    io::write_string_attribute(file.get(), "metadata", {model.metadata}, true);
    auto group = io::make(H5Gcreate2(file.get(), "tensors", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                          H5Gclose, where);
    for (const auto& t : model.tensors) {
      const auto dims = dims_of(t);
      const auto expected = static_cast<std::size_t>(t.numel());
      if ((t.is_int ? t.ints.size() : t.floats.size()) != expected)
        throw Error(where + ": tensor '" + t.name + "' holds the wrong number of values");
      auto space = io::make(
          dims.empty() ? H5Screate(H5S_SCALAR)
                       : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
          H5Sclose, where);
      const hid_t type = t.is_int ? H5T_STD_I64LE : H5T_IEEE_F32LE;
      auto set = io::make(H5Dcreate2(group.get(), t.name.c_str(), type, space.get(), H5P_DEFAULT,
                                     H5P_DEFAULT, H5P_DEFAULT),
                          H5Dclose, where + ", tensor '" + t.name + "'");
      const herr_t status = t.is_int ? H5Dwrite(set.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL,
                                                H5P_DEFAULT, t.ints.data())
                                     : H5Dwrite(set.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL,
                                                H5P_DEFAULT, t.floats.data());
      if (status < 0) io::fail(where + ", tensor '" + t.name + "'");
    }
    group.reset();
    if (file.reset() < 0) io::fail(where);
  }
  out.commit();
}

ModelFile load_model(const std::filesystem::path& path) {
  const std::string where = "model file " + path.string();
  if (!std::filesystem::is_regular_file(path))
    throw Error(where + " does not exist (train one with `raserflow train`, or see models/)");
  io::Hdf5Lock lock;
  if (H5Fis_hdf5(path.c_str()) <= 0)
    throw Error(where +
                " is not an HDF5 file; a TorchScript file goes to the parameter "
                "'torchscript' instead");
  auto file = io::make(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, where);
  if (!io::has_attribute(file.get(), "format") ||
      io::read_string_attribute(file.get(), "format").at(0) != model_format)
    throw Error(where + " is HDF5 but not a raserflow model (no attribute format = \"" +
                model_format + "\")");
  const auto version = io::read_int64_attribute(file.get(), "format_version");
  if (version > model_format_version)
    throw Error(where + " has format version " + std::to_string(version) + "; this raserflow " +
                "reads up to " + std::to_string(model_format_version));
  ModelFile m;
  for (const auto& [name, into] :
       {std::pair<const char*, std::string*>{"architecture", &m.architecture},
        {"config", &m.config},
        {"metadata", &m.metadata}}) {
    if (!io::has_attribute(file.get(), name))
      throw Error(where + " has no attribute '" + name + "'");
    *into = io::read_string_attribute(file.get(), name).at(0);
  }
  auto group = io::make(H5Gopen2(file.get(), "tensors", H5P_DEFAULT), H5Gclose,
                        where + ": no group 'tensors'");
  std::vector<std::string> names;
  if (H5Literate(group.get(), H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_name, &names) < 0)
    io::fail(where + ": listing the tensors");
  for (const auto& name : names) {
    const std::string what = where + ", tensor '" + name + "'";
    auto set = io::make(H5Dopen2(group.get(), name.c_str(), H5P_DEFAULT), H5Dclose, what);
    auto space = io::make(H5Dget_space(set.get()), H5Sclose, what);
    const int rank = H5Sget_simple_extent_ndims(space.get());
    if (rank < 0 || rank > 8) throw Error(what + " has an unreadable shape");
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
    NamedTensor t;
    t.name = name;
    for (auto d : dims) t.shape.push_back(static_cast<std::int64_t>(d));
    auto type = io::make(H5Dget_type(set.get()), H5Tclose, what);
    const auto cls = H5Tget_class(type.get());
    if (t.numel() > (std::int64_t{1} << 31)) throw Error(what + " is implausibly large");
    herr_t status = -1;
    if (cls == H5T_FLOAT) {
      t.floats.resize(static_cast<std::size_t>(t.numel()));
      status = H5Dread(set.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, t.floats.data());
    } else if (cls == H5T_INTEGER) {
      t.is_int = true;
      t.ints.resize(static_cast<std::size_t>(t.numel()));
      status = H5Dread(set.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, t.ints.data());
    } else {
      throw Error(what + " is of type " + io::type_name(type.get()) +
                  "; expected float32 or int64 values");
    }
    if (status < 0) io::fail(what);
    m.tensors.push_back(std::move(t));
  }
  return m;
}

}  // namespace raserflow::dl
