// The radon.project node: fields, defaults, parameters and bad input.
#include <cmath>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include "numerics/projector.hpp"
#include "support/harness.hpp"

namespace t = raserflow::test;
using raserflow::Array;

namespace {

Array ramp_image(std::int64_t rows, std::int64_t cols) {
  std::vector<double> v(static_cast<std::size_t>(rows * cols));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>(i % 7) / 6.0;
  return Array::from<double>({rows, cols}, std::move(v));
}

}  // namespace

TEST(RadonProjectNode, DefaultsGiveThePapers30By67Sinogram) {
  t::NodeHarness node("radon.project");
  const auto image = ramp_image(44, 44);
  const auto out = node.run(t::item_with(0, {{"image", image}}));
  const auto& p = out.array("projections");
  const auto& a = out.array("angles");
  ASSERT_EQ(p.shape(), (raserflow::Shape{30, 67}));
  ASSERT_EQ(a.shape(), (raserflow::Shape{30}));
  for (std::int64_t j = 0; j < 30; ++j)
    EXPECT_DOUBLE_EQ(a.values<double>()[static_cast<std::size_t>(j)], 6.0 * static_cast<double>(j));
  // The node is the numerics, nothing more.
  const auto expected =
      raserflow::radon::project(image.values<double>(), 44, 44, a.values<double>(), 67);
  const auto got = p.values<double>();
  ASSERT_EQ(got.size(), expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i], expected[i]);
  EXPECT_TRUE(out.has("image"));  // received fields pass on
}

TEST(RadonProjectNode, AngleCountAndBinsAreHonoured) {
  t::NodeHarness node("radon.project", {{"angle_count", 8}, {"bins", 50}});
  const auto out = node.run(t::item_with(3, {{"image", ramp_image(44, 44)}}));
  EXPECT_EQ(out.array("projections").shape(), (raserflow::Shape{8, 50}));
  EXPECT_DOUBLE_EQ(out.array("angles").values<double>()[1], 22.5);
  t::NodeHarness wide("radon.project");
  EXPECT_EQ(wide.run(t::item_with(0, {{"image", ramp_image(48, 48)}})).array("projections").dim(1),
            71);
}

TEST(RadonProjectNode, RejectsOutOfRangeParameters) {
  auto message = [](const nlohmann::json& params) {
    try {
      t::NodeHarness node("radon.project", params);
    } catch (const raserflow::Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message({{"angle_count", 0}}).find("out of range"), std::string::npos);
  EXPECT_NE(message({{"bins", -1}}).find("out of range"), std::string::npos);
  EXPECT_NE(message({{"angle_count", 2.5}}).find("integer"), std::string::npos);
}

TEST(RadonProjectNode, BadImagesGiveClearErrors) {
  t::NodeHarness node("radon.project");
  auto message = [&](Array image) {
    try {
      node.run(t::item_with(0, {{"image", std::move(image)}}));
    } catch (const raserflow::Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message(Array::from<double>({4}, {1, 2, 3, 4})).find("2-D"), std::string::npos);
  EXPECT_NE(message(Array::zeros<double>({0, 5})).find("empty"), std::string::npos);
  auto nan = Array::zeros<double>({3, 3});
  nan.mutable_values<double>()[5] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_NE(message(nan).find("row 1, column 2"), std::string::npos);
  EXPECT_THROW(node.run(t::item_with(0, {{"image", Array::zeros<float>({4, 4})}})),
               raserflow::Error);
  EXPECT_THROW(node.run(t::item_with(0, {})), raserflow::Error);  // no image at all
}
