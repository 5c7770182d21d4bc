// Faults end with exit status 1 and a message naming the file and the cause: never a signal,
// never a hang, never a published file that claims items it does not hold.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <thread>

#include "support/cli.hpp"

namespace t = raserflow::test;
namespace fs = std::filesystem;

namespace {

const char* kDataset = R"(items: 300
seed: 1
checkpoint_every: 10
nodes:
  gen: {type: core.generate, params: {shape: [512], random: normal}}
  busy: {type: core.busy, params: {iterations: 300000}}
  store: {type: io.hdf5, params: {fields: [data], path: ds.h5}}
  check: {type: core.checksum}
edges: [gen -> busy -> store -> check]
)";

TEST(Faults, AFileSizeLimitIsAReportedFailureNotACrash) {
  auto dir = t::scratch_dir("fsize");
  auto file = t::write_pipeline(dir, "p.yaml", kDataset);
  auto r = t::run_cli({"run", file.string(), "--out", (dir / "out").string()},
                      {.file_size_limit = 200 * 1024});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("node 'store' (io.hdf5)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nothing was published"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "out/ds.h5"));
  EXPECT_FALSE(fs::exists(dir / "out/checksums.txt"));
}

TEST(Faults, AnOutputFolderRemovedDuringTheRunIsAReportedFailure) {
  auto dir = t::scratch_dir("removed");
  auto file = t::write_pipeline(dir, "p.yaml", kDataset);
  const auto out = dir / "out";
  std::thread remover([&] {
    for (int i = 0; i < 200 && !fs::exists(out / ".raserflow"); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    std::error_code ec;
    fs::remove_all(out, ec);
  });
  auto r = t::run_cli({"run", file.string(), "--out", out.string(), "--threads", "1"});
  remover.join();
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("raserflow: error:"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out / "ds.h5"));
}

TEST(Faults, AnUnwritableTraceOrOutputFolderIsRefusedBeforeTheFirstItem) {
  auto dir = t::scratch_dir("unwritable");
  auto file = t::write_pipeline(dir, "p.yaml", kDataset);
  auto trace = t::run_cli({"run", file.string(), "--out", (dir / "out").string(), "--trace",
                           "/proc/no/such/trace.json"});
  EXPECT_EQ(trace.status, 1);
  EXPECT_NE(trace.err.find("cannot write the trace file /proc/no/such/trace.json"),
            std::string::npos)
      << trace.err;
  EXPECT_FALSE(fs::exists(dir / "out/manifest.json")) << "nothing ran";
  auto out = t::run_cli({"run", file.string(), "--out", "/dev/null/out"});
  EXPECT_EQ(out.status, 1);
  EXPECT_NE(out.err.find("/dev/null/out"), std::string::npos) << out.err;
}

TEST(Faults, NestedYamlAliasesAreRefusedQuicklyInLittleMemory) {
  auto dir = t::scratch_dir("aliases");
  auto file = t::write_pipeline(dir, "p.yaml", R"(vars:
  a: &a [x, x, x, x, x, x, x, x, x, x]
  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
  f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
  g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
nodes:
  gen: {type: core.generate}
  sink: {type: core.discard}
edges: [gen -> sink]
)");
  const auto t0 = std::chrono::steady_clock::now();
  auto r = t::run_cli({"validate", file.string()});
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("YAML aliases nested too deep"), std::string::npos) << r.err;
  EXPECT_LT(seconds, 20.0);
#if !defined(__SANITIZE_ADDRESS__)
  EXPECT_LT(r.peak_rss_kb, 100 * 1024) << "peak RSS in kB";
#endif
}

TEST(Faults, ManifestNamesRaserflowsVersionAndBuild) {
  auto dir = t::scratch_dir("version");
  auto file = t::write_pipeline(dir, "p.yaml", R"(nodes:
  gen: {type: core.generate}
  sink: {type: core.discard}
edges: [gen -> sink]
)");
  ASSERT_EQ(t::run_cli({"run", file.string(), "--out", dir.string()}).status, 0);
  const auto m = nlohmann::json::parse(t::slurp(dir / "manifest.json"));
  EXPECT_FALSE(m["raserflow"]["version"].get<std::string>().empty());
  EXPECT_FALSE(m["raserflow"]["build_revision"].get<std::string>().empty());
}

}  // namespace
