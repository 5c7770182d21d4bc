// A dataset run with an HDF5 sink and a per-item PNG sink, killed with SIGKILL at random
// moments and resumed each time, ends equal to an uninterrupted run: every dataset and
// attribute, every PNG byte.
#include <random>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "hdf5_compare.hpp"
#include "support/cli.hpp"

namespace fs = std::filesystem;
namespace t = raserflow::test;

namespace {

const char* kDataset = R"(items: 240
seed: 9
checkpoint_every: 9
nodes:
  gen: {type: core.generate, params: {shape: [12, 12], random: normal}, outputs: {data: image}}
  busy: {type: core.busy, params: {iterations: 150000, jitter: 1}}
  flag: {type: core.generate, params: {shape: [], dtype: int32, random: normal}, outputs: {data: flag}}
  gate: {type: core.filter, params: {field: flag, keep: false}}
  store: {type: io.hdf5, params: {fields: [image, busy_result], path: ds.h5, compression: 3}}
  figure: {type: io.png, params: {fields: [image], scale: 2}}
edges: [gen -> busy -> flag -> gate -> store -> figure]
)";

std::vector<fs::path> pngs(const fs::path& out) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(out / "png")) files.push_back(e.path().filename());
  std::sort(files.begin(), files.end());
  return files;
}

TEST(KillResume, HdfAndPngOutputsEqualAnUninterruptedRun) {
  const auto dir = t::scratch_dir("kill-resume");
  const auto file = t::write_pipeline(dir, "p.yaml", kDataset);
  const auto whole = dir / "whole", killed = dir / "killed";
  ASSERT_EQ(t::run_cli({"run", file.string(), "--out", whole.string()}).status, 0);
  std::mt19937 gen(17);
  int kills = 0;
  for (int attempt = 0; attempt < 8; ++attempt) {
    const int after = std::uniform_int_distribution<int>(30, 500)(gen);
    const auto r = t::run_cli({"run", file.string(), "--out", killed.string(), "--threads", "2"},
                              {.interrupt_after_ms = after, .signal = SIGKILL});
    if (r.status == 0) break;
    ASSERT_EQ(r.status, 128 + SIGKILL) << r.err;
    ++kills;
    if (fs::exists(killed / "ds.h5")) {  // only a run that ended publishes; this one had
      const hid_t f = H5Fopen((killed / "ds.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
      ASSERT_GE(f, 0);
      EXPECT_EQ(io_test::int_attribute(f, "complete"), 1);
      H5Fclose(f);
    }
  }
  EXPECT_GE(kills, 1);
  const auto r = t::run_cli({"run", file.string(), "--out", killed.string()});
  ASSERT_EQ(r.status, 0) << r.err;
  io_test::expect_same_datasets_and_attributes(whole / "ds.h5", killed / "ds.h5");
  const auto names = pngs(whole);
  ASSERT_EQ(pngs(killed), names);
  EXPECT_GT(names.size(), 100u);
  for (const auto& n : names)
    EXPECT_TRUE(t::slurp(whole / "png" / n) == t::slurp(killed / "png" / n)) << n;
  const auto m = nlohmann::json::parse(t::slurp(killed / "manifest.json"));
  EXPECT_EQ(m["status"], "complete");
  EXPECT_EQ(m["items"]["dropped"]["gate"].size() + names.size(), 240u);
}

TEST(KillResume, AStoppedDatasetSaysHowManyItemsItHolds) {
  const auto dir = t::scratch_dir("stop-dataset");
  const auto file = t::write_pipeline(dir, "p.yaml", kDataset);
  const auto out = dir / "out";
  const auto r = t::run_cli({"run", file.string(), "--out", out.string(), "--threads", "1"},
                            {.interrupt_when = [&] { return t::checkpointed_something(out); }});
  ASSERT_EQ(r.status, 130) << r.err;
  const hid_t f = H5Fopen((out / "ds.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  const auto done = io_test::int_attribute(f, "items_done");
  EXPECT_GT(done, 0);
  EXPECT_LT(done, 240);
  EXPECT_EQ(io_test::int_attribute(f, "items_requested"), 240);
  EXPECT_EQ(io_test::int_attribute(f, "complete"), 0);
  EXPECT_EQ(io_test::dims_of(f, "item_index")[0],
            static_cast<hsize_t>(io_test::int_attribute(f, "items_held")));
  H5Fclose(f);
}

}  // namespace
