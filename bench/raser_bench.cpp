// Time to simulate one RASER image (science.md §1.10): 30 projections x 67 modes x 4096
// samples at the demo's operating point, on 1 and 2 threads, and the growth with the number of
// modes over a fixed field of view. Prints a table; not part of `make test`.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_for.h>

#include "physical_constants.hpp"
#include "raser_model.hpp"

namespace rs = raserflow::raser;

namespace {

constexpr int kProjections = 30;
constexpr std::size_t kSamples = 4096;
constexpr double kDwell = 0.5e-3, kT2 = 0.3, kT1 = 10, kEpsilon = 10, kBandHz = 8.192;

// One projection of a disc through the tube, M modes over the fixed 7.4 mm field of view.
struct Projection {
  rs::Modes modes;
  rs::State start;
};

Projection make_projection(int modes, int j, std::mt19937_64& gen) {
  const double beta = rs::coupling_beta(50, 1.056e-7, raserflow::constants::gamma_proton);
  const double d_threshold = 1 / (beta * kT2);
  std::normal_distribution<double> normal(0, 1);
  std::uniform_real_distribution<double> phase(0, 2 * raserflow::constants::pi);
  Projection p;
  p.modes.beta = beta;
  p.modes.t1 = kT1;
  p.modes.t2_star = kT2;
  double total = 0;
  for (int m = 0; m < modes; ++m) {
    const double x = (m - modes / 2 + 0.1 * j) / (0.3 * modes);  // tube = 55 % of the field of view
    p.start.d.push_back(std::max(0.0, std::sqrt(std::max(0.0, 1 - x * x))));
    total += p.start.d.back();
    p.start.alpha.push_back(std::polar(std::abs(normal(gen)) * 2e9 / std::sqrt(modes), phase(gen)));
    p.modes.omega.push_back(2 * raserflow::constants::pi * (m - modes / 2) * kBandHz / modes);
  }
  for (auto& d : p.start.d) d *= kEpsilon * d_threshold / total;
  p.modes.pump_rate.assign(static_cast<std::size_t>(modes), 0.0);
  p.modes.pump_target.assign(static_cast<std::size_t>(modes), 0.0);
  return p;
}

// Seconds per image, the best of `repeats` runs.
double time_image(int modes, int threads, int repeats) {
  std::mt19937_64 gen(1);
  std::vector<Projection> image;
  for (int j = 0; j < kProjections; ++j) image.push_back(make_projection(modes, j, gen));
  oneapi::tbb::global_control limit(oneapi::tbb::global_control::max_allowed_parallelism,
                                    static_cast<std::size_t>(threads));
  double best = 1e300;
  for (int r = 0; r < repeats; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    oneapi::tbb::parallel_for(0, kProjections, [&](int j) {
      const auto& p = image[static_cast<std::size_t>(j)];
      auto s = rs::simulate_signal(p.modes, p.start, kDwell, kSamples, {1e-6, 1e-7});
      if (!std::isfinite(s.back().real())) std::abort();
    });
    best = std::min(best,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}

}  // namespace

int main() {
  std::printf(
      "RASER simulation, one image = %d projections x %zu samples, epsilon %.0f, rtol 1e-6\n\n",
      kProjections, kSamples, kEpsilon);
  const double one = time_image(67, 1, 5), two = time_image(67, 2, 5);
  std::printf("67 modes, 1 thread : %7.1f ms per image  (%.2f ms per projection)\n", one * 1e3,
              one * 1e3 / kProjections);
  std::printf("67 modes, 2 threads: %7.1f ms per image  (speed-up %.2fx)\n\n", two * 1e3,
              one / two);
  std::printf("%6s %16s %14s\n", "modes", "ms/image (1 thr)", "vs 67 modes");
  for (int modes : {67, 128, 256, 512, 1024}) {
    const double t = time_image(modes, 1, modes <= 256 ? 3 : 1);
    std::printf("%6d %16.1f %13.2fx\n", modes, t * 1e3, t / one);
  }
  return 0;
}
