// Running pipelines: order, determinism across threads and shards, fan-out and fan-in,
// failures, interruption, bounded memory, manifests and traces.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>

#include "support/cli.hpp"

namespace t = raserflow::test;
using raserflow::test::checksums;

namespace {

const std::string kGood = TEST_PLUGIN_DIR;

// Random fields, and CPU work whose duration varies per item so items finish out of order.
const char* kJittered = R"(items: 60
seed: 7
nodes:
  gen: {type: core.generate, params: {shape: [16], random: normal, dtype: complex128}}
  busy: {type: core.busy, params: {iterations: 20000, jitter: 20}}
  check: {type: core.checksum}
edges: [gen -> busy -> check]
)";

TEST(Run, SinksReceiveItemsInOrderEvenWhenTheyFinishOutOfOrder) {
  auto dir = t::scratch_dir("order");
  auto file = t::write_pipeline(dir, "p.yaml", kJittered);
  auto r = t::run_cli({"run", file.string(), "--threads", "2", "--out", (dir / "out").string()});
  ASSERT_EQ(r.status, 0) << r.err;
  auto rows = checksums(dir / "out/checksums.txt");
  ASSERT_EQ(rows.size(), 60u);
  for (std::size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(rows[i].first, static_cast<long>(i));
}

TEST(Run, OutputsAreBitIdenticalForOneAndTwoThreads) {
  auto dir = t::scratch_dir("threads");
  auto file = t::write_pipeline(dir, "p.yaml", kJittered);
  ASSERT_EQ(
      t::run_cli({"run", file.string(), "--threads", "1", "--out", (dir / "one").string()}).status,
      0);
  ASSERT_EQ(
      t::run_cli({"run", file.string(), "--threads", "2", "--out", (dir / "two").string()}).status,
      0);
  const auto one = t::slurp(dir / "one/checksums.txt"), two = t::slurp(dir / "two/checksums.txt");
  EXPECT_FALSE(one.empty());
  EXPECT_EQ(one, two);
}

TEST(Run, SeedChangesTheRandomStreams) {
  auto dir = t::scratch_dir("seed");
  auto file = t::write_pipeline(dir, "p.yaml", kJittered);
  ASSERT_EQ(t::run_cli({"run", file.string(), "--out", (dir / "a").string()}).status, 0);
  ASSERT_EQ(
      t::run_cli({"run", file.string(), "--set", "seed=8", "--out", (dir / "b").string()}).status,
      0);
  auto a = checksums(dir / "a/checksums.txt"), b = checksums(dir / "b/checksums.txt");
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NE(a[i].second, b[i].second) << "item " << i;
}

TEST(Run, ShardsTogetherEqualTheWholeRun) {
  auto dir = t::scratch_dir("shards");
  auto file = t::write_pipeline(dir, "p.yaml", kJittered);
  ASSERT_EQ(t::run_cli({"run", file.string(), "--out", (dir / "all").string()}).status, 0);
  std::map<long, std::string> merged;
  for (int k = 0; k < 3; ++k) {
    auto out = dir / ("shard" + std::to_string(k));
    auto r = t::run_cli(
        {"run", file.string(), "--shard", std::to_string(k) + "/3", "--out", out.string()});
    ASSERT_EQ(r.status, 0) << r.err;
    for (const auto& [index, hash] : checksums(out / "checksums.txt")) {
      EXPECT_EQ(index % 3, k) << "shard " << k << " ran item " << index;
      merged[index] = hash;
    }
  }
  auto all = checksums(dir / "all/checksums.txt");
  ASSERT_EQ(merged.size(), all.size());
  for (const auto& [index, hash] : all) EXPECT_EQ(merged[index], hash) << "item " << index;
}

TEST(Run, FanOutAndFanInJoinBranchesOnItemIndex) {
  auto file = std::filesystem::path(TEST_SOURCE_DIR) / "pipelines/good/fan_out_in.yaml";
  auto dir = t::scratch_dir("diamond");
  auto one = t::run_cli({"run", file.string(), "--threads", "1", "--out", (dir / "one").string()});
  auto two = t::run_cli({"run", file.string(), "--threads", "2", "--out", (dir / "two").string()});
  ASSERT_EQ(one.status, 0) << one.err;
  ASSERT_EQ(two.status, 0) << two.err;
  EXPECT_EQ(checksums(dir / "one/checksums.txt").size(), 20u);
  EXPECT_EQ(t::slurp(dir / "one/checksums.txt"), t::slurp(dir / "two/checksums.txt"));
}

TEST(Run, JoinedItemCarriesTheUnionOfBranchFields) {
  auto dir = t::scratch_dir("union");
  auto file = t::write_pipeline(dir, "p.yaml", R"(items: 3
nodes:
  gen: {type: core.generate, params: {shape: [2]}}
  left: {type: core.busy, params: {iterations: 10}, outputs: {busy_result: left_sum}}
  right: {type: core.busy, params: {iterations: 20}, outputs: {busy_result: right_sum}}
  stats: {type: core.summary}
edges:
  - gen -> left -> stats
  - gen -> right -> stats
)");
  auto r = t::run_cli({"run", file.string(), "--out", (dir / "out").string()});
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* field : {"data", "left_sum", "right_sum"}) {
    auto at = r.out.find(std::string("\n") + field + " ");
    ASSERT_NE(at, std::string::npos) << field << "\n" << r.out;
    EXPECT_NE(r.out.substr(at, 80).find(" 3 "), std::string::npos)
        << "every item has " << field << "\n"
        << r.out;
  }
}

TEST(Run, IncludesAndVarsResolve) {
  auto file = std::filesystem::path(TEST_SOURCE_DIR) / "pipelines/good/include_and_vars.yaml";
  auto dir = t::scratch_dir("include");
  auto r = t::run_cli({"run", file.string(), "--out", dir.string()});
  ASSERT_EQ(r.status, 0) << r.err;
  auto manifest = nlohmann::json::parse(t::slurp(dir / "manifest.json"));
  EXPECT_EQ(manifest["pipeline"]["nodes"]["gen"]["params"]["shape"], nlohmann::json::array({3, 3}))
      << "the including file's vars win";
  EXPECT_EQ(checksums(dir / "checksums.txt").size(), 4u);
}

TEST(Run, IncludedPipelineSuppliesItemsAndSeedUnlessTheIncluderDoes) {
  auto dir = t::scratch_dir("include-settings");
  t::write_pipeline(dir, "base.yaml", R"(items: 3
seed: 9
nodes:
  gen: {type: core.generate}
  sink: {type: core.discard}
edges: [gen -> sink]
)");
  auto plain = t::write_pipeline(dir, "plain.yaml", "include: [base.yaml]\n");
  auto own = t::write_pipeline(dir, "own.yaml", "include: [base.yaml]\nitems: 2\n");
  ASSERT_EQ(t::run_cli({"run", plain.string(), "--out", (dir / "a").string()}).status, 0);
  ASSERT_EQ(t::run_cli({"run", own.string(), "--out", (dir / "b").string()}).status, 0);
  auto a = nlohmann::json::parse(t::slurp(dir / "a/manifest.json"));
  auto b = nlohmann::json::parse(t::slurp(dir / "b/manifest.json"));
  EXPECT_EQ(a["pipeline"]["items"], 3);
  EXPECT_EQ(a["pipeline"]["seed"], 9);
  EXPECT_EQ(b["pipeline"]["items"], 2);
  EXPECT_EQ(b["pipeline"]["seed"], 9);
}

TEST(Run, FailureCancelsTheRunNamesNodeAndItemAndCommitsNothing) {
  auto dir = t::scratch_dir("fail");
  auto file = t::write_pipeline(dir, "p.yaml", R"(items: 100000
nodes:
  gen: {type: core.generate}
  boom: {type: core.fail, params: {at_item: 5, message: detector saturated}}
  check: {type: core.checksum}
edges: [gen -> boom -> check]
)");
  auto r = t::run_cli({"run", file.string(), "--out", dir.string()});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("node 'boom' (core.fail) failed on item 5: detector saturated"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "checksums.txt"));
  for (const auto& e : std::filesystem::directory_iterator(dir))
    EXPECT_EQ(e.path().filename().string().find(".partial"), std::string::npos) << e.path();
  auto manifest = nlohmann::json::parse(t::slurp(dir / "manifest.json"));
  EXPECT_EQ(manifest["status"], "failed");
  EXPECT_LT(manifest["items"]["done"].get<long>(), 1000) << "the run stops soon after the failure";
}

TEST(Run, FailureInStartIsReported) {
  auto dir = t::scratch_dir("fail-start");
  auto file = t::write_pipeline(dir, "p.yaml", R"(nodes:
  gen: {type: core.generate}
  boom: {type: core.fail, params: {when: start, message: no hardware}}
edges: [gen -> boom]
)");
  auto r = t::run_cli({"run", file.string(), "--out", dir.string()});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("node 'boom' (core.fail): start failed: no hardware"), std::string::npos)
      << r.err;
}

TEST(Run, InterruptStopsAndPublishesTheItemsDone) {
  auto dir = t::scratch_dir("interrupt");
  auto file = t::write_pipeline(dir, "p.yaml", R"(items: 1000000
nodes:
  gen: {type: core.generate}
  busy: {type: core.busy, params: {iterations: 100000}}
  check: {type: core.checksum}
edges: [gen -> busy -> check]
)");
  auto r = t::run_cli({"run", file.string(), "--out", dir.string()}, {.interrupt_after_ms = 1500});
  EXPECT_EQ(r.status, 130) << r.err;
  EXPECT_NE(r.err.find("stopped after"), std::string::npos) << r.err;
  auto manifest = nlohmann::json::parse(t::slurp(dir / "manifest.json"));
  EXPECT_EQ(manifest["status"], "stopped");
  EXPECT_EQ(checksums(dir / "checksums.txt").size(), manifest["items"]["done"].get<std::size_t>());
}

TEST(Run, PeakMemoryDoesNotGrowWithTheItemCount) {
  // 100,000 items of a 1 MB field: unbounded queues would need ~100 GB.
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP()
      << "AddressSanitizer's quarantine keeps freed memory, so peak RSS means nothing here";
#endif
  auto dir = t::scratch_dir("memory");
  auto file = t::write_pipeline(dir, "p.yaml", R"(items: 100000
nodes:
  gen: {type: core.generate, params: {shape: [131072], fill: 1.0}}
  sink: {type: core.discard}
edges: [gen -> sink]
)");
  auto r = t::run_cli({"run", file.string(), "--threads", "2", "--out", dir.string()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_LT(r.peak_rss_kb, 200 * 1024) << "peak RSS " << r.peak_rss_kb << " kB";
}

TEST(Run, ManifestRecordsWhatRanWithWhat) {
  auto dir = t::scratch_dir("manifest");
  auto file = t::write_pipeline(dir, "p.yaml", kJittered);
  auto r = t::run_cli({"run", file.string(), "--set", "items=5", "--set", "busy.iterations=10",
                       "--out", dir.string()});
  ASSERT_EQ(r.status, 0) << r.err;
  auto m = nlohmann::json::parse(t::slurp(dir / "manifest.json"));
  EXPECT_EQ(m["status"], "complete");
  EXPECT_EQ(m["pipeline"]["items"], 5);
  EXPECT_EQ(m["pipeline"]["seed"], 7);
  EXPECT_EQ(m["pipeline"]["nodes"]["busy"]["params"]["iterations"], 10);
  EXPECT_EQ(m["pipeline"]["nodes"]["busy"]["params"]["jitter"], 20.0)
      << "defaults and file values resolved";
  EXPECT_EQ(m["overrides"], nlohmann::json::array({"items=5", "busy.iterations=10"}));
  EXPECT_EQ(m["plugins"][0]["name"], "core");
  EXPECT_EQ(m["nodes"]["busy"]["items"], 5);
  EXPECT_TRUE(m["pipeline"].contains("git_revision"));
  EXPECT_EQ(m["items"]["done"], 5);
}

TEST(Run, RelativeSinkPathsResolveInsideTheOutputFolder) {
  auto dir = t::scratch_dir("paths");
  auto file = t::write_pipeline(dir, "p.yaml", R"(items: 2
nodes:
  gen: {type: core.generate}
  check: {type: core.checksum, params: {path: sub/sums.txt}}
edges: [gen -> check]
)");
  ASSERT_EQ(t::run_cli({"run", file.string(), "--out", (dir / "o").string()}).status, 0);
  EXPECT_EQ(checksums(dir / "o/sub/sums.txt").size(), 2u);
}

TEST(Run, TraceIsChromeTraceJsonWithOneSpanPerNodeAndItem) {
  auto dir = t::scratch_dir("trace");
  auto file = t::write_pipeline(dir, "p.yaml", kJittered);
  auto trace = dir / "trace.json";
  ASSERT_EQ(t::run_cli({"run", file.string(), "--set", "items=4", "--out", dir.string(), "--trace",
                        trace.string()})
                .status,
            0);
  auto j = nlohmann::json::parse(t::slurp(trace));
  int spans = 0;
  for (const auto& e : j["traceEvents"])
    if (e["ph"] == "X") {
      ++spans;
      EXPECT_GE(e["dur"].get<double>(), 0.0);
    }
  EXPECT_EQ(spans, 3 * 4);
}

TEST(Graph, DotListsNodesAndEdges) {
  auto file = std::filesystem::path(TEST_SOURCE_DIR) / "pipelines/good/fan_out_in.yaml";
  auto r = t::run_cli({"graph", file.string()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.rfind("digraph", 0), 0u);
  EXPECT_NE(r.out.find("\"gen\" -> \"left\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"right\" -> \"join\" [label=\"right_sum\"]"), std::string::npos) << r.out;
}

}  // namespace

namespace {

TEST(Device, DeviceNodesRunOnTheirOwnThreadInOrder) {
  auto dir = t::scratch_dir("device");
  auto file = t::write_pipeline(dir, "p.yaml", R"(items: 30
seed: 3
nodes:
  gen: {type: core.generate, params: {shape: [4], random: uniform}}
  busy: {type: core.busy, params: {iterations: 5000, jitter: 10}}
  acquire: {type: test.device, params: {wait: 0.001}}
  check: {type: core.checksum}
  stats: {type: core.summary}
edges: [gen -> busy -> acquire -> check -> stats]
)");
  auto one = t::run_cli({"run", file.string(), "--threads", "1", "--out", (dir / "one").string(),
                         "--plugin-path", kGood});
  auto two = t::run_cli({"run", file.string(), "--threads", "2", "--out", (dir / "two").string(),
                         "--plugin-path", kGood});
  ASSERT_EQ(one.status, 0) << one.err;
  ASSERT_EQ(two.status, 0) << two.err;
  EXPECT_EQ(t::slurp(dir / "one/checksums.txt"), t::slurp(dir / "two/checksums.txt"));
  // test.device throws unless it runs on its own thread, so success is the assertion.
  EXPECT_NE(two.out.find("\nacquired "), std::string::npos) << two.out;
}

TEST(Device, InterruptUnblocksADeviceWaitingOnHardware) {
  auto dir = t::scratch_dir("device-interrupt");
  auto file = t::write_pipeline(dir, "p.yaml", R"(items: 10
nodes:
  gen: {type: core.generate}
  acquire: {type: test.device, params: {wait: 3600}}
  check: {type: core.checksum}
edges: [gen -> acquire -> check]
)");
  const auto t0 = std::chrono::steady_clock::now();
  auto r = t::run_cli({"run", file.string(), "--out", dir.string(), "--plugin-path", kGood},
                      {.interrupt_after_ms = 500});
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(r.status, 130) << r.err;
  EXPECT_LT(seconds, 60) << "the hour-long wait was not interrupted";
  // The interrupted acquisition ends the device's stream: nothing was acquired.
  EXPECT_EQ(checksums(dir / "checksums.txt").size(), 0u);
}

TEST(Device, AFailureElsewhereUnblocksTheDevice) {
  auto dir = t::scratch_dir("device-fail");
  auto file = t::write_pipeline(dir, "p.yaml", R"(items: 10
nodes:
  gen: {type: core.generate}
  acquire: {type: test.device, params: {wait: 3600}}
  boom: {type: core.fail, params: {at_item: 0}}
  both: {type: core.summary}
edges:
  - gen -> acquire -> both
  - gen -> boom -> both
)");
  const auto t0 = std::chrono::steady_clock::now();
  auto r = t::run_cli({"run", file.string(), "--out", dir.string(), "--plugin-path", kGood});
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("node 'boom' (core.fail) failed on item 0"), std::string::npos) << r.err;
  EXPECT_LT(seconds, 60);
}

}  // namespace
