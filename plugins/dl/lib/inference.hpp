#pragma once
// A trained network for the dl nodes, opened from raserflow's model file or a TorchScript file,
// behind an interface without LibTorch types, so the nodes compile without torch headers.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace raserflow::dl {

class Inference {
 public:
  // Exactly one of `model` (raserflow HDF5) and `torchscript` is non-empty. `architecture` is
  // what the node runs (cnn | unet); a model file of another architecture is an error. A
  // TorchScript file may carry raserflow's metadata as the extra file "raserflow.json".
  static std::unique_ptr<Inference> open(const std::filesystem::path& model,
                                         const std::filesystem::path& torchscript,
                                         const std::string& architecture);
  virtual ~Inference() = default;

  // JSON object: the model file's metadata (convention, dataset, training), or {}.
  const std::string& metadata() const { return metadata_; }
  const std::string& config() const { return config_; }
  const std::string& source() const { return source_; }

  // One forward pass in eval mode on float32 `input` of `shape`, on `threads` LibTorch threads;
  // returns the output, its shape in `out_shape`. Throws raserflow::Error.
  virtual std::vector<float> run(std::span<const float> input,
                                 const std::vector<std::int64_t>& shape,
                                 std::vector<std::int64_t>& out_shape, int threads) = 0;

 protected:
  std::string metadata_ = "{}", config_ = "{}", source_;
};

}  // namespace raserflow::dl
