// The phantom and metrics nodes in a pipeline run by the CLI: fields flow through renames, and
// the results do not depend on the thread count.
#include <gtest/gtest.h>

#include <algorithm>

#include "support/cli.hpp"

namespace rf = raserflow;

namespace {

// Random images scored against the Shepp-Logan phantom, which is renamed to the
// 'reconstruction' field that metrics.image reads by default.
const char* kPipeline = R"(name: score_random
items: 12
seed: 11
nodes:
  random: {type: phantom.random}
  shepp:  {type: phantom.shepp_logan, outputs: {image: reconstruction}}
  score:  {type: metrics.image, params: {crop: 2}}
  check:  {type: core.checksum, params: {fields: [image, reconstruction, mse, psnr, ssim]}}
edges:
  - random -> score
  - shepp -> score
  - score -> check
)";

}  // namespace

TEST(MetricsPipeline, ResultsDoNotDependOnThreads) {
  const auto dir = rf::test::scratch_dir("metrics-pipeline");
  const auto file = rf::test::write_pipeline(dir, "p.yaml", kPipeline);
  const auto one =
      rf::test::run_cli({"run", file.string(), "--threads", "1", "--out", (dir / "one").string()});
  ASSERT_EQ(one.status, 0) << one.err;
  const auto two =
      rf::test::run_cli({"run", file.string(), "--threads", "2", "--out", (dir / "two").string()});
  ASSERT_EQ(two.status, 0) << two.err;
  const auto a = rf::test::slurp(dir / "one" / "checksums.txt");
  EXPECT_EQ(std::count(a.begin(), a.end(), '\n'), 12);
  EXPECT_EQ(a, rf::test::slurp(dir / "two" / "checksums.txt"));
}

TEST(MetricsPipeline, MissingFieldIsReportedBeforeRunning) {
  const auto dir = rf::test::scratch_dir("metrics-pipeline-missing");
  const auto file = rf::test::write_pipeline(dir, "p.yaml", R"(name: missing
items: 1
nodes:
  random: {type: phantom.random}
  score:  {type: metrics.image, params: {test: recon}}
edges:
  - random -> score
)");
  const auto r = rf::test::run_cli({"validate", file.string()});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("recon"), std::string::npos) << r.err;
}
