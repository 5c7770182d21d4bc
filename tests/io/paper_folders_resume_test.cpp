// io.paper_folders across kills, stops and failures: an image folder is published whole or not
// at all, and a resumed or extended run publishes what an uninterrupted run does.
#include <sys/resource.h>
#include <csignal>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "child_process.hpp"
#include "file_tree.hpp"
#include "paper_items.hpp"
#include "paper_reader.hpp"
#include "support/cli.hpp"
#include "support/harness.hpp"

namespace fs = std::filesystem;
using io_test::files_under;
using raserflow::test::NodeHarness;
using raserflow::test::scratch_dir;

namespace {

const auto kParams = nlohmann::json::object();

void feed(NodeHarness& h, std::int64_t from, std::int64_t to, std::int64_t every) {
  for (std::int64_t i = from; i < to; ++i) {
    h.run(io_test::paper_item(i));
    if ((i + 1) % every == 0) h.checkpoint();
  }
}

std::map<std::string, std::string> uninterrupted(const std::string& name) {
  const auto dir = scratch_dir(name);
  NodeHarness h("io.paper_folders", kParams, 0, dir);
  feed(h, 0, 6, 2);
  h.finish();
  return files_under(dir / "paper");
}

TEST(IoPaperFoldersResume, AKillPublishesNothingAndTheResumedRunEqualsAWholeOne) {
  const auto whole = uninterrupted("paper-kill-whole");
  ASSERT_EQ(whole.size(), 6u * (1 + 3 * 5)) << "a PNG and 5 CSV files per projection";
  const auto dir = scratch_dir("paper-kill"), out = dir / "out", ckpt = dir / "ckpt";
  {
    NodeHarness h("io.paper_folders", kParams, 0, out, {ckpt, {}});
    feed(h, 0, 6, 4);  // checkpoint at 4; the folders of items 4 and 5 are not logged
  }
  // The kill came while item 5's folder was being written: its temporary is half full.
  fs::create_directories(ckpt / "files" / "000000000005-0.partial" / "1");
  std::ofstream(ckpt / "files" / "000000000005-0.partial" / "image5.png") << "half";
  EXPECT_TRUE(files_under(out).empty()) << "only the end of a run publishes";
  {
    NodeHarness h("io.paper_folders", kParams, 0, out, {ckpt, {4, 4}});
    EXPECT_EQ(io_test::entries(ckpt / "files"),
              (std::set<std::string>{"000000000000-0", "000000000001-0", "000000000002-0",
                                     "000000000003-0"}));
    feed(h, 4, 6, 2);
    h.finish();
  }
  EXPECT_EQ(files_under(out / "paper"), whole);
  EXPECT_EQ(io_test::read_paper_folders(out / "paper").size(), 6u);
}

TEST(IoPaperFoldersResume, AStopPublishesWholeFoldersAndTheRunCanBeExtended) {
  const auto whole = uninterrupted("paper-stop-whole");
  const auto dir = scratch_dir("paper-stop"), out = dir / "out", ckpt = dir / "ckpt";
  {
    NodeHarness h("io.paper_folders", kParams, 0, out, {ckpt, {}});
    feed(h, 0, 3, 2);
    h.stop(6);
  }
  const auto stopped = io_test::read_paper_folders(out / "paper");
  ASSERT_EQ(stopped.size(), 3u);
  for (const auto& image : stopped) EXPECT_EQ(image.projections.size(), 3u) << image.name;
  {
    NodeHarness h("io.paper_folders", kParams, 0, out, {ckpt, {3, 3}});
    feed(h, 3, 6, 2);
    h.finish();
  }
  EXPECT_EQ(files_under(out / "paper"), whole);
}

TEST(IoPaperFoldersResume, AWriteThatFailsMidFolderLeavesNoFolder) {
  const auto dir = scratch_dir("paper-fail"), out = dir / "out", ckpt = dir / "ckpt";
  const auto r = io_test::in_child([&]() -> std::string {
    std::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{4096, 4096};  // item 0's files fit; item 1's 2000-line output.csv not
    ::setrlimit(RLIMIT_FSIZE, &limit);
    NodeHarness h("io.paper_folders", kParams, 0, out, {ckpt, {}});
    h.run(io_test::paper_item(0));
    h.checkpoint();
    try {
      h.run(io_test::paper_item(1, 3, 2000));
    } catch (const raserflow::Error& e) {
      h.node().abort();
      return e.what();
    }
    return "no error";
  });
  EXPECT_NE(r.message.find("cannot write"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("output.csv"), std::string::npos) << r.message;
  EXPECT_EQ(io_test::entries(ckpt / "files"), std::set<std::string>{"000000000000-0"});
  EXPECT_FALSE(fs::exists(out / "paper"));
}

}  // namespace
