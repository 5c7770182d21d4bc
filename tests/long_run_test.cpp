// Runs that last: stop and publish, resume after kill -9, dropped items, batches, sources that
// set the item count, open-ended streams.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <random>

#include "support/cli.hpp"

namespace t = raserflow::test;
using raserflow::test::checksums;
namespace fs = std::filesystem;

namespace {

const std::string kGood = TEST_PLUGIN_DIR;

nlohmann::json manifest(const fs::path& out) {
  return nlohmann::json::parse(t::slurp(out / "manifest.json"));
}

// Random fields and CPU work, so a run takes a while and items finish out of order.
const char* kWork = R"(items: 1000
seed: 11
checkpoint_every: 7
nodes:
  gen: {type: core.generate, params: {shape: [8], random: normal}}
  busy: {type: core.busy, params: {iterations: 200000, jitter: 1}}
  check: {type: core.checksum}
edges: [gen -> busy -> check]
)";

TEST(Stop, FirstSignalFinishesItemsInFlightAndPublishesThePrefix) {
  for (int signal : {SIGINT, SIGTERM}) {
    auto dir = t::scratch_dir("stop-" + std::to_string(signal));
    auto file = t::write_pipeline(dir, "p.yaml", kWork);
    const auto out = dir / "out";
    auto r = t::run_cli(
        {"run", file.string(), "--out", out.string(), "--threads", "2"},
        {.interrupt_when = [&] { return t::checkpointed_something(out); }, .signal = signal});
    EXPECT_EQ(r.status, 130) << r.err;
    EXPECT_NE(r.err.find("stopped after"), std::string::npos) << r.err;
    const auto m = manifest(dir / "out");
    EXPECT_EQ(m["status"], "stopped");
    const auto done = m["items"]["done"].get<long>();
    EXPECT_GT(done, 0);
    EXPECT_LT(done, 1000);
    const auto rows = checksums(dir / "out/checksums.txt");
    ASSERT_EQ(static_cast<long>(rows.size()), done) << "the published file holds the items done";
    for (long i = 0; i < done; ++i) EXPECT_EQ(rows[static_cast<std::size_t>(i)].first, i);
  }
}

TEST(Stop, SecondSignalAbortsAtOnce) {
  auto dir = t::scratch_dir("stop-twice");
  auto file = t::write_pipeline(dir, "p.yaml", R"(items: 20
nodes:
  gen: {type: core.generate}
  slow: {type: core.busy, params: {iterations: 400000000}}
  check: {type: core.checksum}
edges: [gen -> slow -> check]
)");
  // The first signal must find item 0 in core.busy (seconds of work): a stop before any item
  // started would publish an empty run and exit 130 too.
  const auto t0 = std::chrono::steady_clock::now();
  auto r = t::run_cli(
      {"run", file.string(), "--out", (dir / "out").string(), "--threads", "1"},
      {.interrupt_when = t::running_for(dir / "out", 200), .second_signal_after_ms = 300});
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(r.status, 128 + SIGINT) << r.err;
  EXPECT_LT(seconds, 3.0) << "the second Ctrl-C did not end the run at once";
  EXPECT_FALSE(fs::exists(dir / "out/checksums.txt"));
}

TEST(Resume, KillNineAtRandomMomentsThenResumeEqualsAnUninterruptedRun) {
  auto dir = t::scratch_dir("resume-kill");
  auto file = t::write_pipeline(dir, "p.yaml", kWork);
  ASSERT_EQ(t::run_cli({"run", file.string(), "--out", (dir / "whole").string()}).status, 0);
  const auto whole = t::slurp(dir / "whole/checksums.txt");
  std::mt19937 gen(5);
  const auto out = (dir / "killed").string();
  int kills = 0;
  for (int attempt = 0; attempt < 6; ++attempt) {
    const int after = std::uniform_int_distribution<int>(50, 600)(gen);
    auto r = t::run_cli({"run", file.string(), "--out", out, "--threads", "2"},
                        {.interrupt_after_ms = after, .signal = SIGKILL});
    if (r.status == 0) break;
    ASSERT_EQ(r.status, 128 + SIGKILL) << r.err;
    ++kills;
  }
  EXPECT_GT(kills, 0);
  auto r = t::run_cli({"run", file.string(), "--out", out, "--threads", "1"});
  ASSERT_TRUE(r.status == 0) << r.err;
  EXPECT_EQ(t::slurp(fs::path(out) / "checksums.txt"), whole);
  EXPECT_EQ(manifest(out)["status"], "complete");
  for (const auto& e : fs::recursive_directory_iterator(out))
    EXPECT_EQ(e.path().filename().string().find(".partial-"), std::string::npos)
        << "leftover temporary " << e.path();
}

TEST(Resume, AfterAStopTheSameCommandContinuesAndRaisingItemsExtends) {
  auto dir = t::scratch_dir("resume-stop");
  auto file = t::write_pipeline(dir, "p.yaml", kWork);
  const auto out = (dir / "out").string();
  auto stopped = t::run_cli({"run", file.string(), "--out", out},
                            {.interrupt_when = [&] { return t::checkpointed_something(out); }});
  ASSERT_EQ(stopped.status, 130) << stopped.err;
  auto r = t::run_cli({"run", file.string(), "--out", out});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("continuing after the"), std::string::npos) << r.err;
  EXPECT_GT(manifest(out)["items"]["resumed_from"].get<long>(), 0);
  auto again = t::run_cli({"run", file.string(), "--out", out});
  EXPECT_EQ(again.status, 0);
  EXPECT_NE(again.err.find("already done"), std::string::npos) << again.err;
  auto more = t::run_cli({"run", file.string(), "--out", out, "--set", "items=1050"});
  ASSERT_EQ(more.status, 0) << more.err;
  ASSERT_EQ(
      t::run_cli({"run", file.string(), "--out", (dir / "whole").string(), "--set", "items=1050"})
          .status,
      0);
  EXPECT_EQ(t::slurp(fs::path(out) / "checksums.txt"), t::slurp(dir / "whole/checksums.txt"));
  EXPECT_EQ(manifest(out)["items"]["resumed_from"], 1000);
}

TEST(Resume, ADifferentRunIsRefusedNamingWhatDiffersAndFreshStartsOver) {
  auto dir = t::scratch_dir("resume-identity");
  auto file = t::write_pipeline(dir, "p.yaml", kWork);
  const auto out = (dir / "out").string();
  ASSERT_EQ(t::run_cli({"run", file.string(), "--out", out, "--set", "items=20"}).status, 0);
  auto r = t::run_cli(
      {"run", file.string(), "--out", out, "--set", "items=20", "--set", "busy.iterations=5"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("nodes/busy/params/iterations: was 200000, now 5"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("--fresh"), std::string::npos) << r.err;
  auto seed = t::run_cli({"run", file.string(), "--out", out, "--set", "seed=3"});
  EXPECT_EQ(seed.status, 2);
  EXPECT_NE(seed.err.find("seed: was 11, now 3"), std::string::npos) << seed.err;
  auto shard = t::run_cli({"run", file.string(), "--out", out, "--shard", "1/2"});
  EXPECT_EQ(shard.status, 2);
  EXPECT_NE(shard.err.find("shard: was \"0/1\", now \"1/2\""), std::string::npos) << shard.err;
  auto fresh = t::run_cli({"run", file.string(), "--out", out, "--set", "items=20", "--set",
                           "busy.iterations=5", "--fresh"});
  EXPECT_EQ(fresh.status, 0) << fresh.err;
  // Threads and the output folder are not part of a run's identity.
  auto threads = t::run_cli({"run", file.string(), "--out", out, "--set", "items=30", "--set",
                             "busy.iterations=5", "--threads", "1"});
  EXPECT_EQ(threads.status, 0) << threads.err;
}

TEST(Resume, ANodeWithStateItCannotCheckpointRefusesToContinue) {
  auto dir = t::scratch_dir("resume-stateful");
  auto file = t::write_pipeline(dir, "p.yaml", R"(items: 30000
checkpoint_every: 5
nodes:
  gen: {type: core.generate}
  busy: {type: core.busy, params: {iterations: 100000}}
  stats: {type: core.summary}
  check: {type: core.checksum}
edges: [gen -> busy -> stats, busy -> check]
)");
  const auto out = (dir / "out").string();
  auto stopped = t::run_cli({"run", file.string(), "--out", out},
                            {.interrupt_when = [&] { return t::checkpointed_something(out); }});
  ASSERT_EQ(stopped.status, 130) << stopped.err;
  auto r = t::run_cli({"run", file.string(), "--out", out});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("node 'stats' (core.summary) keeps state across items"), std::string::npos)
      << r.err;
}

TEST(Resume, ShardsResumeAndStillJoinToTheWholeRun) {
  auto dir = t::scratch_dir("resume-shards");
  auto file = t::write_pipeline(dir, "p.yaml", kWork);
  ASSERT_EQ(t::run_cli({"run", file.string(), "--out", (dir / "whole").string()}).status, 0);
  std::map<long, std::string> joined;
  for (int k = 0; k < 2; ++k) {
    const auto out = (dir / ("shard" + std::to_string(k))).string();
    const std::string shard = std::to_string(k) + "/2";
    t::run_cli({"run", file.string(), "--shard", shard, "--out", out},
               {.interrupt_after_ms = 200, .signal = SIGKILL});
    auto r = t::run_cli({"run", file.string(), "--shard", shard, "--out", out});
    ASSERT_EQ(r.status, 0) << r.err;
    for (const auto& [i, h] : checksums(fs::path(out) / "checksums.txt"))
      EXPECT_TRUE(joined.emplace(i, h).second) << "item " << i << " twice";
  }
  const auto whole = checksums(dir / "whole/checksums.txt");
  ASSERT_EQ(joined.size(), whole.size());
  for (const auto& [i, h] : whole) EXPECT_EQ(joined[i], h) << "item " << i;
}

// --- Dropped items ----------------------------------------------------------------------------

// `flag` is an int32 drawn per item; core.filter drops the items where it is nonzero.
const char* kForkJoin = R"(items: 60
seed: 21
nodes:
  gen: {type: core.generate, params: {shape: [4], random: normal}}
  flag: {type: core.generate, params: {shape: [], dtype: int32, random: normal}, outputs: {data: flag}}
  left: {type: core.busy, params: {iterations: 3000, jitter: 5}, outputs: {busy_result: left}}
  gate: {type: core.filter, params: {field: flag, keep: false}}
  right: {type: core.busy, params: {iterations: 1000}, outputs: {busy_result: right}}
  join: {type: core.select, params: {fields: [data, left, right]}}
  check: {type: core.checksum}
edges:
  - gen -> flag -> left -> join
  - flag -> gate -> right -> join
  - join -> check
)";

TEST(Drop, DroppedItemsVanishAcrossAForkAndJoinAndAreListed) {
  auto dir = t::scratch_dir("drop");
  auto file = t::write_pipeline(dir, "p.yaml", kForkJoin);
  std::string first;
  for (const char* threads : {"1", "2"}) {
    const auto out = dir / (std::string("t") + threads);
    auto r = t::run_cli({"run", file.string(), "--out", out.string(), "--threads", threads});
    ASSERT_EQ(r.status, 0) << r.err;
    const auto m = manifest(out);
    const auto dropped = m["items"]["dropped"]["gate"].get<std::vector<long>>();
    EXPECT_GT(dropped.size(), 5u);
    EXPECT_LT(dropped.size(), 50u);
    EXPECT_TRUE(std::is_sorted(dropped.begin(), dropped.end()));
    const auto rows = checksums(out / "checksums.txt");
    EXPECT_EQ(rows.size() + dropped.size(), 60u);
    long last = -1;
    for (const auto& [i, h] : rows) {
      EXPECT_GT(i, last) << "sinks write the remaining items in item order";
      last = i;
      EXPECT_FALSE(std::binary_search(dropped.begin(), dropped.end(), i)) << i;
    }
    EXPECT_EQ(m["nodes"]["right"]["items"].get<long>(), static_cast<long>(rows.size()))
        << "nodes downstream of the drop never see it";
    EXPECT_EQ(m["nodes"]["left"]["items"], 60) << "the other branch sees every item";
    const auto text = t::slurp(out / "checksums.txt");
    if (first.empty())
      first = text;
    else
      EXPECT_EQ(text, first) << "dropping does not depend on threads";
  }
}

TEST(Drop, FilterFlagsAnyAllAndBadDtypes) {
  auto dir = t::scratch_dir("filter");
  auto file = t::write_pipeline(dir, "p.yaml", R"(items: 30
seed: 2
nodes:
  gen: {type: core.generate, params: {shape: [3], dtype: int64, random: normal}}
  keep: {type: core.filter, params: {field: data, reduce: all}}
  check: {type: core.checksum}
edges: [gen -> keep -> check]
)");
  auto all = t::run_cli({"run", file.string(), "--out", (dir / "all").string()});
  ASSERT_EQ(all.status, 0) << all.err;
  auto any = t::run_cli(
      {"run", file.string(), "--out", (dir / "any").string(), "--set", "keep.reduce=any"});
  ASSERT_EQ(any.status, 0) << any.err;
  const auto kept_all = checksums(dir / "all/checksums.txt").size();
  const auto kept_any = checksums(dir / "any/checksums.txt").size();
  EXPECT_LT(kept_all, kept_any) << "all elements nonzero is rarer than one";
  EXPECT_GT(kept_all, 0u);
  auto bad = t::run_cli(
      {"run", file.string(), "--out", (dir / "bad").string(), "--set", "gen.dtype=float64"});
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.err.find("core.filter reads an integer flag"), std::string::npos) << bad.err;
}

// --- Batches ----------------------------------------------------------------------------------

TEST(Batch, BatchSizesOneThreeAndSevenGiveIdenticalOutputsOnOneAndTwoThreads) {
  auto dir = t::scratch_dir("batch");
  auto file = t::write_pipeline(dir, "p.yaml", R"(items: 50
seed: 4
nodes:
  gen: {type: core.generate, params: {shape: [5], random: normal}}
  flag: {type: core.generate, params: {shape: [], dtype: int32, random: normal}, outputs: {data: flag}}
  gate: {type: core.filter, params: {field: flag, keep: false}}
  net: {type: core.stack, params: {factor: 3.0}}
  check: {type: core.checksum, params: {fields: [scaled]}}
edges: [gen -> flag -> gate -> net -> check]
)");
  std::string reference;
  for (const char* batch : {"1", "3", "7"})
    for (const char* threads : {"1", "2"}) {
      const auto out = dir / (std::string("b") + batch + "t" + threads);
      auto r = t::run_cli({"run", file.string(), "--out", out.string(), "--threads", threads,
                           "--set", std::string("net.batch=") + batch});
      ASSERT_EQ(r.status, 0) << r.err;
      const auto text = t::slurp(out / "checksums.txt");
      EXPECT_FALSE(text.empty());
      if (reference.empty())
        reference = text;
      else
        EXPECT_EQ(text, reference) << "batch " << batch << ", " << threads << " threads";
    }
}

TEST(Batch, AnInFlightBoundThatCannotHoldABatchIsAValidationError) {
  auto dir = t::scratch_dir("batch-bound");
  auto file = t::write_pipeline(dir, "p.yaml", R"(items: 10
in_flight: 4
nodes:
  gen: {type: core.generate}
  net: {type: core.stack, batch: 8}
  sink: {type: core.discard}
edges: [gen -> net -> sink]
)");
  auto r = t::run_cli({"validate", file.string()});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(file.string() + ":5:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("batch 8 cannot fill while in_flight is 4"), std::string::npos) << r.err;
  EXPECT_EQ(t::run_cli({"validate", file.string(), "--set", "in_flight=8"}).status, 0);
}

// --- Sources that set the count ---------------------------------------------------------------

TEST(SourceCount, ASourceThatKnowsItsCountSetsItems) {
  auto dir = t::scratch_dir("count");
  auto file = t::write_pipeline(dir, "p.yaml", R"(nodes:
  rec: {type: test.counted, params: {count: 9}}
  check: {type: core.checksum}
edges: [rec -> check]
)");
  auto r =
      t::run_cli({"run", file.string(), "--out", (dir / "out").string(), "--plugin-path", kGood});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(checksums(dir / "out/checksums.txt").size(), 9u);
}

TEST(SourceCount, AnExplicitConflictingItemsIsAnErrorNamingBothNumbers) {
  auto dir = t::scratch_dir("count-conflict");
  auto file = t::write_pipeline(dir, "p.yaml", R"(items: 12
nodes:
  rec: {type: test.counted, params: {count: 9}}
  check: {type: core.checksum}
edges: [rec -> check]
)");
  auto r = t::run_cli({"validate", file.string(), "--plugin-path", kGood});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(file.string() + ":1:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("items: 12 conflicts with source 'rec' (test.counted), which holds 9"),
            std::string::npos)
      << r.err;
  auto set = t::run_cli({"validate", file.string(), "--plugin-path", kGood, "--set", "items=9"});
  EXPECT_EQ(set.status, 0) << set.err;
  // A value inherited from an included file is not a conflict.
  auto top = t::write_pipeline(dir, "top.yaml", "include: base.yaml\n");
  t::write_pipeline(dir, "base.yaml", t::slurp(file));
  auto inherited = t::run_cli({"validate", top.string(), "--plugin-path", kGood});
  EXPECT_EQ(inherited.status, 0) << inherited.err;
  EXPECT_NE(inherited.out.find("9 items"), std::string::npos) << inherited.out;
}

// --- Open-ended streams -----------------------------------------------------------------------

const char* kStream = R"(nodes:
  live: {type: core.stream, params: {rate: 100}}
  gen: {type: core.generate, params: {shape: [3], random: normal}}
  net: {type: core.stack, batch: 50, batch_wait: 0.1}
  check: {type: core.checksum}
edges: [live -> gen -> net -> check]
)";

TEST(Stream, StopDuringAFixedRateStreamPublishesWhatArrived) {
  auto dir = t::scratch_dir("stream");
  auto file = t::write_pipeline(dir, "p.yaml", kStream);
  const auto out = dir / "out";
  auto r = t::run_cli(
      {"run", file.string(), "--out", out.string(), "--trace", (dir / "trace.json").string()},
      {.interrupt_when = t::running_for(out, 1400)});
  EXPECT_EQ(r.status, 130) << r.err;
  const auto m = manifest(out);
  EXPECT_EQ(m["status"], "stopped");
  EXPECT_EQ(m["items"]["requested"], "open-ended");
  const auto done = m["items"]["done"].get<long>();
  EXPECT_GT(done, 50) << "100 items/s for about 1.4 s";
  EXPECT_LT(done, 200);
  const auto rows = checksums(out / "checksums.txt");
  ASSERT_EQ(static_cast<long>(rows.size()), done);
  for (long i = 0; i < done; ++i) EXPECT_EQ(rows[static_cast<std::size_t>(i)].first, i);
  // The batch of 50 is flushed after 0.1 s of waiting, long before the stop: measured from the
  // first item, not from process start, which loading the plugins under a sanitizer on a
  // loaded machine can stretch by a second.
  const auto trace = nlohmann::json::parse(t::slurp(dir / "trace.json"));
  double first_batch_us = 1e18, first_item_us = 1e18;
  for (const auto& e : trace["traceEvents"]) {
    if (e.value("name", "") == "net")
      first_batch_us = std::min(first_batch_us, e["ts"].get<double>());
    if (e.value("name", "") == "gen")
      first_item_us = std::min(first_item_us, e["ts"].get<double>());
  }
  ASSERT_LT(first_item_us, 1e18) << "no item in the trace";
  EXPECT_LT(first_batch_us - first_item_us, 600e3)
      << "a partial batch of a live stream waited for the stop";
}

TEST(Stream, ShardAndResumeRefuseAStreamWithAClearMessage) {
  auto dir = t::scratch_dir("stream-refuse");
  auto file = t::write_pipeline(dir, "p.yaml", kStream);
  auto shard = t::run_cli({"run", file.string(), "--shard", "0/2"});
  EXPECT_EQ(shard.status, 2);
  EXPECT_NE(shard.err.find("--shard"), std::string::npos) << shard.err;
  const auto out = (dir / "out").string();
  ASSERT_EQ(t::run_cli({"run", file.string(), "--out", out},
                       {.interrupt_when = [&] { return t::checkpointed_something(out); }})
                .status,
            130);
  auto again = t::run_cli({"run", file.string(), "--out", out}, {.interrupt_after_ms = 20000});
  EXPECT_EQ(again.status, 2);
  EXPECT_NE(again.err.find("open-ended source cannot continue"), std::string::npos)
      << again.err << "\nstate: " << t::slurp(fs::path(out) / ".raserflow/state.json");
  auto fresh =
      t::run_cli({"run", file.string(), "--out", out, "--fresh"}, {.interrupt_after_ms = 400});
  EXPECT_EQ(fresh.status, 130) << fresh.err;
}

TEST(Stream, AStreamWithACountEndsByItself) {
  auto dir = t::scratch_dir("stream-count");
  auto file = t::write_pipeline(dir, "p.yaml", R"(nodes:
  live: {type: core.stream, params: {rate: 1000, count: 25}}
  check: {type: core.checksum}
edges: [live -> check]
)");
  auto r = t::run_cli({"run", file.string(), "--out", (dir / "out").string()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(checksums(dir / "out/checksums.txt").size(), 25u);
  EXPECT_EQ(manifest(dir / "out")["status"], "complete");
}

}  // namespace
