#include "ismrmrd_file.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

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

// The members of a readout this reader uses, in memory: HDF5 converts the file's compound to
// this subset by member name (libismrmrd's names, formats.md §1.2).
struct IdxFields {
  std::uint16_t kspace_encode_step_1, repetition;
};
struct HeadFields {
  std::uint64_t flags;
  std::uint16_t number_of_samples, active_channels, trajectory_dimensions;
  float sample_time_us;
  float read_dir[3];
  IdxFields idx;
  std::int32_t user_int[8];
  float user_float[8];
};
struct ReadoutFields {
  HeadFields head;
  hvl_t traj, data;
};

// An HDF5 identifier closed on scope exit.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t get() const { return id_; }
  bool ok() const { return id_ >= 0; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

Handle array_of(hid_t base, hsize_t n) {
  return {H5Tarray_create2(base, 1, &n), H5Tclose};
}

// The memory type of ReadoutFields.
Handle readout_type() {
  Handle idx(H5Tcreate(H5T_COMPOUND, sizeof(IdxFields)), H5Tclose);
  H5Tinsert(idx.get(), "kspace_encode_step_1", HOFFSET(IdxFields, kspace_encode_step_1),
            H5T_NATIVE_UINT16);
  H5Tinsert(idx.get(), "repetition", HOFFSET(IdxFields, repetition), H5T_NATIVE_UINT16);
  Handle head(H5Tcreate(H5T_COMPOUND, sizeof(HeadFields)), H5Tclose);
  H5Tinsert(head.get(), "flags", HOFFSET(HeadFields, flags), H5T_NATIVE_UINT64);
  H5Tinsert(head.get(), "number_of_samples", HOFFSET(HeadFields, number_of_samples),
            H5T_NATIVE_UINT16);
  H5Tinsert(head.get(), "active_channels", HOFFSET(HeadFields, active_channels), H5T_NATIVE_UINT16);
  H5Tinsert(head.get(), "trajectory_dimensions", HOFFSET(HeadFields, trajectory_dimensions),
            H5T_NATIVE_UINT16);
  H5Tinsert(head.get(), "sample_time_us", HOFFSET(HeadFields, sample_time_us), H5T_NATIVE_FLOAT);
  const auto dir = array_of(H5T_NATIVE_FLOAT, 3);
  H5Tinsert(head.get(), "read_dir", HOFFSET(HeadFields, read_dir), dir.get());
  H5Tinsert(head.get(), "idx", HOFFSET(HeadFields, idx), idx.get());
  const auto ints = array_of(H5T_NATIVE_INT32, 8), floats = array_of(H5T_NATIVE_FLOAT, 8);
  H5Tinsert(head.get(), "user_int", HOFFSET(HeadFields, user_int), ints.get());
  H5Tinsert(head.get(), "user_float", HOFFSET(HeadFields, user_float), floats.get());
  Handle vlen(H5Tvlen_create(H5T_NATIVE_FLOAT), H5Tclose);
  Handle readout(H5Tcreate(H5T_COMPOUND, sizeof(ReadoutFields)), H5Tclose);
  H5Tinsert(readout.get(), "head", HOFFSET(ReadoutFields, head), head.get());
  H5Tinsert(readout.get(), "traj", HOFFSET(ReadoutFields, traj), vlen.get());
  H5Tinsert(readout.get(), "data", HOFFSET(ReadoutFields, data), vlen.get());
  return {H5Tcopy(readout.get()), H5Tclose};
}

std::string read_xml(hid_t group, const std::filesystem::path& file) {
  Handle set(H5Dopen2(group, "xml", H5P_DEFAULT), H5Dclose);
  if (!set.ok()) throw FormatError(at_file(file, "no 'xml' header dataset"));
  Handle space(H5Dget_space(set.get()), H5Sclose);
  if (H5Sget_simple_extent_npoints(space.get()) != 1)
    throw FormatError(at_file(file, "the 'xml' dataset must hold one string"));
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), H5T_VARIABLE);
  char* text = nullptr;
  if (H5Dread(set.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &text) < 0 || !text)
    throw FormatError(at_file(file, "cannot read the 'xml' header as a variable-length string"));
  std::string xml(text);
  H5free_memory(text);
  return xml;
}

}  // namespace

static std::vector<Recording> read_in_this_process(const std::filesystem::path& file,
                                                   const std::string& group) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) throw FormatError(at_file(file, "no such file"));
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors are reported as FormatErrors
  if (H5Fis_hdf5(file.c_str()) <= 0) throw FormatError(at_file(file, "not an HDF5 file"));
  // Read-only with the HDF5 library itself (libismrmrd opens read-write, which would touch the
  // recording), and every readout's sample count checked against its header before use.
  Handle h5(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!h5.ok()) throw FormatError(at_file(file, "cannot open as HDF5"));
  Handle grp(H5Gopen2(h5.get(), group.c_str(), H5P_DEFAULT), H5Gclose);
  if (!grp.ok()) throw FormatError(at_file(file, "no group '" + group + "'"));
  const std::string xml = read_xml(grp.get(), file);
  ISMRMRD::IsmrmrdHeader header;
  try {
    ISMRMRD::deserialize(xml.c_str(), header);
  } catch (const std::exception& e) {
    throw FormatError(
        at_file(file, "the XML header is not a valid ISMRMRD header: " + std::string(e.what())));
  }
  if (header.encoding.empty()) throw FormatError(at_file(file, "the header has no encoding"));
  const auto& encoding = header.encoding[0];
  if (encoding.trajectory != ISMRMRD::TrajectoryType::RADIAL &&
      encoding.trajectory != ISMRMRD::TrajectoryType::OTHER)
    throw FormatError(at_file(
        file, std::string("the encoding's trajectory is ") + trajectory_name(encoding.trajectory) +
                  ": raserflow reads projections (trajectory radial or other), one readout "
                  "per direction"));
  const bool ours = !user_string(header, "raserflow.schema").empty();
  const bool angle_in_user_float = user_string(header, "raserflow.angle_source") == "user_float0";

  Handle set(H5Dopen2(grp.get(), "data", H5P_DEFAULT), H5Dclose);
  if (!set.ok()) throw FormatError(at_file(file, "no 'data' dataset of readouts"));
  Handle space(H5Dget_space(set.get()), H5Sclose);
  if (H5Sget_simple_extent_ndims(space.get()) != 1)
    throw FormatError(at_file(file, "the 'data' dataset must be one-dimensional"));
  hsize_t count = 0;
  H5Sget_simple_extent_dims(space.get(), &count, nullptr);
  // A readout takes at least its 340-byte header in the file.
  if (count > std::filesystem::file_size(file) / 340 + 1)
    throw FormatError(at_file(file, "the 'data' dataset claims " + std::to_string(count) +
                                        " readouts, more than the file can hold"));
  const auto type = readout_type();

  std::map<std::int64_t, std::map<std::uint16_t, Readout>> images;
  double dwell = 0;
  std::size_t samples = 0;
  // All readouts in one read (the count is bounded by the file's size above).
  std::vector<ReadoutFields> all(count);
  if (count > 0 && H5Dread(set.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, all.data()) < 0)
    throw FormatError(at_file(file,
                              "cannot read the readouts (not ISMRMRD readout compounds, or "
                              "damaged)"));
  struct Reclaim {
    hid_t type, space;
    std::vector<ReadoutFields>* all;
    ~Reclaim() {
      if (!all->empty()) H5Dvlen_reclaim(type, space, H5P_DEFAULT, all->data());
    }
  } reclaim{type.get(), space.get(), &all};
  for (hsize_t i = 0; i < count; ++i) {
    const auto where = [&](const std::string& what) {
      return at_file(file, "readout " + std::to_string(i) + ": " + what);
    };
    const ReadoutFields& r = all[i];
    const auto& head = r.head;
    if (head.flags & (std::uint64_t{1} << (kNoise - 1))) continue;
    if (head.active_channels != 1)
      throw FormatError(
          where(std::to_string(head.active_channels) +
                " receive channels: raserflow's acquisition has one; combine the coils first"));
    const std::size_t ns = head.number_of_samples;
    if (ns == 0) throw FormatError(where("no samples"));
    if (r.data.len != 2 * ns)
      throw FormatError(where("the header says " + std::to_string(ns) +
                              " samples, the data holds " + std::to_string(r.data.len) +
                              " floats instead of " + std::to_string(2 * ns)));
    if (samples == 0) samples = ns;
    if (ns != samples)
      throw FormatError(
          where(std::to_string(ns) + " samples, earlier readouts " + std::to_string(samples)));
    const double dt = head.sample_time_us * 1e-6;
    if (!(dt > 0) || !std::isfinite(dt))
      throw FormatError(
          where("sample_time_us must be > 0, got " + std::to_string(head.sample_time_us)));
    if (dwell == 0) dwell = dt;
    if (dt != dwell)
      throw FormatError(where("sample_time_us " + std::to_string(head.sample_time_us) +
                              " differs from earlier readouts' " + std::to_string(dwell * 1e6)));
    const std::int64_t image = ours ? std::int64_t{head.user_int[0]} : head.idx.repetition;
    const std::uint16_t projection = head.idx.kspace_encode_step_1;
    Readout readout{std::vector<Complex>(ns), std::nullopt, static_cast<std::size_t>(i)};
    const auto* values = static_cast<const float*>(r.data.p);
    for (std::size_t k = 0; k < ns; ++k) {
      readout.fid[k] = Complex(values[2 * k], values[2 * k + 1]);
      if (!std::isfinite(readout.fid[k].real()) || !std::isfinite(readout.fid[k].imag()))
        throw FormatError(where("sample " + std::to_string(k) + " is not finite"));
    }
    if (angle_in_user_float)
      readout.angle = head.user_float[0];
    else if (head.read_dir[0] != 0 || head.read_dir[1] != 0)
      readout.angle = std::atan2(head.read_dir[1], head.read_dir[0]) * 180 / kPi;
    if (readout.angle && !std::isfinite(*readout.angle))
      throw FormatError(where("the angle is not finite"));
    auto [it, fresh] = images[image].emplace(projection, std::move(readout));
    if (!fresh)
      throw FormatError(where("projection " + std::to_string(projection) + " of image " +
                              std::to_string(image) + " appears twice (first in readout " +
                              std::to_string(it->second.index) + ")"));
  }
  if (images.empty())
    throw FormatError(at_file(
        file, "no imaging readouts (" + std::to_string(count) + " readouts, all noise or none)"));
  // Projections per image: the header's encoding limits when it gives them, else the first
  // image's; a file cut short is then an error, not a smaller image.
  const auto& limit = encoding.encodingLimits.kspace_encoding_step_1;
  const std::size_t expected_projections =
      limit ? std::size_t{limit->maximum} + 1 : images.begin()->second.size();
  std::vector<Recording> out;
  for (auto& [image, readouts] : images) {
    Recording rec;
    rec.dwell = dwell;
    rec.source = file.string() + " (image " + std::to_string(image) + ")";
    if (readouts.size() != expected_projections)
      throw FormatError(at_file(
          file, "image " + std::to_string(image) + " has " + std::to_string(readouts.size()) +
                    " projections, expected " + std::to_string(expected_projections) +
                    (limit ? " (the header's kspace_encoding_step_1 limits)"
                           : " (as image " + std::to_string(images.begin()->first) + ")")));
    std::uint16_t next = 0;
    bool all_angles = true, no_angles = true;
    for (auto& [p, r] : readouts) {
      if (p != next)
        throw FormatError(at_file(
            file, "image " + std::to_string(image) + " has no projection " + std::to_string(next) +
                      " (kspace_encode_step_1) but has " + std::to_string(p)));
      ++next;
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
}

namespace {

// The result of a reading child process, over a pipe: "E" + message, or "R" + images.
void put_bytes(std::string& out, const void* p, std::size_t n) {
  out.append(static_cast<const char*>(p), n);
}
template <class T>
void put_value(std::string& out, T v) {
  put_bytes(out, &v, sizeof v);
}
template <class T>
T take_value(const std::string& in, std::size_t& at) {
  if (at + sizeof(T) > in.size()) throw std::runtime_error("short result");
  T v;
  std::memcpy(&v, in.data() + at, sizeof v);
  at += sizeof v;
  return v;
}

std::string serialize(const std::vector<Recording>& images) {
  std::size_t size = 1 + 8;
  for (const auto& r : images)
    size += 5 * 8 + r.source.size() + r.angles.size() * sizeof(double) +
            r.fids.size() * (r.fids.empty() ? 0 : r.fids[0].size()) * sizeof(Complex);
  std::string out;
  out.reserve(size);  // one allocation: page faults are most of the cost of moving the images
  out = "R";
  put_value<std::uint64_t>(out, images.size());
  for (const auto& r : images) {
    put_value<std::uint64_t>(out, r.fids.size());
    put_value<std::uint64_t>(out, r.fids.empty() ? 0 : r.fids[0].size());
    put_value<std::uint64_t>(out, r.angles.size());
    put_value(out, r.dwell);
    put_value<std::uint64_t>(out, r.source.size());
    put_bytes(out, r.source.data(), r.source.size());
    put_bytes(out, r.angles.data(), r.angles.size() * sizeof(double));
    for (const auto& row : r.fids) put_bytes(out, row.data(), row.size() * sizeof(Complex));
  }
  return out;
}

std::vector<Recording> deserialize(const std::string& in) {
  std::size_t at = 1;
  std::vector<Recording> images(take_value<std::uint64_t>(in, at));
  for (auto& r : images) {
    const auto P = take_value<std::uint64_t>(in, at), T = take_value<std::uint64_t>(in, at),
               A = take_value<std::uint64_t>(in, at);
    r.dwell = take_value<double>(in, at);
    const auto S = take_value<std::uint64_t>(in, at);
    if (in.size() - at < S + A * sizeof(double) + P * T * sizeof(Complex))
      throw std::runtime_error("short result");
    r.source.assign(in.data() + at, S);
    at += S;
    r.angles.resize(A);
    std::memcpy(r.angles.data(), in.data() + at, A * sizeof(double));
    at += A * sizeof(double);
    r.fids.assign(P, std::vector<Complex>(T));
    for (auto& row : r.fids) {
      std::memcpy(row.data(), in.data() + at, T * sizeof(Complex));
      at += T * sizeof(Complex);
    }
  }
  return images;
}

}  // namespace

std::vector<Recording> read_ismrmrd(const std::filesystem::path& file, const std::string& group,
                                    double timeout) {
  // The HDF5 library is not hardened against damaged files (a corrupted heap can crash it or
  // keep it busy for minutes), so it reads in a child process: a crash or a time-out is a
  // FormatError here, never the end of the run.
  int fds[2];
  if (::pipe(fds) != 0) throw FormatError(at_file(file, "cannot create a pipe to read it"));
  const pid_t child = ::fork();
  if (child < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw FormatError(at_file(file, "cannot start a process to read it"));
  }
  if (child == 0) {
    ::close(fds[0]);
    std::string result;
    try {
      result = serialize(read_in_this_process(file, group));
    } catch (const std::exception& e) {
      result = std::string("E") + e.what();
    }
    const std::uint64_t length = result.size();
    if (::write(fds[1], &length, sizeof length) != sizeof length) ::_exit(1);
    for (std::size_t done = 0; done < result.size();) {
      const auto n = ::write(fds[1], result.data() + done, result.size() - done);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string result;
  std::uint64_t length = 0;
  std::size_t length_bytes = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout);
  bool timed_out = false;
  char buffer[1 << 16];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000)));
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    if (length_bytes < sizeof length) {  // the result's length comes first
      const auto n = ::read(fds[0], reinterpret_cast<char*>(&length) + length_bytes,
                            sizeof length - length_bytes);
      if (n <= 0) break;  // the child finished (or died)
      length_bytes += static_cast<std::size_t>(n);
      if (length_bytes == sizeof length)
        result.reserve(std::min<std::uint64_t>(length, 1ull << 34));
      continue;
    }
    const auto n = ::read(fds[0], buffer, sizeof buffer);
    if (n <= 0) break;  // the child finished (or died)
    result.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  if (timed_out) ::kill(child, SIGKILL);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out)
    throw FormatError(at_file(file, "reading it took longer than " + std::to_string(timeout) +
                                        " s: a damaged HDF5 file"));
  if (WIFSIGNALED(status))
    throw FormatError(at_file(file, "the HDF5 library failed on it (signal " +
                                        std::to_string(WTERMSIG(status)) + "): a damaged file"));
  if (result.empty() || (result[0] != 'R' && result[0] != 'E'))
    throw FormatError(at_file(file, "the reading process gave no result: a damaged file"));
  if (result[0] == 'E') throw FormatError(result.substr(1));
  try {
    return deserialize(result);
  } catch (const std::exception&) {
    throw FormatError(at_file(file, "the reading process gave an incomplete result"));
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
  head.channel_mask[0] = 1;  // channel 0 (members of the packed header set directly)
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
  const auto bit = [](int flag) { return std::uint64_t{1} << (flag - 1); };
  if (p == 0) head.flags |= bit(kFirstInSlice) | bit(kFirstInRepetition);
  if (p + 1 == image.fids.size()) head.flags |= bit(kLastInSlice) | bit(kLastInRepetition);
}

struct IsmrmrdWriter::Impl {
  std::unique_ptr<ISMRMRD::Dataset> data;
  std::vector<ISMRMRD::Acquisition> pending;  // the last image: its last readout ends the file
};

IsmrmrdWriter::IsmrmrdWriter(std::filesystem::path file, IsmrmrdWriterSettings settings)
    : file_(std::move(file)), settings_(settings) {
  partial_ = file_;
  partial_ += ".partial-" + std::to_string(::getpid());
  std::filesystem::remove(partial_);  // libismrmrd appends to an existing file
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  auto impl = std::make_unique<Impl>();
  try {
    impl->data = std::make_unique<ISMRMRD::Dataset>(partial_.c_str(), "dataset", true);
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot create " + partial_.string() + ": " + e.what());
  }
  impl_ = impl.release();
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
