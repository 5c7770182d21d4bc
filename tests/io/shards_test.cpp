// Runs split into shards and joined again: `mpirun -n 2 raserflow run` (one shard per rank,
// joined by the run itself), and `raserflow dataset join` of shards run apart. The union must
// equal a single-process run dataset for dataset, bit for bit.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <hdf5.h>
#include <nlohmann/json.hpp>

#include "hdf5_compare.hpp"
#include "support/cli.hpp"

namespace fs = std::filesystem;
namespace t = raserflow::test;

namespace {

// Drops about 60 % of the items (core.filter keeps a zero flag), so the shards' rows
// interleave irregularly; a complex and a scalar field beside a matrix; compressed chunks.
const char* kPipeline = R"(name: shards
items: 41
seed: 7
checkpoint_every: 4
nodes:
  gen: {type: core.generate, params: {shape: [3, 5], random: normal}}
  wave: {type: core.generate, params: {shape: [4], dtype: complex128, random: uniform}, outputs: {data: wave}}
  flag: {type: core.generate, params: {shape: [], dtype: int32, random: normal}, outputs: {data: flag}}
  gate: {type: core.filter, params: {field: flag, keep: false}}
  store: {type: io.hdf5, params: {fields: [data, wave, flag], compression: 1}}
edges: [gen -> wave -> flag -> gate -> store]
)";

bool have_mpirun() {
  return std::system("command -v mpirun > /dev/null 2>&1") == 0;
}

std::vector<std::string> mpirun(int ranks) {
  return {"mpirun", "--oversubscribe", "--allow-run-as-root", "-n", std::to_string(ranks)};
}

nlohmann::json manifest(const fs::path& out) {
  return nlohmann::json::parse(t::slurp(out / "manifest.json"));
}

// Every dataset of the two files equal (bytes, shapes, chunks, filters, dataset attributes),
// and every root attribute but the union's own `joined_from`.
void expect_same_run(const fs::path& whole, const fs::path& joined) {
  io_test::H5File a(whole), b(joined);
  const auto names = io_test::root_names(a.id);
  for (const char* n : {"data", "flag", "item_index", "wave"})
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
  EXPECT_EQ(names, io_test::root_names(b.id));
  for (const auto& n : names)
    EXPECT_TRUE(io_test::image_of(a.id, n) == io_test::image_of(b.id, n)) << "dataset " << n;
  auto attributes = io_test::attributes_of(b.id);
  std::erase_if(attributes, [](const auto& attr) { return attr.first == "joined_from"; });
  const auto expected = io_test::attributes_of(a.id);
  EXPECT_EQ(attributes.size(), expected.size());
  for (std::size_t i = 0; i < std::min(attributes.size(), expected.size()); ++i)
    EXPECT_EQ(attributes[i], expected[i]) << "attribute " << expected[i].first;
  const auto rows = io_test::dims_of(a.id, "item_index").at(0);
  EXPECT_GT(rows, 5u);
  EXPECT_LT(rows, 35u) << "items were dropped";
}

fs::path whole_run(const fs::path& dir, const fs::path& pipeline) {
  const auto out = dir / "whole";
  const auto r = t::run_cli({"run", pipeline.string(), "--out", out.string()});
  EXPECT_EQ(r.status, 0) << r.err;
  return out / "dataset.h5";
}

}  // namespace

// --- raserflow dataset join --------------------------------------------------------------------

TEST(DatasetJoin, ShardsZeroAndOneOfTwoJoinToTheWholeRun) {
  const auto dir = t::scratch_dir("join-cli");
  const auto p = t::write_pipeline(dir, "p.yaml", kPipeline);
  const auto whole = whole_run(dir, p);
  for (const char* k : {"0", "1"}) {
    const auto r = t::run_cli({"run", p.string(), "--shard", std::string(k) + "/2", "--out",
                               (dir / ("s" + std::string(k))).string()});
    ASSERT_EQ(r.status, 0) << r.err;
  }
  const auto joined = dir / "joined.h5";
  const auto r = t::run_cli({"dataset", "join", joined.string(), (dir / "s1/dataset.h5").string(),
                             (dir / "s0/dataset.h5").string()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("rows of 2 shards in item order"), std::string::npos) << r.out;
  expect_same_run(whole, joined);
  io_test::H5File f(joined);
  EXPECT_EQ(io_test::string_attribute(f.id, "joined_from"),
            (std::vector<std::string>{"s0/dataset.h5", "s1/dataset.h5"}));

  // h5py reads the union as it reads any io.hdf5 file, where it is installed.
  if (std::system("/usr/bin/python3 -c 'import h5py' > /dev/null 2>&1") == 0) {
    const auto script = dir / "check.py";
    std::ofstream(script)
        << "import sys, h5py\n"
           "with h5py.File(sys.argv[1]) as u, h5py.File(sys.argv[2]) as w:\n"
           "    for k in ('data', 'wave', 'flag', 'item_index'):\n"
           "        assert (u[k][()] == w[k][()]).all(), k\n"
           "    assert u['wave'].dtype == 'complex128'\n"
           "    assert list(u['item_index'][()]) == sorted(u['item_index'][()])\n";
    const auto cmd =
        "/usr/bin/python3 " + script.string() + " " + joined.string() + " " + whole.string();
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
}

TEST(DatasetJoin, RefusesMismatchedInputsWithAClearMessage) {
  const auto dir = t::scratch_dir("join-refuse");
  const auto p = t::write_pipeline(dir, "p.yaml", kPipeline);
  const auto s0 = dir / "s0/dataset.h5", s1 = dir / "s1/dataset.h5", seed = dir / "seed/dataset.h5";
  ASSERT_EQ(
      t::run_cli({"run", p.string(), "--shard", "0/2", "--out", (dir / "s0").string()}).status, 0);
  ASSERT_EQ(
      t::run_cli({"run", p.string(), "--shard", "1/2", "--out", (dir / "s1").string()}).status, 0);
  ASSERT_EQ(t::run_cli({"run", p.string(), "--shard", "1/2", "--out", (dir / "seed").string(),
                        "--set", "seed=8"})
                .status,
            0);
  const auto out = (dir / "u.h5").string();
  const auto join = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"dataset", "join"});
    return t::run_cli(args);
  };

  auto r = join({out, s0.string(), seed.string()});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(
      r.err.find("come from different runs: seed: 7 in " + s0.string() + ", 8 in " + seed.string()),
      std::string::npos)
      << r.err;
  r = join({out, s0.string()});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("shard 1 of 2 is not among the files given"), std::string::npos) << r.err;
  r = join({out, s0.string(), (dir / "s2/dataset.h5").string()});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("s2/dataset.h5 does not exist"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out)) << "a refused join wrote nothing";

  ASSERT_EQ(join({out, s0.string(), s1.string()}).status, 0);
  r = join({out, s0.string(), s1.string()});
  EXPECT_EQ(r.status, 2) << "an existing union is kept unless --overwrite";
  EXPECT_NE(r.err.find("--overwrite"), std::string::npos) << r.err;
  EXPECT_EQ(join({"--overwrite", out, s0.string(), s1.string()}).status, 0);
  r = join({s0.string()});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("usage: raserflow dataset join"), std::string::npos) << r.err;
  r = t::run_cli({"dataset", "--help"});
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("raserflow dataset join"), std::string::npos) << r.out;
}

// --- mpirun ----------------------------------------------------------------------------------

TEST(Mpi, TwoRanksWriteAShardEachAndTheirUnionEqualsASingleProcessRun) {
  if (!have_mpirun()) GTEST_SKIP() << "mpirun is not installed (make deps installs openmpi-bin)";
  const auto dir = t::scratch_dir("mpi-union");
  const auto p = t::write_pipeline(dir, "p.yaml", kPipeline);
  const auto whole = whole_run(dir, p);
  const auto out = dir / "mpi";
  const std::vector<std::string> args{"run", p.string(), "--out", out.string()};
  auto r = t::run_cli(args, {.launcher = mpirun(2)});
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* shard : {"shard-0-of-2", "shard-1-of-2"}) {
    EXPECT_TRUE(fs::exists(out / shard / "dataset.h5")) << shard;
    EXPECT_EQ(manifest(out / shard)["status"], "complete") << shard;
  }
  expect_same_run(whole, out / "dataset.h5");
  const auto m = manifest(out);
  EXPECT_EQ(m["status"], "complete");
  EXPECT_EQ(m["items"]["done"], 41);
  EXPECT_EQ(m["items"]["dropped"], manifest(dir / "whole")["items"]["dropped"]);
  EXPECT_EQ(m["shard"]["count"], 2);

  // The same command again: each shard finds its run done, and the union is made again.
  r = t::run_cli(args, {.launcher = mpirun(2)});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("already done"), std::string::npos) << r.err;
  expect_same_run(whole, out / "dataset.h5");
}

TEST(Mpi, ARankThatFailsMakesEveryRankExitNonZeroAndNothingIsJoined) {
  if (!have_mpirun()) GTEST_SKIP() << "mpirun is not installed (make deps installs openmpi-bin)";
  const auto dir = t::scratch_dir("mpi-fail");
  // Item 3 is rank 1's (items 1, 3, 5, ...); rank 0 finishes its shard.
  const auto p = t::write_pipeline(dir, "p.yaml", R"(name: fails
items: 12
nodes:
  gen: {type: core.generate}
  boom: {type: core.fail, params: {at_item: 3}}
  store: {type: io.hdf5, params: {fields: [data]}}
edges: [gen -> boom -> store]
)");
  const auto out = dir / "mpi";
  // Each rank's own exit status, written by a shell around it.
  auto launcher = mpirun(2);
  launcher.insert(launcher.end(), {"sh", "-c",
                                   "\"$0\" \"$@\"; echo $? > " + (dir / "status-").string() +
                                       "$OMPI_COMM_WORLD_RANK"});
  const auto r = t::run_cli({"run", p.string(), "--out", out.string()}, {.launcher = launcher});
  for (const char* rank : {"0", "1"}) {
    const auto status = t::slurp(dir / (std::string("status-") + rank));
    EXPECT_EQ(status, "1\n") << "rank " << rank << "\n" << r.err;
  }
  EXPECT_NE(r.err.find("failure requested by core.fail"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("rank 1 (shard 1/2) ended with status 1, so the shards were not joined"),
            std::string::npos)
      << r.err;
  EXPECT_TRUE(fs::exists(out / "shard-0-of-2/dataset.h5")) << "rank 0's shard is published";
  EXPECT_FALSE(fs::exists(out / "dataset.h5"));
  EXPECT_FALSE(fs::exists(out / "manifest.json"));
}

TEST(Mpi, ShardUnderMpirunIsRefused) {
  if (!have_mpirun()) GTEST_SKIP() << "mpirun is not installed (make deps installs openmpi-bin)";
  const auto dir = t::scratch_dir("mpi-shard");
  const auto p = t::write_pipeline(dir, "p.yaml", kPipeline);
  const auto r = t::run_cli({"run", p.string(), "--shard", "0/2", "--out", (dir / "o").string()},
                            {.launcher = mpirun(2)});
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("--shard 0/2 under mpirun: each rank already runs shard <rank>/<ranks>"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(dir / "o"));
}

TEST(Mpi, AStoppedRunContinuesWithTheSameCommand) {
  if (!have_mpirun()) GTEST_SKIP() << "mpirun is not installed (make deps installs openmpi-bin)";
  const auto dir = t::scratch_dir("mpi-resume");
  const auto p = t::write_pipeline(dir, "p.yaml", R"(name: slow
items: 60
seed: 3
checkpoint_every: 5
nodes:
  gen: {type: core.generate, params: {shape: [6], random: normal}}
  busy: {type: core.busy, params: {iterations: 1000000}}
  store: {type: io.hdf5, params: {fields: [data, busy_result]}}
edges: [gen -> busy -> store]
)");
  const auto out = dir / "mpi";
  const std::vector<std::string> args{"run", p.string(), "--out", out.string(), "--threads", "1"};
  // Each rank writes its process id, then becomes raserflow, so SIGTERM reaches the ranks at
  // once (as a scheduler sends it); mpirun passes one on only after a delay.
  auto launcher = mpirun(2);
  launcher.insert(launcher.end(), {"sh", "-c",
                                   "echo $$ > " + (dir / "pid-").string() +
                                       "$OMPI_COMM_WORLD_RANK; exec \"$0\" \"$@\""});
  const auto stop_ranks = [&] {
    for (const char* k : {"0", "1"})
      if (!t::checkpointed_something(out / (std::string("shard-") + k + "-of-2"))) return false;
    for (const char* k : {"0", "1"})
      ::kill(std::stoi(t::slurp(dir / (std::string("pid-") + k))), SIGTERM);
    return true;
  };
  const auto stopped =
      t::run_cli(args, {.interrupt_when = stop_ranks, .signal = 0, .launcher = launcher});
  EXPECT_NE(stopped.status, 0) << stopped.err;
  EXPECT_NE(stopped.err.find("stopped after"), std::string::npos) << stopped.err;
  EXPECT_FALSE(fs::exists(out / "dataset.h5")) << "a stopped run is not joined";
  const auto r = t::run_cli(args, {.launcher = mpirun(2)});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("continuing after the"), std::string::npos) << r.err;
  const auto whole = t::run_cli({"run", p.string(), "--out", (dir / "whole").string()});
  ASSERT_EQ(whole.status, 0) << whole.err;
  io_test::H5File a(dir / "whole/dataset.h5"), b(out / "dataset.h5");
  for (const char* n : {"data", "busy_result", "item_index"})
    EXPECT_TRUE(io_test::image_of(a.id, n) == io_test::image_of(b.id, n)) << n;
  EXPECT_EQ(io_test::dims_of(b.id, "item_index"), (std::vector<hsize_t>{60}));
}
