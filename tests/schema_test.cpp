// The committed JSON Schema is what `raserflow schema` generates, and every shipped pipeline
// points editors at it and validates.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/cli.hpp"

namespace t = raserflow::test;

namespace {

const std::filesystem::path kSource = TEST_SOURCE_DIR "/..";

TEST(Schema, CommittedSchemaIsCurrent) {
  auto r = t::run_cli({"schema"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto committed = t::slurp(kSource / "schemas/pipeline.schema.json");
  EXPECT_EQ(r.out, committed)
      << "schemas/pipeline.schema.json is stale: run `make schema` and commit it";
}

TEST(Schema, CoversEveryNodeTypeAndParameter) {
  auto schema = nlohmann::json::parse(t::run_cli({"schema"}).out);
  auto types = schema["properties"]["nodes"]["additionalProperties"]["properties"]["type"]["enum"];
  EXPECT_NE(std::find(types.begin(), types.end(), "core.generate"), types.end());
  bool found = false;
  for (const auto& rule : schema["properties"]["nodes"]["additionalProperties"]["allOf"])
    if (rule["if"]["properties"]["type"]["const"] == "core.busy") {
      auto iterations =
          rule["then"]["properties"]["params"]["properties"]["iterations"]["anyOf"][0];
      EXPECT_EQ(iterations["type"], "integer");
      EXPECT_EQ(iterations["minimum"], 0);
      EXPECT_EQ(rule["then"]["properties"]["params"]["additionalProperties"], false);
      found = true;
    }
  EXPECT_TRUE(found);
}

TEST(ShippedPipelines, PointAtTheSchemaAndValidate) {
  int count = 0;
  for (const auto& e : std::filesystem::directory_iterator(kSource / "pipelines")) {
    if (e.path().extension() != ".yaml") continue;
    ++count;
    std::ifstream in(e.path());
    std::string first;
    std::getline(in, first);
    EXPECT_EQ(first.rfind("# yaml-language-server: $schema=", 0), 0u) << e.path();
    auto r = t::run_cli({"validate", e.path().string()});
    EXPECT_EQ(r.status, 0) << e.path() << "\n" << r.err;
  }
  EXPECT_GT(count, 0);
}

}  // namespace
