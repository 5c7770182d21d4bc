// io.png and io.plot across checkpoints: each item's file kept in the checkpoint folder and
// logged at checkpoints, restored on resume, and published at the end; the published files
// equal those of an uninterrupted run.
#include <complex>
#include <filesystem>
#include <fstream>
#include <map>

#include <gtest/gtest.h>

#include "file_tree.hpp"
#include "support/cli.hpp"
#include "support/harness.hpp"

namespace fs = std::filesystem;
using io_test::files_under;
using raserflow::Array;
using raserflow::test::item_with;
using raserflow::test::NodeHarness;

namespace {

struct Sink {
  std::string type;
  nlohmann::json params;
};
const Sink png{"io.png", {{"fields", {"image"}}, {"scale", 2}}};
const Sink plot{"io.plot", {{"field", "image"}, {"rows", {0, 3}}, {"width", 320}, {"height", 240}}};

raserflow::Item item(std::int64_t index) {
  std::vector<double> v(6 * 8);
  for (std::size_t i = 0; i < v.size(); ++i)
    v[i] = std::sin(0.3 * static_cast<double>(i) + static_cast<double>(index));
  return item_with(index, {{"image", Array::from<double>({6, 8}, v)}});
}

// Items [from, to) with item 4 dropped upstream, a checkpoint after every `every` positions.
void feed(NodeHarness& h, std::int64_t from, std::int64_t to, std::int64_t every) {
  for (std::int64_t i = from; i < to; ++i) {
    if (i == 4)
      h.drop(i);
    else
      h.run(item(i));
    if ((i + 1) % every == 0) h.checkpoint();
  }
}

std::map<std::string, std::string> uninterrupted(const Sink& s, const std::string& name) {
  const auto dir = raserflow::test::scratch_dir(name);
  NodeHarness h(s.type, s.params, 0, dir);
  feed(h, 0, 8, 3);
  h.finish();
  return files_under(dir);
}

void resume_after_kill(const Sink& s, const std::string& name) {
  const auto whole = uninterrupted(s, name + "-whole");
  ASSERT_EQ(whole.size(), 7u) << "8 items, one dropped";
  const auto dir = raserflow::test::scratch_dir(name), out = dir / "out", ckpt = dir / "ckpt";
  {
    NodeHarness h(s.type, s.params, 0, out, {ckpt, {}});
    feed(h, 0, 8, 3);  // checkpoints at 3 and 6; files of 6 and 7 not yet logged
  }
  // The kill also tore the log's last line, and came before the runtime recorded position 6.
  std::ofstream(ckpt / "files.log", std::ios::app) << "7 000000000007-0.png pl";
  {
    NodeHarness h(s.type, s.params, 0, out, {ckpt, {3, 3}});
    EXPECT_EQ(files_under(ckpt / "files").size(), 3u) << "only the files of items 0, 1, 2 stay";
    EXPECT_TRUE(files_under(out).empty());
    feed(h, 3, 8, 2);
    h.finish();
  }
  EXPECT_EQ(files_under(out), whole);
}

}  // namespace

TEST(IoFilesResume, PngAfterAKillEqualsAnUninterruptedRun) {
  resume_after_kill(png, "io-png-resume");
}

TEST(IoFilesResume, PlotAfterAKillEqualsAnUninterruptedRun) {
  resume_after_kill(plot, "io-plot-resume");
}

TEST(IoFilesResume, StoppedRunPublishesAndCanBeExtended) {
  const auto whole = uninterrupted(png, "io-png-stop-whole");
  const auto dir = raserflow::test::scratch_dir("io-png-stop"), out = dir / "out",
             ckpt = dir / "ckpt";
  {
    NodeHarness h(png.type, png.params, 0, out, {ckpt, {}});
    feed(h, 0, 3, 2);
    h.stop(8);
  }
  EXPECT_EQ(files_under(out).size(), 3u);
  {
    NodeHarness h(png.type, png.params, 0, out, {ckpt, {3, 3}});
    feed(h, 3, 8, 3);
    h.finish();
  }
  EXPECT_EQ(files_under(out), whole);
}

TEST(IoFilesResume, APathClaimedBeforeTheResumeStaysClaimed) {
  const auto dir = raserflow::test::scratch_dir("io-png-claimed"), ckpt = dir / "ckpt";
  auto params = png.params;
  params["path"] = "fixed.png";
  {
    NodeHarness h(png.type, params, 0, dir, {ckpt, {}});
    h.run(item(0));
    h.checkpoint();
  }
  NodeHarness h(png.type, params, 0, dir, {ckpt, {1, 1}});
  try {
    h.run(item(1));
    FAIL() << "expected an error";
  } catch (const raserflow::Error& e) {
    EXPECT_NE(std::string(e.what()).find("{item}"), std::string::npos) << e.what();
  }
}

TEST(IoFilesResume, ALostCheckpointFileIsAnErrorNamingTheItem) {
  const auto dir = raserflow::test::scratch_dir("io-png-lost"), ckpt = dir / "ckpt";
  NodeHarness h(png.type, png.params, 0, dir / "out", {ckpt, {}});
  h.run(item(0));
  h.run(item(1));
  h.checkpoint();
  fs::remove(ckpt / "files" / "000000000001-0.png");
  try {
    h.finish();
    FAIL() << "expected an error";
  } catch (const raserflow::Error& e) {
    EXPECT_NE(std::string(e.what()).find("item 1"), std::string::npos) << e.what();
  }
}

TEST(IoFilesResume, AbortKeepsCheckpointedFilesAndDropsTheRest) {
  const auto dir = raserflow::test::scratch_dir("io-png-abort-ckpt"), ckpt = dir / "ckpt";
  NodeHarness h(png.type, png.params, 0, dir / "out", {ckpt, {}});
  h.run(item(0));
  h.checkpoint();
  h.run(item(1));
  h.node().abort();
  EXPECT_EQ(files_under(ckpt / "files").size(), 1u);
  EXPECT_TRUE(files_under(dir / "out").empty());
}
