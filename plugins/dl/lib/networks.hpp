#pragma once
// The paper's two networks (science.md §3.1, §3.2) as LibTorch modules, with size knobs, and
// their state to and from raserflow's model file. Tensor names are PyTorch state_dict keys of
// the same architecture written in Python (models/README.md), so weights move both ways.
#include <cstdint>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "model_file.hpp"

namespace raserflow::dl {

// The 1-D CNN: `conv_layers` Conv1d(kernel, no padding) + ReLU + dropout, max-pooled by 2 after
// every conv but the first; flatten to [B, 1, F]; `fc_layers` Linear + ReLU + BatchNorm1d(1) +
// dropout (none after the first); Linear to `outputs`; ELU. Defaults: the paper's 7,152,397
// parameters.
struct CnnConfig {
  std::int64_t inputs = 200, outputs = 67;
  std::int64_t filters = 64, kernel = 8, conv_layers = 3;
  std::int64_t hidden = 1024, fc_layers = 5;
  double conv_dropout = 0.2, fc_dropout = 0.2;

  std::string json() const;
  static CnnConfig from_json(const std::string& text);  // missing keys keep their defaults
  std::int64_t flat_size() const;                       // F; throws when the input is too short
  void check() const;                                   // throws raserflow::Error
};

class CnnImpl : public torch::nn::Module {
 public:
  explicit CnnImpl(const CnnConfig& c);
  torch::Tensor forward(torch::Tensor x);  // [B, inputs] -> [B, outputs]
  const CnnConfig& config() const { return config_; }

 private:
  CnnConfig config_;
  torch::nn::ModuleList convs_, fcs_, norms_;
  torch::nn::Linear out_{nullptr};
};
TORCH_MODULE(Cnn);

// The U-Net: DoubleConv (3x3 conv without bias, BatchNorm2d, ReLU, twice) per level of
// `features`, max-pooled by 2; a bottleneck of twice the last; transposed 2x2 convs up, the skip
// concatenated before the upsampled map; a 1x1 conv head, no activation. [8, 16, 32, 64] is the
// paper's 486,409 parameters.
struct UNetConfig {
  std::vector<std::int64_t> features{8, 16, 32, 64};
  std::string json() const;
  static UNetConfig from_json(const std::string& text);
  void check() const;
};

class UNetImpl : public torch::nn::Module {
 public:
  explicit UNetImpl(const UNetConfig& c);
  torch::Tensor forward(torch::Tensor x);  // [B, 1, H, W] -> [B, 1, H, W]
  const UNetConfig& config() const { return config_; }

 private:
  UNetConfig config_;
  torch::nn::ModuleList downs_, ups_;
  torch::nn::Sequential bottleneck_{nullptr};
  torch::nn::Conv2d head_{nullptr};
};
TORCH_MODULE(UNet);

std::int64_t parameter_count(const torch::nn::Module& m);

// Parameters and buffers by state_dict key, as float32 (int64 for counters).
std::vector<NamedTensor> state_of(const torch::nn::Module& m);
// Copies every tensor of `m` from `tensors`; throws raserflow::Error naming `where` and the
// first missing, surplus or wrongly shaped tensor. Nothing is changed when it throws.
void load_state(torch::nn::Module& m, const std::vector<NamedTensor>& tensors,
                const std::string& where);

}  // namespace raserflow::dl
