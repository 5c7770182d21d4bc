// The README's training-set example: examples/load_dataset.py, shown verbatim in README.md, run
// with /usr/bin/python3 (h5py, NumPy, PyTorch) on a small data set the CLI simulates.
#include <sys/wait.h>
#include <algorithm>
#include <cstdio>
#include <filesystem>

#include <gtest/gtest.h>

#include "support/cli.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path root = fs::path(TEST_SOURCE_DIR).parent_path();
const fs::path example = root / "examples" / "load_dataset.py";

struct Output {
  int status = -1;
  std::string text;  // stdout and stderr
};

Output shell(const std::string& command) {
  Output o;
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (!p) return o;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) o.text.append(buf, n);
  const int status = ::pclose(p);
  o.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return o;
}

std::string quoted(const fs::path& p) {
  return "'" + p.string() + "'";
}

}  // namespace

TEST(LoadDatasetExample, ReadmeShowsTheExampleFileVerbatim) {
  const auto code = raserflow::test::slurp(example);
  ASSERT_FALSE(code.empty()) << example;
  EXPECT_NE(raserflow::test::slurp(root / "README.md").find("```python\n" + code + "```\n"),
            std::string::npos)
      << "README.md's ```python block and " << example << " differ";
  EXPECT_LE(std::count(code.begin(), code.end(), '\n'), 10) << "a ten-line example";
}

TEST(LoadDatasetExample, DrawsAFloat32BatchFromASimulatedDataset) {
  const auto modules = shell("/usr/bin/python3 -c 'import h5py, numpy, torch'");
  if (modules.status != 0)
    GTEST_SKIP() << "/usr/bin/python3 lacks h5py, numpy or torch (Debian: python3-h5py "
                    "python3-numpy python3-torch): "
                 << modules.text;
  const auto dir = raserflow::test::scratch_dir("load-dataset");
  const auto p = raserflow::test::write_pipeline(dir, "p.yaml", R"(name: training
items: 3
seed: 8
nodes:
  phantom: {type: phantom.random, params: {size: 44}}
  project: {type: radon.project, params: {angle_count: 30}}
  raser: {type: raser.simulate, params: {samples: 4096, dwell: 0.0005, carrier_offset: 500.0}}
  receiver: {type: acquisition.simulated, params: {snr: 1000.0}}
  spectrum: {type: fft.spectrum}
  dataset:
    type: io.hdf5
    params: {fields: [image, spectra, targets, class], float32: [spectra, targets], counts: [class]}
edges:
  - phantom -> project -> raser -> receiver -> spectrum -> dataset
)");
  const auto run = raserflow::test::run_cli({"run", p.string(), "--out", (dir / "out").string()});
  ASSERT_EQ(run.status, 0) << run.err;
  const auto file = dir / "out" / "dataset.h5";

  const auto info = raserflow::test::run_cli({"dataset", "info", file.string()});
  ASSERT_EQ(info.status, 0) << info.err;
  EXPECT_NE(info.out.find("float32     [3 x 30 x 200]"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("float32     [3 x 30 x 67]"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("counts of class:"), std::string::npos) << info.out;

  const auto py = shell("/usr/bin/python3 " + quoted(example) + " " + quoted(file));
  ASSERT_EQ(py.status, 0) << py.text;
  // 3 items x 30 projections = 90 rows, of which a batch of 64.
  EXPECT_NE(py.text.find("spectra (64, 200) torch.float32 targets (64, 67) torch.float32"),
            std::string::npos)
      << py.text;
}
