#include "inference.hpp"

#include <mutex>

#include <torch/script.h>
#include <torch/torch.h>

#include "networks.hpp"
#include "raserflow/array.hpp"
#include "raserflow/error.hpp"

namespace raserflow::dl {

namespace {

void use_threads(int threads) {
  // LibTorch's thread count is per calling thread: set it on whichever worker runs the node.
  if (threads > 0 && at::get_num_threads() != threads) torch::set_num_threads(threads);
}

std::vector<float> to_vector(const torch::Tensor& out, std::vector<std::int64_t>& out_shape) {
  const auto c = out.detach().to(torch::kFloat).contiguous();
  out_shape = c.sizes().vec();
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

template <class Module>
class NativeInference final : public Inference {
 public:
  NativeInference(Module m, const ModelFile& file, const std::string& source) : module_(m) {
    metadata_ = file.metadata;
    config_ = file.config;
    source_ = source;
    module_->eval();
  }
  std::vector<float> run(std::span<const float> input, const std::vector<std::int64_t>& shape,
                         std::vector<std::int64_t>& out_shape, int threads) override {
    use_threads(threads);
    torch::InferenceMode guard;
    const auto x = torch::from_blob(const_cast<float*>(input.data()), shape, torch::kFloat);
    try {
      return to_vector(module_->forward(x), out_shape);
    } catch (const c10::Error& e) {
      throw Error(source_ + " cannot run on input " + shape_string(shape) + ": " +
                  e.what_without_backtrace());
    }
  }

 private:
  Module module_;
};

class ScriptInference final : public Inference {
 public:
  explicit ScriptInference(const std::filesystem::path& path) {
    source_ = "TorchScript file " + path.string();
    if (!std::filesystem::is_regular_file(path)) throw Error(source_ + " does not exist");
    torch::jit::ExtraFilesMap extra{{"raserflow.json", ""}};
    try {
      module_ = torch::jit::load(path.string(), torch::kCPU, extra);
    } catch (const c10::Error& e) {
      throw Error(source_ + " is not a TorchScript module: " + e.what_without_backtrace());
    }
    if (!extra["raserflow.json"].empty()) metadata_ = extra["raserflow.json"];
    module_.eval();
  }
  std::vector<float> run(std::span<const float> input, const std::vector<std::int64_t>& shape,
                         std::vector<std::int64_t>& out_shape, int threads) override {
    use_threads(threads);
    torch::InferenceMode guard;
    const auto x = torch::from_blob(const_cast<float*>(input.data()), shape, torch::kFloat);
    // Interpreted modules are not safe to run from several threads at once.
    std::lock_guard lock(mutex_);
    try {
      const auto out = module_.forward({x});
      if (!out.isTensor()) throw Error(source_ + " returned something other than a tensor");
      return to_vector(out.toTensor(), out_shape);
    } catch (const c10::Error& e) {
      throw Error(source_ + " failed on input " + shape_string(shape) + ": " +
                  e.what_without_backtrace());
    }
  }

 private:
  torch::jit::Module module_;
  std::mutex mutex_;
};

}  // namespace

std::unique_ptr<Inference> Inference::open(const std::filesystem::path& model,
                                           const std::filesystem::path& torchscript,
                                           const std::string& architecture) {
  if (!torchscript.empty()) return std::make_unique<ScriptInference>(torchscript);
  const auto file = load_model(model);
  const std::string source = "model file " + model.string();
  if (file.architecture != architecture)
    throw Error(source + " holds a " + file.architecture + ", but this node runs a " +
                architecture);
  if (architecture == "cnn") {
    Cnn m(CnnConfig::from_json(file.config));
    load_state(*m, file.tensors, source);
    return std::make_unique<NativeInference<Cnn>>(m, file, source);
  }
  UNet m(UNetConfig::from_json(file.config));
  load_state(*m, file.tensors, source);
  return std::make_unique<NativeInference<UNet>>(m, file, source);
}

}  // namespace raserflow::dl
