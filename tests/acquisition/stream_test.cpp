// acquisition.stream and `raserflow send` over loopback (MRD streaming, formats.md §5.3): a stream
// equals the replay of the same file item for item; a sender killed mid-image, a silent sender,
// a stop during a blocked wait, oversized or unknown messages; a recording without angles
// streamed without any; and a bounded random-mutation fuzz of the byte stream. (The latency from
// the last projection to the image's spectra is a benchmark: bench/stream_bench.cpp.)
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <chrono>
#include <cmath>
#include <complex>
#include <cstring>
#include <fstream>
#include <random>
#include <thread>

#include "conform.hpp"
#include "ismrmrd_file.hpp"
#include "mrd_stream.hpp"
#include "spinsolve.hpp"
#include "support/cli.hpp"
#include "support/error_of.hpp"
#include "support/harness.hpp"

namespace rf = raserflow;
namespace acq = raserflow::acquisition;
namespace mrd = raserflow::acquisition::mrd;
namespace rft = raserflow::test;
using rft::NodeHarness;
using Clock = std::chrono::steady_clock;
using Complex = std::complex<double>;

namespace {

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// `images` images of P projections x T samples of noise at `dwell`, angles 0..180.
std::vector<acq::Recording> noise_images(std::size_t images, std::size_t P, std::size_t T,
                                         double dwell, unsigned seed = 1) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> g;
  std::vector<acq::Recording> out(images);
  for (auto& r : out) {
    r.dwell = dwell;
    r.source = "noise";
    for (std::size_t p = 0; p < P; ++p) {
      r.fids.emplace_back();
      for (std::size_t k = 0; k < T; ++k) r.fids.back().emplace_back(g(rng), g(rng));
      r.angles.push_back(180.0 * double(p) / double(P) + 0.25);
    }
  }
  return out;
}

std::uint16_t read_port(const std::filesystem::path& file) {
  std::ifstream in(file);
  int port = 0;
  in >> port;
  return static_cast<std::uint16_t>(port);
}

// A stream node on a free loopback port; `port` is where it listens.
struct StreamNode {
  explicit StreamNode(nlohmann::json params, const std::string& name = "stream") {
    const auto dir = rft::scratch_dir(name);
    params["port"] = 0;
    params["port_file"] = (dir / "port").string();
    node = std::make_unique<NodeHarness>("acquisition.stream", params);
    port = read_port(dir / "port");
  }
  std::unique_ptr<NodeHarness> node;
  std::uint16_t port = 0;
};

std::string u16(std::uint16_t v) {
  return {char(v & 0xff), char(v >> 8)};
}
std::string u32(std::uint32_t v) {
  return {char(v & 0xff), char((v >> 8) & 0xff), char((v >> 16) & 0xff), char(v >> 24)};
}

TEST(Stream, EqualsTheReplayOfTheSameFileItemForItem) {
  const auto dir = rft::scratch_dir("stream_equals_replay");
  const auto file = dir / "recording.h5";
  {
    acq::IsmrmrdWriter writer(file, {});
    const auto images = noise_images(3, 6, 256, 0.25e-3);
    for (std::size_t i = 0; i < images.size(); ++i) writer.append(images[i], std::int64_t(i));
    writer.close();
  }
  const nlohmann::json convention = {
      {"samples", 100}, {"dwell", 0.5e-3}, {"decimate", 2}, {"frequency_shift", 125.0}};
  auto params = convention;
  params["wait_timeout"] = 30.0;
  StreamNode stream(params, "stream_equals");
  ASSERT_GT(stream.port, 0);
  EXPECT_EQ(stream.node->node().item_count(), rf::open_ended);

  auto replay_params = convention;
  replay_params["path"] = file.string();
  NodeHarness replay("acquisition.replay", replay_params);
  ASSERT_EQ(replay.node().item_count(), 3);
  // Before the sender starts: libismrmrd opens files read-write, so HDF5 locks them.
  rft::CliResult sent;
  std::thread sender([&] {
    sent = rft::run_cli(
        {"send", file.string(), "--to", "127.0.0.1:" + std::to_string(stream.port), "--fast"});
  });
  std::string failure;
  try {
    [&] {  // ASSERTs leave this lambda, so the sender is always joined
      for (std::int64_t i = 0; i < 3; ++i) {
        const auto live = stream.node->run(rf::Item(i, i));
        ASSERT_FALSE(live.dropped()) << "item " << i;
        const auto recorded = replay.run(rf::Item(i, i));
        for (const char* field : {"fid", "angles", "dwell"}) {
          const auto a = live.array(field), b = recorded.array(field);
          ASSERT_EQ(a.shape(), b.shape()) << field;
          ASSERT_EQ(a.dtype(), b.dtype()) << field;
          EXPECT_EQ(std::memcmp(a.bytes().data(), b.bytes().data(), a.bytes().size()), 0)
              << field << " of item " << i << " is not bit-identical";
        }
      }
      const auto end = stream.node->run(rf::Item(3, 3));
      EXPECT_TRUE(end.dropped()) << "the sender's CLOSE ends the stream";
    }();
  } catch (const std::exception& e) {
    failure = e.what();
  }
  sender.join();
  EXPECT_EQ(failure, "");
  EXPECT_EQ(sent.status, 0) << sent.err;
  EXPECT_NE(sent.err.find("sent 18 readouts"), std::string::npos) << sent.err;
}

// A recording without angles (a Spinsolve folder without angles.txt) streams without any, so the
// pipeline's `angles` parameter applies to the stream exactly as to the replay of the folder.
TEST(Stream, ARecordingWithoutAnglesTakesTheAnglesParameterAsItsReplayDoes) {
  const auto dir = rft::scratch_dir("stream_no_angles");
  const auto folder = dir / "spinsolve";
  auto image = noise_images(1, 6, 256, 0.5e-3, 7)[0];
  for (auto& row : image.fids)  // float32 values: the file and the wire hold them exactly
    for (auto& v : row) v = Complex(float(v.real()), float(v.imag()));
  acq::write_spinsolve(folder, image.fids, {}, image.dwell);
  ASSERT_TRUE(acq::read_recording(folder).at(0).angles.empty());
  const std::vector<double> angles = {3, 33, 63, 93, 123, 153};
  const nlohmann::json convention = {
      {"samples", 200}, {"dwell", 0.5e-3}, {"frequency_shift", 125.0}, {"angles", angles}};
  auto params = convention;
  params["wait_timeout"] = 30.0;
  StreamNode stream(params, "stream_no_angles_node");
  auto replay_params = convention;
  replay_params["path"] = folder.string();
  NodeHarness replay("acquisition.replay", replay_params);
  const auto recorded = replay.run(rf::Item(0, 0));
  rft::CliResult sent;
  std::thread sender([&] {
    sent = rft::run_cli(
        {"send", folder.string(), "--to", "127.0.0.1:" + std::to_string(stream.port), "--fast"});
  });
  std::string failure;
  try {
    [&] {
      const auto live = stream.node->run(rf::Item(0, 0));
      ASSERT_FALSE(live.dropped());
      const auto got = live.array("angles").values<double>();
      EXPECT_EQ(std::vector<double>(got.begin(), got.end()), angles);
      for (const char* field : {"fid", "angles", "dwell"}) {
        const auto a = live.array(field), b = recorded.array(field);
        ASSERT_EQ(a.shape(), b.shape()) << field;
        ASSERT_EQ(a.dtype(), b.dtype()) << field;
        EXPECT_EQ(std::memcmp(a.bytes().data(), b.bytes().data(), a.bytes().size()), 0)
            << field << " is not bit-identical";
      }
      EXPECT_TRUE(stream.node->run(rf::Item(1, 1)).dropped());
    }();
  } catch (const std::exception& e) {
    failure = e.what();
  }
  sender.join();
  EXPECT_EQ(failure, "");
  EXPECT_EQ(sent.status, 0) << sent.err;
}

// On the wire: no angle source in the header, zero read directions; the receiver yields none.
// Images that disagree on having angles are refused.
TEST(Stream, ImagesWithoutAnglesAreSentWithoutAny) {
  auto images = noise_images(2, 3, 16, 0.5e-3);
  for (auto& im : images) im.angles.clear();
  const auto messages = mrd::encode_recording(images, {});
  EXPECT_EQ(messages[0].find("angle_source"), std::string::npos) << messages[0];
  EXPECT_NE(messages[0].find("raserflow.schema"), std::string::npos) << messages[0];
  ISMRMRD::ISMRMRD_AcquisitionHeader head;
  std::memcpy(&head, messages[2].data() + 2, 340);
  // Copies: gtest binds references, which a packed struct's members do not take.
  const float read_x = head.read_dir[0], read_y = head.read_dir[1], angle = head.user_float[0];
  const int step = head.idx.kspace_encode_step_1;
  EXPECT_EQ(read_x, 0.0f);
  EXPECT_EQ(read_y, 0.0f);
  EXPECT_EQ(angle, 0.0f);
  EXPECT_EQ(step, 1);
  mrd::Interrupter stop;
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  mrd::Receiver receiver(fds[0], {5, 1 << 20}, stop);
  mrd::Sender sender(fds[1]);
  for (const auto& m : messages) sender.send(m);
  for (int i = 0; i < 2; ++i) {
    const auto image = receiver.next_image();
    ASSERT_TRUE(image);
    EXPECT_EQ(image->fids.size(), 3u);
    EXPECT_TRUE(image->angles.empty()) << "image " << i;
  }
  EXPECT_FALSE(receiver.next_image());

  auto mixed = noise_images(2, 3, 16, 0.5e-3);
  mixed[1].angles.clear();
  EXPECT_THROW(mrd::encode_recording(mixed, {}), std::invalid_argument);
  mixed[0].angles.clear();
  mixed[1].angles = {1, 2};
  EXPECT_THROW(mrd::encode_recording(mixed, {}), std::invalid_argument);
}

TEST(Send, PacesBadArgumentsAndUnreachableReceivers) {
  const auto dir = rft::scratch_dir("send_cli");
  const auto file = dir / "r.h5";
  {
    acq::IsmrmrdWriter writer(file, {});
    writer.append(noise_images(1, 5, 64, 0.5e-3)[0], 0);
    writer.close();
  }
  // Nothing listens on a port just released.
  std::uint16_t closed_port = 0;
  {
    mrd::Interrupter stop;
    mrd::Receiver r("127.0.0.1", 0, {}, stop);
    closed_port = r.port();
  }
  const auto to = "127.0.0.1:" + std::to_string(closed_port);
  const auto refused = rft::run_cli({"send", file.string(), "--to", to, "--fast"});
  EXPECT_EQ(refused.status, 1);
  EXPECT_NE(refused.err.find("cannot connect to " + to), std::string::npos) << refused.err;
  EXPECT_EQ(rft::run_cli({"send", file.string(), "--to", "localhost"}).status, 2);
  EXPECT_EQ(rft::run_cli({"send", file.string(), "--to", "h:70000"}).status, 2);
  EXPECT_EQ(rft::run_cli({"send", "--to", "h:1"}).status, 2);
  EXPECT_EQ(rft::run_cli({"send", file.string(), "--to", "h:1", "--rate", "-3"}).status, 2);
  // --fast is --rate 0: both at once is a usage error naming both, not one silently kept.
  const auto both = rft::run_cli({"send", file.string(), "--to", to, "--fast", "--rate", "5"});
  EXPECT_EQ(both.status, 2);
  EXPECT_NE(both.err.find("--fast"), std::string::npos) << both.err;
  EXPECT_NE(both.err.find("--rate"), std::string::npos) << both.err;
  EXPECT_EQ(both.err.find("cannot connect"), std::string::npos) << "refused before connecting";
  const auto missing = rft::run_cli({"send", (dir / "none.h5").string(), "--to", to});
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.err.find("none.h5"), std::string::npos) << missing.err;

  // --rate 40: five projections take at least 5 / 40 s; real time (T x dwell = 32 ms) 160 ms.
  for (const auto& [rate, least] : {std::pair<std::string, double>{"40", 5 / 40.0},
                                    std::pair<std::string, double>{"", 5 * 64 * 0.5e-3}}) {
    StreamNode stream({{"samples", 64}, {"wait_timeout", 30.0}}, "send_pace");
    std::vector<std::string> args = {"send", file.string(), "--to",
                                     "127.0.0.1:" + std::to_string(stream.port)};
    if (!rate.empty()) args.insert(args.end(), {"--rate", rate});
    rft::CliResult r;
    std::thread t([&] { r = rft::run_cli(args); });
    const auto start = Clock::now();
    EXPECT_FALSE(stream.node->run(rf::Item(0, 0)).dropped());
    EXPECT_GE(seconds_since(start), least * 0.9) << "rate '" << rate << "'";
    EXPECT_TRUE(stream.node->run(rf::Item(1, 1)).dropped());
    t.join();
    EXPECT_EQ(r.status, 0) << r.err;
  }
}

TEST(Stream, ASenderKilledMidImageIsAnErrorNamingWhatArrived) {
  StreamNode stream({{"samples", 32}, {"wait_timeout", 10.0}}, "stream_killed");
  const auto messages = mrd::encode_recording(noise_images(3, 30, 32, 0.5e-3), {});
  mrd::Sender sender("127.0.0.1", stream.port);
  sender.send(messages[0]);                                             // HEADER: 30 projections
  for (std::size_t i = 1; i <= 30 + 12; ++i) sender.send(messages[i]);  // image 0, 12 of image 1
  sender.disconnect();
  EXPECT_FALSE(stream.node->run(rf::Item(0, 0)).dropped());
  const auto why = rft::error_of([&] { stream.node->run(rf::Item(1, 1)); });
  EXPECT_NE(why.find("connection closed"), std::string::npos) << why;
  EXPECT_NE(why.find("after 12 of 30 readouts of image 1"), std::string::npos) << why;
}

TEST(Stream, ASenderThatNeverSendsTimesOut) {
  {
    StreamNode stream({{"wait_timeout", 0.5}}, "stream_silent");
    mrd::Sender sender("127.0.0.1", stream.port);
    const auto start = Clock::now();
    const auto why = rft::error_of([&] { stream.node->run(rf::Item(0, 0)); });
    const double waited = seconds_since(start);
    EXPECT_NE(why.find("no data for 0.5 s (wait_timeout)"), std::string::npos) << why;
    EXPECT_NE(why.find("before any message"), std::string::npos) << why;
    EXPECT_GE(waited, 0.45);
    EXPECT_LT(waited, 5);
  }
  StreamNode nobody({{"wait_timeout", 0.3}}, "stream_nobody");
  const auto why = rft::error_of([&] { nobody.node->run(rf::Item(0, 0)); });
  EXPECT_NE(
      why.find("no sender connected to 127.0.0.1:" + std::to_string(nobody.port) + " within 0.3 s"),
      std::string::npos)
      << why;
}

TEST(Stream, InterruptDuringABlockedWaitEndsTheStreamPromptly) {
  const auto messages = mrd::encode_recording(noise_images(2, 4, 32, 0.5e-3), {});
  for (const bool connected : {false, true}) {
    StreamNode stream({{"samples", 32}, {"wait_timeout", 30.0}}, "stream_interrupt");
    std::optional<mrd::Sender> sender;
    if (connected) {  // image 0 complete, then 2 readouts of image 1 and silence
      sender.emplace("127.0.0.1", stream.port);
      for (std::size_t i = 0; i < 1 + 4 + 2; ++i) sender->send(messages[i]);
      EXPECT_FALSE(stream.node->run(rf::Item(0, 0)).dropped());
    }
    std::thread stopper([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      stream.node->node().interrupt();
    });
    const auto start = Clock::now();
    const auto item = stream.node->run(rf::Item(1, 1));
    const double waited = seconds_since(start);
    stopper.join();
    EXPECT_TRUE(item.dropped()) << "a stop ends the stream";
    EXPECT_LT(waited, 2.0) << (connected ? "reading" : "accepting");
    EXPECT_TRUE(stream.node->run(rf::Item(2, 2)).dropped()) << "and it stays ended";
  }
}

TEST(Stream, OversizedAndUnknownMessagesAreRefusedBeforeAllocating) {
  ISMRMRD::ISMRMRD_AcquisitionHeader huge;
  ISMRMRD::ismrmrd_init_acquisition_header(&huge);
  huge.number_of_samples = 65535;
  huge.active_channels = 65535;
  const std::string huge_acquisition =
      u16(1008) + std::string(reinterpret_cast<const char*>(&huge), 340);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {u16(3) + u32(4000000000u), "HEADER (3) claims 4000000000 bytes, limit 100000000"},
      {u16(5) + u32(100000001u), "TEXT (5) claims 100000001 bytes"},
      {huge_acquisition, "ACQUISITION (1008) claims 34358689800 bytes"},
      {u16(77), "message id 77 (unknown)"},
      {u16(1022), "IMAGE (1022) is not taken"},
  };
  for (const auto& [bytes, expected] : cases) {
    StreamNode stream({{"wait_timeout", 10.0}}, "stream_oversized");
    mrd::Sender sender("127.0.0.1", stream.port);
    sender.send(bytes);
    const auto why = rft::error_of([&] { stream.node->run(rf::Item(0, 0)); });
    EXPECT_NE(why.find(expected), std::string::npos) << why;
  }
  // Two channels: refused, naming them.
  auto messages = mrd::encode_recording(noise_images(1, 2, 16, 0.5e-3), {});
  ISMRMRD::ISMRMRD_AcquisitionHeader head;
  std::memcpy(&head, messages[1].data() + 2, 340);
  head.active_channels = 2;
  StreamNode stream({{"wait_timeout", 10.0}}, "stream_channels");
  mrd::Sender sender("127.0.0.1", stream.port);
  sender.send(messages[0] +
              mrd::encode_acquisition(head, {}, std::vector<std::complex<float>>(32)));
  const auto why = rft::error_of([&] { stream.node->run(rf::Item(0, 0)); });
  EXPECT_NE(why.find("2 receive channels"), std::string::npos) << why;
}

TEST(Stream, NoiseReadoutsAreSkippedAndTheLastInRepetitionFlagEndsAnImage) {
  // A sender without a HEADER: images end at flag 14; a noise readout (flag 19) first.
  const auto images = noise_images(2, 3, 16, 0.5e-3);
  auto messages = mrd::encode_recording(images, {});
  ISMRMRD::ISMRMRD_AcquisitionHeader noise;
  std::memcpy(&noise, messages[1].data() + 2, 340);
  noise.flags = 1ull << 18;
  noise.idx.kspace_encode_step_1 = 9;
  mrd::Interrupter stop;
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  mrd::Receiver receiver(fds[0], {5, 1 << 20}, stop);
  mrd::Sender sender(fds[1]);
  sender.send(mrd::encode_config_file("default.xml") + mrd::encode_text(mrd::kText, "hello") +
              mrd::encode_acquisition(noise, {}, std::vector<std::complex<float>>(16)));
  for (std::size_t i = 1; i < messages.size(); ++i) sender.send(messages[i]);
  for (std::size_t i = 0; i < 2; ++i) {
    const auto image = receiver.next_image();
    ASSERT_TRUE(image);
    ASSERT_EQ(image->fids.size(), 3u);
    for (std::size_t p = 0; p < 3; ++p) {
      for (std::size_t k = 0; k < 16; ++k) {  // complex64 on the wire, widened exactly
        EXPECT_EQ(image->fids[p][k].real(), double(float(images[i].fids[p][k].real())));
        EXPECT_EQ(image->fids[p][k].imag(), double(float(images[i].fids[p][k].imag())));
      }
      // Without a HEADER saying user_float0, the angle is read from the read direction.
      EXPECT_NEAR(image->angles[p], images[i].angles[p], 1e-4);
    }
    EXPECT_EQ(image->dwell, double(float(0.5e-3 * 1e6)) * 1e-6);
  }
  EXPECT_FALSE(receiver.next_image());
}

// Every mutation of a valid byte stream gives images that hold the contract, or a StreamError.
TEST(Stream, RandomMutationsGiveOnlyCleanErrors) {
  std::string valid;
  for (const auto& m : mrd::encode_recording(noise_images(3, 4, 24, 0.5e-3), {})) valid += m;
  std::mt19937_64 rng(20261201);
  const auto pick = [&](std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
  };
  int errors = 0, whole = 0;
  const auto start = Clock::now();
  for (int round = 0; round < 12000; ++round) {
    std::string bytes = valid;
    for (int edits = 1 + int(pick(4)); edits > 0; --edits) {
      switch (pick(5)) {
        case 0:
          bytes[pick(bytes.size())] ^= char(1 << pick(8));
          break;
        case 1:
          bytes[pick(bytes.size())] = char(pick(256));
          break;
        case 2:
          bytes.resize(pick(bytes.size()));
          break;
        case 3:
          bytes.insert(pick(bytes.size() + 1), std::string(1 + pick(8), char(pick(256))));
          break;
        case 4: {
          const auto at = pick(bytes.size()),
                     n = std::min<std::size_t>(pick(800), bytes.size() - at);
          bytes.insert(pick(bytes.size() + 1), bytes.substr(at, n));
          break;
        }
      }
      if (bytes.empty()) bytes = valid.substr(0, 1);
    }
    int fds[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    mrd::Interrupter stop;
    std::thread writer([&, fd = fds[1]] {
      mrd::Sender s(fd);
      try {
        s.send(bytes);
      } catch (const mrd::StreamError&) {  // the receiver gave up first
      }
    });
    try {
      mrd::Receiver receiver(fds[0], {5, 1 << 20}, stop);
      while (auto image = receiver.next_image()) {
        ASSERT_FALSE(image->fids.empty());
        ASSERT_GT(image->dwell, 0);
        for (const auto& row : image->fids) {
          ASSERT_EQ(row.size(), image->fids[0].size());
          for (const auto& v : row) ASSERT_TRUE(std::isfinite(v.real()) && std::isfinite(v.imag()));
        }
        ASSERT_TRUE(image->angles.empty() || image->angles.size() == image->fids.size());
      }
      ++whole;
    } catch (const mrd::StreamError&) {
      ++errors;
    } catch (const std::exception& e) {
      writer.join();
      FAIL() << "round " << round << ": not a StreamError: " << e.what();
    }
    writer.join();
  }
  EXPECT_GT(errors, 8000);
  std::cout << "fuzz: " << errors << " clean errors, " << whole << " streams read whole, in "
            << seconds_since(start) << " s\n";
}

}  // namespace
