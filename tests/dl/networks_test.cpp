// The paper's networks as science.md §3.1 and §3.2 give them: parameter counts, the layer
// layout that fixes them, and the shapes in and out.
#include <gtest/gtest.h>

#include <map>

#include "networks.hpp"
#include "raserflow/error.hpp"

namespace dl = raserflow::dl;

namespace {

std::map<std::string, std::vector<std::int64_t>> shapes(const torch::nn::Module& m) {
  std::map<std::string, std::vector<std::int64_t>> out;
  for (const auto& t : dl::state_of(m)) out[t.name] = t.shape;
  return out;
}

}  // namespace

TEST(Cnn, ThePapersConfigurationHas7152397Parameters) {
  dl::Cnn cnn(dl::CnnConfig{});
  EXPECT_EQ(dl::parameter_count(*cnn), 7152397);
  EXPECT_EQ(dl::CnnConfig{}.flat_size(), 2752) << "200 -> 193 -> 186/2 -> 179/2: 43 x 64";
}

TEST(Cnn, NoPoolingAfterTheFirstConvAndOneBatchNormFeaturePerDenseLayer) {
  dl::Cnn cnn(dl::CnnConfig{});
  const auto s = shapes(*cnn);
  EXPECT_EQ(s.at("convs.0.weight"), (std::vector<std::int64_t>{64, 1, 8}));
  EXPECT_EQ(s.at("fcs.0.weight"), (std::vector<std::int64_t>{1024, 2752}));
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(s.at("norms." + std::to_string(i) + ".weight"), (std::vector<std::int64_t>{1}));
    EXPECT_EQ(s.at("norms." + std::to_string(i) + ".running_var"), (std::vector<std::int64_t>{1}));
  }
  EXPECT_EQ(s.at("out.weight"), (std::vector<std::int64_t>{67, 1024}));
  EXPECT_EQ(s.count("fcs.5.weight"), 0u);
}

TEST(Cnn, MapsABatchOfSpectraToProjectionsAndEluBoundsThemBelow) {
  torch::manual_seed(1);
  dl::Cnn cnn(dl::CnnConfig{});
  cnn->eval();
  torch::NoGradGuard g;
  const auto y = cnn->forward(torch::rand({7, 200}));
  EXPECT_EQ(y.sizes().vec(), (std::vector<std::int64_t>{7, 67}));
  EXPECT_GT(y.min().item<double>(), -1.0) << "ELU(alpha 1) > -1";
}

TEST(Cnn, EvalModeIsDeterministicAndIndependentOfTheBatch) {
  torch::manual_seed(2);
  dl::Cnn cnn(dl::CnnConfig{});
  cnn->eval();
  torch::NoGradGuard g;
  const auto x = torch::rand({5, 200});
  const auto all = cnn->forward(x);
  const auto one = cnn->forward(x.slice(0, 2, 3));
  EXPECT_TRUE(torch::allclose(all.slice(0, 2, 3), one, 1e-5, 1e-6));
}

TEST(Cnn, SizeKnobsGiveTheCountTheLayersImply) {
  dl::CnnConfig c;
  c.inputs = 40;
  c.outputs = 8;
  c.filters = 4;
  c.kernel = 3;
  c.conv_layers = 2;
  c.hidden = 16;
  c.fc_layers = 2;
  // conv 1*4*3+4, 4*4*3+4; flat (40-2=38 -> 36/2=18)*4 = 72; fc 72*16+16, 16*16+16; BN 2x2;
  // out 16*8+8.
  dl::Cnn cnn(c);
  EXPECT_EQ(dl::parameter_count(*cnn), 16 + 52 + 1168 + 272 + 4 + 136);
  c.inputs = 5;
  EXPECT_THROW(dl::Cnn{c}, raserflow::Error);
  EXPECT_THROW(dl::CnnConfig::from_json(R"({"hidden": 0})"), raserflow::Error);
  EXPECT_THROW(dl::CnnConfig::from_json("[1]"), raserflow::Error);
}

TEST(UNet, ThePapersFeaturesHave486409Parameters) {
  dl::UNet unet(dl::UNetConfig{});
  EXPECT_EQ(dl::parameter_count(*unet), 486409);
  const auto s = shapes(*unet);
  EXPECT_EQ(s.at("downs.0.0.weight"), (std::vector<std::int64_t>{8, 1, 3, 3}));
  EXPECT_EQ(s.count("downs.0.0.bias"), 0u) << "3x3 convs have no bias";
  EXPECT_EQ(s.at("bottleneck.0.weight"), (std::vector<std::int64_t>{128, 64, 3, 3}));
  EXPECT_EQ(s.at("ups.0.weight"), (std::vector<std::int64_t>{128, 64, 2, 2}));
  EXPECT_EQ(s.at("head.weight"), (std::vector<std::int64_t>{1, 8, 1, 1}));
}

TEST(UNet, KeepsTheImageSizeAt48AndAtSizesNotDivisibleBySixteen) {
  torch::manual_seed(3);
  dl::UNet unet(dl::UNetConfig{});
  unet->eval();
  torch::NoGradGuard g;
  for (std::int64_t n : {48, 44, 37})
    EXPECT_EQ(unet->forward(torch::rand({2, 1, n, n})).sizes().vec(),
              (std::vector<std::int64_t>{2, 1, n, n}));
}
