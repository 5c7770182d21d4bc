#pragma once
// The file driver of every HDF5 file io.hdf5 writes: POSIX I/O that never lets HDF5 see a
// failed write.
//
// Why: when H5Fclose fails (its final flush hits a full disk, EFBIG under RLIMIT_FSIZE, an I/O
// error), HDF5 1.10 frees the file's structures but leaves its ID registered (H5F__dest frees
// the file, the failure keeps the ID; HDFFV-11052, fixed only in 1.14). At process exit
// H5_term_library closes that ID again and dereferences freed memory: a segfault long after
// the error was reported. No order of closing calls avoids it, because the close itself fails.
//
// So this driver records the first failure (file, operation, errno) in a WriteStatus and
// reports success to HDF5. From then on writes go to memory instead of the disk, and reads see
// them, so HDF5's view of the file stays consistent and closing always succeeds and frees
// everything. The writer checks the status after each call and throws raserflow::Error; the
// broken file is removed.
#include <string>

#include "hdf5_util.hpp"

namespace raserflow::io {

// What the driver records about the files it writes; must outlive them.
struct WriteStatus {
  std::string error;  // first failure, "" while all is well
  bool failed() const { return !error.empty(); }
};

// A file access property list for files that report into `status`: this driver, and close
// degree STRONG (H5Fclose closes every object still open in the file).
Hid writer_file_access(WriteStatus* status, const std::string& what);

}  // namespace raserflow::io
