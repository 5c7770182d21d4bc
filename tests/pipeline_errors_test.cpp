// Every malformed pipeline in tests/pipelines/bad must be rejected before any work, with exit
// status 2, the file and line of the mistake, and a phrase that tells the user what is wrong.
// Each file states its expectation in its first two lines:
//   # expect-line: N      (0: the error has no line)
//   # expect: phrase
#include <gtest/gtest.h>

#include "support/cli.hpp"

namespace t = raserflow::test;

namespace {

struct BadPipeline {
  std::filesystem::path file;
  int line = 0;
  std::string phrase;
};

std::vector<BadPipeline> bad_pipelines() {
  std::vector<BadPipeline> out;
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(TEST_SOURCE_DIR) /
                                                           "pipelines/bad")) {
    BadPipeline b{e.path()};
    std::ifstream in(e.path());
    std::string first, second;
    std::getline(in, first);
    std::getline(in, second);
    b.line = std::stoi(first.substr(first.find(':') + 1));
    b.phrase = second.substr(second.find(':') + 2);
    out.push_back(b);
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.file < b.file; });
  return out;
}

class Malformed : public testing::TestWithParam<BadPipeline> {};

TEST_P(Malformed, IsRejectedWithLocationAndReason) {
  const auto& b = GetParam();
  auto r = t::run_cli({"validate", b.file.string(), "--plugin-path", TEST_PLUGIN_DIR});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find(b.phrase), std::string::npos)
      << "expected phrase: " << b.phrase << "\nstderr:\n"
      << r.err;
  if (b.line > 0) {
    const auto where = b.file.string() + ":" + std::to_string(b.line) + ":";
    EXPECT_NE(r.err.find(where), std::string::npos)
        << "expected location " << where << "\nstderr:\n"
        << r.err;
  }
  EXPECT_NE(r.err.find("nothing was run"), std::string::npos);
}

TEST_P(Malformed, RunRefusesItTooAndWritesNothing) {
  const auto& b = GetParam();
  auto out = t::scratch_dir("malformed-" + b.file.stem().string());
  auto r =
      t::run_cli({"run", b.file.string(), "--out", out.string(), "--plugin-path", TEST_PLUGIN_DIR});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_TRUE(std::filesystem::is_empty(out));
}

std::string case_name(const testing::TestParamInfo<BadPipeline>& info) {
  auto name = info.param.file.stem().string();
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(BadPipelines, Malformed, testing::ValuesIn(bad_pipelines()), case_name);

TEST(Malformed, ThereAreAtLeast25Cases) {
  EXPECT_GE(bad_pipelines().size(), 25u);
}

TEST(Malformed, ProblemsAreAllReportedNotJustTheFirst) {
  auto dir = t::scratch_dir("many-problems");
  auto file = t::write_pipeline(dir, "many.yaml", R"(nodes:
  gen: {type: core.generate, params: {fil: 1, random: gauss}}
  sink: {type: core.discard}
edges: [gen -> sink]
)");
  auto r = t::run_cli({"validate", file.string()});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("'fil'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("'gauss'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("2 problems found"), std::string::npos) << r.err;
}

TEST(Malformed, ParameterAndFieldProblemsAreReportedTogether) {
  auto dir = t::scratch_dir("param-and-field");
  auto file = t::write_pipeline(dir, "p.yaml", R"(nodes:
  gen: {type: core.generate, params: {fil: 1}}
  keep: {type: core.select, params: {fields: [nothing]}}
edges: [gen -> keep]
)");
  auto r = t::run_cli({"validate", file.string()});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("'fil'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("reads field 'nothing'"), std::string::npos) << r.err;
}

TEST(Malformed, ARejectedParameterDoesNotCascadeIntoFieldErrors) {
  // core.select's fields are rejected, so what flows out of it is unknown: the checksum's
  // read of 'data' downstream must not be reported as a second, echoed problem.
  auto dir = t::scratch_dir("no-cascade");
  auto file = t::write_pipeline(dir, "p.yaml", R"(nodes:
  gen: {type: core.generate}
  keep: {type: core.select, params: {fields: []}}
  sums: {type: core.checksum, params: {fields: [data]}}
edges: [gen -> keep -> sums]
)");
  auto r = t::run_cli({"validate", file.string()});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("list at least one field"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1 problem found"), std::string::npos) << r.err;
}

struct BadOverride {
  std::string set;
  std::string phrase;
};

class MalformedOverride : public testing::TestWithParam<BadOverride> {};

TEST_P(MalformedOverride, IsRejectedNamingTheOverride) {
  auto dir = t::scratch_dir("overrides");
  auto file = t::write_pipeline(dir, "p.yaml", R"(nodes:
  gen: {type: core.generate}
  sink: {type: core.discard}
edges: [gen -> sink]
)");
  auto r = t::run_cli({"validate", file.string(), "--set", GetParam().set});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("--set " + GetParam().set), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(GetParam().phrase), std::string::npos) << r.err;
}

INSTANTIATE_TEST_SUITE_P(
    BadOverrides, MalformedOverride,
    testing::Values(BadOverride{"items=0", "'items' must be an integer >= 1"},
                    BadOverride{"gen.fil=2", "unknown parameter (did you mean 'fill'?)"},
                    BadOverride{"gne.fill=2",
                                "no node 'gne' in the pipeline (did you mean 'gen'?)"},
                    BadOverride{"gen.random=often", "'often' is not one of"},
                    BadOverride{"nonsense", "expected KEY=VALUE"},
                    BadOverride{"threads=2", "unknown setting 'threads'"}));

TEST(Usage, BadCommandLinesExitWithStatus2) {
  EXPECT_EQ(t::run_cli({}).status, 2);
  EXPECT_EQ(t::run_cli({"frobnicate"}).status, 2);
  EXPECT_EQ(t::run_cli({"run"}).status, 2);
  EXPECT_EQ(t::run_cli({"describe", "core.nope"}).status, 2);
  auto dir = t::scratch_dir("usage");
  auto file = t::write_pipeline(dir, "p.yaml", "nodes:\n  gen: {type: core.generate}\nedges: []\n");
  auto r = t::run_cli({"run", file.string(), "--shard", "3/2", "--out", dir.string()});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--shard expects K/N"), std::string::npos) << r.err;
}

TEST(Usage, MissingPipelineFileIsNamed) {
  auto r = t::run_cli({"validate", "/no/such/pipeline.yaml"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("/no/such/pipeline.yaml"), std::string::npos);
  EXPECT_NE(r.err.find("pipeline file not found"), std::string::npos);
}

}  // namespace
