// The acquisition and fft nodes in a pipeline run by the CLI: validation catches missing
// fields and bad parameters before any work, and outputs do not depend on the thread count.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "support/cli.hpp"

namespace t = raserflow::test;

namespace {

std::string pipeline(const std::string& rx_params, const std::string& spectrum_params) {
  return R"(name: acquisition_fft
items: 6
seed: 3
nodes:
  signals: {type: core.generate, params: {shape: [4, 1024], dtype: complex128, random: normal}, outputs: {data: signals}}
  angles: {type: core.generate, params: {shape: [4], fill: 45.0}, outputs: {data: angles}}
  dwell: {type: core.generate, params: {shape: [], fill: 0.0005}, outputs: {data: dwell}}
  rx: {type: acquisition.simulated, params: )" +
         rx_params + R"(}
  spectrum: {type: fft.spectrum, params: )" +
         spectrum_params + R"(}
  check: {type: core.checksum, params: {fields: [fid, spectra, spectrum_peak, spectrum_clamped]}}
edges:
  - signals -> rx
  - angles -> rx
  - dwell -> rx
  - rx -> spectrum -> check
)";
}

}  // namespace

TEST(AcquisitionFftPipeline, OutputsAreIdenticalForOneAndTwoThreads) {
  auto dir = t::scratch_dir("acq-fft-threads");
  auto file =
      t::write_pipeline(dir, "p.yaml", pipeline("{snr: 5, phase: 30}", "{projections: false}"));
  auto one = t::run_cli({"run", file.string(), "--threads", "1", "--out", (dir / "one").string()});
  ASSERT_EQ(one.status, 0) << one.err;
  auto two = t::run_cli({"run", file.string(), "--threads", "2", "--out", (dir / "two").string()});
  ASSERT_EQ(two.status, 0) << two.err;
  const auto a = t::slurp(dir / "one/checksums.txt"), b = t::slurp(dir / "two/checksums.txt");
  EXPECT_EQ(std::count(a.begin(), a.end(), '\n'), 6);
  EXPECT_EQ(a, b);
}

TEST(AcquisitionFftPipeline, ProjectionsWithoutModeFrequenciesFailValidation) {
  auto dir = t::scratch_dir("acq-fft-modes");
  auto file = t::write_pipeline(dir, "p.yaml", pipeline("{}", "{}"));
  auto r = t::run_cli({"validate", file.string()});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("mode_frequencies"), std::string::npos) << r.err;
}

TEST(AcquisitionFftPipeline, TheRemovedTotalInversionNormalisationFailsValidation) {
  // Pipelines written for the old option must stop before any work and say what is allowed.
  auto dir = t::scratch_dir("acq-fft-tpi");
  auto file = t::write_pipeline(dir, "p.yaml",
                                pipeline("{}", "{projections: false, normalize: total_inversion}"));
  auto r = t::run_cli({"validate", file.string()});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("normalize"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("'total_inversion' is not one of: minmax, none"), std::string::npos)
      << r.err;
}

TEST(AcquisitionFftPipeline, NonPositiveSnrIsRejectedBeforeRunning) {
  auto dir = t::scratch_dir("acq-fft-snr");
  for (const char* snr : {"0", "-3"}) {
    auto file = t::write_pipeline(
        dir, "p.yaml", pipeline(std::string("{snr: ") + snr + "}", "{projections: false}"));
    auto r = t::run_cli({"validate", file.string()});
    EXPECT_EQ(r.status, 2) << snr;
    EXPECT_NE(r.err.find("snr"), std::string::npos) << r.err;
  }
}
