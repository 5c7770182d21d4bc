// stream_bench: live latency over loopback, from the moment the last projection of an image is
// handed to the socket (over loopback, its arrival, its transfer included) to that image's
// spectra: acquisition.stream (MRD receive, conform to 4,096 points) -> acquisition.mode_grid ->
// fft.spectrum, run in-process as the runtime runs them. 30 projections of 32,768 points per
// image; each image is sent only once the receiver waits for it, and its last projection 0.3 s
// after the others (a spectrometer's come ~16 s apart), so the figure is what follows the last
// projection, not a backlog of buffered ones. Best and median over 7 images.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>
#include <vector>

#include "mrd_stream.hpp"
#include "support/harness.hpp"

namespace acq = raserflow::acquisition;
namespace mrd = raserflow::acquisition::mrd;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kImages = 7, kP = 30, kT = 32768, kKept = 4096;
constexpr double kDwell = 0.5e-3;

double ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

int run() {
  std::vector<acq::Recording> images(kImages);
  std::mt19937_64 gen(1);
  std::normal_distribution<double> noise(0, 1);
  for (auto& r : images) {
    r.dwell = kDwell;
    r.source = "noise";
    for (std::size_t p = 0; p < kP; ++p) {
      r.fids.emplace_back(kT);
      for (auto& v : r.fids.back()) v = {1e3 * noise(gen), 1e3 * noise(gen)};
      r.angles.push_back(6.0 * double(p));
    }
  }
  const auto messages = mrd::encode_recording(images, {});

  const auto dir = fs::temp_directory_path() / "raserflow-stream-bench";
  fs::remove_all(dir);
  fs::create_directories(dir);
  raserflow::test::NodeHarness stream("acquisition.stream",
                                      {{"port", 0},
                                       {"port_file", (dir / "port").string()},
                                       {"wait_timeout", 60.0},
                                       {"samples", kKept},
                                       {"dwell", kDwell},
                                       {"frequency_shift", 500.0}},
                                      0, dir);
  raserflow::test::NodeHarness grid("acquisition.mode_grid", {}, 0, dir);
  raserflow::test::NodeHarness spectrum(
      "fft.spectrum", {{"roi_at", "frequency"}, {"roi_frequency", 500.0}}, 0, dir);
  int port = 0;
  std::ifstream(dir / "port") >> port;
  if (port <= 0) throw std::runtime_error("acquisition.stream wrote no port");

  std::vector<Clock::time_point> last_sent(kImages);
  std::atomic<std::size_t> go{0}, sent{0};
  std::atomic<bool> sender_failed{false};
  std::string sender_error;
  std::thread sender([&] {
    try {
      mrd::Sender s("127.0.0.1", static_cast<std::uint16_t>(port), 60);
      s.send(messages.front());
      for (std::size_t i = 0; i < kImages; ++i) {
        while (go.load() <= i) std::this_thread::sleep_for(std::chrono::microseconds(200));
        for (std::size_t p = 0; p + 1 < kP; ++p) s.send(messages[1 + i * kP + p]);
        // As in an acquisition, where projections come seconds apart, the receiver has taken
        // the others before the last one comes: the figure is that projection's, not a backlog's.
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        last_sent[i] = Clock::now();
        s.send(messages[i * kP + kP]);
        sent = i + 1;
      }
      s.send(messages.back());
    } catch (const std::exception& e) {
      sender_error = e.what();
      sender_failed = true;
    }
  });

  std::vector<double> latency, processing;  // ms: last projection -> spectra; grid + spectrum
  std::string failure;
  try {
    for (std::size_t i = 0; i < kImages; ++i) {
      go = i + 1;
      auto item = stream.run(raserflow::Item(std::int64_t(i), std::int64_t(i)));
      if (item.dropped()) throw std::runtime_error("the stream ended early");
      const auto received = Clock::now();
      item = spectrum.run(grid.run(std::move(item)));
      const auto done = Clock::now();
      if (!item.has("raser_projections")) throw std::runtime_error("no spectra");
      while (sent.load() <= i && !sender_failed) std::this_thread::yield();
      if (sender_failed) break;
      latency.push_back(ms(done - last_sent[i]));
      processing.push_back(ms(done - received));
    }
    if (!stream.run(raserflow::Item(std::int64_t(kImages), std::int64_t(kImages))).dropped())
      throw std::runtime_error("no end of stream after the sender's CLOSE");
  } catch (const std::exception& e) {
    failure = e.what();
    go = kImages + 1;  // let the sender finish (its sends fail once the receiver is gone)
  }
  sender.join();
  fs::remove_all(dir);
  if (!failure.empty()) throw std::runtime_error(failure);
  if (sender_failed) throw std::runtime_error("the sender failed: " + sender_error);

  std::printf(
      "live latency over loopback, %zu images of %zu projections x %zu points cut to %zu:\n"
      "  last projection sent -> spectra   best %7.1f ms   median %7.1f ms\n"
      "  of which mode_grid + fft.spectrum best %7.1f ms   median %7.1f ms\n",
      kImages, kP, kT, kKept, *std::min_element(latency.begin(), latency.end()), median(latency),
      *std::min_element(processing.begin(), processing.end()), median(processing));
  return 0;
}

}  // namespace

int main() {
  try {
    return run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "stream_bench: %s\n", e.what());
    return 1;
  }
}
