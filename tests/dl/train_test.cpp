// `raserflow train`: learns beyond predicting the mean, is deterministic for a seed, resumes
// exactly where it stopped, and refuses data or checkpoints it cannot use.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "model_file.hpp"
#include "support/cli.hpp"
#include "support/error_of.hpp"
#include "trainer.hpp"
#include "training_set.hpp"

namespace dl = raserflow::dl;
namespace fs = std::filesystem;
using Json = nlohmann::json;

using raserflow::test::error_of;

namespace {

const std::string small = R"({"inputs": 40, "outputs": 8, "filters": 4, "kernel": 3,
  "conv_layers": 2, "hidden": 32, "fc_layers": 2, "conv_dropout": 0.1, "fc_dropout": 0.1})";

dl::TrainOptions options(const fs::path& data, const fs::path& out) {
  auto o = dl::default_options("cnn");
  o.data = data;
  o.out = out;
  o.config = small;
  o.epochs = 3;
  o.batch = 8;
  o.lr = 3e-3;
  o.lr_final = 3e-3;
  o.threads = 1;
  o.progress = false;
  return o;
}

std::map<std::string, std::vector<float>> weights(const fs::path& model) {
  std::map<std::string, std::vector<float>> out;
  for (const auto& t : dl::load_model(model).tensors) out[t.name] = t.floats;
  return out;
}

Json training(const fs::path& model) {
  return Json::parse(dl::load_model(model).metadata)["training"];
}

}  // namespace

TEST(Train, LearnsFarBeyondPredictingTheMeanTarget) {
  const auto dir = raserflow::test::scratch_dir("dl-train-learns");
  dl_test::write_cnn_set(dir / "set.h5", 60);
  std::ostringstream log;
  ASSERT_EQ(dl::train(options(dir / "set.h5", dir / "cnn.h5"), log), 0) << log.str();
  const auto t = training(dir / "cnn.h5");
  EXPECT_LT(t["best_validation_loss"].get<double>(),
            0.5 * t["baseline_validation_loss"].get<double>())
      << log.str();
  EXPECT_EQ(t["history"].size(), 3u);
  const auto meta = Json::parse(dl::load_model(dir / "cnn.h5").metadata);
  EXPECT_EQ(meta["convention"]["roi"], 40);
  EXPECT_EQ(meta["dataset"]["seed"], 99);
  EXPECT_EQ(meta["dataset"]["images"], 60);
  EXPECT_EQ(meta["dataset"]["content_hash"].get<std::string>().size(), 16u);
  EXPECT_GE(meta["dataset"]["epsilon_range"][0].get<double>(), 2.0);
  EXPECT_LE(meta["dataset"]["epsilon_range"][1].get<double>(), 50.0);
  EXPECT_TRUE(fs::exists(dir / "cnn_loss.png"));
  EXPECT_NE(log.str().find("epoch 3: train"), std::string::npos) << log.str();
  EXPECT_NE(log.str().find("predicting the mean target scores"), std::string::npos);
}

TEST(Train, TheSameSeedGivesTheSameWeights) {
  const auto dir = raserflow::test::scratch_dir("dl-train-determinism");
  dl_test::write_cnn_set(dir / "set.h5", 30);
  std::ostringstream log;
  auto o = options(dir / "set.h5", dir / "a.h5");
  o.epochs = 2;
  ASSERT_EQ(dl::train(o, log), 0);
  o.out = dir / "b.h5";
  ASSERT_EQ(dl::train(o, log), 0);
  EXPECT_EQ(weights(dir / "a.h5"), weights(dir / "b.h5"));
  o.out = dir / "c.h5";
  o.seed = 7;
  ASSERT_EQ(dl::train(o, log), 0);
  EXPECT_NE(weights(dir / "a.h5"), weights(dir / "c.h5"));
}

TEST(Train, StoppedRunsResumeToExactlyTheUninterruptedResult) {
  // Batches of 4 over 240 training rows: 60 per epoch, so a time limit stops the run at batch
  // 50 (a segment boundary) and at each epoch's end; every rerun continues from the checkpoint.
  const auto dir = raserflow::test::scratch_dir("dl-train-resume");
  dl_test::write_cnn_set(dir / "set.h5", 30);
  std::ostringstream log;
  auto o = options(dir / "set.h5", dir / "whole.h5");
  o.epochs = 2;
  o.batch = 4;
  ASSERT_EQ(dl::train(o, log), 0);

  o.out = dir / "pieces.h5";
  o.time_limit_minutes = 1e-9;
  int runs = 0;
  while (!fs::exists(dir / "pieces.h5") || training(dir / "pieces.h5")["history"].size() < 2) {
    ASSERT_LT(++runs, 10) << log.str();
    ASSERT_EQ(dl::train(o, log), 0) << log.str();
  }
  EXPECT_EQ(runs, 4) << "stops at batch 50 and at the end of each of the 2 epochs";
  EXPECT_NE(log.str().find("resuming from"), std::string::npos);
  EXPECT_EQ(weights(dir / "whole.h5"), weights(dir / "pieces.h5"));
  EXPECT_EQ(training(dir / "whole.h5")["history"][1]["validation_loss"],
            training(dir / "pieces.h5")["history"][1]["validation_loss"]);

  o.lr = 1e-3;  // another training: its checkpoint is not this one's
  const auto e = error_of([&] { dl::train(o, log); });
  EXPECT_NE(e.find("--fresh"), std::string::npos) << e;
  o.fresh = true;
  o.time_limit_minutes = 0;
  EXPECT_EQ(dl::train(o, log), 0);
}

TEST(Train, DataItCannotUseIsRefusedWithTheReason) {
  const auto dir = raserflow::test::scratch_dir("dl-train-refuses");
  std::ostringstream log;
  dl_test::write_cnn_set(dir / "bare.h5", 10, 10, 40, false);
  EXPECT_NE(error_of([&] {
              dl::train(options(dir / "bare.h5", dir / "m.h5"), log);
            }).find("no attribute constant_spectrum_convention"),
            std::string::npos);
  dl_test::write_cnn_set(dir / "wide.h5", 10, 10, 60);
  const auto wide = error_of([&] { dl::train(options(dir / "wide.h5", dir / "m.h5"), log); });
  EXPECT_NE(wide.find("rows hold 60 values"), std::string::npos) << wide;
  auto o = options(dir / "wide.h5", dir / "m.h5");
  o.input = "spectrum";
  const auto missing = error_of([&] { dl::train(o, log); });
  EXPECT_NE(missing.find("has no field 'spectrum'"), std::string::npos) << missing;
  EXPECT_NE(missing.find("spectra, targets"), std::string::npos) << missing;
  EXPECT_NE(
      error_of([&] { dl::train(options(dir / "none.h5", dir / "m.h5"), log); }).find("none.h5"),
      std::string::npos);
  o = options(dir / "wide.h5", dir / "m.h5");
  o.schedule = "step";
  EXPECT_NE(error_of([&] { dl::train(o, log); }).find("--schedule"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir / "m.h5"));
}

TEST(Train, UNetLearnsImagesWithTargetsZeroPaddedToTheInputSize) {
  const auto dir = raserflow::test::scratch_dir("dl-train-unet");
  {
    raserflow::io::Hdf5Appender out(dir / "images.h5");
    std::mt19937_64 rng(5);
    std::uniform_real_distribution<float> u(0, 1);
    for (std::int64_t i = 0; i < 20; ++i) {
      auto input = raserflow::Array::zeros<float>({16, 16});
      auto image = raserflow::Array::zeros<float>({12, 12});
      auto in = input.mutable_values<float>();
      auto im = image.mutable_values<float>();
      for (std::int64_t y = 0; y < 12; ++y)
        for (std::int64_t x = 0; x < 12; ++x) {
          im[static_cast<std::size_t>(y * 12 + x)] = u(rng);
          in[static_cast<std::size_t>((y + 2) * 16 + x + 2)] =
              0.5f * im[static_cast<std::size_t>(y * 12 + x)] + 0.1f * u(rng);
        }
      out.append(i, {{"unet_input", input}, {"image", image}});
    }
    out.close();
  }
  auto o = dl::default_options("unet");
  o.data = dir / "images.h5";
  o.out = dir / "unet.h5";
  o.config = R"({"features": [4, 8]})";
  o.epochs = 2;
  o.batch = 4;
  o.lr = 1e-2;
  o.lr_final = 1e-2;
  o.threads = 1;
  o.progress = false;
  std::ostringstream log;
  ASSERT_EQ(dl::train(o, log), 0) << log.str();
  const auto model = dl::load_model(dir / "unet.h5");
  EXPECT_EQ(model.architecture, "unet");
  const auto meta = Json::parse(model.metadata);
  EXPECT_EQ(meta["images"]["input_size"], Json::array({16, 16}));
  EXPECT_EQ(meta["images"]["target_size"], Json::array({12, 12}));
  EXPECT_EQ(meta["training"]["loss"], "l1");
  EXPECT_TRUE(std::isfinite(meta["training"]["best_validation_loss"].get<double>()));
}
