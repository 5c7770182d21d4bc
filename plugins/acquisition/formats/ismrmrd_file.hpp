#pragma once
// ISMRMRD (MRD) HDF5 files of projection readouts, through Debian's libismrmrd (formats.md §1).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "recording.hpp"

namespace ISMRMRD {
struct ISMRMRD_AcquisitionHeader;  // <ismrmrd/ismrmrd.h>: the packed 340-byte readout header
}

namespace raserflow::acquisition {

// Every image in `group` of `file`, in image order: projection p of an image from
// idx.kspace_encode_step_1, the image from user_int[0] (files raserflow wrote) or
// idx.repetition, the angle from user_float[0] (when the header says so) or the read direction,
// the dwell from sample_time_us. Noise readouts are skipped; multi-channel or Cartesian data,
// gaps or repeats in the projections and readouts of differing length are FormatErrors. The
// HDF5 library reads in a child process: a damaged file that crashes it or keeps it busy past
// `timeout` seconds is a FormatError too.
std::vector<Recording> read_ismrmrd(const std::filesystem::path& file,
                                    const std::string& group = "dataset", double timeout = 60);

struct IsmrmrdWriterSettings {
  double gradient = 26e-6;          // T/m, recorded in user_float[1] and the header
  double larmor_frequency = 60e6;   // Hz, H1resonanceFrequency_Hz
  std::uint16_t recon_matrix = 67;  // reconSpace (the pipeline's projection bins)
  double recon_fov = 7.4e-3;        // m
};

// The XML header raserflow writes (formats.md §1.4, in scaled units: libismrmrd prints six
// decimals) for `images` images of `projections` readouts of `samples` samples at `dwell`; the
// encoding limits give kspace_encoding_step_1 = 0..projections-1. Shared by IsmrmrdWriter and
// the MRD stream sender (`raserflow send`).
std::string ismrmrd_header_xml(const IsmrmrdWriterSettings& settings, std::size_t samples,
                               std::size_t projections, double dwell, std::int64_t images);

// The header of readout `p` of `image` (formats.md §1.2, §1.3): one channel, sample_time_us,
// the read/phase/slice directions and user_float[0] from the angle, kspace_encode_step_1 = p,
// the image index in user_int[0] (and idx.repetition below 65,536), flags 7 and 13 on the first
// projection and 8 and 14 on the last. LAST_IN_MEASUREMENT (25) and time stamps are the
// caller's. Throws std::invalid_argument for more than 65,535 samples or a missing angle.
void projection_header(ISMRMRD::ISMRMRD_AcquisitionHeader& head, const Recording& image,
                       std::size_t p, std::int64_t image_index, std::uint32_t scan_counter,
                       double gradient);

// Appends the images to a new file (an existing one is replaced only when the writer is closed
// after the last image: readers never see a half-written file under `file`'s name).
class IsmrmrdWriter {
 public:
  IsmrmrdWriter(std::filesystem::path file, IsmrmrdWriterSettings settings);
  ~IsmrmrdWriter();
  IsmrmrdWriter(const IsmrmrdWriter&) = delete;
  IsmrmrdWriter& operator=(const IsmrmrdWriter&) = delete;

  // One image: P readouts; `image_index` goes to user_int[0] (and idx.repetition below 65,536).
  void append(const Recording& image, std::int64_t image_index);
  // Writes the header (with the encoding limits of everything appended) and renames the file
  // into place. Without close() the partial file is removed.
  void close();
  std::int64_t images() const { return images_; }

 private:
  struct Impl;
  std::filesystem::path file_, partial_;
  IsmrmrdWriterSettings settings_;
  Impl* impl_ = nullptr;
  std::int64_t images_ = 0;
  std::uint32_t readouts_ = 0;
  std::size_t samples_ = 0, projections_ = 0;
  double dwell_ = 0;
};

}  // namespace raserflow::acquisition
