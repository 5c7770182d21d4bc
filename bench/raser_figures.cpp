// Validation figures of the RASER model (science.md §1.7, §1.8), written as PNGs:
//   single_mode_burst.png  a single-mode burst against its sech closed form (§1.7 E)
//   threshold.png          the inversion across threshold: no burst for ε <= 1 (§1.7 F)
//   artifacts.png          one 67-mode projection at ε = 2, 10 and 100 against the true profile
// Usage: raser_figures OUTPUT_DIR. Also prints the largest deviation from the closed form.
#include <cmath>
#include <complex>
#include <cstdio>
#include <filesystem>
#include <numeric>
#include <random>

#include <opencv2/imgcodecs.hpp>

#include "line_plot.hpp"
#include "physical_constants.hpp"
#include "raser_model.hpp"
#include "save_png.hpp"

namespace rs = raserflow::raser;
namespace io = raserflow::io;
using Complex = std::complex<double>;

namespace {

constexpr double kThreshold = 1e15;  // d_th in spins; with T2* = 1 s and β = 1/d_th, t is τ

rs::Modes single_mode(double t1 = rs::infinity) {
  rs::Modes m;
  m.omega = {0.0};
  m.pump_rate = {0.0};
  m.pump_target = {0.0};
  m.t2_star = 1.0;
  m.t1 = t1;
  m.beta = 1.0 / kThreshold;
  return m;
}

void burst_figure(const std::filesystem::path& dir) {
  const double eps = 10, a0 = 1e-6, u0 = eps - 1, R = std::sqrt(u0 * u0 + 4 * a0 * a0);
  const double tau0 = std::log((R + u0) / (2 * a0)) / R;
  std::vector<double> times;
  for (int k = 0; k <= 400; ++k) times.push_back(k * 0.01);
  auto states = rs::simulate_states(single_mode(), {{eps * kThreshold}, {a0 * kThreshold}}, times,
                                    {1e-10, 1e-12});
  io::Curve d_sim{"D simulated", {}}, d_exact{"D closed form", {}}, a_sim{"|a| simulated", {}},
      a_exact{"|a| closed form", {}};
  double worst = 0;
  for (std::size_t k = 0; k < times.size(); ++k) {
    const double x = R * (times[k] - tau0);
    d_sim.y.push_back(states[k].d[0] / kThreshold);
    d_exact.y.push_back(1 - R * std::tanh(x));
    a_sim.y.push_back(std::abs(states[k].alpha[0]) / kThreshold);
    a_exact.y.push_back(R / 2 / std::cosh(x));
    worst = std::max({worst, std::abs(d_sim.y.back() - d_exact.y.back()),
                      std::abs(a_sim.y.back() - a_exact.y.back())});
  }
  std::printf(
      "single-mode burst, epsilon 10: largest deviation from the closed form %.2e (threshold "
      "units)\n",
      worst);
  io::PlotStyle style;
  style.x_step = 0.01;
  style.title = "single-mode burst (epsilon 10) over its closed form";
  style.x_label = "t / T2*";
  style.y_label = "D = d/d_th,  |a| = |alpha|/d_th";
  save_png(dir / "single_mode_burst.png",
           io::draw_line_plot({d_exact, d_sim, a_exact, a_sim}, style));
}

void threshold_figure(const std::filesystem::path& dir) {
  std::vector<double> times;
  for (int k = 0; k <= 750; ++k) times.push_back(k * 0.04);
  std::vector<io::Curve> curves;
  for (double eps : {0.8, 1.5, 2.0, 4.0, 8.0}) {
    auto states =
        rs::simulate_states(single_mode(100.0), {{eps * kThreshold}, {1e-4 * kThreshold}}, times);
    io::Curve c{"epsilon " + std::to_string(eps).substr(0, 3), {}};
    for (const auto& s : states) c.y.push_back(s.d[0] / kThreshold);
    curves.push_back(std::move(c));
  }
  io::PlotStyle style;
  style.x_step = 0.04;
  style.title = "inversion across the threshold epsilon = 1";
  style.x_label =
      "t / T2*  (T1 = 100 T2*; no burst for epsilon <= 1, then D ends near 2 - epsilon)";
  style.y_label = "D = d / d_th";
  save_png(dir / "threshold.png", io::draw_line_plot(curves, style));
}

// |Σ_k S_k e^{-i2πν t_k}| at each mode frequency ν: the spectrum on the projection's own grid.
std::vector<double> profile_spectrum(const std::vector<Complex>& s, const std::vector<double>& nu,
                                     double dwell) {
  std::vector<double> out;
  for (double f : nu) {
    Complex sum = 0;
    for (std::size_t k = 0; k < s.size(); ++k)
      sum += s[k] *
             std::polar(1.0, -2 * raserflow::constants::pi * f * static_cast<double>(k) * dwell);
    out.push_back(std::abs(sum));
  }
  const double peak = *std::max_element(out.begin(), out.end());
  for (auto& v : out) v /= peak;
  return out;
}

void artifacts_figure(const std::filesystem::path& dir) {
  // A two-lobed profile across the tube: the kind of shape the RASER distorts.
  constexpr int modes = 67;
  constexpr double dwell = 0.5e-3, hz_per_bin = 0.12227, t2 = 0.3;
  const double beta = rs::coupling_beta(50, 1.056e-7, raserflow::constants::gamma_proton);
  std::vector<double> profile(modes), nu(modes);
  for (int m = 0; m < modes; ++m) {
    const double x = (m - modes / 2) / 18.0;
    profile[static_cast<std::size_t>(m)] =
        std::abs(x) < 1
            ? std::sqrt(1 - x * x) * (1 - 0.5 * std::exp(-std::pow((x + 0.35) / 0.15, 2)))
            : 0.0;
    nu[static_cast<std::size_t>(m)] = (m - modes / 2) * hz_per_bin;
  }
  const double peak = *std::max_element(profile.begin(), profile.end());
  std::vector<io::Curve> curves{{"true profile", {}}};
  for (double p : profile) curves[0].y.push_back(p / peak);
  std::mt19937_64 gen(3);
  std::normal_distribution<double> normal(0, 1);
  std::uniform_real_distribution<double> phase(0, 2 * raserflow::constants::pi);
  std::vector<Complex> alpha0;
  for (int m = 0; m < modes; ++m)
    alpha0.push_back(std::polar(std::abs(normal(gen)) * 2e9 / std::sqrt(modes), phase(gen)));
  const double total = std::accumulate(profile.begin(), profile.end(), 0.0);
  for (double eps : {2.0, 10.0, 100.0}) {
    rs::Modes m;
    m.beta = beta;
    m.t2_star = t2;
    m.t1 = 10;
    m.pump_rate.assign(modes, 0.0);
    m.pump_target.assign(modes, 0.0);
    rs::State start;
    for (int i = 0; i < modes; ++i) {
      m.omega.push_back(2 * raserflow::constants::pi * nu[static_cast<std::size_t>(i)]);
      start.d.push_back(eps / (beta * t2) * profile[static_cast<std::size_t>(i)] / total);
    }
    start.alpha = alpha0;
    auto s = rs::simulate_signal(m, start, dwell, 4096, {1e-8, 1e-9});
    curves.push_back({"RASER spectrum, epsilon " + std::to_string(static_cast<int>(eps)),
                      profile_spectrum(s, nu, dwell)});
  }
  io::PlotStyle style;
  style.x_start = nu.front();
  style.x_step = hz_per_bin;
  style.title = "one 67-mode projection at epsilon 2, 10, 100";
  style.x_label = "frequency offset (Hz), 0.122 Hz per bin";
  style.y_label = "normalised";
  save_png(dir / "artifacts.png", io::draw_line_plot(curves, style));
}

}  // namespace

int main(int argc, char** argv) {
  const std::filesystem::path dir = argc > 1 ? argv[1] : "out/figures";
  std::filesystem::create_directories(dir);
  try {
    burst_figure(dir);
    threshold_figure(dir);
    artifacts_figure(dir);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "raser_figures: %s\n", e.what());
    return 1;
  }
  return 0;
}
