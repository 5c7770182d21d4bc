// replay_bench: recorded-data throughput per format at the experiment's size, 30 projections of
// 32,768 points: each format written once, then read and brought to the pipeline's convention
// (read_recording + conform to 4,096 points), best of 5; projections per second.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>

#include "bruker.hpp"
#include "conform.hpp"
#include "ismrmrd_file.hpp"
#include "jcamp.hpp"
#include "spinsolve.hpp"

namespace acq = raserflow::acquisition;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

int main() {
  constexpr std::size_t P = 30, T = 32768;
  const double dwell = 0.5e-3;
  acq::Recording r;
  r.dwell = dwell;
  std::mt19937_64 gen(1);
  std::normal_distribution<double> noise(0, 1);
  for (std::size_t p = 0; p < P; ++p) {
    r.fids.emplace_back(T);
    for (auto& v : r.fids.back()) v = {1e3 * noise(gen), 1e3 * noise(gen)};
    r.angles.push_back(6.0 * double(p));
  }
  const auto dir = fs::temp_directory_path() / "raserflow-replay-bench";
  fs::remove_all(dir);
  fs::create_directories(dir);
  {
    acq::IsmrmrdWriter w(dir / "a.h5", {});
    w.append(r, 0);
    w.close();
  }
  acq::write_jcamp(dir / "a.dx", r.fids, r.angles, dwell);
  acq::write_bruker(dir / "bruker", r.fids, r.angles, dwell);
  acq::write_spinsolve(dir / "spinsolve", r.fids, r.angles, dwell);
  std::printf("replay, %zu projections x %zu points, read + cut to 4,096 (best of 5):\n", P, T);
  for (const auto& [format, path] :
       {std::pair{"ismrmrd", dir / "a.h5"}, std::pair{"jcamp", dir / "a.dx"},
        std::pair{"bruker", dir / "bruker"}, std::pair{"spinsolve", dir / "spinsolve"}}) {
    double best = 1e9;
    for (int run = 0; run < 5; ++run) {
      const auto start = Clock::now();
      const auto images = acq::read_recording(path, format);
      const auto out = acq::conform(images.at(0), {.samples = 4096, .dwell = dwell, .angles = {}});
      best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count());
      if (out.fids.size() != P) return 1;
    }
    std::printf("  %-10s %8.1f ms  %9.0f projections/s  (%.1f MB on disk)\n", format, best * 1e3,
                double(P) / best,
                double(fs::is_directory(path) ? [&] {
                  std::uintmax_t n = 0;
                  for (const auto& e : fs::recursive_directory_iterator(path))
                    if (e.is_regular_file()) n += e.file_size();
                  return n;
                }()
                                              : fs::file_size(path)) /
                    1e6);
  }
  fs::remove_all(dir);
  return 0;
}
