#include "ismrmrd_file.hpp"

#include <unistd.h>

#include <cmath>
#include <map>
#include <optional>
#include <sstream>

#include <hdf5.h>
#include <ismrmrd/dataset.h>
#include <ismrmrd/version.h>
#include <ismrmrd/xml.h>

namespace raserflow::acquisition {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kNoise = 19, kFirstInSlice = 7, kLastInSlice = 8, kFirstInRepetition = 13,
              kLastInRepetition = 14, kLastInMeasurement = 25;

std::string user_string(const ISMRMRD::IsmrmrdHeader& h, const std::string& name) {
  if (!h.userParameters) return {};
  for (const auto& p : h.userParameters->userParameterString)
    if (p.name == name) return p.value;
  return {};
}

const char* trajectory_name(ISMRMRD::TrajectoryType t) {
  switch (t) {
    case ISMRMRD::TrajectoryType::CARTESIAN:
      return "cartesian";
    case ISMRMRD::TrajectoryType::EPI:
      return "epi";
    case ISMRMRD::TrajectoryType::RADIAL:
      return "radial";
    case ISMRMRD::TrajectoryType::GOLDENANGLE:
      return "goldenangle";
    case ISMRMRD::TrajectoryType::SPIRAL:
      return "spiral";
    case ISMRMRD::TrajectoryType::OTHER:
      return "other";
  }
  return "unknown";
}

struct Readout {
  std::vector<Complex> fid;
  std::optional<double> angle;
  std::size_t index;  // in the file, for messages
};

}  // namespace

std::vector<Recording> read_ismrmrd(const std::filesystem::path& file, const std::string& group) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) throw FormatError(at_file(file, "no such file"));
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors are reported as FormatErrors
  if (H5Fis_hdf5(file.c_str()) <= 0) throw FormatError(at_file(file, "not an HDF5 file"));
  // libismrmrd opens files read-write: a file we may not write is read from a private copy,
  // and HDF5's file locks are off so that another reader (raserflow send) does not block us.
  ::setenv("HDF5_USE_FILE_LOCKING", "FALSE", 0);
  std::filesystem::path opened = file;
  struct RemoveCopy {
    std::filesystem::path path;
    ~RemoveCopy() {
      std::error_code ignored;
      if (!path.empty()) std::filesystem::remove(path, ignored);
    }
  } copy;
  if (::access(file.c_str(), W_OK) != 0) {
    copy.path = std::filesystem::temp_directory_path() /
                ("raserflow-ismrmrd-" + std::to_string(::getpid()) + "-" +
                 std::to_string(reinterpret_cast<std::uintptr_t>(&copy)) + ".h5");
    std::filesystem::copy_file(file, copy.path, std::filesystem::copy_options::overwrite_existing);
    opened = copy.path;
  }
  try {
    ISMRMRD::Dataset data(opened.c_str(), group.c_str(), false);
    std::string xml;
    data.readHeader(xml);
    ISMRMRD::IsmrmrdHeader header;
    try {
      ISMRMRD::deserialize(xml.c_str(), header);
    } catch (const std::exception& e) {
      throw FormatError(
          at_file(file, "the XML header is not a valid ISMRMRD header: " + std::string(e.what())));
    }
    if (header.encoding.empty()) throw FormatError(at_file(file, "the header has no encoding"));
    const auto trajectory = header.encoding[0].trajectory;
    if (trajectory != ISMRMRD::TrajectoryType::RADIAL &&
        trajectory != ISMRMRD::TrajectoryType::OTHER)
      throw FormatError(at_file(
          file, std::string("the encoding's trajectory is ") + trajectory_name(trajectory) +
                    ": raserflow reads projections (trajectory radial or other), one readout "
                    "per direction"));
    const bool ours = !user_string(header, "raserflow.schema").empty();
    const bool angle_in_user_float = user_string(header, "raserflow.angle_source") == "user_float0";

    std::map<std::int64_t, std::map<std::uint16_t, Readout>> images;
    double dwell = 0;
    std::size_t samples = 0;
    const std::uint32_t count = data.getNumberOfAcquisitions();
    for (std::uint32_t i = 0; i < count; ++i) {
      ISMRMRD::Acquisition acq;
      data.readAcquisition(i, acq);
      if (acq.isFlagSet(static_cast<ISMRMRD::ISMRMRD_AcquisitionFlags>(kNoise))) continue;
      const auto where = [&](const std::string& what) {
        return at_file(file, "readout " + std::to_string(i) + ": " + what);
      };
      if (acq.active_channels() != 1)
        throw FormatError(
            where(std::to_string(acq.active_channels()) +
                  " receive channels: raserflow's acquisition has one; combine the coils first"));
      const std::size_t ns = acq.number_of_samples();
      if (ns == 0) throw FormatError(where("no samples"));
      if (samples == 0) samples = ns;
      if (ns != samples)
        throw FormatError(
            where(std::to_string(ns) + " samples, earlier readouts " + std::to_string(samples)));
      // The header is a packed struct: read its members directly, never through the accessors'
      // references (misaligned floats).
      const ISMRMRD::AcquisitionHeader& head = acq.getHead();
      const float sample_time_us = head.sample_time_us;
      const double dt = sample_time_us * 1e-6;
      if (!(dt > 0) || !std::isfinite(dt))
        throw FormatError(
            where("sample_time_us must be > 0, got " + std::to_string(sample_time_us)));
      if (dwell == 0) dwell = dt;
      if (dt != dwell)
        throw FormatError(where("sample_time_us " + std::to_string(sample_time_us) +
                                " differs from earlier readouts' " + std::to_string(dwell * 1e6)));
      const std::int64_t image = ours ? std::int64_t{head.user_int[0]} : head.idx.repetition;
      const std::uint16_t projection = head.idx.kspace_encode_step_1;
      Readout r{std::vector<Complex>(ns), std::nullopt, i};
      const auto* values = acq.getDataPtr();
      for (std::size_t k = 0; k < ns; ++k) {
        r.fid[k] = Complex(values[k].real(), values[k].imag());
        if (!std::isfinite(r.fid[k].real()) || !std::isfinite(r.fid[k].imag()))
          throw FormatError(where("sample " + std::to_string(k) + " is not finite"));
      }
      const float read_x = head.read_dir[0], read_y = head.read_dir[1];
      if (angle_in_user_float)
        r.angle = head.user_float[0];
      else if (read_x != 0 || read_y != 0)
        r.angle = std::atan2(read_y, read_x) * 180 / kPi;
      if (r.angle && !std::isfinite(*r.angle)) throw FormatError(where("the angle is not finite"));
      auto [it, fresh] = images[image].emplace(projection, std::move(r));
      if (!fresh)
        throw FormatError(where("projection " + std::to_string(projection) + " of image " +
                                std::to_string(image) + " appears twice (first in readout " +
                                std::to_string(it->second.index) + ")"));
    }
    if (images.empty())
      throw FormatError(at_file(
          file, "no imaging readouts (" + std::to_string(count) + " readouts, all noise or none)"));
    std::vector<Recording> out;
    for (auto& [image, readouts] : images) {
      Recording rec;
      rec.dwell = dwell;
      rec.source = file.string() + " (image " + std::to_string(image) + ")";
      std::uint16_t expected = 0;
      bool all_angles = true, no_angles = true;
      for (auto& [p, r] : readouts) {
        if (p != expected)
          throw FormatError(at_file(file, "image " + std::to_string(image) + " has no projection " +
                                              std::to_string(expected) +
                                              " (kspace_encode_step_1) but has " +
                                              std::to_string(p)));
        ++expected;
        all_angles = all_angles && r.angle.has_value();
        no_angles = no_angles && !r.angle.has_value();
        rec.angles.push_back(r.angle.value_or(0));
        rec.fids.push_back(std::move(r.fid));
      }
      if (!all_angles && !no_angles)
        throw FormatError(at_file(file, "image " + std::to_string(image) +
                                            ": some readouts have a direction, others none"));
      if (no_angles) rec.angles.clear();
      out.push_back(std::move(rec));
    }
    return out;
  } catch (const FormatError&) {
    throw;
  } catch (const std::exception& e) {
    throw FormatError(
        at_file(file, "cannot read as ISMRMRD (group '" + group + "'): " + std::string(e.what())));
  }
}

std::string ismrmrd_header_xml(const IsmrmrdWriterSettings& settings, std::size_t samples,
                               std::size_t projections, double dwell, std::int64_t images) {
  // The header in scaled units: libismrmrd prints doubles with 6 decimals (formats.md §1.4).
  ISMRMRD::IsmrmrdHeader h;
  h.version = ISMRMRD_XMLHDR_VERSION;
  h.experimentalConditions.H1resonanceFrequency_Hz = std::lround(settings.larmor_frequency);
  ISMRMRD::Encoding e;
  const double bandwidth = dwell > 0 ? 1 / dwell : 0;
  constexpr double gamma_bar = 42.577478518e6;  // 1H, Hz/T
  e.encodedSpace.matrixSize = ISMRMRD::MatrixSize(static_cast<std::uint16_t>(samples),
                                                  static_cast<std::uint16_t>(projections), 1);
  e.encodedSpace.fieldOfView_mm = {
      static_cast<float>(settings.gradient > 0 ? bandwidth / (gamma_bar * settings.gradient) * 1e3
                                               : 0),
      static_cast<float>(settings.recon_fov * 1e3), 1};
  e.reconSpace.matrixSize = ISMRMRD::MatrixSize(settings.recon_matrix, settings.recon_matrix, 1);
  e.reconSpace.fieldOfView_mm = {static_cast<float>(settings.recon_fov * 1e3),
                                 static_cast<float>(settings.recon_fov * 1e3), 1};
  const auto last = [](std::size_t n) { return static_cast<std::uint16_t>(n > 0 ? n - 1 : 0); };
  e.encodingLimits.kspace_encoding_step_1 = ISMRMRD::Limit(0, last(projections), 0);
  e.encodingLimits.repetition =
      ISMRMRD::Limit(0, last(static_cast<std::size_t>(std::min<std::int64_t>(images, 65536))), 0);
  e.trajectory = ISMRMRD::TrajectoryType::OTHER;
  ISMRMRD::TrajectoryDescription td;
  td.identifier = "raserflow.center_out_projection";
  e.trajectoryDescription = td;
  h.encoding.push_back(e);
  ISMRMRD::UserParameters u;
  u.userParameterDouble.push_back({"raserflow.dwell_us", dwell * 1e6});
  u.userParameterDouble.push_back({"raserflow.gradient_uT_per_m", settings.gradient * 1e6});
  u.userParameterDouble.push_back({"raserflow.bandwidth_Hz", bandwidth});
  u.userParameterString.push_back({"raserflow.angle_source", "user_float0"});
  u.userParameterString.push_back({"raserflow.schema", "raserflow-acq/1"});
  u.userParameterString.push_back({"raserflow.time_stamp_unit", "ms"});
  h.userParameters = u;
  std::ostringstream xml;
  ISMRMRD::serialize(h, xml);
  return xml.str();
}

void projection_header(ISMRMRD::ISMRMRD_AcquisitionHeader& head, const Recording& image,
                       std::size_t p, std::int64_t image_index, std::uint32_t scan_counter,
                       double gradient) {
  const std::size_t T = image.fids.at(p).size();
  if (T > 65535)
    throw std::invalid_argument("ISMRMRD stores at most 65,535 samples per readout, got " +
                                std::to_string(T));
  if (image.angles.size() != image.fids.size())
    throw std::invalid_argument("ISMRMRD writer: one angle per row");
  ISMRMRD::ismrmrd_init_acquisition_header(&head);
  head.number_of_samples = static_cast<std::uint16_t>(T);
  head.available_channels = 1;
  head.active_channels = 1;
  head.trajectory_dimensions = 0;
  head.scan_counter = scan_counter;
  head.sample_time_us = static_cast<float>(image.dwell * 1e6);
  ISMRMRD::ismrmrd_set_channel_on(head.channel_mask, 0);
  const double theta = image.angles[p] * kPi / 180;
  head.read_dir[0] = static_cast<float>(std::cos(theta));
  head.read_dir[1] = static_cast<float>(std::sin(theta));
  head.phase_dir[0] = static_cast<float>(-std::sin(theta));
  head.phase_dir[1] = static_cast<float>(std::cos(theta));
  head.slice_dir[2] = 1;
  head.idx.kspace_encode_step_1 = static_cast<std::uint16_t>(p);
  head.idx.repetition = image_index < 65536 ? static_cast<std::uint16_t>(image_index) : 0;
  head.user_int[0] = static_cast<std::int32_t>(image_index);
  head.user_float[0] = static_cast<float>(image.angles[p]);
  head.user_float[1] = static_cast<float>(gradient * 1e6);
  if (p == 0) {
    ISMRMRD::ismrmrd_set_flag(&head.flags, kFirstInSlice);
    ISMRMRD::ismrmrd_set_flag(&head.flags, kFirstInRepetition);
  }
  if (p + 1 == image.fids.size()) {
    ISMRMRD::ismrmrd_set_flag(&head.flags, kLastInSlice);
    ISMRMRD::ismrmrd_set_flag(&head.flags, kLastInRepetition);
  }
}

struct IsmrmrdWriter::Impl {
  std::unique_ptr<ISMRMRD::Dataset> data;
  std::vector<ISMRMRD::Acquisition> pending;  // the last image: its last readout ends the file
};

IsmrmrdWriter::IsmrmrdWriter(std::filesystem::path file, IsmrmrdWriterSettings settings)
    : file_(std::move(file)), settings_(settings), impl_(new Impl) {
  partial_ = file_;
  partial_ += ".partial-" + std::to_string(::getpid());
  std::filesystem::remove(partial_);  // libismrmrd appends to an existing file
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  try {
    impl_->data = std::make_unique<ISMRMRD::Dataset>(partial_.c_str(), "dataset", true);
  } catch (const std::exception& e) {
    delete impl_;
    throw std::runtime_error("cannot create " + partial_.string() + ": " + e.what());
  }
}

IsmrmrdWriter::~IsmrmrdWriter() {
  if (!impl_) return;
  impl_->data.reset();
  delete impl_;
  std::error_code ec;
  std::filesystem::remove(partial_, ec);
}

void IsmrmrdWriter::append(const Recording& image, std::int64_t image_index) {
  if (!impl_) throw std::logic_error("IsmrmrdWriter: append after close");
  const std::size_t P = image.fids.size();
  if (P == 0 || image.fids[0].empty()) throw std::invalid_argument("ISMRMRD writer: empty image");
  const std::size_t T = image.fids[0].size();
  if (T > 65535)
    throw std::invalid_argument("ISMRMRD stores at most 65,535 samples per readout, got " +
                                std::to_string(T));
  if (image.angles.size() != P) throw std::invalid_argument("ISMRMRD writer: one angle per row");
  if (images_ == 0) {
    samples_ = T;
    projections_ = P;
    dwell_ = image.dwell;
  } else if (T != samples_ || P != projections_ || image.dwell != dwell_) {
    throw std::invalid_argument("ISMRMRD writer: every image needs the first one's " +
                                std::to_string(projections_) + " x " + std::to_string(samples_) +
                                " samples and dwell");
  }
  for (auto& acq : impl_->pending) impl_->data->appendAcquisition(acq);
  impl_->pending.clear();
  for (std::size_t p = 0; p < P; ++p) {
    ISMRMRD::AcquisitionHeader head;
    projection_header(head, image, p, image_index, readouts_++, settings_.gradient);
    ISMRMRD::Acquisition acq;
    acq.setHead(head);
    auto* values = acq.getDataPtr();
    for (std::size_t k = 0; k < T; ++k)
      values[k] = std::complex<float>(static_cast<float>(image.fids[p][k].real()),
                                      static_cast<float>(image.fids[p][k].imag()));
    impl_->pending.push_back(std::move(acq));
  }
  ++images_;
}

void IsmrmrdWriter::close() {
  if (!impl_) throw std::logic_error("IsmrmrdWriter: closed twice");
  if (!impl_->pending.empty())
    impl_->pending.back().setFlag(
        static_cast<ISMRMRD::ISMRMRD_AcquisitionFlags>(kLastInMeasurement));
  for (auto& acq : impl_->pending) impl_->data->appendAcquisition(acq);
  impl_->pending.clear();

  impl_->data->writeHeader(ismrmrd_header_xml(settings_, samples_, projections_, dwell_, images_));
  impl_->data.reset();  // closes the file
  delete impl_;
  impl_ = nullptr;
  std::filesystem::rename(partial_, file_);
}

}  // namespace raserflow::acquisition
