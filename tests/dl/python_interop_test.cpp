// Interop with PyTorch both ways (/usr/bin/python3 with Debian's python3-torch): a TorchScript
// model exported by Python runs in dl.cnn_correct with Python's outputs, and weights written by
// raserflow load into the PyTorch modules of examples/raserflow_models.py with raserflow's
// outputs (both to float32 rounding).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "inference.hpp"
#include "model_file.hpp"
#include "support/cli.hpp"
#include "support/harness.hpp"
#include "training_set.hpp"

namespace dl = raserflow::dl;
namespace fs = std::filesystem;

namespace {

const fs::path root = fs::path(TEST_SOURCE_DIR).parent_path();

int python(const std::string& args) {
  const auto command = "/usr/bin/python3 " + (root / "tests/dl/python_interop.py").string() + " " +
                       args + " " + (root / "examples").string();
  return std::system(command.c_str());
}

bool have_torch() {
  return std::system("/usr/bin/python3 -c 'import torch, h5py' 2>/dev/null") == 0;
}

std::vector<float> read_floats(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::vector<float> v;
  float f;
  while (in.read(reinterpret_cast<char*>(&f), sizeof f)) v.push_back(f);
  return v;
}

void write_floats(const fs::path& p, const std::vector<float>& v) {
  std::ofstream(p, std::ios::binary)
      .write(reinterpret_cast<const char*>(v.data()),
             static_cast<std::streamsize>(v.size() * sizeof(float)));
}

void expect_close(const std::vector<float>& a, const std::vector<float>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i)
    ASSERT_NEAR(a[i], b[i], 2e-6 * (1 + std::abs(b[i]))) << "value " << i;
}

}  // namespace

TEST(PythonInterop, TorchScriptExportedByPythonRunsWithPythonsOutputs) {
  if (!have_torch()) GTEST_SKIP() << "/usr/bin/python3 lacks torch or h5py (python3-torch)";
  const auto dir = raserflow::test::scratch_dir("dl-torchscript");
  ASSERT_EQ(python("export " + dir.string() + " '" + dl_test::convention() + "'"), 0);
  const auto x = read_floats(dir / "x.bin"), y = read_floats(dir / "y.bin");
  ASSERT_EQ(x.size(), 5u * 40);

  std::vector<std::int64_t> shape;
  const auto net = dl::Inference::open({}, dir / "cnn.pt", "cnn");
  expect_close(net->run(x, {5, 40}, shape, 1), y);
  EXPECT_EQ(shape, (std::vector<std::int64_t>{5, 8}));

  // Through the node, with the convention from the file's raserflow.json.
  raserflow::test::NodeHarness node("dl.cnn_correct", {{"torchscript", (dir / "cnn.pt").string()}});
  std::vector<double> spectra(x.begin(), x.end());
  auto out = node.run(
      raserflow::test::item_with(0, {{"spectra", raserflow::Array::from<double>({5, 40}, spectra)},
                                     {"spectrum_convention", dl_test::convention()}}));
  const auto got = out.array("corrected_projections").values<double>();
  expect_close(std::vector<float>(got.begin(), got.end()), y);
}

TEST(PythonInterop, WeightsTrainedByRaserflowLoadIntoPyTorch) {
  if (!have_torch()) GTEST_SKIP() << "/usr/bin/python3 lacks torch or h5py (python3-torch)";
  for (
      const auto& [arch, config, shape] :
      {std::tuple<std::string, std::string, std::vector<std::int64_t>>{
           "cnn",
           R"({"inputs": 40, "outputs": 8, "filters": 4, "kernel": 3, "conv_layers": 2, "hidden": 16, "fc_layers": 2})",
           {6, 40}},
       {"unet", R"({"features": [4, 8]})", {2, 1, 16, 16}}}) {
    const auto dir = raserflow::test::scratch_dir("dl-to-pytorch-" + arch);
    dl::save_model(dir / "model.h5", dl::random_model(arch, config, 3));
    std::int64_t n = 1;
    for (auto d : shape) n *= d;
    std::vector<float> x(static_cast<std::size_t>(n));
    for (std::size_t i = 0; i < x.size(); ++i)
      x[i] = static_cast<float>(std::sin(0.37 * static_cast<double>(i)));
    write_floats(dir / "x.bin", x);
    std::ofstream(dir / "x.json") << nlohmann::json(shape).dump();
    ASSERT_EQ(python("load " + dir.string()), 0) << arch;
    std::vector<std::int64_t> out_shape;
    expect_close(read_floats(dir / "y.bin"),
                 dl::Inference::open(dir / "model.h5", {}, arch)->run(x, shape, out_shape, 1));
  }
}
