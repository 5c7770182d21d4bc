#include "mrd_stream.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <sstream>
#include <thread>

#include <ismrmrd/xml.h>

namespace raserflow::acquisition::mrd {

static_assert(sizeof(ISMRMRD::ISMRMRD_AcquisitionHeader) == kAcquisitionHeaderBytes,
              "the packed MRD acquisition header is 340 bytes (formats.md §1.2)");
static_assert(std::endian::native == std::endian::little, "MRD streams are little-endian");

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr std::uint64_t kNoiseBit = 1ull << (19 - 1), kLastInRepetitionBit = 1ull << (14 - 1),
                        kLastInMeasurementBit = 1ull << (25 - 1);
constexpr std::size_t kChunk = 1 << 16;  // bodies grow by this much as bytes arrive

std::string errno_text(int e) {
  return std::strerror(e);
}

std::string number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", v);
  return text;
}

int poll_ms(double seconds) {
  if (!(seconds > 0)) return 0;
  const double ms = std::ceil(seconds * 1e3);
  return ms > 2e9 ? 2000000000 : static_cast<int>(ms);
}

void put_u16(std::string& s, std::uint16_t v) {
  s.push_back(static_cast<char>(v & 0xff));
  s.push_back(static_cast<char>(v >> 8));
}
void put_u32(std::string& s, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// "host:port", with brackets around an IPv6 address.
std::string endpoint(const std::string& host, std::uint16_t port) {
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
         std::to_string(port);
}

// ismrmrd_header_xml(), less the angle source (raserflow.angle_source = user_float0) when the
// recording has no angles.
std::string header_xml(const IsmrmrdWriterSettings& settings, std::size_t samples,
                       std::size_t projections, double dwell, std::int64_t images,
                       bool with_angles) {
  std::string xml = ismrmrd_header_xml(settings, samples, projections, dwell, images);
  if (with_angles) return xml;
  ISMRMRD::IsmrmrdHeader h;
  ISMRMRD::deserialize(xml.c_str(), h);
  if (h.userParameters) {
    auto& strings = h.userParameters->userParameterString;
    std::erase_if(strings, [](const auto& p) { return p.name == "raserflow.angle_source"; });
  }
  std::ostringstream out;
  ISMRMRD::serialize(h, out);
  return out.str();
}

}  // namespace

std::string message_name(std::uint16_t id) {
  switch (id) {
    case kConfigFile:
      return "CONFIG_FILE (1)";
    case kConfigText:
      return "CONFIG_TEXT (2)";
    case kHeader:
      return "HEADER (3)";
    case kClose:
      return "CLOSE (4)";
    case kText:
      return "TEXT (5)";
    case 6:
      return "QUERY (6)";
    case 7:
      return "RESPONSE (7)";
    case 8:
      return "ERROR (8)";
    case kAcquisition:
      return "ACQUISITION (1008)";
    case 1022:
      return "IMAGE (1022)";
    case 1026:
      return "WAVEFORM (1026)";
    default:
      return "message id " + std::to_string(id) + " (unknown)";
  }
}

// ---------------------------------------------------------------------------------------------
Interrupter::Interrupter() {
  if (::pipe2(pipe_, O_CLOEXEC | O_NONBLOCK) != 0)
    throw std::runtime_error("cannot create a pipe: " + errno_text(errno));
}

Interrupter::~Interrupter() {
  for (int fd : pipe_)
    if (fd >= 0) ::close(fd);
}

void Interrupter::trigger() noexcept {
  if (triggered_.exchange(true)) return;
  const char byte = 1;
  [[maybe_unused]] const auto n = ::write(pipe_[1], &byte, 1);  // never drained: stays readable
}

// ---------------------------------------------------------------------------------------------
MessageReader::MessageReader(int fd, Limits limits, const Interrupter& interrupter)
    : fd_(fd), limits_(limits), interrupter_(interrupter) {}

void MessageReader::fail(const std::string& what) const {
  std::string where =
      " (message " + std::to_string(messages_) + ", stream byte " + std::to_string(bytes_) + ")";
  std::string context = context_ ? context_() : std::string();
  throw StreamError(what + (context.empty() ? "" : ", " + context) + where);
}

std::size_t MessageReader::wait_and_read(void* out, std::size_t n, const std::string& what,
                                         std::size_t got, std::size_t total) {
  for (;;) {
    if (interrupter_.triggered()) throw StreamInterrupted();
    pollfd fds[2] = {{fd_, POLLIN, 0}, {interrupter_.fd(), POLLIN, 0}};
    const int ready = ::poll(fds, 2, poll_ms(limits_.wait_timeout));
    if (ready < 0) {
      if (errno == EINTR) continue;
      fail("cannot wait on the connection: " + errno_text(errno));
    }
    if (fds[1].revents != 0 || interrupter_.triggered()) throw StreamInterrupted();
    if (ready == 0) {
      std::string context = context_ ? context_() : std::string();
      throw StreamTimeout(
          "no data for " + number(limits_.wait_timeout) + " s (wait_timeout) while waiting for " +
          what + " (" + std::to_string(got) + " of " + std::to_string(total) + " bytes)" +
          (context.empty() ? "" : ", " + context) + " (message " + std::to_string(messages_) +
          ", stream byte " + std::to_string(bytes_) + ")");
    }
    const ssize_t r = ::recv(fd_, out, n, 0);
    if (r > 0) {
      bytes_ += static_cast<std::uint64_t>(r);
      return static_cast<std::size_t>(r);
    }
    if (r < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
    const std::string why =
        r == 0 ? "connection closed" : "connection lost (" + errno_text(errno) + ")";
    if (got == 0 && what == "the next message id") fail(why + " without CLOSE");
    fail(why + " inside " + what + " (" + std::to_string(got) + " of " + std::to_string(total) +
         " bytes)");
  }
}

void MessageReader::read_exact(void* out, std::size_t n, const std::string& what) {
  auto* p = static_cast<char*>(out);
  std::size_t got = 0;
  while (got < n) got += wait_and_read(p + got, n - got, what, got, n);
}

void MessageReader::read_into(std::string& out, std::size_t n, const std::string& what) {
  const std::size_t start = out.size();
  std::size_t got = 0;
  while (got < n) {
    const std::size_t room = std::min(n - got, kChunk);
    out.resize(start + got + room);  // grows with what arrives, never by what was claimed
    const std::size_t r = wait_and_read(out.data() + start + got, room, what, got, n);
    got += r;
    out.resize(start + got);
  }
}

Message MessageReader::next() {
  Message m;
  unsigned char id[2];
  read_exact(id, 2, "the next message id");
  m.id = static_cast<std::uint16_t>(id[0] | (id[1] << 8));
  ++messages_;
  const std::string name = message_name(m.id);
  switch (m.id) {
    case kConfigFile: {
      read_into(m.text, kConfigFileBytes, name);
      m.text.resize(std::strlen(m.text.c_str()));
      return m;
    }
    case kConfigText:
    case kHeader:
    case kText: {
      unsigned char len[4];
      read_exact(len, 4, name + " length");
      const std::uint64_t n = std::uint64_t(len[0]) | std::uint64_t(len[1]) << 8 |
                              std::uint64_t(len[2]) << 16 | std::uint64_t(len[3]) << 24;
      if (n > limits_.max_message)
        fail(name + " claims " + std::to_string(n) + " bytes, limit " +
             std::to_string(limits_.max_message) + " (max_message)");
      read_into(m.text, static_cast<std::size_t>(n), name);
      return m;
    }
    case kClose:
      return m;
    case kAcquisition: {
      read_exact(&m.head, kAcquisitionHeaderBytes, name + " header");
      const std::uint64_t ns = m.head.number_of_samples, traj = m.head.trajectory_dimensions,
                          channels = m.head.active_channels;
      const std::uint64_t body = ns * traj * 4 + channels * ns * 8;
      if (body > limits_.max_message)
        fail(name + " claims " + std::to_string(body) + " bytes (" + std::to_string(ns) +
             " samples x " + std::to_string(channels) + " channels, " + std::to_string(traj) +
             " trajectory dimensions), limit " + std::to_string(limits_.max_message) +
             " (max_message)");
      std::string trajectory;
      read_into(trajectory, static_cast<std::size_t>(ns * traj * 4), name + " trajectory");
      std::string data;
      read_into(data, static_cast<std::size_t>(channels * ns * 8), name + " samples");
      m.data.resize(static_cast<std::size_t>(channels * ns));
      if (!data.empty())  // an empty vector's data() may be null: memcpy must not see it
        std::memcpy(m.data.data(), data.data(), data.size());
      return m;
    }
    default:
      // Without a length there is no skipping a message one does not know.
      fail(name + (m.id == 1022 || m.id == 1026 || (m.id >= 6 && m.id <= 8)
                       ? " is not taken by a receiver of acquisitions"
                       : ": the stream cannot be read further"));
  }
}

// ---------------------------------------------------------------------------------------------
Receiver::Receiver(const std::string& address, std::uint16_t port, Limits limits,
                   const Interrupter& interrupter)
    : limits_(limits), interrupter_(interrupter), where_(endpoint(address, port)) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const int rc = ::getaddrinfo(address.c_str(), std::to_string(port).c_str(), &hints, &found);
  if (rc != 0) throw StreamError("cannot listen on " + where_ + ": " + ::gai_strerror(rc));
  std::string why = "no address";
  for (auto* a = found; a; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      why = errno_text(errno);
      continue;
    }
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, 1) == 0) {
      listen_fd_ = fd;
      break;
    }
    why = errno_text(errno);
    ::close(fd);
  }
  ::freeaddrinfo(found);
  if (listen_fd_ < 0) throw StreamError("cannot listen on " + where_ + ": " + why);
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&bound), &len);
  port_ = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                            : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  where_ = endpoint(address, port_);
}

Receiver::Receiver(int connected_fd, Limits limits, const Interrupter& interrupter)
    : limits_(limits), interrupter_(interrupter), where_("a connected socket"), fd_(connected_fd) {
  reader_.emplace(fd_, limits_, interrupter_);
  reader_->set_context([this] { return progress(); });
}

Receiver::~Receiver() {
  if (fd_ >= 0) ::close(fd_);
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

std::string Receiver::progress() const {
  const auto& P = projections_;
  if (!current_.fids.empty())
    return "after " + std::to_string(current_.fids.size()) +
           (P ? " of " + std::to_string(*P) : std::string()) + " readouts of image " +
           std::to_string(images_) + " (" + std::to_string(images_) + " images complete)";
  if (reader_ && reader_->messages() <= 1 && images_ == 0 && readouts_ == 0 && !header_seen_)
    return "before any message from the sender";
  return "after " + std::to_string(images_) + " complete images (" + std::to_string(readouts_) +
         " readouts)";
}

void Receiver::accept_sender() {
  for (;;) {
    if (interrupter_.triggered()) throw StreamInterrupted();
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {interrupter_.fd(), POLLIN, 0}};
    const int ready = ::poll(fds, 2, poll_ms(limits_.wait_timeout));
    if (ready < 0) {
      if (errno == EINTR) continue;
      throw StreamError("cannot wait for a sender on " + where_ + ": " + errno_text(errno));
    }
    if (fds[1].revents != 0) throw StreamInterrupted();
    if (ready == 0)
      throw StreamTimeout("no sender connected to " + where_ + " within " +
                          number(limits_.wait_timeout) + " s (wait_timeout)");
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == ECONNABORTED) continue;
      throw StreamError("cannot accept a sender on " + where_ + ": " + errno_text(errno));
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fd_ = fd;
    ::close(listen_fd_);  // one sender per run: later ones are refused
    listen_fd_ = -1;
    reader_.emplace(fd_, limits_, interrupter_);
    reader_->set_context([this] { return progress(); });
    return;
  }
}

void Receiver::read_header(const std::string& xml) {
  const auto fail = [&](const std::string& what) {
    throw StreamError("HEADER (3): " + what + " (message " + std::to_string(reader_->messages()) +
                      ")");
  };
  if (header_seen_) fail("a second header");
  if (readouts_ > 0) fail("the header came after " + std::to_string(readouts_) + " readouts");
  header_seen_ = true;
  ISMRMRD::IsmrmrdHeader h;
  try {
    ISMRMRD::deserialize(xml.c_str(), h);
  } catch (const std::exception& e) {
    fail("not a valid ISMRMRD XML header: " + std::string(e.what()));
  }
  if (h.encoding.empty()) fail("no encoding");
  const auto& e = h.encoding[0];
  if (e.trajectory != ISMRMRD::TrajectoryType::RADIAL &&
      e.trajectory != ISMRMRD::TrajectoryType::OTHER)
    fail(
        "the encoding's trajectory is not radial or other: raserflow reads projections, one "
        "readout per direction");
  if (e.encodingLimits.kspace_encoding_step_1)
    projections_ = static_cast<std::size_t>(e.encodingLimits.kspace_encoding_step_1->maximum) + 1;
  if (h.userParameters)
    for (const auto& p : h.userParameters->userParameterString)
      if (p.name == "raserflow.angle_source") angle_in_user_float_ = p.value == "user_float0";
}

std::optional<Recording> Receiver::next_image() {
  if (closed_) return std::nullopt;
  if (!reader_) accept_sender();
  for (;;) {
    Message m = reader_->next();
    const auto fail = [&](const std::string& what) {
      throw StreamError(what + ", " + progress() + " (message " +
                        std::to_string(reader_->messages()) + ")");
    };
    switch (m.id) {
      case kConfigFile:
      case kConfigText:
      case kText:
        continue;  // a configuration for Gadgetron, or a note: nothing for us
      case kHeader:
        read_header(m.text);
        continue;
      case kClose: {
        if (!current_.fids.empty()) fail("the sender sent CLOSE in the middle of an image");
        closed_ = true;
        const std::string close = encode_close();  // the server's own CLOSE (formats.md §5.3)
        [[maybe_unused]] const auto n = ::send(fd_, close.data(), close.size(), MSG_NOSIGNAL);
        return std::nullopt;
      }
      case kAcquisition:
        break;
      default:
        fail("unexpected " + message_name(m.id));
    }
    const auto& h = m.head;
    ++readouts_;
    if (h.flags & kNoiseBit) {
      ++noise_;
      continue;
    }
    if (h.active_channels != 1)
      fail("a readout with " + std::to_string(h.active_channels) +
           " receive channels: raserflow's acquisition has one; combine the coils first");
    const std::size_t ns = h.number_of_samples;
    if (ns == 0) fail("a readout without samples");
    if (samples_ == 0) samples_ = ns;
    if (ns != samples_)
      fail("a readout of " + std::to_string(ns) + " samples, earlier ones had " +
           std::to_string(samples_));
    const double dt = h.sample_time_us * 1e-6;
    if (!(dt > 0) || !std::isfinite(dt))
      fail("sample_time_us must be > 0, got " + number(h.sample_time_us));
    if (dwell_ == 0) dwell_ = dt;
    if (dt != dwell_)
      fail("sample_time_us " + number(h.sample_time_us) + " differs from earlier readouts' " +
           number(dwell_ * 1e6));
    const std::size_t p = current_.fids.size();
    if (h.idx.kspace_encode_step_1 != p)
      fail("a readout of projection " + std::to_string(h.idx.kspace_encode_step_1) +
           " (kspace_encode_step_1) where projection " + std::to_string(p) +
           " was due: projections must arrive in order");
    if (projections_ && p >= *projections_)
      fail("more readouts than the header's " + std::to_string(*projections_) + " projections");
    current_bytes_ += ns * sizeof(std::complex<float>);
    if (current_bytes_ > limits_.max_message)
      fail("the image's samples exceed " + std::to_string(limits_.max_message) +
           " bytes (max_message)");
    std::vector<Complex> fid(ns);
    for (std::size_t k = 0; k < ns; ++k) {
      fid[k] = Complex(m.data[k].real(), m.data[k].imag());
      if (!std::isfinite(fid[k].real()) || !std::isfinite(fid[k].imag()))
        fail("sample " + std::to_string(k) + " of a readout is not finite");
    }
    std::optional<double> angle;
    if (angle_in_user_float_)
      angle = h.user_float[0];
    else if (h.read_dir[0] != 0 || h.read_dir[1] != 0)
      angle = std::atan2(h.read_dir[1], h.read_dir[0]) * 180 / kPi;
    if (angle && !std::isfinite(*angle)) fail("a readout whose angle is not finite");
    if (p > 0 && angle.has_value() != (current_angles_ == p))
      fail("some readouts of the image have a direction, others none");
    if (angle) {
      current_.angles.push_back(*angle);
      ++current_angles_;
    }
    current_.fids.push_back(std::move(fid));
    const bool last_flag = (h.flags & kLastInRepetitionBit) != 0;
    const bool complete = projections_ ? current_.fids.size() == *projections_ : last_flag;
    if (projections_ && last_flag && !complete)
      fail("LAST_IN_REPETITION (flag 14) on projection " + std::to_string(p) +
           ", but the header gives " + std::to_string(*projections_) + " projections");
    if (!complete) continue;
    Recording image = std::move(current_);
    current_ = Recording{};
    current_angles_ = 0;
    current_bytes_ = 0;
    image.dwell = dwell_;
    image.source = "MRD stream from " + where_ + " (image " + std::to_string(images_) + ")";
    ++images_;
    return image;
  }
}

// ---------------------------------------------------------------------------------------------
std::string encode_text(std::uint16_t id, const std::string& text) {
  if (text.size() > 0xffffffffu) throw std::invalid_argument("MRD text longer than 4 GiB");
  std::string s;
  put_u16(s, id);
  put_u32(s, static_cast<std::uint32_t>(text.size()));
  return s + text;
}

std::string encode_config_file(const std::string& name) {
  std::string s;
  put_u16(s, kConfigFile);
  std::string body(kConfigFileBytes, '\0');
  std::memcpy(body.data(), name.data(), std::min(name.size(), kConfigFileBytes - 1));
  return s + body;
}

std::string encode_close() {
  std::string s;
  put_u16(s, kClose);
  return s;
}

std::string encode_acquisition(const ISMRMRD::ISMRMRD_AcquisitionHeader& head,
                               const std::vector<float>& trajectory,
                               const std::vector<std::complex<float>>& data) {
  std::string s;
  put_u16(s, kAcquisition);
  s.append(reinterpret_cast<const char*>(&head), kAcquisitionHeaderBytes);
  // Empty vectors' data() may be null, which no copy may be handed, even for 0 bytes.
  if (!trajectory.empty())
    s.append(reinterpret_cast<const char*>(trajectory.data()), trajectory.size() * sizeof(float));
  if (!data.empty())
    s.append(reinterpret_cast<const char*>(data.data()), data.size() * sizeof(std::complex<float>));
  return s;
}

std::vector<std::string> encode_recording(const std::vector<Recording>& images,
                                          const IsmrmrdWriterSettings& settings) {
  if (images.empty() || images[0].fids.empty() || images[0].fids[0].empty())
    throw std::invalid_argument("nothing to send: the recording holds no samples");
  const std::size_t P = images[0].fids.size(), T = images[0].fids[0].size();
  const double dwell = images[0].dwell;
  for (std::size_t i = 0; i < images.size(); ++i) {
    const auto& im = images[i];
    bool same = im.fids.size() == P && im.dwell == dwell;
    for (const auto& row : im.fids) same = same && row.size() == T;
    if (!same)
      throw std::invalid_argument(
          "image " + std::to_string(i) + " (" + im.source +
          ") differs from image 0 in projections, samples or dwell; a stream needs every image "
          "to have the first one's " +
          std::to_string(P) + " x " + std::to_string(T) + " samples at " + number(dwell) + " s");
  }
  // A recording without angles is sent without any: no angle source in the header and a zero
  // read direction, so the receiver yields none and conform() applies the pipeline's `angles`
  // (or 180 p / P), exactly as acquisition.replay does with the file.
  const bool with_angles = !images[0].angles.empty();
  for (std::size_t i = 0; i < images.size(); ++i)
    if (images[i].angles.empty() == with_angles || (with_angles && images[i].angles.size() != P))
      throw std::invalid_argument(
          "image " + std::to_string(i) + " (" + images[i].source + ") has " +
          std::to_string(images[i].angles.size()) + " angles for " + std::to_string(P) +
          " projections, image 0 " + std::to_string(images[0].angles.size()) +
          ": a stream needs one angle per projection in every image, or none in any");
  std::vector<std::string> out;
  out.push_back(encode_text(
      kHeader,
      header_xml(settings, T, P, dwell, static_cast<std::int64_t>(images.size()), with_angles)));
  std::uint32_t counter = 0;
  std::vector<std::complex<float>> data(T);
  for (std::size_t i = 0; i < images.size(); ++i) {
    std::optional<Recording> angle_less;  // projection_header() needs angles: zeros, cleared
    if (!with_angles) {
      angle_less = images[i];
      angle_less->angles.assign(P, 0.0);
    }
    const Recording& image = with_angles ? images[i] : *angle_less;
    for (std::size_t p = 0; p < P; ++p) {
      ISMRMRD::ISMRMRD_AcquisitionHeader head;
      projection_header(head, image, p, static_cast<std::int64_t>(i), counter++, settings.gradient);
      if (!with_angles) {
        for (int d = 0; d < 3; ++d) {
          head.read_dir[d] = 0;
          head.phase_dir[d] = 0;
        }
        head.user_float[0] = 0;
      }
      if (i + 1 == images.size() && p + 1 == P) head.flags |= kLastInMeasurementBit;
      for (std::size_t k = 0; k < T; ++k)
        data[k] = std::complex<float>(static_cast<float>(image.fids[p][k].real()),
                                      static_cast<float>(image.fids[p][k].imag()));
      out.push_back(encode_acquisition(head, {}, data));
    }
  }
  out.push_back(encode_close());
  return out;
}

// ---------------------------------------------------------------------------------------------
Sender::Sender(const std::string& host, std::uint16_t port, double timeout)
    : timeout_(timeout), peer_(endpoint(host, port)) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
  if (rc != 0) throw StreamError("cannot connect to " + peer_ + ": " + ::gai_strerror(rc));
  std::string why = "no address";
  for (auto* a = found; a && fd_ < 0; a = a->ai_next) {
    const int fd =
        ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
    if (fd < 0) {
      why = errno_text(errno);
      continue;
    }
    int err = ::connect(fd, a->ai_addr, a->ai_addrlen) == 0 ? 0 : errno;
    if (err == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      int ready;
      do ready = ::poll(&p, 1, poll_ms(timeout_));
      while (ready < 0 && errno == EINTR);
      socklen_t len = sizeof err;
      if (ready == 0)
        err = ETIMEDOUT;
      else if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
        err = errno;
    }
    if (err == 0) {
      fd_ = fd;
      break;
    }
    why = errno_text(err);
    ::close(fd);
  }
  ::freeaddrinfo(found);
  if (fd_ < 0) throw StreamError("cannot connect to " + peer_ + ": " + why);
  const int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

Sender::Sender(int connected_fd) : fd_(connected_fd), peer_("a connected socket") {
  ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
}

Sender::~Sender() {
  disconnect();
}

void Sender::disconnect() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void Sender::send(const std::string& bytes) {
  if (fd_ < 0) throw StreamError("the connection to " + peer_ + " is closed");
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd_, POLLOUT, 0};
      const int ready = ::poll(&p, 1, poll_ms(timeout_));
      if (ready == 0)
        throw StreamError("the receiver at " + peer_ + " took nothing for " + number(timeout_) +
                          " s");
      continue;
    }
    throw StreamError("the receiver at " + peer_ + " closed the connection: " + errno_text(errno));
  }
}

std::size_t send_recording(Sender& sender, const std::vector<Recording>& images,
                           const IsmrmrdWriterSettings& settings, const SendPace& pace,
                           const std::function<void(std::size_t)>& sent) {
  auto messages = encode_recording(images, settings);
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  sender.send(messages.front());
  const double T = static_cast<double>(images[0].fids[0].size());
  const double interval = !pace.rate ? T * images[0].dwell : *pace.rate > 0 ? 1 / *pace.rate : 0;
  std::size_t readouts = 0;
  for (std::size_t i = 1; i + 1 < messages.size(); ++i) {
    auto& m = messages[i];
    const double due = interval * static_cast<double>(readouts + 1);
    if (interval > 0)
      std::this_thread::sleep_until(
          start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(due)));
    // acquisition_time_stamp (ms since the start, formats.md §1.2) at offset 2 + 18.
    const auto ms = static_cast<std::uint32_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count());
    std::memcpy(m.data() + 2 + offsetof(ISMRMRD::ISMRMRD_AcquisitionHeader, acquisition_time_stamp),
                &ms, sizeof ms);
    sender.send(m);
    if (sent) sent(readouts);
    ++readouts;
  }
  sender.send(messages.back());
  return readouts;
}

}  // namespace raserflow::acquisition::mrd
