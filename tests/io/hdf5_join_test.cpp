// The union of shard files on its own (lib/hdf5_join.hpp), on files made here with known rows:
// item order across shards with gaps, the whole run's attributes, and every refusal.
#include <filesystem>
#include <numeric>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "hdf5_appender.hpp"
#include "hdf5_join.hpp"
#include "hdf5_read.hpp"
#include "raserflow/error.hpp"
#include "support/cli.hpp"

namespace fs = std::filesystem;
using raserflow::Array;

namespace {

struct ShardSpec {
  std::int64_t index = 0, count = 2;
  std::vector<std::int64_t> items;
  std::int64_t seed = 11;
  raserflow::Shape shape{2};
  std::int64_t done = -1;  // items_done; -1: as many as items
  std::string pipeline;    // the `pipeline` attribute (JSON text); empty: none
};

// The value of element j of item i's row, so every row says where it belongs.
double value(std::int64_t item, std::size_t j) {
  return static_cast<double>(item) * 10.0 + j;
}

fs::path write_shard(const fs::path& path, const ShardSpec& s) {
  raserflow::io::Hdf5Appender out(path);
  const nlohmann::ordered_json run{{"pipeline", "p"},
                                   {"items", 10},
                                   {"seed", s.seed},
                                   {"nodes", {{"store", {{"params", {{"path", "<out>/d.h5"}}}}}}},
                                   {"shard", {{"index", s.index}, {"count", s.count}}}};
  out.set_attribute("fields", std::vector<std::string>{"x"});
  out.set_attribute("parameters", std::string(R"({"compression":0})"));
  out.set_attribute("items_requested", std::int64_t{5});
  out.set_attribute("items_done", s.done < 0 ? static_cast<std::int64_t>(s.items.size()) : s.done);
  out.set_attribute("items_held", static_cast<std::int64_t>(s.items.size()));
  out.set_attribute("complete", std::int64_t{1});
  out.set_attribute("run", run.dump());
  if (!s.pipeline.empty()) out.set_attribute("pipeline", s.pipeline);
  for (auto item : s.items) {
    auto a = Array::zeros<double>(s.shape);
    auto v = a.mutable_values<double>();
    for (std::size_t j = 0; j < v.size(); ++j) v[j] = value(item, j);
    out.append(item, {{"x", a}});
  }
  out.close();
  return path;
}

std::string join_error(const std::vector<fs::path>& shards, const fs::path& out) {
  const bool existed = fs::exists(out);
  try {
    raserflow::io::join_shard_files(shards, out);
  } catch (const raserflow::Error& e) {
    EXPECT_EQ(fs::exists(out), existed) << "a refused join wrote " << out;
    return e.what();
  }
  ADD_FAILURE() << "the join was not refused";
  return {};
}

}  // namespace

TEST(Hdf5Join, RowsOfEveryShardInItemOrderWithTheWholeRunsAttributes) {
  const auto dir = raserflow::test::scratch_dir("io-join-order");
  // Three shards of 0..14 with items dropped here and there, given out of order.
  const auto a = write_shard(dir / "a.h5", {.index = 2, .count = 3, .items = {2, 5, 14}});
  const auto b = write_shard(dir / "b.h5", {.index = 0, .count = 3, .items = {0, 3, 9, 12}});
  const auto c =
      write_shard(dir / "c.h5", {.index = 1, .count = 3, .items = {1, 7, 13}, .done = 5});
  const auto summary = raserflow::io::join_shard_files({a, b, c}, dir / "all.h5");
  EXPECT_EQ(summary.shards, 3);
  EXPECT_EQ(summary.rows, 10);
  EXPECT_TRUE(summary.complete);

  io_test::H5File f(dir / "all.h5");
  const auto items = io_test::read_all<std::int64_t>(f.id, "item_index", H5T_NATIVE_INT64);
  EXPECT_EQ(items, (std::vector<std::int64_t>{0, 1, 2, 3, 5, 7, 9, 12, 13, 14}));
  const auto x = io_test::read_all<double>(f.id, "x", H5T_NATIVE_DOUBLE);
  ASSERT_EQ(x.size(), 20u);
  for (std::size_t r = 0; r < items.size(); ++r)
    for (std::size_t j = 0; j < 2; ++j) EXPECT_EQ(x[2 * r + j], value(items[r], j)) << r;
  EXPECT_EQ(io_test::int_attribute(f.id, "items_held"), 10);
  EXPECT_EQ(io_test::int_attribute(f.id, "items_done"), 3 + 4 + 5);
  EXPECT_EQ(io_test::int_attribute(f.id, "items_requested"), 15);
  EXPECT_EQ(io_test::int_attribute(f.id, "complete"), 1);
  const auto run = nlohmann::json::parse(io_test::string_attribute(f.id, "run").at(0));
  EXPECT_EQ(run["shard"], (nlohmann::json{{"index", 0}, {"count", 1}}));
  EXPECT_EQ(run["seed"], 11);
  EXPECT_EQ(io_test::string_attribute(f.id, "joined_from"),
            (std::vector<std::string>{"b.h5", "c.h5", "a.h5"}))
      << "shard order, relative to the union's folder";
}

TEST(Hdf5Join, LargeRowsCopiedInManyBlocksStayInOrder) {
  // Rows of 1 MiB: a block holds a handful of them, so blocks cut across every shard.
  const auto dir = raserflow::test::scratch_dir("io-join-blocks");
  std::vector<fs::path> files;
  for (std::int64_t k = 0; k < 3; ++k) {
    ShardSpec s{.index = k, .count = 3, .shape = {128, 1024}};
    for (std::int64_t i = k; i < 20; i += 3)
      if (i != 7 && i != 8) s.items.push_back(i);
    files.push_back(write_shard(dir / ("s" + std::to_string(k) + ".h5"), s));
  }
  raserflow::io::join_shard_files(files, dir / "all.h5");
  io_test::H5File f(dir / "all.h5");
  const auto items = io_test::read_all<std::int64_t>(f.id, "item_index", H5T_NATIVE_INT64);
  ASSERT_EQ(items.size(), 18u);
  const auto x = io_test::read_all<double>(f.id, "x", H5T_NATIVE_DOUBLE);
  for (std::size_t r = 0; r < items.size(); ++r) {
    EXPECT_EQ(x[r * 128 * 1024], value(items[r], 0)) << r;
    EXPECT_EQ(x[r * 128 * 1024 + 128 * 1024 - 1], value(items[r], 128 * 1024 - 1)) << r;
  }
}

TEST(Hdf5Join, ShardsWithoutRowsJoinToAnEmptyOrSmallerUnion) {
  const auto dir = raserflow::test::scratch_dir("io-join-empty");
  const auto a = write_shard(dir / "a.h5", {.index = 0, .items = {}});
  const auto b = write_shard(dir / "b.h5", {.index = 1, .items = {3}});
  EXPECT_EQ(raserflow::io::join_shard_files({a, b}, dir / "one.h5").rows, 1);
  const auto c = write_shard(dir / "c.h5", {.index = 1, .items = {}});
  EXPECT_EQ(raserflow::io::join_shard_files({a, c}, dir / "none.h5").rows, 0);
  io_test::H5File f(dir / "none.h5");
  EXPECT_EQ(io_test::dims_of(f.id, "item_index"), (std::vector<hsize_t>{0}));
}

TEST(Hdf5Join, RefusesFilesThatAreNotTheShardsOfOneRun) {
  const auto dir = raserflow::test::scratch_dir("io-join-refuse");
  const auto out = dir / "all.h5";
  const auto s0 = write_shard(dir / "s0.h5", {.index = 0, .items = {0, 2}});
  const auto s1 = write_shard(dir / "s1.h5", {.index = 1, .items = {1, 3}});
  const auto check = [&](const std::vector<fs::path>& files, const std::string& expected) {
    const auto message = join_error(files, out);
    EXPECT_NE(message.find(expected), std::string::npos) << message;
  };

  const auto seed = write_shard(dir / "seed.h5", {.index = 1, .items = {1, 3}, .seed = 3});
  check({s0, seed},
        "come from different runs: seed: 11 in " + s0.string() + ", 3 in " + seed.string());
  const auto wide = write_shard(dir / "wide.h5", {.index = 1, .items = {1, 3}, .shape = {3}});
  check({s0, wide}, "field 'x' is float64 [2] per item in " + s0.string() + " but float64 [3] in " +
                        wide.string());
  const auto three = write_shard(dir / "three.h5", {.index = 1, .count = 3, .items = {1}});
  check({s0, three}, "they come from runs split in different ways");
  check({s0, s0}, "are both shard 0/2");
  check({s0}, "shard 1 of 2 is not among the files given");
  const auto overlap = write_shard(dir / "overlap.h5", {.index = 1, .items = {1, 2}});
  check({s0, overlap}, "item 2 is in both " + s0.string() + " and " + overlap.string());
  check({s0, dir / "gone.h5"}, "shard file " + (dir / "gone.h5").string() + " does not exist");
  check({s0, s1, s0}, "are both shard 0/2");
  EXPECT_NO_THROW(raserflow::io::join_shard_files({s0, s1}, out));
  check({s0, out}, out.string() + " is one of the shard files");

  {
    raserflow::io::Hdf5Appender other(dir / "other.h5");
    other.close();
  }
  check({s0, dir / "other.h5"}, "has no `run` attribute");
}

TEST(Hdf5Join, ShardsRunFromAnotherCheckoutJoinButAnotherPipelineDoesNot) {
  const auto dir = raserflow::test::scratch_dir("io-join-pipeline");
  const std::string here = R"({"name":"d","file":"/a/p.yaml","git_revision":"1","nodes":{"n":1}})";
  const std::string there = R"({"name":"d","file":"/b/p.yaml","git_revision":"2","nodes":{"n":1}})";
  const std::string other = R"({"name":"d","file":"/a/p.yaml","git_revision":"1","nodes":{"n":2}})";
  const auto s0 = write_shard(dir / "s0.h5", {.index = 0, .items = {0}, .pipeline = here});
  const auto s1 = write_shard(dir / "s1.h5", {.index = 1, .items = {1}, .pipeline = there});
  EXPECT_NO_THROW(raserflow::io::join_shard_files({s0, s1}, dir / "all.h5"));
  const auto odd = write_shard(dir / "odd.h5", {.index = 1, .items = {1}, .pipeline = other});
  const auto message = join_error({s0, odd}, dir / "none.h5");
  EXPECT_NE(message.find("they ran different pipelines"), std::string::npos) << message;
}

TEST(Hdf5Join, RunAttributeMakesOutputPathsRelativeAndKeepsWhatIdentifiesTheRun) {
  const nlohmann::json manifest{
      {"raserflow", {{"version", "0.1.0"}}},
      {"pipeline",
       {{"name", "p"},
        {"file", "/somewhere/p.yaml"},
        {"items", 40},
        {"seed", 7},
        {"nodes",
         {{"store", {{"type", "io.hdf5"}, {"params", {{"path", "/runs/a/shard-1-of-2/d.h5"}}}}}}},
        {"edges", {"gen -> store"}}}},
      {"plugins", {{{"name", "io"}, {"version", "0.1.0"}, {"path", "/lib/io.so"}}}},
      {"shard", {{"index", 1}, {"count", 2}}},
      {"items", {{"done", 20}}}};
  const auto run =
      nlohmann::json::parse(raserflow::io::run_attribute(manifest.dump(), "/runs/a/shard-1-of-2"));
  EXPECT_EQ(run["nodes"]["store"]["params"]["path"], "<out>/d.h5");
  EXPECT_EQ(run["seed"], 7);
  EXPECT_EQ(run["items"], 40);
  EXPECT_EQ(run["plugins"], (nlohmann::json{{"io", "0.1.0"}}));
  EXPECT_EQ(run["shard"], (nlohmann::json{{"index", 1}, {"count", 2}}));
  EXPECT_FALSE(run.contains("file")) << "where the pipeline file lies is not the run";
  EXPECT_EQ(raserflow::io::run_attribute("", "/x"), "");
}
