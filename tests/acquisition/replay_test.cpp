// Recorded acquisitions in place of the simulated one: the conversion to the pipeline's
// convention, the mode grid against the simulator's, and simulate -> io.ismrmrd ->
// acquisition.replay -> the same reconstruction (to float32 rounding).
#include <gtest/gtest.h>

#include <cmath>
#include <complex>

#include "conform.hpp"
#include "ismrmrd_file.hpp"
#include "support/cli.hpp"
#include "support/error_of.hpp"
#include "support/harness.hpp"

namespace rf = raserflow;
namespace acq = raserflow::acquisition;
namespace rft = raserflow::test;
using rf::Array;
using rft::NodeHarness;
using Complex = std::complex<double>;

namespace {

// P rows of a tone at `hz` (row p scaled by p + 1), T samples at `dwell`.
acq::Recording tone(std::size_t P, std::size_t T, double dwell, double hz) {
  acq::Recording r;
  r.dwell = dwell;
  r.source = "tone";
  for (std::size_t p = 0; p < P; ++p) {
    r.fids.emplace_back();
    for (std::size_t k = 0; k < T; ++k)
      r.fids.back().push_back(double(p + 1) * std::polar(1.0, 2 * M_PI * hz * double(k) * dwell));
  }
  return r;
}

TEST(Conform, CutsShiftsAndGivesEvenlySpacedAngles) {
  const auto r = tone(3, 32768, 0.5e-3, 12.5);
  const auto c =
      acq::conform(r, {.samples = 4096, .dwell = 0.5e-3, .frequency_shift = 487.5, .angles = {}});
  ASSERT_EQ(c.fids.size(), 3u);
  ASSERT_EQ(c.fids[2].size(), 4096u);
  for (std::size_t k : {0u, 1u, 777u, 4095u}) {
    const Complex expected = 3.0 * std::polar(1.0, 2 * M_PI * 500.0 * double(k) * 0.5e-3);
    EXPECT_NEAR(std::abs(c.fids[2][k] - expected), 0, 1e-9) << k;
  }
  EXPECT_EQ(c.angles, (std::vector<double>{0, 60, 120}));
}

TEST(Conform, DecimationAveragesAndMustMatchTheDwell) {
  auto r = tone(1, 64, 0.25e-3, 0);
  for (std::size_t k = 0; k < 64; ++k) r.fids[0][k] = Complex(double(k), 0);
  const auto c = acq::conform(r, {.samples = 8, .dwell = 0.5e-3, .decimate = 2, .angles = {}});
  EXPECT_EQ(c.fids[0][3], Complex(6.5, 0));  // (6 + 7) / 2
  const auto why =
      rft::error_of([&] { acq::conform(r, {.samples = 8, .dwell = 0.5e-3, .angles = {}}); });
  EXPECT_NE(why.find("recorded dwell 0.00025 s x decimate 1"), std::string::npos) << why;
  EXPECT_NE(why.find("pipeline's dwell is 0.0005"), std::string::npos) << why;
  const auto few =
      rft::error_of([&] { acq::conform(r, {.samples = 100, .dwell = 0.25e-3, .angles = {}}); });
  EXPECT_NE(few.find("has 64 samples"), std::string::npos) << few;
}

TEST(Conform, AnglesComeFromTheFileOrTheParameterNotBoth) {
  auto r = tone(2, 16, 1e-3, 0);
  EXPECT_EQ(acq::conform(r, {.samples = 16, .dwell = 1e-3, .angles = {10, 100}}).angles,
            (std::vector<double>{10, 100}));
  r.angles = {5, 95};
  EXPECT_EQ(acq::conform(r, {.samples = 16, .dwell = 1e-3, .angles = {}}).angles,
            (std::vector<double>{5, 95}));
  EXPECT_NE(rft::error_of([&] {
              acq::conform(r, {.samples = 16, .dwell = 1e-3, .angles = {1, 2}});
            }).find("remove one"),
            std::string::npos);
}

TEST(ModeGrid, EqualsTheSimulatorsModeFrequencies) {
  auto projections = Array::zeros<double>({4, 67});
  for (auto& v : projections.mutable_values<double>()) v = 1;
  NodeHarness raser("raser.simulate", {{"samples", 16}});
  const auto simulated = raser.run(rft::item_with(0, {{"projections", projections}}));
  NodeHarness grid("acquisition.mode_grid");
  const auto recorded = grid.run(rft::item_with(0, {{"fid", simulated.array("signals")}}));
  const auto a = simulated.array("mode_frequencies").values<double>();
  const auto b = recorded.array("mode_frequencies").values<double>();
  ASSERT_EQ(a.size(), b.size());
  EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin()));
}

// The reconstruction of the simulated fid, and of the same fid written to ISMRMRD and replayed.
TEST(Replay, SimulateWriteReplayGivesTheSameReconstruction) {
  const auto dir = rft::scratch_dir("replay_round_trip");
  NodeHarness phantom("phantom.shepp_logan", {{"size", 44}});
  NodeHarness project("radon.project", {{"angle_count", 30}});
  NodeHarness raser("raser.simulate", {{"epsilon", 10.0}});
  NodeHarness receiver("acquisition.simulated", {{"snr", 1000.0}}, 7);
  auto item = receiver.run(raser.run(project.run(phantom.run(rf::Item(0, 0)))));
  {
    NodeHarness writer("io.ismrmrd", {{"path", "sim.h5"}}, 0, dir);
    writer.run(item);
    writer.finish();
  }
  NodeHarness replay("acquisition.replay", {{"path", (dir / "sim.h5").string()}});
  EXPECT_EQ(replay.node().item_count(), 1);
  auto replayed = replay.run(rf::Item(0, 0));
  NodeHarness grid("acquisition.mode_grid");
  replayed = grid.run(std::move(replayed));
  {
    const auto fa = item.array("fid").values<Complex>(),
               fb = replayed.array("fid").values<Complex>();
    ASSERT_EQ(fa.size(), fb.size());
    double worst_fid = 0, peak_fid = 0;
    for (std::size_t i = 0; i < fa.size(); ++i) {
      worst_fid = std::max(worst_fid, std::abs(fa[i] - fb[i]));
      peak_fid = std::max(peak_fid, std::abs(fa[i]));
    }
    EXPECT_LT(worst_fid, 1e-6 * peak_fid) << "complex64 storage";
    EXPECT_EQ(item.scalar("dwell"), replayed.scalar("dwell"));
  }
  const auto reconstruct = [](rf::Item s) {
    NodeHarness spectrum("fft.spectrum", {{"roi_at", "frequency"}, {"roi_frequency", 500.0}});
    NodeHarness fbp("radon.fbp", {}, 0);
    const auto spectra = spectrum.run(std::move(s));
    return fbp
        .run(rft::item_with(0, {{"projections", spectra.array("raser_projections")},
                                {"angles", spectra.array("angles")}}))
        .array("reconstruction");
  };
  const auto direct = reconstruct(item), via_file = reconstruct(replayed);
  const auto a = direct.values<double>(), b = via_file.values<double>();
  ASSERT_EQ(a.size(), b.size());
  double peak = 0, worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    peak = std::max(peak, std::abs(a[i]));
    worst = std::max(worst, std::abs(a[i] - b[i]));
  }
  EXPECT_LT(worst, 1e-5 * peak) << "float32 rounding of the FIDs only";
  EXPECT_GT(worst, 0) << "complex64 storage does round";
  const auto fa = item.array("angles").values<double>(),
             fb = replayed.array("angles").values<double>();
  for (std::size_t p = 0; p < fa.size(); ++p) EXPECT_NEAR(fa[p], fb[p], 1e-4);
}

// Each writer node, then acquisition.replay of what it wrote: the same FIDs, exactly (Bruker
// float64), to %.9g (JCAMP-DX AFFN) or to float32 (Spinsolve).
TEST(Replay, EveryWriterRoundTripsThroughReplay) {
  NodeHarness phantom("phantom.shepp_logan", {{"size", 44}});
  NodeHarness project("radon.project", {{"angle_count", 30}});
  NodeHarness raser("raser.simulate", {{"epsilon", 10.0}, {"samples", 512}});
  NodeHarness receiver("acquisition.simulated", {{"snr", 1000.0}}, 7);
  const auto item = receiver.run(raser.run(project.run(phantom.run(rf::Item(3, 0)))));
  struct Case {
    const char* writer;
    const char* written;  // where it writes item 3
    double tolerance;     // of |difference| over the row's peak
  };
  for (const Case c : {Case{"io.bruker", "bruker/000003", 0.0},
                       Case{"io.jcamp", "jcamp/acquisition_000003.dx", 1e-8},
                       Case{"io.spinsolve", "spinsolve/000003", 1.2e-7}}) {
    const auto dir = rft::scratch_dir(std::string("writers_") + c.writer);
    {
      NodeHarness writer(c.writer, {}, 0, dir);
      writer.run(item);
      writer.finish();
    }
    NodeHarness replay("acquisition.replay",
                       {{"path", (dir / c.written).string()}, {"samples", 512}});
    const auto back = replay.run(rf::Item(0, 0));
    const auto fa = item.array("fid").values<Complex>(), fb = back.array("fid").values<Complex>();
    ASSERT_EQ(fa.size(), fb.size()) << c.writer;
    double peak = 0, worst = 0;
    for (std::size_t i = 0; i < fa.size(); ++i) {
      peak = std::max(peak, std::abs(fa[i]));
      worst = std::max(worst, std::abs(fa[i] - fb[i]));
    }
    EXPECT_LE(worst, c.tolerance * peak) << c.writer;
    const auto aa = item.array("angles").values<double>(),
               ab = back.array("angles").values<double>();
    EXPECT_TRUE(std::equal(aa.begin(), aa.end(), ab.begin())) << c.writer << " angles (%.17g)";
    EXPECT_DOUBLE_EQ(back.scalar("dwell"), item.scalar("dwell")) << c.writer;
  }
}

TEST(Replay, ABrokenRecordingIsAParameterErrorNamingTheFile) {
  const auto dir = rft::scratch_dir("replay_errors");
  std::ofstream(dir / "x.h5") << "text";
  try {
    NodeHarness replay("acquisition.replay", {{"path", (dir / "x.h5").string()}});
    FAIL() << "accepted";
  } catch (const rf::ParamError& e) {
    EXPECT_EQ(e.param(), "path");
    EXPECT_NE(std::string(e.what()).find("x.h5: not an HDF5 file"), std::string::npos) << e.what();
  }
}

TEST(Replay, TheExperimentalPipelineRunsOnTheShippedRecording) {
  const auto out = rft::scratch_dir("experimental_pipeline");
  const auto r =
      rft::run_cli({"run", std::string(TEST_SOURCE_DIR) + "/../pipelines/experimental.yaml",
                    "--out", out.string()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(out / "figure_000000.png"));
}

}  // namespace
