#include "hdf5_driver.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>
#include <vector>

#if H5_VERSION_GE(1, 13, 2)
#include <H5FDdevelop.h>
#endif

namespace raserflow::io {

namespace {

struct DriverInfo {
  WriteStatus* status;
};

// Writes kept in memory after a failure, in the order HDF5 made them.
struct Overlay {
  haddr_t addr;
  std::vector<char> bytes;
};

struct File {
  H5FD_t pub;  // first, as HDF5 requires
  int fd;
  haddr_t eoa, eof;
  dev_t device;
  ino_t inode;
  WriteStatus* status;
  std::vector<Overlay>* overlay;
};

constexpr haddr_t max_addr = (haddr_t(1) << (8 * sizeof(off_t) - 1)) - 1;

void record(WriteStatus* status, const std::string& what, int err) {
  if (status->error.empty()) status->error = what + ": " + std::strerror(err);
}

// The callbacks are called from C: nothing may be thrown through them (only bad_alloc could).
template <class F>
herr_t guarded(F&& f) noexcept {
  try {
    return f();
  } catch (...) {
    return -1;
  }
}

// Open failures are HDF5's to report (H5Fcreate probes for an existing file first), with the
// reason pushed on its error stack.
H5FD_t* open_failed(const char* what, const char* name, int err) {
  H5Epush2(H5E_DEFAULT, __FILE__, "open", __LINE__, H5E_ERR_CLS, H5E_VFL, H5E_CANTOPENFILE,
           "%s %s: %s", what, name, std::strerror(err));
  return nullptr;
}

void* info_copy(const void* info) {
  return new (std::nothrow) DriverInfo(*static_cast<const DriverInfo*>(info));
}

herr_t info_free(void* info) {
  delete static_cast<DriverInfo*>(info);
  return 0;
}

void* info_get(H5FD_t* f) {
  return new (std::nothrow) DriverInfo{reinterpret_cast<File*>(f)->status};
}

H5FD_t* open_file(const char* name, unsigned flags, hid_t fapl, haddr_t maxaddr) {
  const auto* info = static_cast<const DriverInfo*>(H5Pget_driver_info(fapl));
  if (!info || !info->status || !name || !*name || maxaddr == 0 || maxaddr == HADDR_UNDEF)
    return nullptr;
  int o_flags = (flags & H5F_ACC_RDWR) ? O_RDWR : O_RDONLY;
  if (flags & H5F_ACC_TRUNC) o_flags |= O_TRUNC;
  if (flags & H5F_ACC_CREAT) o_flags |= O_CREAT;
  if (flags & H5F_ACC_EXCL) o_flags |= O_EXCL;
  const int fd = ::open(name, o_flags | O_CLOEXEC, 0666);
  if (fd < 0) return open_failed("cannot open", name, errno);
  struct stat sb {};
  if (::fstat(fd, &sb) < 0) {
    const int err = errno;
    ::close(fd);
    return open_failed("cannot stat", name, err);
  }
  auto* f = new (std::nothrow) File{};
  if (f) f->overlay = new (std::nothrow) std::vector<Overlay>;
  if (!f || !f->overlay) {
    delete f;
    ::close(fd);
    return open_failed("out of memory opening", name, ENOMEM);
  }
  f->fd = fd;
  f->eof = static_cast<haddr_t>(sb.st_size);
  f->device = sb.st_dev;
  f->inode = sb.st_ino;
  f->status = info->status;
  return &f->pub;
}

herr_t close_file(H5FD_t* file) {
  auto* f = reinterpret_cast<File*>(file);
  if (::close(f->fd) < 0) record(f->status, "cannot close the file", errno);
  delete f->overlay;
  delete f;
  return 0;  // never fails: see hdf5_driver.hpp
}

int compare(const H5FD_t* a, const H5FD_t* b) {
  const auto* f1 = reinterpret_cast<const File*>(a);
  const auto* f2 = reinterpret_cast<const File*>(b);
  if (f1->device != f2->device) return f1->device < f2->device ? -1 : 1;
  if (f1->inode != f2->inode) return f1->inode < f2->inode ? -1 : 1;
  return 0;
}

herr_t query(const H5FD_t*, unsigned long* flags) {
  // What the default (sec2) driver allows, so files are laid out the same way.
  if (flags)
    *flags = H5FD_FEAT_AGGREGATE_METADATA | H5FD_FEAT_ACCUMULATE_METADATA | H5FD_FEAT_DATA_SIEVE |
             H5FD_FEAT_AGGREGATE_SMALLDATA | H5FD_FEAT_POSIX_COMPAT_HANDLE |
             H5FD_FEAT_DEFAULT_VFD_COMPATIBLE;
  return 0;
}

haddr_t get_eoa(const H5FD_t* file, H5FD_mem_t) {
  return reinterpret_cast<const File*>(file)->eoa;
}

herr_t set_eoa(H5FD_t* file, H5FD_mem_t, haddr_t addr) {
  reinterpret_cast<File*>(file)->eoa = addr;
  return 0;
}

haddr_t get_eof(const H5FD_t* file, H5FD_mem_t) {
  return reinterpret_cast<const File*>(file)->eof;
}

herr_t get_handle(H5FD_t* file, hid_t, void** handle) {
  if (!handle) return -1;
  *handle = &reinterpret_cast<File*>(file)->fd;
  return 0;
}

herr_t read(H5FD_t* file, H5FD_mem_t, hid_t, haddr_t addr, size_t size, void* buf) {
  return guarded([&] {
    auto* f = reinterpret_cast<File*>(file);
    auto* out = static_cast<char*>(buf);
    std::size_t done = 0;
    while (done < size) {
      const auto n = ::pread(f->fd, out + done, size - done, static_cast<off_t>(addr + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) record(f->status, "cannot read the file", errno);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    std::memset(out + done, 0, size - done);  // past the end of the file, or unreadable
    for (const auto& o : *f->overlay) {
      const haddr_t lo = std::max(addr, o.addr),
                    hi = std::min(addr + size, o.addr + o.bytes.size());
      if (lo < hi) std::memcpy(out + (lo - addr), o.bytes.data() + (lo - o.addr), hi - lo);
    }
    return herr_t{0};
  });
}

herr_t write(H5FD_t* file, H5FD_mem_t, hid_t, haddr_t addr, size_t size, const void* buf) {
  return guarded([&] {
    auto* f = reinterpret_cast<File*>(file);
    const auto* in = static_cast<const char*>(buf);
    f->eof = std::max(f->eof, addr + size);
    if (!f->status->failed()) {
      std::size_t done = 0;
      while (done < size) {
        const auto n = ::pwrite(f->fd, in + done, size - done, static_cast<off_t>(addr + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
          record(
              f->status,
              "cannot write " + std::to_string(size) + " bytes at offset " + std::to_string(addr),
              n < 0 ? errno : EIO);
          break;
        }
        done += static_cast<std::size_t>(n);
      }
      if (done == size) return herr_t{0};
    }
    f->overlay->push_back({addr, std::vector<char>(in, in + size)});
    return herr_t{0};
  });
}

herr_t truncate(H5FD_t* file, hid_t, hbool_t) {
  return guarded([&] {
    auto* f = reinterpret_cast<File*>(file);
    if (f->eoa == f->eof) return herr_t{0};
    if (!f->status->failed() && ::ftruncate(f->fd, static_cast<off_t>(f->eoa)) < 0)
      record(f->status, "cannot set the file's size to " + std::to_string(f->eoa), errno);
    f->eof = f->eoa;
    return herr_t{0};
  });
}

hid_t driver_id() {
  static const hid_t id = [] {
    H5FD_class_t c{};
#if H5_VERSION_GE(1, 13, 2)
    c.version = H5FD_CLASS_VERSION;
    c.value = 0x7266;  // in the range HDF5 leaves to applications
#endif
    c.name = "raserflow_posix";
    c.maxaddr = max_addr;
    c.fc_degree = H5F_CLOSE_STRONG;
    c.fapl_size = sizeof(DriverInfo);
    c.fapl_get = info_get;
    c.fapl_copy = info_copy;
    c.fapl_free = info_free;
    c.open = open_file;
    c.close = close_file;
    c.cmp = compare;
    c.query = query;
    c.get_eoa = get_eoa;
    c.set_eoa = set_eoa;
    c.get_eof = get_eof;
    c.get_handle = get_handle;
    c.read = read;
    c.write = write;
    c.truncate = truncate;
    const H5FD_mem_t map[] = H5FD_FLMAP_DICHOTOMY;
    std::copy(std::begin(map), std::end(map), c.fl_map);
    return H5FDregister(&c);
  }();
  return id;
}

}  // namespace

Hid writer_file_access(WriteStatus* status, const std::string& what) {
  const hid_t driver = check(driver_id(), what + ": cannot register the file driver");
  auto fapl = make(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, what);
  const DriverInfo info{status};
  check(H5Pset_driver(fapl.get(), driver, &info), what);
  check(H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG), what);
  return fapl;
}

}  // namespace raserflow::io
