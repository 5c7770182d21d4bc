// core.checksum across checkpoints: lines kept in the checkpoint folder, cut back to the
// resumed position, and published whole.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "support/cli.hpp"
#include "support/harness.hpp"

namespace fs = std::filesystem;
using raserflow::Array;
using raserflow::test::item_with;
using raserflow::test::NodeHarness;

namespace {

void feed(NodeHarness& h, std::int64_t from, std::int64_t to, std::int64_t every) {
  for (std::int64_t i = from; i < to; ++i) {
    if (i == 4)
      h.drop(i);
    else
      h.run(item_with(i, {{"data", Array::scalar(0.5 * static_cast<double>(i))}}));
    if ((i + 1) % every == 0) h.checkpoint();
  }
}

}  // namespace

TEST(CoreChecksumResume, ResumeAfterAKillGivesTheUninterruptedList) {
  const auto whole = raserflow::test::scratch_dir("checksum-whole");
  {
    NodeHarness h("core.checksum", {}, 0, whole);
    feed(h, 0, 9, 3);
    h.finish();
  }
  const auto dir = raserflow::test::scratch_dir("checksum-resumed"), ckpt = dir / "ckpt";
  {
    NodeHarness h("core.checksum", {}, 0, dir, {ckpt, {}});
    feed(h, 0, 8, 3);
  }
  std::ofstream(ckpt / "checksums.txt", std::ios::app) << "8 00ab";  // a torn last line
  {
    NodeHarness h("core.checksum", {}, 0, dir, {ckpt, {3, 3}});
    feed(h, 3, 9, 2);
    EXPECT_FALSE(fs::exists(dir / "checksums.txt"));
    h.finish();
  }
  const auto lines = raserflow::test::slurp(whole / "checksums.txt");
  EXPECT_EQ(std::count(lines.begin(), lines.end(), '\n'), 8) << "9 items, one dropped";
  EXPECT_EQ(raserflow::test::slurp(dir / "checksums.txt"), lines);
}

TEST(CoreChecksumResume, StoppedRunPublishesWhatItHasAndKeepsItsCheckpoint) {
  const auto dir = raserflow::test::scratch_dir("checksum-stopped"), ckpt = dir / "ckpt";
  {
    NodeHarness h("core.checksum", {}, 0, dir, {ckpt, {}});
    feed(h, 0, 3, 5);
    h.stop(10);
  }
  const auto first = raserflow::test::slurp(dir / "checksums.txt");
  EXPECT_EQ(std::count(first.begin(), first.end(), '\n'), 3);
  {
    NodeHarness h("core.checksum", {}, 0, dir, {ckpt, {3, 3}});
    feed(h, 3, 6, 5);
    h.finish();
  }
  const auto all = raserflow::test::slurp(dir / "checksums.txt");
  EXPECT_EQ(std::count(all.begin(), all.end(), '\n'), 5);
  EXPECT_TRUE(all.starts_with(first));
}
