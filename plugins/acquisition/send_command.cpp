// `raserflow send FILE --to HOST:PORT [--rate R | --fast] [--format F]`: streams a recorded or
// simulated acquisition to an MRD receiver (acquisition.stream, or a Gadgetron server), in real
// time or as fast as asked, so a bridge on the spectrometer PC can feed raserflow live.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <iostream>

#include "conform.hpp"
#include "mrd_stream.hpp"
#include "raserflow/plugin.hpp"

namespace {

namespace acq = raserflow::acquisition;
namespace mrd = raserflow::acquisition::mrd;

// "host:port" or "[v6]:port" -> (host, port); false if malformed.
bool split_endpoint(const std::string& text, std::string& host, std::uint16_t& port) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) return false;
  host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  const auto digits = text.substr(colon + 1);
  if (digits.size() > 5 || !std::all_of(digits.begin(), digits.end(), ::isdigit)) return false;
  const long value = std::stol(digits);
  if (value < 1 || value > 65535) return false;
  port = static_cast<std::uint16_t>(value);
  return true;
}

int run_send(const std::vector<std::string>& arguments) {
  CLI::App app{
      "raserflow send: stream a recording (ISMRMRD, JCAMP-DX, Bruker, Spinsolve) to an MRD "
      "receiver such as acquisition.stream: an XML header, one ACQUISITION message per "
      "projection, then CLOSE (formats.md §5.3)"};
  app.name("raserflow send");
  std::string file, to, format = "auto";
  double rate = -1, timeout = 10, gradient = 26e-6;
  bool fast = false;
  app.add_option("file", file, "the recording: a file or a folder")->required();
  app.add_option("--to", to,
                 "the receiver, HOST:PORT (acquisition.stream's default is "
                 "127.0.0.1:9002)")
      ->required();
  app.add_option("--rate", rate,
                 "projections per second; default: real time (each projection takes T x dwell); "
                 "0: as fast as possible");
  app.add_flag("--fast", fast, "as fast as possible (--rate 0; not with --rate)");
  app.add_option("--format", format, "recording format")
      ->check(CLI::IsMember({"auto", "ismrmrd", "jcamp", "bruker", "spinsolve"}))
      ->capture_default_str();
  app.add_option("--gradient", gradient, "readout gradient in T/m, recorded in the header")
      ->capture_default_str();
  app.add_option("--timeout", timeout,
                 "seconds to wait to connect, and for the receiver to "
                 "take data")
      ->capture_default_str();
  std::vector<std::string> reversed(arguments.rbegin(), arguments.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    const int status = app.exit(e);
    return status == 0 ? 0 : 2;
  }
  std::string host;
  std::uint16_t port = 0;
  if (!split_endpoint(to, host, port)) {
    std::cerr << "raserflow send: --to " << to << ": expected HOST:PORT with a port 1-65535\n";
    return 2;
  }
  if (fast && app.count("--rate") > 0) {
    std::cerr << "raserflow send: --fast and --rate both given: --fast is --rate 0; give one\n";
    return 2;
  }
  if (app.count("--rate") > 0 && !(rate >= 0)) {
    std::cerr << "raserflow send: --rate must be >= 0 (0: as fast as possible)\n";
    return 2;
  }
  if (!(timeout > 0) || !(gradient >= 0)) {
    std::cerr << "raserflow send: --timeout must be > 0 and --gradient >= 0\n";
    return 2;
  }
  mrd::SendPace pace;
  if (fast) pace.rate = 0;
  if (app.count("--rate") > 0) pace.rate = rate;
  try {
    const auto images = acq::read_recording(file, format);
    const auto P = images.at(0).fids.size();
    const auto T = P > 0 ? images[0].fids[0].size() : 0;
    std::cerr << "raserflow send: " << images.size() << " image(s) of " << P << " x " << T
              << " samples at " << images[0].dwell << " s to " << to << ", "
              << (!pace.rate       ? "in real time"
                  : *pace.rate > 0 ? std::to_string(*pace.rate) + " projections/s"
                                   : std::string("as fast as possible"))
              << "\n";
    mrd::Sender sender(host, port, timeout);
    const auto start = std::chrono::steady_clock::now();
    const auto readouts =
        mrd::send_recording(sender, images, acq::IsmrmrdWriterSettings{.gradient = gradient}, pace);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cerr << "raserflow send: sent " << readouts << " readouts and CLOSE in " << seconds
              << " s\n";
    return 0;
  } catch (const acq::FormatError& e) {
    std::cerr << "raserflow send: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "raserflow send: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

RASERFLOW_COMMAND(send,
                  "stream a recording to an MRD receiver (acquisition.stream) over TCP, in real "
                  "time or as fast as possible",
                  run_send);
