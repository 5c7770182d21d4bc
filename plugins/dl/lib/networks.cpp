#include "networks.hpp"

#include <map>

#include <nlohmann/json.hpp>

#include "raserflow/array.hpp"
#include "raserflow/error.hpp"

namespace raserflow::dl {

namespace nn = torch::nn;
namespace F = torch::nn::functional;
using Json = nlohmann::ordered_json;

namespace {

Json parse_object(const std::string& text, const char* what) {
  auto j = Json::parse(text.empty() ? std::string("{}") : text, nullptr, false);
  if (!j.is_object()) throw Error(std::string(what) + " is not a JSON object: '" + text + "'");
  return j;
}

template <class T>
void take(const Json& j, const char* key, T& into) {
  if (j.contains(key)) into = j[key].get<T>();
}

}  // namespace

std::string CnnConfig::json() const {
  return Json{{"inputs", inputs},       {"outputs", outputs},           {"filters", filters},
              {"kernel", kernel},       {"conv_layers", conv_layers},   {"hidden", hidden},
              {"fc_layers", fc_layers}, {"conv_dropout", conv_dropout}, {"fc_dropout", fc_dropout}}
      .dump();
}

CnnConfig CnnConfig::from_json(const std::string& text) {
  const auto j = parse_object(text, "the CNN's config");
  CnnConfig c;
  take(j, "inputs", c.inputs);
  take(j, "outputs", c.outputs);
  take(j, "filters", c.filters);
  take(j, "kernel", c.kernel);
  take(j, "conv_layers", c.conv_layers);
  take(j, "hidden", c.hidden);
  take(j, "fc_layers", c.fc_layers);
  take(j, "conv_dropout", c.conv_dropout);
  take(j, "fc_dropout", c.fc_dropout);
  c.check();
  return c;
}

std::int64_t CnnConfig::flat_size() const {
  std::int64_t length = inputs;
  for (std::int64_t i = 0; i < conv_layers; ++i) {
    length -= kernel - 1;
    if (i > 0) length /= 2;
    if (length < 1)
      throw Error("a CNN of " + std::to_string(conv_layers) + " conv layers with kernel " +
                  std::to_string(kernel) + " needs more than " + std::to_string(inputs) +
                  " inputs");
  }
  return length * filters;
}

void CnnConfig::check() const {
  if (inputs < 1 || outputs < 1 || filters < 1 || kernel < 1 || conv_layers < 1 || hidden < 1 ||
      fc_layers < 1)
    throw Error("CNN sizes must be positive: " + json());
  if (!(conv_dropout >= 0 && conv_dropout < 1 && fc_dropout >= 0 && fc_dropout < 1))
    throw Error("CNN dropout must lie in [0, 1): " + json());
  (void)flat_size();
}

CnnImpl::CnnImpl(const CnnConfig& c) : config_(c) {
  config_.check();
  for (std::int64_t i = 0; i < c.conv_layers; ++i)
    convs_->push_back(nn::Conv1d(nn::Conv1dOptions(i == 0 ? 1 : c.filters, c.filters, c.kernel)));
  for (std::int64_t i = 0; i < c.fc_layers; ++i) {
    fcs_->push_back(nn::Linear(i == 0 ? c.flat_size() : c.hidden, c.hidden));
    // One feature on [B, 1, H]: a single mean and variance over the batch and all H units.
    norms_->push_back(nn::BatchNorm1d(1));
  }
  out_ = nn::Linear(c.hidden, c.outputs);
  register_module("convs", convs_);
  register_module("fcs", fcs_);
  register_module("norms", norms_);
  register_module("out", out_);
}

torch::Tensor CnnImpl::forward(torch::Tensor x) {
  x = x.unsqueeze(1);
  for (std::size_t i = 0; i < convs_->size(); ++i) {
    x = torch::relu(convs_[i]->as<nn::Conv1d>()->forward(x));
    x = F::dropout(x, F::DropoutFuncOptions().p(config_.conv_dropout).training(is_training()));
    if (i > 0) x = F::max_pool1d(x, F::MaxPool1dFuncOptions(2).stride(2));
  }
  x = x.flatten(1).unsqueeze(1);
  for (std::size_t i = 0; i < fcs_->size(); ++i) {
    x = torch::relu(fcs_[i]->as<nn::Linear>()->forward(x));
    x = norms_[i]->as<nn::BatchNorm1d>()->forward(x);
    const double p = i == 0 ? 0.0 : config_.fc_dropout;
    x = F::dropout(x, F::DropoutFuncOptions().p(p).training(is_training()));
  }
  return torch::elu(out_->forward(x)).squeeze(1);
}

std::string UNetConfig::json() const {
  return Json{{"features", features}}.dump();
}

UNetConfig UNetConfig::from_json(const std::string& text) {
  const auto j = parse_object(text, "the U-Net's config");
  UNetConfig c;
  take(j, "features", c.features);
  c.check();
  return c;
}

void UNetConfig::check() const {
  if (features.empty()) throw Error("a U-Net needs at least one level of features");
  for (auto f : features)
    if (f < 1) throw Error("U-Net features must be positive: " + json());
}

namespace {

nn::Sequential double_conv(std::int64_t in, std::int64_t out) {
  return nn::Sequential(nn::Conv2d(nn::Conv2dOptions(in, out, 3).padding(1).bias(false)),
                        nn::BatchNorm2d(out), nn::ReLU(),
                        nn::Conv2d(nn::Conv2dOptions(out, out, 3).padding(1).bias(false)),
                        nn::BatchNorm2d(out), nn::ReLU());
}

}  // namespace

UNetImpl::UNetImpl(const UNetConfig& c) : config_(c) {
  config_.check();
  std::int64_t in = 1;
  for (auto f : c.features) {
    downs_->push_back(double_conv(in, f));
    in = f;
  }
  bottleneck_ = double_conv(c.features.back(), 2 * c.features.back());
  for (auto f = c.features.rbegin(); f != c.features.rend(); ++f) {
    ups_->push_back(nn::ConvTranspose2d(nn::ConvTranspose2dOptions(2 * *f, *f, 2).stride(2)));
    ups_->push_back(double_conv(2 * *f, *f));
  }
  head_ = nn::Conv2d(nn::Conv2dOptions(c.features.front(), 1, 1));
  register_module("downs", downs_);
  register_module("bottleneck", bottleneck_);
  register_module("ups", ups_);
  register_module("head", head_);
}

torch::Tensor UNetImpl::forward(torch::Tensor x) {
  std::vector<torch::Tensor> skips;
  for (auto& down : *downs_) {
    x = down->as<nn::Sequential>()->forward(x);
    skips.push_back(x);
    x = F::max_pool2d(x, F::MaxPool2dFuncOptions(2).stride(2));
  }
  x = bottleneck_->forward(x);
  for (std::size_t i = 0; i < ups_->size(); i += 2) {
    x = ups_[i]->as<nn::ConvTranspose2d>()->forward(x);
    const auto& skip = skips[skips.size() - 1 - i / 2];
    if (x.sizes() != skip.sizes())  // sizes not divisible by 2^levels
      x = F::interpolate(x, F::InterpolateFuncOptions()
                                .size(std::vector<std::int64_t>{skip.size(2), skip.size(3)})
                                .mode(torch::kBilinear)
                                .align_corners(false));
    x = ups_[i + 1]->as<nn::Sequential>()->forward(torch::cat({skip, x}, 1));
  }
  return head_->forward(x);
}

std::int64_t parameter_count(const torch::nn::Module& m) {
  std::int64_t n = 0;
  for (const auto& p : m.parameters()) n += p.numel();
  return n;
}

ModelFile random_model(const std::string& architecture, const std::string& config,
                       std::uint64_t seed) {
  torch::manual_seed(seed);
  if (architecture == "cnn") {
    Cnn m(CnnConfig::from_json(config));
    return {architecture, m->config().json(), "{}", state_of(*m)};
  }
  if (architecture != "unet") throw Error("no architecture '" + architecture + "'");
  UNet m(UNetConfig::from_json(config));
  return {architecture, m->config().json(), "{}", state_of(*m)};
}

std::vector<NamedTensor> state_of(const torch::nn::Module& m) {
  std::vector<NamedTensor> out;
  const auto add = [&](const std::string& name, const torch::Tensor& t) {
    NamedTensor n;
    n.name = name;
    n.shape = t.sizes().vec();
    const auto c = t.detach().contiguous().cpu();
    if (c.scalar_type() == torch::kLong) {
      n.is_int = true;
      n.ints.assign(c.data_ptr<std::int64_t>(), c.data_ptr<std::int64_t>() + c.numel());
    } else {
      const auto f = c.to(torch::kFloat);
      n.floats.assign(f.data_ptr<float>(), f.data_ptr<float>() + f.numel());
    }
    out.push_back(std::move(n));
  };
  for (const auto& p : m.named_parameters(true)) add(p.key(), p.value());
  for (const auto& b : m.named_buffers(true)) add(b.key(), b.value());
  return out;
}

void load_state(torch::nn::Module& m, const std::vector<NamedTensor>& tensors,
                const std::string& where) {
  std::map<std::string, const NamedTensor*> given;
  for (const auto& t : tensors) given[t.name] = &t;
  std::vector<std::pair<torch::Tensor, const NamedTensor*>> plan;
  const auto match = [&](const std::string& name, const torch::Tensor& target) {
    const auto it = given.find(name);
    if (it == given.end())
      throw Error(where + " has no tensor '" + name + "' (" + shape_string(target.sizes().vec()) +
                  "): it was saved from another architecture or size");
    if (it->second->shape != target.sizes().vec())
      throw Error(where + ": tensor '" + name + "' is " + shape_string(it->second->shape) +
                  " but the network's is " + shape_string(target.sizes().vec()) +
                  "; the file's config does not match its tensors");
    plan.emplace_back(target, it->second);
    given.erase(it);
  };
  for (const auto& p : m.named_parameters(true)) match(p.key(), p.value());
  for (const auto& b : m.named_buffers(true)) match(b.key(), b.value());
  if (!given.empty())
    throw Error(where + " has a tensor '" + given.begin()->first +
                "' the network does not have: it was saved from another architecture");
  torch::NoGradGuard no_grad;
  for (auto& [target, source] : plan) {
    const auto options =
        torch::TensorOptions().dtype(source->is_int ? torch::kLong : torch::kFloat);
    auto from = source->is_int ? torch::from_blob(const_cast<std::int64_t*>(source->ints.data()),
                                                  source->shape, options)
                               : torch::from_blob(const_cast<float*>(source->floats.data()),
                                                  source->shape, options);
    target.copy_(from);
  }
}

}  // namespace raserflow::dl
