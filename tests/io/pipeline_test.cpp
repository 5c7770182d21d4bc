// The io sinks in real pipelines run by the CLI: outputs in item order whatever the thread
// count, nothing that looks complete after a failed run, validation of field types, a run
// extended later, and `raserflow dataset info`.
#include <filesystem>

#include <gtest/gtest.h>
#include <hdf5.h>

#include "hdf5_read.hpp"
#include "support/cli.hpp"

namespace fs = std::filesystem;
using raserflow::test::run_cli;
using raserflow::test::scratch_dir;
using raserflow::test::write_pipeline;

namespace {

std::string pipeline(const std::string& extra_node, const std::string& chain) {
  return R"(name: io_sinks
items: 6
seed: 3
nodes:
  gen: {type: core.generate, params: {shape: [6, 8], random: uniform}, outputs: {data: image}}
  work: {type: core.busy, params: {iterations: 20000, jitter: 2}}
)" + extra_node +
         R"(
  png: {type: io.png, params: {fields: [image], scale: 4}}
  plot: {type: io.plot, params: {field: image, rows: [0, 5]}}
  h5: {type: io.hdf5, params: {fields: [image, busy_result]}}
edges:
  - )" + chain +
         R"( -> png -> plot -> h5
)";
}

// Outputs: files under `dir` other than the manifest and the run's state and checkpoints
// (.raserflow/).
std::size_t files_under(const fs::path& dir) {
  std::size_t n = 0;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator();
       ++it) {
    if (it->path().filename() == ".raserflow") it.disable_recursion_pending();
    n += it->is_regular_file() && it->path().filename() != "manifest.json";
  }
  return n;
}

}  // namespace

TEST(IoPipeline, SinksWriteEveryItemInOrder) {
  const auto dir = scratch_dir("io-pipeline-ok");
  const auto p = write_pipeline(dir, "p.yaml", pipeline("", "gen -> work"));
  const auto out = dir / "out";
  const auto r = run_cli({"run", p.string(), "--out", out.string(), "--threads", "2"});
  ASSERT_EQ(r.status, 0) << r.err;
  for (int i = 0; i < 6; ++i) {
    EXPECT_TRUE(fs::exists(out / "png" / ("item_00000" + std::to_string(i) + ".png"))) << i;
    EXPECT_TRUE(fs::exists(out / "plots" / ("image_00000" + std::to_string(i) + ".png"))) << i;
  }
  io_test::H5File f(out / "dataset.h5");
  EXPECT_EQ(io_test::read_all<std::int64_t>(f.id, "item_index", H5T_NATIVE_INT64),
            (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(io_test::dims_of(f.id, "image"), (std::vector<hsize_t>{6, 6, 8}));
  EXPECT_EQ(files_under(out), 13u) << "6 figures, 6 plots, 1 dataset and nothing else";
}

TEST(IoPipeline, ThreadCountDoesNotChangeTheDataset) {
  const auto dir = scratch_dir("io-pipeline-threads");
  const auto p = write_pipeline(dir, "p.yaml", pipeline("", "gen -> work"));
  ASSERT_EQ(run_cli({"run", p.string(), "--out", (dir / "t1").string(), "--threads", "1"}).status,
            0);
  ASSERT_EQ(run_cli({"run", p.string(), "--out", (dir / "t2").string(), "--threads", "2"}).status,
            0);
  EXPECT_TRUE(raserflow::test::slurp(dir / "t1" / "dataset.h5") ==
              raserflow::test::slurp(dir / "t2" / "dataset.h5"));
  EXPECT_TRUE(raserflow::test::slurp(dir / "t1" / "png" / "item_000003.png") ==
              raserflow::test::slurp(dir / "t2" / "png" / "item_000003.png"));
}

TEST(IoPipeline, FailedRunLeavesNoOutputThatLooksComplete) {
  const auto dir = scratch_dir("io-pipeline-fail");
  const auto p = write_pipeline(
      dir, "p.yaml",
      pipeline("  boom: {type: core.fail, params: {at_item: 4}}", "gen -> work -> boom"));
  const auto out = dir / "out";
  const auto r = run_cli({"run", p.string(), "--out", out.string()});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_EQ(files_under(out), 0u) << "no PNG, plot, dataset or temporary may remain";
}

TEST(IoPipeline, ValidationRejectsAComplexFieldForAFigure) {
  const auto dir = scratch_dir("io-pipeline-validate");
  const auto p = write_pipeline(dir, "p.yaml", R"(name: bad
items: 1
nodes:
  gen: {type: core.generate, params: {shape: [4, 4], dtype: complex128}, outputs: {data: image}}
  png: {type: io.png, params: {fields: [image]}}
edges:
  - gen -> png
)");
  const auto r = run_cli({"validate", p.string()});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("image"), std::string::npos) << r.err;
}

TEST(IoPipeline, ExtendedRunPublishesWhatOneLongerRunWould) {
  const auto dir = scratch_dir("io-pipeline-extend");
  const auto p = write_pipeline(dir, "p.yaml", pipeline("", "gen -> work"));
  const auto whole = dir / "whole", ext = dir / "ext";
  ASSERT_EQ(run_cli({"run", p.string(), "--out", whole.string()}).status, 0);
  ASSERT_EQ(run_cli({"run", p.string(), "--out", ext.string(), "--set", "items=4"}).status, 0);
  ASSERT_EQ(run_cli({"run", p.string(), "--out", ext.string()}).status, 0);
  using raserflow::test::slurp;
  EXPECT_TRUE(slurp(whole / "dataset.h5") == slurp(ext / "dataset.h5"));
  for (const auto* f : {"png/item_000005.png", "plots/image_000001.png"})
    EXPECT_TRUE(slurp(whole / f) == slurp(ext / f)) << f;
}

TEST(IoPipeline, DatasetInfoCommandSummarisesTheFile) {
  const auto dir = scratch_dir("io-pipeline-info");
  const auto p = write_pipeline(dir, "p.yaml", pipeline("", "gen -> work"));
  ASSERT_EQ(run_cli({"run", p.string(), "--out", (dir / "out").string()}).status, 0);
  const auto r = run_cli({"dataset", "info", (dir / "out" / "dataset.h5").string()});
  EXPECT_EQ(r.status, 0) << r.err;
  for (const auto* part : {"image        float64     [6 x 6 x 8]", "items_done       6",
                           "complete         yes", "item_index       0 .. 5 (6 rows)"})
    EXPECT_NE(r.out.find(part), std::string::npos) << part << " missing from:\n" << r.out;
  const auto missing = run_cli({"dataset", "info", (dir / "none.h5").string()});
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.err.find("none.h5"), std::string::npos) << missing.err;
  EXPECT_EQ(run_cli({"dataset", "list"}).status, 2);
}
