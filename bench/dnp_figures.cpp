// DNP figures of science.md §4.6, written as PNGs:
//   dnp_source_polarization.png  Fig. 1: buildup for increasing source polarization, with and
//                                without D = D0/sqrt(1 - p^2), T1 ignored (16³, D0 τ/a² = 0.1)
//   dnp_naphthalene.png          Fig. 2: pentacene-doped naphthalene with T1 (the
//                                hyperpolarization.dnp defaults: assumptions of science.md §4.5)
// Usage: dnp_figures OUTPUT_DIR. Also prints the figures' numbers.
#include <cstdio>
#include <filesystem>
#include <string>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "dnp_model.hpp"
#include "line_plot.hpp"
#include "save_png.hpp"

namespace hp = raserflow::hyperpolarization;
namespace io = raserflow::io;

namespace {

std::string fixed(double v, int digits) {
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", digits, v);
  return text;
}

cv::Mat source_panel(double source, std::size_t cycles, std::size_t every) {
  hp::DnpLattice l;
  l.cells = 16;
  l.spacing = 1;
  l.cycle = 1;
  l.diffusion = 0.1;
  l.source = source;
  hp::DnpLattice plain = l;
  plain.corrected = false;
  const auto with = hp::simulate_buildup(l, cycles, every);
  const auto without = hp::simulate_buildup(plain, cycles, every);
  std::printf("  P_e %.2f: p at %zu cycles %.4f with, %.4f without the correction\n", source,
              cycles, with.final_mean, without.final_mean);
  io::PlotStyle style;
  style.size = {460, 340};
  style.x_start = static_cast<double>(every) / 1000;
  style.x_step = static_cast<double>(every) / 1000;
  style.title = "P_e = " + fixed(source, 2);
  style.x_label = "cycles / 1000";
  style.y_label = "average polarization";
  return io::draw_line_plot({{"D0", without.mean}, {"D0/sqrt(1-p^2)", with.mean}}, style);
}

void source_figure(const std::filesystem::path& dir) {
  std::printf("Fig. 1 (16^3, D0 tau/a^2 = 0.1, p_ex = 1, no T1):\n");
  cv::Mat row;
  for (double source : {0.3, 0.5, 0.7, 0.9, 0.99}) {
    const cv::Mat panel = source_panel(source, 40000, 100);
    if (row.empty())
      row = panel;
    else
      cv::hconcat(row, panel, row);
  }
  save_png(dir / "dnp_source_polarization.png", row);
}

void naphthalene_figure(const std::filesystem::path& dir) {
  // The hyperpolarization.dnp defaults: 9³ ¹H per pentacene, a = 1.43 nm, D0 = 1e-17 m²/s,
  // 50 Hz, P_e = 0.7, p_ex = 1, T1 = 300 s (the paper's T1 and D0 are missing: §4.5).
  hp::DnpLattice l;
  l.cells = 9;
  l.spacing = 1.43e-9;
  l.diffusion = 1e-17;
  l.cycle = 0.02;
  l.source = 0.7;
  l.t1 = 300;
  hp::DnpLattice plain = l;
  plain.corrected = false;
  const std::size_t cycles = 18000, every = 50;  // 6 min
  const auto with = hp::simulate_buildup(l, cycles, every);
  const auto without = hp::simulate_buildup(plain, cycles, every);
  std::printf(
      "Fig. 2 (naphthalene defaults, T1 300 s): p after 6 min %.4f with, %.4f without the "
      "correction\n",
      with.final_mean, without.final_mean);
  io::PlotStyle style;
  style.size = {760, 460};
  style.x_start = every * l.cycle / 60;
  style.x_step = every * l.cycle / 60;
  style.title = "pentacene-doped naphthalene, 50 Hz, P_e 0.7 (D0, T1 300 s, 9^3 box assumed)";
  style.x_label = "time / min";
  style.y_label = "average 1H polarization";
  save_png(dir / "dnp_naphthalene.png",
           io::draw_line_plot({{"D0", without.mean}, {"D0/sqrt(1-p^2)", with.mean}}, style));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: dnp_figures OUTPUT_DIR\n");
    return 2;
  }
  try {
    const std::filesystem::path dir = argv[1];
    std::filesystem::create_directories(dir);
    source_figure(dir);
    naphthalene_figure(dir);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dnp_figures: %s\n", e.what());
    return 1;
  }
  return 0;
}
