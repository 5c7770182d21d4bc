#pragma once
// The MRD (Gadgetron) streaming protocol over TCP (formats.md §5.3), both ways: the receiving
// side of acquisition.stream (a server that takes one sender and assembles its readouts into
// images) and the sending side of `raserflow send` (a client that streams a recording).
//
// Every message is a uint16 little-endian id and a body: 1 CONFIG_FILE (1,024 bytes), 2
// CONFIG_TEXT, 3 HEADER (MRD XML) and 5 TEXT (uint32 length + text), 4 CLOSE (nothing), 1008
// ACQUISITION (the packed 340-byte ISMRMRD_AcquisitionHeader, ns x trajectory_dimensions
// float32, active_channels x ns complex64).
//
// The receiver never trusts a length: each one is checked against a limit before anything is
// read, and bodies grow as bytes arrive, so a header claiming gigabytes allocates nothing. Every
// wait on the socket has a timeout and wakes at once on Interrupter::trigger() from another
// thread. Errors name what arrived so far ("connection closed after 12 of 30 readouts of
// image 3").
#include <ismrmrd/ismrmrd.h>

#include <atomic>
#include <chrono>
#include <complex>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "ismrmrd_file.hpp"
#include "recording.hpp"

namespace raserflow::acquisition::mrd {

inline constexpr std::uint16_t kConfigFile = 1, kConfigText = 2, kHeader = 3, kClose = 4, kText = 5,
                               kAcquisition = 1008;
inline constexpr std::size_t kConfigFileBytes = 1024, kAcquisitionHeaderBytes = 340;
inline constexpr std::uint16_t kDefaultPort = 9002;

// "ACQUISITION (1008)", "message id 77 (unknown)".
std::string message_name(std::uint16_t id);

// A stream that cannot be read: closed early, malformed, too large, or silent too long.
class StreamError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
// No byte (or no sender) within the wait timeout.
class StreamTimeout : public StreamError {
 public:
  using StreamError::StreamError;
};
// The wait was interrupted (a stop, or a failure elsewhere): not an error of the stream.
class StreamInterrupted : public std::runtime_error {
 public:
  StreamInterrupted() : std::runtime_error("interrupted") {}
};

struct Limits {
  double wait_timeout = 60;               // s, per wait on the socket (and for a sender)
  std::uint64_t max_message = 100000000;  // bytes a message's body, or an image's samples, may take
};

// A self-pipe: trigger() (thread-safe, async-signal-safe) wakes every wait that polls fd(), now
// and later.
class Interrupter {
 public:
  Interrupter();
  ~Interrupter();
  Interrupter(const Interrupter&) = delete;
  Interrupter& operator=(const Interrupter&) = delete;
  void trigger() noexcept;
  bool triggered() const noexcept { return triggered_.load(); }
  int fd() const noexcept { return pipe_[0]; }

 private:
  int pipe_[2] = {-1, -1};
  std::atomic<bool> triggered_{false};
};

// One message as it arrived.
struct Message {
  std::uint16_t id = 0;
  std::string text;  // CONFIG_FILE (up to its NUL), CONFIG_TEXT, HEADER, TEXT
  ISMRMRD::ISMRMRD_AcquisitionHeader head{};  // ACQUISITION
  std::vector<std::complex<float>> data;      // ACQUISITION: channel-major, active_channels x ns
};

// Reads messages from a connected socket (not owned). Throws StreamError (whose message ends
// with context(), if set), StreamTimeout, StreamInterrupted.
class MessageReader {
 public:
  MessageReader(int fd, Limits limits, const Interrupter& interrupter);
  Message next();
  // What arrived so far, appended to every error ("after 12 of 30 readouts of image 3").
  void set_context(std::function<std::string()> context) { context_ = std::move(context); }
  std::uint64_t bytes() const { return bytes_; }
  std::uint64_t messages() const { return messages_; }

 private:
  [[noreturn]] void fail(const std::string& what) const;
  // Reads n bytes into `out` (appending), growing it as they arrive; `what` names them.
  void read_into(std::string& out, std::size_t n, const std::string& what);
  void read_exact(void* out, std::size_t n, const std::string& what);
  std::size_t wait_and_read(void* out, std::size_t n, const std::string& what, std::size_t got,
                            std::size_t total);

  int fd_;
  Limits limits_;
  const Interrupter& interrupter_;
  std::function<std::string()> context_;
  std::uint64_t bytes_ = 0, messages_ = 0;
};

// The receiving side: listens on address:port (port 0: any free port), accepts one sender on the
// first next_image(), reads its setup (CONFIG_FILE, CONFIG_TEXT, HEADER, TEXT) and then its
// readouts, and returns one image at a time. The projections per image come from the HEADER's
// encodingLimits.kspace_encoding_step_1 (maximum + 1) or, without it, from the
// LAST_IN_REPETITION flag (14). Noise readouts (flag 19) are skipped; multi-channel data,
// projections out of order, readouts of differing length or dwell, and non-finite samples are
// StreamErrors. The angle is user_float[0] when the header says raserflow.angle_source =
// user_float0, else the read direction, else absent (as read_ismrmrd).
class Receiver {
 public:
  Receiver(const std::string& address, std::uint16_t port, Limits limits,
           const Interrupter& interrupter);
  // Over a socket already connected (taken over and closed by the receiver): tests, fuzzing.
  Receiver(int connected_fd, Limits limits, const Interrupter& interrupter);
  ~Receiver();
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;

  // The port listened on (the one chosen when 0 was asked for); 0 over a given socket.
  std::uint16_t port() const { return port_; }
  // The next complete image (its readouts as they arrived, complex64 widened to double, dwell
  // from sample_time_us), or nullopt once the sender sent CLOSE (answered with a CLOSE).
  std::optional<Recording> next_image();
  std::int64_t images() const { return images_; }
  // What arrived so far, as errors say it.
  std::string progress() const;

 private:
  void accept_sender();
  void read_header(const std::string& xml);

  Limits limits_;
  const Interrupter& interrupter_;
  std::string where_;  // "127.0.0.1:9002"
  int listen_fd_ = -1, fd_ = -1;
  std::uint16_t port_ = 0;
  std::optional<MessageReader> reader_;
  bool closed_ = false, header_seen_ = false, angle_in_user_float_ = false;
  std::optional<std::size_t> projections_;  // from the header's encoding limits
  std::int64_t images_ = 0;
  std::size_t samples_ = 0;  // of every readout, from the first
  double dwell_ = 0;
  std::size_t readouts_ = 0, noise_ = 0;
  Recording current_;
  std::size_t current_angles_ = 0;
  std::uint64_t current_bytes_ = 0;
};

// Message encodings (id and body, little-endian), for the sender and for tests.
std::string encode_text(std::uint16_t id, const std::string& text);  // 2, 3, 5
std::string encode_config_file(const std::string& name);
std::string encode_close();
std::string encode_acquisition(const ISMRMRD::ISMRMRD_AcquisitionHeader& head,
                               const std::vector<float>& trajectory,
                               const std::vector<std::complex<float>>& data);

// A recording as the messages a sender sends: HEADER (ismrmrd_header_xml, with the encoding
// limits of P projections), one ACQUISITION per projection (projection_header(): flags 7 and 13
// on the first, 8 and 14 on the last, 25 on the very last readout; the time stamp in ms since
// the start in real time), then CLOSE. Every image needs the first one's P, T and dwell, and
// one angle per projection in every image or none in any (std::invalid_argument otherwise). A
// recording without angles is sent without any (no raserflow.angle_source in the header, zero
// read directions), so the receiver yields none, as the file's replay would. messages[0] is the
// HEADER, messages.back() the CLOSE.
std::vector<std::string> encode_recording(const std::vector<Recording>& images,
                                          const IsmrmrdWriterSettings& settings);

// The sending side: a TCP client.
class Sender {
 public:
  // Connects within `timeout` s; StreamError "cannot connect to HOST:PORT: <why>".
  Sender(const std::string& host, std::uint16_t port, double timeout = 10);
  explicit Sender(int connected_fd);  // taken over
  ~Sender();
  Sender(const Sender&) = delete;
  Sender& operator=(const Sender&) = delete;
  // Writes the bytes (waiting at most `timeout` s for room); StreamError if the receiver is gone.
  void send(const std::string& bytes);
  // Closes the connection now (what a sender killed mid-stream does).
  void disconnect();
  const std::string& peer() const { return peer_; }

 private:
  int fd_ = -1;
  double timeout_ = 10;
  std::string peer_;
};

struct SendPace {
  // Projections per second: nullopt, real time (each projection takes T x dwell); 0: as fast
  // as possible.
  std::optional<double> rate;
};

// Sends the messages of encode_recording() at the pace asked for (the HEADER at once, readout i
// when its acquisition would have ended); returns the readouts sent. `sent` (if set) is called
// after each ACQUISITION with the readout index.
std::size_t send_recording(Sender& sender, const std::vector<Recording>& images,
                           const IsmrmrdWriterSettings& settings, const SendPace& pace,
                           const std::function<void(std::size_t)>& sent = {});

}  // namespace raserflow::acquisition::mrd
