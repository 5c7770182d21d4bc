// The loader reports every plugin that fails, and why, and keeps going with the rest.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/cli.hpp"

namespace t = raserflow::test;

namespace {

const std::string kBad = TEST_BAD_PLUGIN_DIR;
const std::string kGood = TEST_PLUGIN_DIR;

std::string line_about(const std::string& text, const std::string& file) {
  auto at = text.find(file);
  if (at == std::string::npos) return {};
  auto end = text.find('\n', at);
  return text.substr(at, end - at);
}

TEST(PluginLoading, BuiltInPluginsAreFound) {
  auto r = t::run_cli({"nodes"});
  EXPECT_EQ(r.status, 0);
  for (const char* type : {"core.generate", "core.select", "core.discard", "core.summary",
                           "core.checksum", "core.busy", "core.fail"})
    EXPECT_NE(r.out.find(type), std::string::npos) << type;
}

TEST(PluginLoading, MissingDependencyIsReportedWithTheLoaderMessage) {
  auto r = t::run_cli({"nodes", "--plugin-path", kBad});
  EXPECT_EQ(r.status, 0) << "broken plugins do not stop the others";
  auto line = line_about(r.err, "missing_dep.so");
  EXPECT_NE(line.find("cannot load library"), std::string::npos) << r.err;
  EXPECT_NE(line.find("libraserflow_test_dependency.so"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("core.generate"), std::string::npos);
}

TEST(PluginLoading, LibraryWithoutManifestIsReported) {
  auto r = t::run_cli({"nodes", "--plugin-path", kBad});
  auto line = line_about(r.err, "no_manifest.so");
  EXPECT_NE(line.find("not a raserflow plugin"), std::string::npos) << r.err;
}

TEST(PluginLoading, AbiMismatchIsReportedBeforeAnyObjectCrosses) {
  // The mismatching plugin's node_types pointer is null: following it would crash.
  auto r = t::run_cli({"nodes", "--plugin-path", kBad});
  auto line = line_about(r.err, "abi_mismatch.so");
  EXPECT_NE(line.find("ABI mismatch"), std::string::npos) << r.err;
  EXPECT_NE(line.find("999"), std::string::npos) << r.err;
}

TEST(PluginLoading, MissingPluginFolderIsReported) {
  auto r = t::run_cli({"nodes", "--plugin-path", "/no/such/folder"});
  EXPECT_NE(r.err.find("/no/such/folder: plugin folder does not exist"), std::string::npos)
      << r.err;
}

TEST(PluginLoading, EnvironmentPathIsSearched) {
  auto r = t::run_cli({"nodes"}, {.env = {"RASERFLOW_PLUGIN_PATH=" + kGood}});
  EXPECT_NE(r.out.find("test.typed"), std::string::npos) << r.err;
}

TEST(PluginLoading, LoadingTheSameFolderTwiceIsHarmless) {
  auto r = t::run_cli({"nodes", "--plugin-path", kGood, "--plugin-path", kGood});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.err.find("already"), std::string::npos) << r.err;
}

TEST(PluginLoading, UnknownTypeMentionsPluginsThatFailed) {
  auto dir = t::scratch_dir("unknown-type");
  auto file = t::write_pipeline(dir, "p.yaml", R"(nodes:
  dep: {type: test.needs_dependency}
  sink: {type: core.discard}
edges: [dep -> sink]
)");
  auto r = t::run_cli({"validate", file.string(), "--plugin-path", kBad});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(file.string() + ":2:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("unknown node type 'test.needs_dependency'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("plugins that failed to load"), std::string::npos) << r.err;
}

TEST(PluginLoading, ConstructorThatThrowsIsReportedWithNodeAndPlugin) {
  auto dir = t::scratch_dir("ctor");
  auto file = t::write_pipeline(dir, "p.yaml", R"(nodes:
  gen: {type: core.generate}
  bad: {type: test.throw_ctor}
edges: [gen -> bad]
)");
  auto r = t::run_cli({"run", file.string(), "--out", dir.string(), "--plugin-path", kGood});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("node 'bad' (test.throw_ctor from plugin 'testnodes')"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("constructor failed: constructor refuses"), std::string::npos) << r.err;
}

TEST(PluginLoading, ProcessThatThrowsAForeignExceptionIsReported) {
  auto dir = t::scratch_dir("process-throw");
  auto file = t::write_pipeline(dir, "p.yaml", R"(items: 6
nodes:
  gen: {type: core.generate}
  bad: {type: test.throw_process}
  check: {type: core.checksum}
edges: [gen -> bad -> check]
)");
  auto r = t::run_cli({"run", file.string(), "--out", dir.string(), "--plugin-path", kGood});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(
      r.err.find("node 'bad' (test.throw_process) failed on item 2: process refuses item two"),
      std::string::npos)
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "checksums.txt"));
}

TEST(PluginLoading, WriteOfTheWrongDtypeIsCaughtAtTheNode) {
  auto dir = t::scratch_dir("wrong-write");
  auto file = t::write_pipeline(dir, "p.yaml", R"(nodes:
  gen: {type: core.generate}
  bad: {type: test.wrong_write}
edges: [gen -> bad]
)");
  auto r = t::run_cli({"run", file.string(), "--out", dir.string(), "--plugin-path", kGood});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("declared float64 but the node wrote int32"), std::string::npos) << r.err;
}

TEST(Describe, ShowsParametersWithUnitsRangesAndFields) {
  auto r = t::run_cli({"describe", "test.typed", "--plugin-path", kGood});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("image : float64[rank 2]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(optional)"), std::string::npos) << r.out;
  auto j = t::run_cli({"describe", "core.busy", "--json"});
  auto d = nlohmann::json::parse(j.out);
  EXPECT_EQ(d["type"], "core.busy");
  EXPECT_EQ(d["execution"], "parallel");
  EXPECT_EQ(d["params"][0]["name"], "iterations");
  EXPECT_EQ(d["params"][0]["minimum"], 0);
  EXPECT_EQ(d["writes"][0]["dtype"], "float64");
}

}  // namespace

namespace {

TEST(PluginCommands, AreListedWithTheirPluginAndRunWithTheirArguments) {
  auto help = t::run_cli({"--help", "--plugin-path", kGood});
  EXPECT_NE(help.out.find("hello"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("[plugin testnodes]"), std::string::npos) << help.out;
  auto r = t::run_cli({"hello", "--plugin-path", kGood, "big", "world"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "hello big world\n");
  auto own_help = t::run_cli({"hello", "--help", "--plugin-path", kGood});
  EXPECT_EQ(own_help.status, 0);
  EXPECT_NE(own_help.out.find("usage: raserflow hello"), std::string::npos) << own_help.out;
  EXPECT_EQ(t::run_cli({"hello", "fail", "--plugin-path", kGood}).status, 1);
  auto bad = t::run_cli({"hello", "--bad", "--plugin-path", kGood});
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("unknown option --bad"), std::string::npos) << bad.err;
}

TEST(PluginCommands, APluginCannotTakeTheNameOfABuiltInCommand) {
  auto r = t::run_cli({"nodes", "--plugin-path", kBad});
  auto line = line_about(r.err, "command_clash.so");
  EXPECT_NE(line.find("command 'run' is one of raserflow's own"), std::string::npos) << r.err;
}

}  // namespace
