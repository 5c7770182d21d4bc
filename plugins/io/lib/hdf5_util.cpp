#include "hdf5_util.hpp"

#include <algorithm>
#include <complex>
#include <type_traits>

#include "hdf5_driver.hpp"
#include "raserflow/dtype.hpp"
#include "raserflow/error.hpp"

namespace raserflow::io {

namespace {

std::recursive_mutex& hdf5_mutex() {
  static std::recursive_mutex m;
  return m;
}

herr_t innermost(unsigned n, const H5E_error2_t* e, void* out) {
  if (n == 0) *static_cast<std::string*>(out) = std::string(e->desc) + " (in " + e->func_name + ")";
  return 0;
}

Hid complex_type(hid_t part, std::size_t part_size, const std::string& what) {
  // Members named r and i are what h5py (and numpy) read back as a complex number.
  auto t = make(H5Tcreate(H5T_COMPOUND, 2 * part_size), H5Tclose, what);
  check(H5Tinsert(t.get(), "r", 0, part), what);
  check(H5Tinsert(t.get(), "i", part_size, part), what);
  return t;
}

template <class T>
constexpr bool is_complex = false;
template <class T>
constexpr bool is_complex<std::complex<T>> = true;

// The native HDF5 type of a real element type.
template <class T>
hid_t native_type() {
  if constexpr (std::is_same_v<T, std::uint8_t>)
    return H5T_NATIVE_UINT8;
  else if constexpr (std::is_same_v<T, std::int32_t>)
    return H5T_NATIVE_INT32;
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return H5T_NATIVE_INT64;
  else if constexpr (std::is_same_v<T, float>)
    return H5T_NATIVE_FLOAT;
  else
    return H5T_NATIVE_DOUBLE;
  static_assert(std::is_same_v<T, std::uint8_t> || std::is_same_v<T, std::int32_t> ||
                std::is_same_v<T, std::int64_t> || std::is_same_v<T, float> ||
                std::is_same_v<T, double>);
}

Hid string_type(const std::string& what) {
  auto t = make(H5Tcopy(H5T_C_S1), H5Tclose, what);
  check(H5Tset_size(t.get(), H5T_VARIABLE), what);
  check(H5Tset_cset(t.get(), H5T_CSET_UTF8), what);
  return t;
}

std::string number_name(hid_t type) {
  const auto bits = std::to_string(8 * H5Tget_size(type));
  switch (H5Tget_class(type)) {
    case H5T_INTEGER:
      return (H5Tget_sign(type) == H5T_SGN_NONE ? "uint" : "int") + bits;
    case H5T_FLOAT:
      return "float" + bits;
    default:
      return {};
  }
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

Hdf5Lock::Hdf5Lock() : lock_(hdf5_mutex()) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

void fail(const std::string& what, const WriteStatus* status) {
  std::string cause;
  if (status && status->failed())
    cause = status->error;
  else
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, innermost, &cause);
  H5Eclear2(H5E_DEFAULT);
  throw Error(what + (cause.empty() ? std::string() : ": " + cause));
}

hid_t check(hid_t id, const std::string& what, const WriteStatus* status) {
  if (id < 0 || (status && status->failed())) fail(what, status);
  return id;
}

Hid make(hid_t id, Hid::Closer closer, const std::string& what, const WriteStatus* status) {
  Hid h(id, closer);  // closed again if the status reports a failure
  check(id, what, status);
  return h;
}

Hid element_type(DType d, const std::string& what) {
  return visit_dtype(d, [&](auto zero) {
    using T = decltype(zero);
    if constexpr (is_complex<T>) {
      using Part = typename T::value_type;
      return complex_type(native_type<Part>(), sizeof(Part), what);
    } else {
      return make(H5Tcopy(native_type<T>()), H5Tclose, what);
    }
  });
}

std::string type_name(hid_t type) {
  switch (H5Tget_class(type)) {
    case H5T_INTEGER:
    case H5T_FLOAT:
      return number_name(type);
    case H5T_STRING:
      return "string";
    case H5T_COMPOUND: {
      if (H5Tget_nmembers(type) != 2) return "compound";
      Hid r(H5Tget_member_type(type, 0), H5Tclose), i(H5Tget_member_type(type, 1), H5Tclose);
      const auto part = number_name(r.get());
      if (part.starts_with("float") && part == number_name(i.get()))
        return "complex" + std::to_string(2 * 8 * H5Tget_size(r.get()));
      return "compound";
    }
    default:
      return "other";
  }
}

void write_string_attribute(hid_t owner, const std::string& name,
                            const std::vector<std::string>& values, bool scalar) {
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

void write_int64_attribute(hid_t owner, const std::string& name, std::int64_t value) {
  const auto what = "cannot write attribute '" + name + "'";
  if (check(H5Aexists(owner, name.c_str()), what) > 0) check(H5Adelete(owner, name.c_str()), what);
  auto space = make(H5Screate(H5S_SCALAR), H5Sclose, what);
  auto attr =
      make(H5Acreate2(owner, name.c_str(), H5T_STD_I64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT),
           H5Aclose, what);
  check(H5Awrite(attr.get(), H5T_NATIVE_INT64, &value), what);
}

bool has_attribute(hid_t owner, const std::string& name) {
  return check(H5Aexists(owner, name.c_str()), "cannot look for attribute '" + name + "'") > 0;
}

std::vector<std::string> read_string_attribute(hid_t owner, const std::string& name) {
  const auto what = "cannot read attribute '" + name + "'";
  auto attr = make(H5Aopen(owner, name.c_str(), H5P_DEFAULT), H5Aclose, what);
  auto stored = make(H5Aget_type(attr.get()), H5Tclose, what);
  if (H5Tget_class(stored.get()) != H5T_STRING || H5Tis_variable_str(stored.get()) <= 0)
    throw Error(what + ": not a variable-length string");
  auto space = make(H5Aget_space(attr.get()), H5Sclose, what);
  const auto n = static_cast<std::size_t>(check(H5Sget_simple_extent_npoints(space.get()), what));
  auto type = string_type(what);
  std::vector<char*> raw(n, nullptr);
  check(H5Aread(attr.get(), type.get(), raw.data()), what);
  std::vector<std::string> out;
  for (auto* s : raw) out.emplace_back(s ? s : "");
  H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, raw.data());
  return out;
}

std::int64_t read_int64_attribute(hid_t owner, const std::string& name) {
  const auto what = "cannot read attribute '" + name + "'";
  auto attr = make(H5Aopen(owner, name.c_str(), H5P_DEFAULT), H5Aclose, what);
  auto space = make(H5Aget_space(attr.get()), H5Sclose, what);
  if (check(H5Sget_simple_extent_npoints(space.get()), what) != 1)
    throw Error(what + ": not a single value");
  std::int64_t v = 0;
  check(H5Aread(attr.get(), H5T_NATIVE_INT64, &v), what);
  return v;
}

hsize_t items_per_chunk(std::size_t item_bytes) {
  constexpr std::size_t target = 16 * 1024;
  return std::max<hsize_t>(1, target / std::max<std::size_t>(item_bytes, 1));
}

}  // namespace raserflow::io
