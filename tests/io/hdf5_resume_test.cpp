// io.hdf5 across checkpoints: pieces in the checkpoint folder, a resume after a kill -9 that
// gives the same published file as an uninterrupted run, and the publication attributes.
#include <complex>
#include <filesystem>
#include <set>

#include <gtest/gtest.h>

#include "hdf5_appender.hpp"
#include "hdf5_compare.hpp"
#include "support/cli.hpp"
#include "support/harness.hpp"

namespace fs = std::filesystem;
using raserflow::Array;
using raserflow::test::HarnessStart;
using raserflow::test::item_with;
using raserflow::test::NodeHarness;
using namespace io_test;

namespace {

const nlohmann::json params = {{"fields", {"image", "signals", "total_inversion"}},
                               {"compression", 3}};

raserflow::Item item(std::int64_t index) {
  const double k = static_cast<double>(index);
  std::vector<double> image(4 * 5);
  for (std::size_t i = 0; i < image.size(); ++i) image[i] = k + 0.01 * static_cast<double>(i);
  return item_with(index,
                   {{"image", Array::from<double>({4, 5}, image)},
                    {"signals", Array::from<std::complex<double>>({2}, {{k, -k}, {0.5, k * k}})},
                    {"total_inversion", Array::scalar(3e16 * (k + 1))}});
}

// Items 0 .. n-1 with item 4 dropped upstream, a checkpoint after every `every` positions.
void feed(NodeHarness& h, std::int64_t from, std::int64_t to, std::int64_t every) {
  for (std::int64_t i = from; i < to; ++i) {
    if (i == 4)
      h.drop(i);
    else
      h.run(item(i));
    if ((i + 1) % every == 0) h.checkpoint();
  }
}

std::set<std::string> names_in(const fs::path& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
  return out;
}

fs::path uninterrupted(const std::string& name, std::int64_t items, std::int64_t every) {
  const auto dir = raserflow::test::scratch_dir(name);
  NodeHarness h("io.hdf5", params, 0, dir);
  feed(h, 0, items, every);
  h.finish();
  return dir / "dataset.h5";
}

}  // namespace

TEST(IoHdf5Resume, CheckpointsLeaveNamedPiecesAndAnOpenOne) {
  const auto dir = raserflow::test::scratch_dir("io-h5-pieces");
  const auto ckpt = dir / "ckpt";
  {
    NodeHarness h("io.hdf5", params, 0, dir / "out", {ckpt, {}});
    feed(h, 0, 8, 3);  // checkpoints at 3 and 6, items 6 and 7 in the open piece
  }                    // destroyed without finish(): what a kill -9 leaves
  EXPECT_EQ(names_in(ckpt), (std::set<std::string>{"piece-000000000000-000000000003.h5",
                                                   "piece-000000000003-000000000006.h5",
                                                   "piece-000000000006.h5.tmp"}));
  H5File f(ckpt / "piece-000000000003-000000000006.h5");
  EXPECT_EQ(read_all<std::int64_t>(f.id, "item_index", H5T_NATIVE_INT64),
            (std::vector<std::int64_t>{3, 5}))
      << "item 4 was dropped: a position without a row";
  EXPECT_FALSE(fs::exists(dir / "out" / "dataset.h5"));
}

TEST(IoHdf5Resume, ResumeAfterAKillGivesTheUninterruptedFile) {
  const auto whole = uninterrupted("io-h5-whole", 10, 3);
  const auto dir = raserflow::test::scratch_dir("io-h5-resumed");
  const auto ckpt = dir / "ckpt";
  {
    NodeHarness h("io.hdf5", params, 0, dir, {ckpt, {}});
    feed(h, 0, 8, 3);
  }
  // The node checkpointed at 6, but the kill came before the runtime recorded it: the run
  // resumes from 3, and the piece [3, 6) and the open one must go.
  {
    NodeHarness h("io.hdf5", params, 0, dir, {ckpt, {3, 3}});
    EXPECT_EQ(names_in(ckpt), std::set<std::string>{"piece-000000000000-000000000003.h5"});
    feed(h, 3, 10, 4);  // other checkpoint positions than the uninterrupted run
    h.finish();
  }
  expect_same_datasets_and_attributes(whole, dir / "dataset.h5");
  EXPECT_TRUE(raserflow::test::slurp(whole) == raserflow::test::slurp(dir / "dataset.h5"))
      << "rows are copied in blocks that do not depend on where the pieces were cut";
}

TEST(IoHdf5Resume, PublicationRecordsRequestedDoneHeldAndComplete) {
  const auto whole = uninterrupted("io-h5-counts", 10, 3);
  H5File f(whole);
  EXPECT_EQ(int_attribute(f.id, "items_requested"), 10);
  EXPECT_EQ(int_attribute(f.id, "items_done"), 10);
  EXPECT_EQ(int_attribute(f.id, "items_held"), 9);
  EXPECT_EQ(int_attribute(f.id, "complete"), 1);
  EXPECT_EQ(dims_of(f.id, "image"), (std::vector<hsize_t>{9, 4, 5}));
}

TEST(IoHdf5Resume, StoppedRunIsMarkedIncompleteAndCanBeExtended) {
  const auto dir = raserflow::test::scratch_dir("io-h5-stopped");
  const auto ckpt = dir / "ckpt";
  {
    NodeHarness h("io.hdf5", params, 0, dir, {ckpt, {}});
    feed(h, 0, 6, 4);
    h.stop(10);
  }
  {
    H5File f(dir / "dataset.h5");
    EXPECT_EQ(int_attribute(f.id, "items_requested"), 10);
    EXPECT_EQ(int_attribute(f.id, "items_done"), 6);
    EXPECT_EQ(int_attribute(f.id, "items_held"), 5);
    EXPECT_EQ(int_attribute(f.id, "complete"), 0);
    EXPECT_EQ(read_all<std::int64_t>(f.id, "item_index", H5T_NATIVE_INT64),
              (std::vector<std::int64_t>{0, 1, 2, 3, 5}));
  }
  // The checkpoint stays after publication, so the run can be extended to all 10 items.
  {
    NodeHarness h("io.hdf5", params, 0, dir, {ckpt, {6, 6}});
    feed(h, 6, 10, 3);
    h.finish();
  }
  expect_same_datasets_and_attributes(uninterrupted("io-h5-extended", 10, 5), dir / "dataset.h5");
}

TEST(IoHdf5Resume, OpenEndedRunsStoreMinusOneRequested) {
  const auto dir = raserflow::test::scratch_dir("io-h5-open-ended");
  NodeHarness h("io.hdf5", params, 0, dir);
  feed(h, 0, 3, 2);
  h.stop(raserflow::open_ended);
  H5File f(dir / "dataset.h5");
  EXPECT_EQ(int_attribute(f.id, "items_requested"), -1);
  EXPECT_EQ(int_attribute(f.id, "items_done"), 3);
  EXPECT_EQ(int_attribute(f.id, "complete"), 0);
}

TEST(IoHdf5Resume, PiecesWithoutRowsAreSkipped) {
  // Another writer may keep a piece for positions whose items were all dropped: one with
  // empty datasets, one with only an empty item_index.
  const auto dir = raserflow::test::scratch_dir("io-h5-empty-pieces");
  const auto ckpt = dir / "ckpt";
  {
    NodeHarness h("io.hdf5", params, 0, dir, {ckpt, {}});
    feed(h, 0, 3, 3);
  }
  {
    raserflow::io::Hdf5Appender empty(ckpt / "piece-000000000003-000000000004.h5");
    empty.define({{"image", raserflow::DType::float64, {4, 5}},
                  {"signals", raserflow::DType::complex128, {2}},
                  {"total_inversion", raserflow::DType::float64, {}}});
    empty.close();
    raserflow::io::Hdf5Appender bare(ckpt / "piece-000000000004-000000000005.h5");
    bare.close();
  }
  {
    NodeHarness h("io.hdf5", params, 0, dir, {ckpt, {5, 5}});
    feed(h, 5, 10, 2);
    h.finish({h.done(), 10, true});
  }
  H5File f(dir / "dataset.h5");
  EXPECT_EQ(read_all<std::int64_t>(f.id, "item_index", H5T_NATIVE_INT64),
            (std::vector<std::int64_t>{0, 1, 2, 5, 6, 7, 8, 9}));
  EXPECT_EQ(int_attribute(f.id, "items_done"), 10);
  EXPECT_EQ(int_attribute(f.id, "items_held"), 8);
}

TEST(IoHdf5Resume, ALaterItemMustMatchTheLayoutOfResumedPieces) {
  const auto dir = raserflow::test::scratch_dir("io-h5-resume-layout");
  const auto ckpt = dir / "ckpt";
  {
    NodeHarness h("io.hdf5", params, 0, dir, {ckpt, {}});
    feed(h, 0, 2, 2);
  }
  NodeHarness h("io.hdf5", params, 0, dir, {ckpt, {2, 2}});
  auto bad = item(2);
  bad.set("image", Array::zeros<double>({4, 6}));
  try {
    h.run(bad);
    FAIL() << "expected an error";
  } catch (const raserflow::Error& e) {
    EXPECT_NE(std::string(e.what()).find("[4 x 5]"), std::string::npos) << e.what();
  }
}
