// dl.unet_enhance: the U-Net of science.md §3.2 on an FBP image, cropped to the ground truth's
// size (48 x 48 in, 2 px off each side: 44 x 44, science.md §2.6).
#include <nlohmann/json.hpp>

#include "backend.hpp"
#include "raserflow/raserflow.hpp"

namespace {

using raserflow::Array;
using raserflow::Error;
using raserflow::Param;
using raserflow::ParamError;

struct UNetEnhance final : raserflow::Node {
  static constexpr auto type = "dl.unet_enhance";
  static constexpr auto doc =
      "the paper's 2-D U-Net (science.md §3.2) on an image, typically the FBP (output_size 48) "
      "of the CNN's corrected projections; the result is cropped by 'crop' pixels per side to "
      "the ground truth's size";

  Param<std::string> model{this,
                           "model",
                           "",
                           {.doc = "raserflow model file (HDF5) written by `raserflow train unet`; "
                                   "models/unet.h5 is the shipped one",
                            .path = raserflow::PathKind::input}};
  Param<std::string> torchscript{
      this,
      "torchscript",
      "",
      {.doc = "a TorchScript file instead of 'model'", .path = raserflow::PathKind::input}};
  Param<int> crop{this,
                  "crop",
                  2,
                  {.doc = "pixels removed from each side of the output (48 -> 44)",
                   .unit = "px",
                   .min = 0,
                   .max = 1024}};
  Param<int> threads{
      this, "threads", 1, {.doc = "LibTorch threads per forward pass", .min = 1, .max = 256}};

  raserflow::Reads<double, 2> image{
      this, "reconstruction", {.doc = "[H x W] image, e.g. radon.fbp's with output_size 48"}};
  raserflow::Writes<double, 2> enhanced{
      this, "enhanced", {.doc = "[H - 2 crop x W - 2 crop] the U-Net's output, cropped"}};

  void configure() override {
    if (model->empty() == torchscript->empty())
      throw ParamError(model->empty() ? "model" : "torchscript",
                       "give exactly one of 'model' and 'torchscript'");
  }

  void start() override {
    net_ = raserflow::dl::backend().open(*model, *torchscript, "unet");
    const auto meta = nlohmann::json::parse(net_->metadata());
    if (meta.contains("images"))
      trained_size_ = meta["images"]["input_size"].get<std::vector<std::int64_t>>();
  }

  void process(raserflow::Item& s) override {
    raserflow::Item* one = &s;
    process_batch({&one, 1});
  }

  void process_batch(std::span<raserflow::Item* const> items) override {
    const auto& first = image.array(*items.front());
    const auto h = first.dim(0), w = first.dim(1);
    if (!trained_size_.empty() && (trained_size_[0] != h || trained_size_[1] != w))
      throw Error("'" + image.name() + "' is " + std::to_string(h) + "x" + std::to_string(w) +
                  " but the U-Net was trained on " + std::to_string(trained_size_[0]) + "x" +
                  std::to_string(trained_size_[1]) + " images (radon.fbp output_size)");
    if (2 * *crop >= h || 2 * *crop >= w)
      throw Error("crop " + std::to_string(*crop) + " leaves nothing of a " + std::to_string(h) +
                  "x" + std::to_string(w) + " image");
    std::vector<float> input;
    for (auto* s : items) {
      const auto& a = image.array(*s);
      if (a.dim(0) != h || a.dim(1) != w) throw Error("images of one batch differ in size");
      for (double v : image.values(*s)) input.push_back(static_cast<float>(v));
    }
    const auto b = static_cast<std::int64_t>(items.size());
    std::vector<std::int64_t> out_shape;
    const auto out = net_->run(input, {b, 1, h, w}, out_shape, *threads);
    if (out_shape != std::vector<std::int64_t>{b, 1, h, w})
      throw Error(net_->source() + " did not return one image per input image");
    const std::int64_t c = *crop, oh = h - 2 * c, ow = w - 2 * c;
    for (std::int64_t k = 0; k < b; ++k) {
      auto result = Array::zeros<double>({oh, ow});
      auto v = result.mutable_values<double>();
      for (std::int64_t i = 0; i < oh; ++i)
        for (std::int64_t j = 0; j < ow; ++j)
          v[static_cast<std::size_t>(i * ow + j)] =
              out[static_cast<std::size_t>(k * h * w + (i + c) * w + (j + c))];
      enhanced.put(*items[static_cast<std::size_t>(k)], std::move(result));
    }
  }

 private:
  std::unique_ptr<raserflow::dl::Inference> net_;
  std::vector<std::int64_t> trained_size_;
};
RASERFLOW_NODE(UNetEnhance);

}  // namespace
