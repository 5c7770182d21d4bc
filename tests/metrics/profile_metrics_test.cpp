// metrics.profiles and its numerics: Pearson correlation row by row.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "profile_metrics.hpp"
#include "support/harness.hpp"

namespace rf = raserflow;
namespace m = raserflow::metrics;

namespace {

TEST(ProfileMetrics, PearsonOfAffineMapsIsPlusOrMinusOne) {
  const std::vector<double> a{0, 1, 4, 9, 16, 25};
  std::vector<double> up, down;
  for (double x : a) {
    up.push_back(3 * x + 7);
    down.push_back(-0.5 * x + 2);
  }
  EXPECT_NEAR(m::pearson(a, up), 1.0, 1e-15);
  EXPECT_NEAR(m::pearson(a, down), -1.0, 1e-15);
}

TEST(ProfileMetrics, PearsonMatchesItsDefinitionAndConstantRowsGiveZero) {
  // a = (1, 2, 3), b = (1, 3, 2): centred (−1, 0, 1) and (−1, 1, 0): r = 1 / (√2·√2) = 0.5.
  EXPECT_NEAR(m::pearson(std::vector<double>{1, 2, 3}, std::vector<double>{1, 3, 2}), 0.5,
              1e-15);
  EXPECT_EQ(m::pearson(std::vector<double>{2, 2, 2}, std::vector<double>{1, 3, 2}), 0.0);
  EXPECT_NEAR(
      m::mean_squared_difference(std::vector<double>{1, 2, 3}, std::vector<double>{1, 3, 5}),
      5.0 / 3, 1e-15);
  EXPECT_THROW(m::pearson(std::vector<double>{1, 2}, std::vector<double>{1}),
               std::invalid_argument);
}

TEST(ProfileMetrics, NodeScoresEachRowAndTheirMean) {
  rf::test::NodeHarness node("metrics.profiles", {{"reference", "truth"}, {"test", "guess"}});
  auto truth = rf::Array::from<double>({2, 3}, {1, 2, 3, 1, 2, 3});
  auto guess = rf::Array::from<double>({2, 3}, {2, 4, 6, 3, 2, 1});
  auto out = node.run(rf::test::item_with(0, {{"truth", truth}, {"guess", guess}}));
  const auto r = out.array("profile_correlation").values<double>();
  EXPECT_NEAR(r[0], 1.0, 1e-15);
  EXPECT_NEAR(r[1], -1.0, 1e-15);
  EXPECT_NEAR(out.scalar("mean_profile_correlation"), 0.0, 1e-15);
  EXPECT_NEAR(out.array("profile_mse").values<double>()[0], (1 + 4 + 9) / 3.0, 1e-12);
}

TEST(ProfileMetrics, DifferentShapesAreAnErrorNamingBothFields) {
  rf::test::NodeHarness node("metrics.profiles", {{"reference", "truth"}, {"test", "guess"}});
  auto item = rf::test::item_with(0, {{"truth", rf::Array::zeros<double>({2, 3})},
                                      {"guess", rf::Array::zeros<double>({2, 4})}});
  try {
    node.run(std::move(item));
    FAIL() << "expected an error";
  } catch (const rf::Error& e) {
    EXPECT_NE(std::string(e.what()).find("'truth'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'guess'"), std::string::npos) << e.what();
  }
}

}  // namespace
