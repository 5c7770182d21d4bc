// Time and accuracy of one simulated RASER image (science.md §1.10): 30 projections x 67 modes x
// 4096 samples at the demo's operating point. Prints, per rtol, the time per image on one
// thread and the agreement max_k |S - S_ref| / max_k |S_ref| (worst projection) against an
// rtol 1e-11 reference, so a faster integrator cannot hide a loss of accuracy; then the speed-up
// on 2 threads and the growth with the number of modes over a fixed field of view. Not part of
// `make test`.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <random>

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_for.h>

#include "physical_constants.hpp"
#include "raser_model.hpp"

namespace rs = raserflow::raser;

namespace {

constexpr int kProjections = 30;
constexpr std::size_t kSamples = 4096;
constexpr double kDwell = 0.5e-3, kT2 = 0.3, kT1 = 10, kBandHz = 8.192;

struct Projection {
  rs::Modes modes;
  rs::State start;
};

struct Case {
  const char* name;
  double epsilon;
  bool pumped;  // two modes of the tube pumped with a decaying rate (science.md §1.5)
};

// One projection of a disc through the tube, M modes over the fixed 7.4 mm field of view.
Projection make_projection(int modes, int j, const Case& c, std::mt19937_64& gen) {
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
  for (auto& d : p.start.d) d *= c.epsilon * d_threshold / total;
  p.modes.pump_rate.assign(static_cast<std::size_t>(modes), 0.0);
  p.modes.pump_target.assign(static_cast<std::size_t>(modes), 0.0);
  if (c.pumped)
    for (int m : {modes * 24 / 67, modes * 40 / 67}) {
      p.modes.pump_rate[static_cast<std::size_t>(m)] = 2.0;
      p.modes.pump_target[static_cast<std::size_t>(m)] =
          1.5 * p.start.d[static_cast<std::size_t>(m)];
      p.modes.pump_decay = 3.0;
    }
  return p;
}

std::vector<Projection> make_image(int modes, const Case& c) {
  std::mt19937_64 gen(1);
  std::vector<Projection> image;
  for (int j = 0; j < kProjections; ++j) image.push_back(make_projection(modes, j, c, gen));
  return image;
}

// The tolerances raser.simulate passes for its `rtol` parameter.
rs::Tolerances node_tolerances(double rtol) {
  return {rtol, rtol * 0.1};
}

std::vector<std::vector<rs::Complex>> simulate(const std::vector<Projection>& image, double rtol) {
  std::vector<std::vector<rs::Complex>> out(image.size());
  oneapi::tbb::parallel_for(std::size_t{0}, image.size(), [&](std::size_t j) {
    out[j] = rs::simulate_signal(image[j].modes, image[j].start, kDwell, kSamples,
                                 node_tolerances(rtol));
  });
  return out;
}

double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// Seconds per image on one core: the CPU time of this thread simulating the projections one
// after the other, the best of `repeats` runs. CPU time rather than wall time because the
// machines this runs on are often shared, and a thread waiting for a core does not count.
double time_image(const std::vector<Projection>& image, double rtol, int repeats) {
  double best = 1e300;
  for (int r = 0; r < repeats; ++r) {
    const double t0 = thread_cpu_seconds();
    for (const auto& p : image) {
      auto s = rs::simulate_signal(p.modes, p.start, kDwell, kSamples, node_tolerances(rtol));
      if (!std::isfinite(s.back().real())) std::abort();
    }
    best = std::min(best, thread_cpu_seconds() - t0);
  }
  return best;
}

// Wall seconds per image on `threads` threads, the best of `repeats` runs.
double wall_time_image(const std::vector<Projection>& image, double rtol, int threads,
                       int repeats) {
  oneapi::tbb::global_control limit(oneapi::tbb::global_control::max_allowed_parallelism,
                                    static_cast<std::size_t>(threads));
  double best = 1e300;
  for (int r = 0; r < repeats; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    auto s = simulate(image, rtol);
    best = std::min(best,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    if (!std::isfinite(s.back().back().real())) std::abort();
  }
  return best;
}

// max_k |S - S_ref| / max_k |S_ref|, the worst projection of the image.
double disagreement(const std::vector<std::vector<rs::Complex>>& s,
                    const std::vector<std::vector<rs::Complex>>& ref) {
  double worst = 0;
  for (std::size_t j = 0; j < s.size(); ++j) {
    double peak = 0, err = 0;
    for (std::size_t k = 0; k < s[j].size(); ++k) {
      peak = std::max(peak, std::abs(ref[j][k]));
      err = std::max(err, std::abs(s[j][k] - ref[j][k]));
    }
    worst = std::max(worst, err / peak);
  }
  return worst;
}

}  // namespace

int main() {
  std::printf("RASER simulation, one image = %d projections x 67 modes x %zu samples\n",
              kProjections, kSamples);
  std::printf(
      "agreement = max |S - S_ref| / max |S_ref| (worst projection), S_ref at rtol 1e-11\n\n");
  std::printf("%-22s %8s %16s %12s\n", "case", "rtol", "ms/image (1 cpu)", "agreement");
  for (const Case& c : {Case{"epsilon 10", 10, false}, Case{"epsilon 10, pumped", 10, true},
                        Case{"epsilon 100", 100, false}}) {
    const auto image = make_image(67, c);
    const auto reference = simulate(image, 1e-11);
    for (double rtol : {1e-5, 1e-6, 1e-7, 1e-8})
      std::printf("%-22s %8.0e %16.1f %12.2e\n", c.name, rtol, time_image(image, rtol, 5) * 1e3,
                  disagreement(simulate(image, rtol), reference));
  }

  const auto image = make_image(67, Case{"epsilon 10", 10, false});
  const double cpu = time_image(image, 1e-6, 5);
  const double one = wall_time_image(image, 1e-6, 1, 5), two = wall_time_image(image, 1e-6, 2, 5);
  std::printf(
      "\nepsilon 10, rtol 1e-6, 67 modes: %.1f ms CPU per image (%.2f ms per projection); "
      "wall time 1 thread %.1f ms, 2 threads %.1f ms (speed-up %.2fx)\n\n",
      cpu * 1e3, cpu * 1e3 / kProjections, one * 1e3, two * 1e3, one / two);
  std::printf("%6s %16s %14s\n", "modes", "ms/image (1 cpu)", "vs 67 modes");
  for (int modes : {67, 128, 256, 512, 1024}) {
    const double t =
        time_image(make_image(modes, Case{"epsilon 10", 10, false}), 1e-6, modes <= 256 ? 3 : 1);
    std::printf("%6d %16.1f %13.2fx\n", modes, t * 1e3, t / cpu);
  }
  return 0;
}
