#pragma once
// HDF5 handles, errors and types shared by the io plugin's writer, reader and command.
#include <cstdint>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <hdf5.h>

#include "raserflow/array.hpp"

namespace raserflow::io {

struct WriteStatus;

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

// Held around every call into HDF5: serialises this plugin's calls even where the library was
// built without its global lock, and switches HDF5's error printing off for this thread (a
// per-thread setting in thread-safe builds, and the runtime calls a node from any worker).
class Hdf5Lock {
 public:
  Hdf5Lock();

 private:
  std::lock_guard<std::recursive_mutex> lock_;
};

// Throws raserflow::Error: `what`, then the first failure `status` recorded (when given), else
// HDF5's innermost reason.
[[noreturn]] void fail(const std::string& what, const WriteStatus* status = nullptr);
// Returns `id` when it is valid and `status` has recorded no failure, else fail(what, status).
hid_t check(hid_t id, const std::string& what, const WriteStatus* status = nullptr);
Hid make(hid_t id, Hid::Closer closer, const std::string& what,
         const WriteStatus* status = nullptr);

// The file and memory type of `d`: native numbers; complex as a compound {r, i}.
Hid element_type(DType d, const std::string& what);
// A numpy-style name of a stored type ("float64", "complex128", "int16", "string", ...).
std::string type_name(hid_t type);

// Attributes: a UTF-8 string (scalar), a list of them, or an int64 scalar.
void write_string_attribute(hid_t owner, const std::string& name,
                            const std::vector<std::string>& values, bool scalar);
void write_int64_attribute(hid_t owner, const std::string& name, std::int64_t value);
bool has_attribute(hid_t owner, const std::string& name);
std::vector<std::string> read_string_attribute(hid_t owner, const std::string& name);
std::int64_t read_int64_attribute(hid_t owner, const std::string& name);

// Rows per chunk: one item, or as many small items (scalars, short vectors) as fill ~16 KiB,
// so a long run of scalars is not stored as millions of 8-byte chunks.
hsize_t items_per_chunk(std::size_t item_bytes);

}  // namespace raserflow::io
