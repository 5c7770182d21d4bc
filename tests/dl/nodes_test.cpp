// dl.cnn_correct and dl.unet_enhance as nodes: the model's outputs per item and per batch, the
// convention check, the epsilon warning, cropping, and clear errors.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "inference.hpp"
#include "model_file.hpp"
#include "support/cli.hpp"
#include "support/error_of.hpp"
#include "support/harness.hpp"
#include "training_set.hpp"

namespace dl = raserflow::dl;
namespace fs = std::filesystem;
using raserflow::Array;
using raserflow::test::item_with;
using raserflow::test::NodeHarness;
using Json = nlohmann::json;

using raserflow::test::error_of;

namespace {

const std::string small = R"({"inputs": 40, "outputs": 8, "filters": 4, "kernel": 3,
  "conv_layers": 2, "hidden": 16, "fc_layers": 2})";

// A small CNN whose metadata says: trained on dl_test::convention() with epsilon in [2, 50].
fs::path cnn_file(const std::string& name) {
  const auto dir = raserflow::test::scratch_dir("dl-nodes-" + name);
  auto m = dl::random_model("cnn", small, 8);
  m.metadata = Json{{"convention", Json::parse(dl_test::convention())},
                    {"dataset", {{"epsilon_range", {2.0, 50.0}}}}}
                   .dump();
  dl::save_model(dir / "cnn.h5", m);
  return dir / "cnn.h5";
}

raserflow::Item spectra_item(std::int64_t index, std::int64_t rows, double eps = 10,
                             const std::string& convention = dl_test::convention()) {
  std::vector<double> v(static_cast<std::size_t>(rows * 40));
  for (std::size_t i = 0; i < v.size(); ++i)
    v[i] = 0.5 + 0.5 * std::sin(0.1 * static_cast<double>(i) + static_cast<double>(index));
  return item_with(
      index, {{"spectra", Array::from<double>({rows, 40}, v)},
              {"epsilon", Array::from<double>(
                              {rows}, std::vector<double>(static_cast<std::size_t>(rows), eps))},
              {"spectrum_convention", convention}});
}

std::vector<double> values(const raserflow::Item& s, const std::string& name) {
  const auto v = s.array(name).values<double>();
  return {v.begin(), v.end()};
}

}  // namespace

TEST(CnnCorrect, GivesTheModelsOutputForEverySpectrum) {
  const auto file = cnn_file("outputs");
  NodeHarness node("dl.cnn_correct", {{"model", file.string()}});
  const auto in = spectra_item(0, 3);
  const auto out = node.run(in);
  ASSERT_EQ(out.array("corrected_projections").shape(), (raserflow::Shape{3, 8}));
  const auto x = in.array("spectra").values<double>();
  std::vector<float> xf(x.begin(), x.end());
  std::vector<std::int64_t> shape;
  const auto want = dl::Inference::open(file, {}, "cnn")->run(xf, {3, 40}, shape, 1);
  const auto got = values(out, "corrected_projections");
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_EQ(got[i], static_cast<double>(want[i]));
}

TEST(CnnCorrect, ABatchGivesWhatItemsOneByOneGive) {
  const auto file = cnn_file("batch");
  NodeHarness one("dl.cnn_correct", {{"model", file.string()}});
  NodeHarness batch("dl.cnn_correct", {{"model", file.string()}});
  std::vector<raserflow::Item> items;
  for (std::int64_t i = 0; i < 4; ++i) items.push_back(spectra_item(i, 5));
  std::vector<raserflow::Item*> pointers;
  for (auto& s : items) pointers.push_back(&s);
  batch.node().process_batch(pointers);
  for (std::int64_t i = 0; i < 4; ++i) {
    const auto alone = values(one.run(spectra_item(i, 5)), "corrected_projections");
    const auto together = values(items[static_cast<std::size_t>(i)], "corrected_projections");
    ASSERT_EQ(alone.size(), together.size());
    for (std::size_t k = 0; k < alone.size(); ++k) EXPECT_NEAR(alone[k], together[k], 1e-6);
  }
}

TEST(CnnCorrect, RefusesSpectraOfAnotherConventionNamingExpectedAndGot) {
  NodeHarness node("dl.cnn_correct", {{"model", cnn_file("convention").string()}});
  auto other = raserflow::fft::convention_json(
      {4096, 1e-3, 20480, "zero", "complex", "minmax", 40, "frequency", 500.0});
  const auto e = error_of([&] { node.run(spectra_item(3, 2, 10, other)); });
  EXPECT_NE(e.find("item 3"), std::string::npos) << e;
  EXPECT_NE(e.find("dwell: expected 0.0005, got 0.001"), std::string::npos) << e;
  EXPECT_NE(e.find("hz_per_bin"), std::string::npos) << e;
}

TEST(CnnCorrect, CountsItemsOutsideTheTrainingEpsilonRange) {
  NodeHarness node("dl.cnn_correct", {{"model", cnn_file("epsilon").string()}});
  node.run(spectra_item(0, 2, 10));
  node.run(spectra_item(1, 2, 200));
  node.run(spectra_item(2, 2, 1));
  const auto report = Json::parse(node.node().report());
  EXPECT_EQ(report["items_outside_epsilon_range"], 2);
  EXPECT_EQ(report["training_epsilon_range"], Json::array({2.0, 50.0}));
}

TEST(CnnCorrect, BadModelsAndInputsAreClearErrors) {
  EXPECT_NE(error_of([] { NodeHarness n("dl.cnn_correct"); }).find("exactly one of"),
            std::string::npos);
  const auto file = cnn_file("errors");
  NodeHarness node("dl.cnn_correct", {{"model", file.string()}});
  auto wide = item_with(0, {{"spectra", Array::zeros<double>({2, 30})},
                            {"spectrum_convention", dl_test::convention()}});
  const auto e = error_of([&] { node.run(wide); });
  EXPECT_NE(e.find("rows hold 30 values; the model takes 40"), std::string::npos) << e;

  auto bare = dl::random_model("cnn", small, 1);
  const auto dir = file.parent_path();
  dl::save_model(dir / "bare.h5", bare);
  const auto none = error_of([&] {
    NodeHarness n("dl.cnn_correct", {{"model", (dir / "bare.h5").string()}});
  });
  EXPECT_NE(none.find("records no spectrum convention"), std::string::npos) << none;
  NodeHarness unchecked("dl.cnn_correct",
                        {{"model", (dir / "bare.h5").string()}, {"check_convention", false}});
  EXPECT_EQ(unchecked.run(spectra_item(0, 1)).array("corrected_projections").dim(1), 8);
}

TEST(UNetEnhance, CropsTheOutputToTheGroundTruthsSize) {
  const auto dir = raserflow::test::scratch_dir("dl-nodes-unet");
  auto m = dl::random_model("unet", R"({"features": [4, 8]})", 2);
  m.metadata = R"({"images": {"input_size": [48, 48], "target_size": [44, 44]}})";
  dl::save_model(dir / "unet.h5", m);
  NodeHarness node("dl.unet_enhance", {{"model", (dir / "unet.h5").string()}});
  std::vector<double> image(48 * 48, 0.25);
  const auto out =
      node.run(item_with(0, {{"reconstruction", Array::from<double>({48, 48}, image)}}));
  EXPECT_EQ(out.array("enhanced").shape(), (raserflow::Shape{44, 44}));
  const auto e = error_of([&] {
    node.run(item_with(1, {{"reconstruction", Array::zeros<double>({44, 44})}}));
  });
  EXPECT_NE(e.find("trained on 48x48"), std::string::npos) << e;
}
