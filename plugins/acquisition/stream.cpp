// acquisition.stream: live projections over the MRD streaming protocol (formats.md §5.3): a
// server that takes one sender (a spectrometer bridge, `raserflow send`, a Gadgetron client)
// and turns each completed image into an item, brought to the convention as
// acquisition.replay does.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "conform.hpp"
#include "convention_params.hpp"
#include "fid_contract.hpp"
#include "mrd_stream.hpp"
#include "raserflow/raserflow.hpp"

namespace {

using raserflow::Param;
namespace acq = raserflow::acquisition;
namespace mrd = raserflow::acquisition::mrd;

struct Stream final : raserflow::Node {
  static constexpr auto type = "acquisition.stream";
  static constexpr auto doc =
      "live projections over TCP, the MRD (Gadgetron) streaming protocol: listens on "
      "address:port, takes one sender, reads its setup (HEADER) and one ACQUISITION (1008) per "
      "projection; one item per image as it completes (projections per image from the header's "
      "encoding limits or the LAST_IN_REPETITION flag), brought to the pipeline's convention as "
      "acquisition.replay does. Open-ended: the stream ends at the sender's CLOSE or at stop, "
      "with the images complete so far; a connection lost mid-image is an error naming what "
      "arrived. `raserflow send FILE --to HOST:PORT` is a sender. " RASERFLOW_FID_CONTRACT;
  static constexpr auto execution = raserflow::Execution::device;

  Param<std::string> address{
      this,
      "address",
      "127.0.0.1",
      {.doc = "address to listen on: 127.0.0.1 (this computer only), 0.0.0.0 (every IPv4 "
              "interface) or one interface's address"}};
  Param<std::int64_t> port{
      this,
      "port",
      mrd::kDefaultPort,
      {.doc = "TCP port (Gadgetron's 9002); 0: any free port, written to port_file",
       .min = 0,
       .max = 65535}};
  Param<double> wait_timeout{
      this,
      "wait_timeout",
      60.0,
      {.doc = "longest wait for a sender to connect, and for each next byte once it has: then "
              "the run fails",
       .unit = "s",
       .min = 1e-3}};
  Param<std::int64_t> max_message{
      this,
      "max_message",
      100000000,
      {.doc = "largest message body, and largest image (its samples as complex64), accepted "
              "before anything is allocated",
       .unit = "bytes",
       .min = 1024}};
  Param<std::string> port_file{
      this,
      "port_file",
      "",
      {.doc = "if set, a file (relative to the run's output folder) that receives the port "
              "listened on, once listening: for port 0 and for scripts that start a sender"}};
  acq::ConventionParams convention{this};  // samples, dwell, decimate, frequency_shift, angles
  acq::FidOutputs out{this};               // fid, angles, dwell, recording

  std::optional<std::int64_t> item_count() const override { return raserflow::open_ended; }

  void start() override {
    try {
      receiver_ = std::make_unique<mrd::Receiver>(
          *address, static_cast<std::uint16_t>(*port),
          mrd::Limits{*wait_timeout, static_cast<std::uint64_t>(*max_message)}, interrupter_);
    } catch (const mrd::StreamError& e) {
      throw raserflow::Error(id() + " (acquisition.stream): " + e.what());
    }
    std::cerr << id() << " (acquisition.stream): listening on " << *address << ":"
              << receiver_->port() << "\n";
    if (!port_file->empty()) {
      std::filesystem::path file = *port_file;
      if (file.is_relative()) file = output_dir() / file;
      auto partial = file;
      partial += ".partial";
      std::ofstream(partial) << receiver_->port() << "\n";
      std::error_code ec;
      std::filesystem::rename(partial, file, ec);  // whole or absent, for whoever polls it
      if (ec)
        throw raserflow::Error(id() + ": cannot write " + file.string() + ": " + ec.message());
    }
  }

  void process(raserflow::Item& item) override {
    std::optional<acq::Recording> image;
    try {
      image = receiver_->next_image();
    } catch (const mrd::StreamInterrupted&) {
      item.end_stream();  // a stop: the images complete so far are published
      return;
    } catch (const mrd::StreamError& e) {
      throw raserflow::Error(id() + " (acquisition.stream): " + e.what());
    }
    if (!image) {
      item.end_stream();  // the sender's CLOSE
      return;
    }
    try {
      out.put(item, acq::conform(*image, convention.convention()));
    } catch (const acq::FormatError& e) {
      throw raserflow::Error(id() + " (acquisition.stream): " + e.what());
    }
  }

  void interrupt() noexcept override { interrupter_.trigger(); }
  void finish() override { receiver_.reset(); }
  void abort() noexcept override { receiver_.reset(); }

 private:
  mrd::Interrupter interrupter_;
  std::unique_ptr<mrd::Receiver> receiver_;
};
RASERFLOW_NODE(Stream);

}  // namespace
