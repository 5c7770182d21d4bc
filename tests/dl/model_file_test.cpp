// raserflow's model file: a round trip gives the same tensors bit for bit, and every way a file
// can be wrong is a clear error, never a crash.
#include <gtest/gtest.h>

#include <fstream>

#include "inference.hpp"
#include "networks.hpp"
#include "support/cli.hpp"
#include "support/error_of.hpp"

namespace dl = raserflow::dl;
namespace fs = std::filesystem;

using raserflow::test::error_of;

namespace {

dl::ModelFile small_cnn(std::uint64_t seed, const std::string& config) {
  torch::manual_seed(seed);
  dl::Cnn cnn(dl::CnnConfig::from_json(config));
  return {"cnn", cnn->config().json(), R"({"note": "test"})", dl::state_of(*cnn)};
}

const std::string small = R"({"inputs": 40, "outputs": 8, "filters": 4, "kernel": 3,
  "conv_layers": 2, "hidden": 16, "fc_layers": 2})";

}  // namespace

TEST(ModelFile, RoundTripKeepsEveryTensorBitForBit) {
  const auto dir = raserflow::test::scratch_dir("dl-model-roundtrip");
  const auto m = small_cnn(4, small);
  dl::save_model(dir / "m.h5", m);
  const auto back = dl::load_model(dir / "m.h5");
  EXPECT_EQ(back.architecture, "cnn");
  EXPECT_EQ(back.metadata, m.metadata);
  ASSERT_EQ(back.tensors.size(), m.tensors.size());
  std::map<std::string, const dl::NamedTensor*> by_name;
  for (const auto& t : back.tensors) by_name[t.name] = &t;
  for (const auto& t : m.tensors) {
    ASSERT_TRUE(by_name.count(t.name)) << t.name;
    EXPECT_EQ(by_name[t.name]->shape, t.shape) << t.name;
    EXPECT_EQ(by_name[t.name]->floats, t.floats) << t.name;
    EXPECT_EQ(by_name[t.name]->ints, t.ints) << t.name;
  }
  dl::Cnn cnn(dl::CnnConfig::from_json(small));
  dl::load_state(*cnn, back.tensors, "m.h5");
  cnn->eval();
  torch::manual_seed(4);
  dl::Cnn same(dl::CnnConfig::from_json(small));
  same->eval();
  torch::NoGradGuard g;
  const auto x = torch::rand({3, 40});
  EXPECT_TRUE(torch::equal(cnn->forward(x), same->forward(x)));
}

TEST(ModelFile, WrongFilesAreClearErrors) {
  const auto dir = raserflow::test::scratch_dir("dl-model-errors");
  EXPECT_NE(error_of([&] { dl::load_model(dir / "none.h5"); }).find("does not exist"),
            std::string::npos);
  std::ofstream(dir / "text.h5") << "not a model";
  EXPECT_NE(error_of([&] { dl::load_model(dir / "text.h5"); }).find("not an HDF5 file"),
            std::string::npos);

  auto m = small_cnn(5, small);
  m.tensors.pop_back();
  dl::save_model(dir / "missing.h5", m);
  const auto missing = error_of([&] { dl::Inference::open(dir / "missing.h5", {}, "cnn"); });
  EXPECT_NE(missing.find("has no tensor"), std::string::npos) << missing;

  m = small_cnn(5, small);
  m.tensors.front().shape = {m.tensors.front().numel()};
  dl::save_model(dir / "shape.h5", m);
  const auto shape = error_of([&] { dl::Inference::open(dir / "shape.h5", {}, "cnn"); });
  EXPECT_NE(shape.find("but the network's is"), std::string::npos) << shape;

  m = small_cnn(5, small);
  m.tensors.push_back({"extra.weight", {1}, {1.0f}, {}, false});
  dl::save_model(dir / "extra.h5", m);
  const auto extra = error_of([&] { dl::Inference::open(dir / "extra.h5", {}, "cnn"); });
  EXPECT_NE(extra.find("'extra.weight' the network does not have"), std::string::npos) << extra;

  dl::save_model(dir / "good.h5", small_cnn(5, small));
  const auto arch = error_of([&] { dl::Inference::open(dir / "good.h5", {}, "unet"); });
  EXPECT_NE(arch.find("holds a cnn, but this node runs a unet"), std::string::npos) << arch;

  auto bigger = small_cnn(5, small);
  bigger.config = dl::CnnConfig{}.json();  // the paper's sizes, the small network's tensors
  dl::save_model(dir / "config.h5", bigger);
  const auto config = error_of([&] { dl::Inference::open(dir / "config.h5", {}, "cnn"); });
  EXPECT_NE(config.find("but the network's is"), std::string::npos) << config;

  const auto script = error_of([&] { dl::Inference::open({}, dir / "text.h5", "cnn"); });
  EXPECT_NE(script.find("is not a TorchScript module"), std::string::npos) << script;
}
