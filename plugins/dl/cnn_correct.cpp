// dl.cnn_correct: the 1-D CNN of science.md §3.1 turns each spectrum into a corrected projection,
// one forward pass per batch of items.
#include <atomic>
#include <iostream>
#include <mutex>

#include <nlohmann/json.hpp>

#include "backend.hpp"
#include "raserflow/raserflow.hpp"
#include "spectrum_convention.hpp"

namespace {

using raserflow::Array;
using raserflow::Error;
using raserflow::Param;
using raserflow::ParamError;
using Json = nlohmann::json;

struct CnnCorrect final : raserflow::Node {
  static constexpr auto type = "dl.cnn_correct";
  static constexpr auto doc =
      "the paper's 1-D CNN (science.md §3.1): each row of 'spectra' to a corrected projection, "
      "one forward pass per batch of items (set batch: on the node); refuses spectra made with "
      "another convention than its training data's and warns when epsilon lies outside the "
      "training range";

  Param<std::string> model{this,
                           "model",
                           "",
                           {.doc = "raserflow model file (HDF5) written by `raserflow train cnn`; "
                                   "models/cnn.h5 is the shipped one",
                            .path = raserflow::PathKind::input}};
  Param<std::string> torchscript{this,
                                 "torchscript",
                                 "",
                                 {.doc = "a TorchScript file instead of 'model' (exported from "
                                         "Python; its metadata in the extra file raserflow.json)",
                                  .path = raserflow::PathKind::input}};
  Param<int> threads{this,
                     "threads",
                     1,
                     {.doc = "LibTorch threads per forward pass; 1 lets the runtime's workers "
                             "own the cores (README, \"Correction\")",
                      .min = 1,
                      .max = 256}};
  Param<bool> check_convention{
      this,
      "check_convention",
      true,
      {.doc = "compare spectrum_convention with the model's and refuse a difference; false "
              "only for a model without metadata"}};

  raserflow::Reads<double, 2> spectra{
      this, "spectra", {.doc = "[P x L] spectra, L the model's input width (fft.spectrum)"}};
  raserflow::Reads<double, 1> epsilon{
      this,
      "epsilon",
      {.doc = "[P] total inversion over threshold, when known: a warning when outside the "
              "training range",
       .optional = true}};
  raserflow::Writes<double, 2> corrected{
      this,
      "corrected_projections",
      {.doc = "[P x M] corrected projections, M the model's outputs (67), min-max scaled like "
              "the training targets"}};

  void configure() override {
    if (model->empty() == torchscript->empty())
      throw ParamError(model->empty() ? "model" : "torchscript",
                       "give exactly one of 'model' and 'torchscript'");
    has_convention_read_ = *check_convention;
    if (has_convention_read_) {
      convention_slot_ = reads().size();
      read_field({.declared = "spectrum_convention",
                  .text = true,
                  .doc = "fft.spectrum's settings, compared with the model's",
                  .param = "check_convention"});
    }
  }

  void start() override {
    net_ = raserflow::dl::backend().open(*model, *torchscript, "cnn");
    const auto meta = Json::parse(net_->metadata());
    if (meta.contains("convention")) expected_ = meta["convention"].dump();
    if (*check_convention && expected_.empty())
      throw Error(net_->source() +
                  " records no spectrum convention; set check_convention: "
                  "false to use it anyway");
    const auto config = Json::parse(net_->config());
    inputs_ = config.value("inputs", std::int64_t{0});
    if (meta.contains("dataset") && meta["dataset"].contains("epsilon_range")) {
      eps_low_ = meta["dataset"]["epsilon_range"][0];
      eps_high_ = meta["dataset"]["epsilon_range"][1];
    }
  }

  void process(raserflow::Item& s) override {
    raserflow::Item* one = &s;
    process_batch({&one, 1});
  }

  void process_batch(std::span<raserflow::Item* const> items) override {
    std::vector<float> input;
    std::int64_t rows = 0, width = -1;
    for (auto* s : items) {
      check(*s);
      const auto& a = spectra.array(*s);
      if (width >= 0 && a.dim(1) != width)
        throw Error("items of one batch have spectra of " + std::to_string(width) + " and " +
                    std::to_string(a.dim(1)) + " bins");
      width = a.dim(1);
      rows += a.dim(0);
      for (double v : spectra.values(*s)) input.push_back(static_cast<float>(v));
    }
    if (inputs_ > 0 && width != inputs_)
      throw Error("'" + spectra.name() + "' rows hold " + std::to_string(width) +
                  " values; the model takes " + std::to_string(inputs_));
    std::vector<std::int64_t> out_shape;
    const auto out = net_->run(input, {rows, width}, out_shape, *threads);
    if (out_shape.size() != 2 || out_shape[0] != rows)
      throw Error(net_->source() + " gave " + std::to_string(out.size()) + " values for " +
                  std::to_string(rows) + " spectra; expected [spectra x outputs]");
    const auto m = out_shape[1];
    std::int64_t at = 0;
    for (auto* s : items) {
      const auto p = spectra.array(*s).dim(0);
      auto result = Array::zeros<double>({p, m});
      auto v = result.mutable_values<double>();
      for (std::int64_t i = 0; i < p * m; ++i)
        v[static_cast<std::size_t>(i)] = out[static_cast<std::size_t>(at * m + i)];
      at += p;
      corrected.put(*s, std::move(result));
    }
  }

  std::string report() const override {
    Json j{{"model", net_ ? net_->source() : std::string()}};
    if (eps_high_ > 0) {
      j["training_epsilon_range"] = {eps_low_, eps_high_};
      j["items_outside_epsilon_range"] = outside_.load();
    }
    return j.dump();
  }

 private:
  void check(const raserflow::Item& s) {
    if (has_convention_read_) {
      const auto& got = s.text(reads()[convention_slot_].actual);
      if (got != expected_) {
        const auto diff = raserflow::fft::convention_difference(expected_, got);
        if (!diff.empty())
          throw Error("item " + std::to_string(s.index()) +
                      ": spectra made with another "
                      "convention than the model's training data (" +
                      diff +
                      "); set fft.spectrum like the training pipeline, or train on these "
                      "spectra");
      }
    }
    if (eps_high_ > 0 && epsilon.in(s)) {
      for (double e : epsilon.values(s))
        if (e < eps_low_ * 0.999 || e > eps_high_ * 1.001) {
          if (outside_.fetch_add(1) == 0)
            std::cerr << "warning: " << id() << " (dl.cnn_correct): epsilon " << e << " in item "
                      << s.index() << " lies outside the model's training range [" << eps_low_
                      << ", " << eps_high_ << "]; expect a poorer correction (manifest: "
                      << "items_outside_epsilon_range)\n";
          break;
        }
    }
  }

  std::unique_ptr<raserflow::dl::Inference> net_;
  std::string expected_;
  std::size_t convention_slot_ = 0;
  bool has_convention_read_ = false;
  std::int64_t inputs_ = 0;
  double eps_low_ = 0, eps_high_ = 0;
  std::atomic<std::int64_t> outside_{0};
};
RASERFLOW_NODE(CnnCorrect);

}  // namespace
