#include "trainer.hpp"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <numbers>
#include <ostream>
#include <random>

#include <torch/torch.h>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "line_plot.hpp"
#include "networks.hpp"
#include "raserflow/error.hpp"
#include "raserflow/output_file.hpp"
#include "training_data.hpp"

namespace raserflow::dl {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;

namespace {

// Batches between re-seedings of LibTorch's generator (dropout): the masks depend on (seed,
// epoch, batch) only, so a run resumed from any checkpoint continues exactly.
constexpr std::int64_t segment = 50;

std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
  std::uint64_t z = a + 0x9e3779b97f4a7c15ULL * (b + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

struct Network {
  std::shared_ptr<torch::nn::Module> module;
  std::function<torch::Tensor(const torch::Tensor&)> forward;
};

Network make_network(const TrainOptions& o) {
  if (o.kind == "cnn") {
    Cnn m(CnnConfig::from_json(o.config));
    return {m.ptr(), [m](const torch::Tensor& x) mutable { return m->forward(x); }};
  }
  UNet m(UNetConfig::from_json(o.config));
  return {m.ptr(), [m](const torch::Tensor& x) mutable { return m->forward(x); }};
}

std::string clock_text(double seconds) {
  const auto s = static_cast<long>(std::max(0.0, seconds));
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, s / 60 % 60);
  else
    std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  return buf;
}

// Everything a resumed run needs besides the weights and the optimizer.
struct State {
  std::int64_t epoch = 0, next_batch = 0;
  double loss_sum = 0;
  std::int64_t loss_batches = 0;
  double best = INFINITY;
  std::int64_t best_epoch = -1, bad_epochs = 0;
  double seconds = 0;  // training time of earlier processes
  Json history = Json::array();
};

Json state_json(const State& s) {
  return {{"epoch", s.epoch},
          {"next_batch", s.next_batch},
          {"loss_sum", s.loss_sum},
          {"loss_batches", s.loss_batches},
          {"best", std::isfinite(s.best) ? Json(s.best) : Json()},
          {"best_epoch", s.best_epoch},
          {"bad_epochs", s.bad_epochs},
          {"seconds", s.seconds},
          {"history", s.history}};
}

State state_from(const Json& j) {
  State s;
  s.epoch = j.at("epoch");
  s.next_batch = j.at("next_batch");
  s.loss_sum = j.at("loss_sum");
  s.loss_batches = j.at("loss_batches");
  s.best = j.at("best").is_null() ? INFINITY : j.at("best").get<double>();
  s.best_epoch = j.at("best_epoch");
  s.bad_epochs = j.at("bad_epochs");
  s.seconds = j.at("seconds");
  s.history = j.at("history");
  return s;
}

class Trainer {
 public:
  Trainer(const TrainOptions& o, std::ostream& log) : o_(o), log_(log) {}

  int run() {
    check_options();
    if (o_.threads > 0) torch::set_num_threads(o_.threads);
    log_ << "reading " << o_.data.string() << " ...\n";
    data_ = read_training_data(o_.data, o_.input, o_.target, o_.kind == "cnn", o_.max_images);
    make_tensors();
    split();
    torch::manual_seed(o_.seed);
    net_ = make_network(o_);
    optimizer_ = std::make_unique<torch::optim::Adam>(
        net_.module->parameters(), torch::optim::AdamOptions(o_.lr).weight_decay(o_.weight_decay));
    resume_or_start();
    started_ = last_checkpoint_ = last_shown_ = Clock::now();  // rates exclude reading the data
    log_ << o_.kind << ": " << parameter_count(*net_.module) << " parameters; "
         << train_rows_.size() << " training and " << validation_rows_.size()
         << " validation samples from " << data_.images << " images (split by image); "
         << "predicting the mean target scores " << baseline_ << " on validation\n";
    return loop();
  }

 private:
  bool cnn() const { return o_.kind == "cnn"; }

  void check_options() const {
    if (o_.epochs < 1) throw Error("--epochs must be at least 1");
    if (o_.batch < 1) throw Error("--batch must be at least 1");
    if (!(o_.lr > 0) || !(o_.lr_final > 0)) throw Error("--lr and --lr-final must be positive");
    if (!(o_.weight_decay >= 0)) throw Error("--weight-decay must be >= 0");
    if (!(o_.validation > 0 && o_.validation < 1))
      throw Error("--validation must lie strictly between 0 and 1");
    if (o_.schedule != "constant" && o_.schedule != "cosine")
      throw Error("--schedule must be constant or cosine, not '" + o_.schedule + "'");
  }

  void make_tensors() {
    const auto f = torch::TensorOptions().dtype(torch::kFloat);
    if (cnn()) {
      const auto c = CnnConfig::from_json(o_.config);
      if (data_.input_shape[0] != c.inputs || data_.target_shape[0] != c.outputs)
        throw Error(o_.data.string() + ": '" + o_.input + "' rows hold " +
                    std::to_string(data_.input_shape[0]) + " values and '" + o_.target + "' rows " +
                    std::to_string(data_.target_shape[0]) + ", but the CNN takes " +
                    std::to_string(c.inputs) + " and gives " + std::to_string(c.outputs) +
                    " (set inputs/outputs in --config)");
      if (data_.convention.empty())
        throw Error(o_.data.string() +
                    " has no attribute constant_spectrum_convention: write "
                    "the dataset with io.hdf5's constants: [spectrum_convention] so the model "
                    "knows which spectra it was trained on");
      x_ = torch::from_blob(data_.inputs.data(), {data_.rows, c.inputs}, f);
      y_ = torch::from_blob(data_.targets.data(), {data_.rows, c.outputs}, f);
      return;
    }
    const auto h = data_.input_shape[0], w = data_.input_shape[1];
    const auto th = data_.target_shape[0], tw = data_.target_shape[1];
    if (th > h || tw > w || (h - th) % 2 || (w - tw) % 2)
      throw Error(o_.data.string() + ": target images " + std::to_string(th) + "x" +
                  std::to_string(tw) + " cannot be zero-padded evenly to the inputs' " +
                  std::to_string(h) + "x" + std::to_string(w));
    x_ = torch::from_blob(data_.inputs.data(), {data_.rows, 1, h, w}, f);
    const auto py = (h - th) / 2, px = (w - tw) / 2;
    // Targets zero-padded to the input size (science.md §2.6), as the paper trained.
    y_ = torch::constant_pad_nd(torch::from_blob(data_.targets.data(), {data_.rows, 1, th, tw}, f),
                                {px, px, py, py}, 0.0);
  }

  // Images shuffled with the seed; the first `validation` share of them is held out.
  void split() {
    std::vector<std::int64_t> images(static_cast<std::size_t>(data_.images));
    std::iota(images.begin(), images.end(), 0);
    std::mt19937_64 rng(o_.seed);
    std::shuffle(images.begin(), images.end(), rng);
    auto n_val =
        static_cast<std::int64_t>(std::llround(o_.validation * static_cast<double>(data_.images)));
    n_val = std::clamp<std::int64_t>(n_val, 1, data_.images - 1);
    std::vector<std::int64_t> val_images(images.begin(), images.begin() + n_val);
    std::sort(val_images.begin(), val_images.end());
    std::vector<bool> held(static_cast<std::size_t>(data_.images), false);
    for (auto i : val_images) held[static_cast<std::size_t>(i)] = true;
    for (std::int64_t r = 0; r < data_.rows; ++r)
      (held[static_cast<std::size_t>(r / data_.rows_per_image)] ? validation_rows_ : train_rows_)
          .push_back(r);
    if (static_cast<std::int64_t>(train_rows_.size()) < o_.batch)
      throw Error("only " + std::to_string(train_rows_.size()) +
                  " training samples for a batch of " + std::to_string(o_.batch) +
                  "; lower --batch or use more images");
    // What predicting the training targets' mean would score: the bar a network must clear.
    const auto mean = y_.index_select(0, index_tensor(train_rows_)).mean(0, true);
    const auto yv = y_.index_select(0, index_tensor(validation_rows_));
    baseline_ = (cnn() ? (yv - mean).pow(2) : (yv - mean).abs()).mean().item<double>();
  }

  static torch::Tensor index_tensor(const std::vector<std::int64_t>& rows) {
    return torch::tensor(torch::ArrayRef<std::int64_t>(rows), torch::kLong);
  }

  torch::Tensor loss(const torch::Tensor& prediction, const torch::Tensor& target) const {
    return cnn() ? torch::mse_loss(prediction, target) : torch::l1_loss(prediction, target);
  }

  // Every size, defaults included: "{}" and the paper's sizes spelled out are one network.
  std::string canonical_config() const {
    return cnn() ? CnnConfig::from_json(o_.config).json() : UNetConfig::from_json(o_.config).json();
  }

  Json signature() const {
    return {{"kind", o_.kind},
            {"data", data_.content_hash},
            {"input", o_.input},
            {"target", o_.target},
            {"config", Json::parse(canonical_config())},
            {"epochs", o_.epochs},
            {"batch", o_.batch},
            {"lr", o_.lr},
            {"lr_final", o_.lr_final},
            {"schedule", o_.schedule},
            {"weight_decay", o_.weight_decay},
            {"validation", o_.validation},
            {"seed", o_.seed},
            {"max_images", o_.max_images}};
  }

  fs::path checkpoint_dir() const { return fs::path(o_.out.string() + ".training"); }

  void resume_or_start() {
    const auto dir = checkpoint_dir(), old = fs::path(dir.string() + ".old");
    if (!fs::exists(dir) && fs::exists(old)) fs::rename(old, dir);  // killed while replacing
    if (o_.fresh) fs::remove_all(dir);
    if (!fs::exists(dir / "state.json")) return;
    std::ifstream in(dir / "state.json");
    const auto j = Json::parse(in, nullptr, false);
    if (!j.is_object() || !j.contains("signature"))
      throw Error(dir.string() + "/state.json is unreadable; remove the folder or pass --fresh");
    if (j["signature"] != signature())
      throw Error("the checkpoint in " + dir.string() + " is of another training (" +
                  j["signature"].dump() + "); pass --fresh to start over, or repeat its options");
    load_state(*net_.module, load_model(dir / "model.h5").tensors, (dir / "model.h5").string());
    torch::load(*optimizer_, (dir / "optimizer.pt").string());
    state_ = state_from(j["state"]);
    log_ << "resuming from " << dir.string() << " at epoch " << state_.epoch + 1 << ", batch "
         << state_.next_batch << "\n";
  }

  void save_checkpoint() {
    const auto dir = checkpoint_dir(), tmp = fs::path(dir.string() + ".tmp"),
               old = fs::path(dir.string() + ".old");
    fs::remove_all(tmp);
    fs::create_directories(tmp);
    save_model(tmp / "model.h5", model_file());
    torch::save(*optimizer_, (tmp / "optimizer.pt").string());
    auto s = state_;
    s.seconds += seconds_here();
    {
      std::ofstream out(tmp / "state.json");
      out << Json{{"signature", signature()}, {"state", state_json(s)}}.dump(1) << "\n";
      if (!out) throw Error("cannot write " + (tmp / "state.json").string());
    }
    fs::remove_all(old);
    if (fs::exists(dir)) fs::rename(dir, old);
    fs::rename(tmp, dir);
    fs::remove_all(old);
    last_checkpoint_ = Clock::now();
  }

  double seconds_here() const {
    return std::chrono::duration<double>(Clock::now() - started_).count();
  }

  ModelFile model_file() const {
    Json dataset{{"file", o_.data.filename().string()},
                 {"content_hash", data_.content_hash},
                 {"images", data_.images},
                 {"input", o_.input},
                 {"target", o_.target}};
    if (!data_.seed.empty()) dataset["seed"] = std::stoll(data_.seed);
    if (data_.epsilon_high > 0) dataset["epsilon_range"] = {data_.epsilon_low, data_.epsilon_high};
    Json meta{{"dataset", dataset}};
    if (!data_.convention.empty()) meta["convention"] = Json::parse(data_.convention);
    if (!cnn())
      meta["images"] = {{"input_size", data_.input_shape}, {"target_size", data_.target_shape}};
    meta["training"] = {
        {"epochs_run", state_.history.size()},
        {"best_epoch", state_.best_epoch + 1},
        {"best_validation_loss", std::isfinite(state_.best) ? Json(state_.best) : Json()},
        {"baseline_validation_loss", baseline_},
        {"loss", cnn() ? "mse" : "l1"},
        {"seconds", state_.seconds + seconds_here()},
        {"options", signature()},
        {"history", state_.history}};
    return {o_.kind, canonical_config(), meta.dump(), state_of(*net_.module)};
  }

  double learning_rate(double epoch_position) const {
    if (o_.schedule == "constant") return o_.lr;
    const double t = std::clamp(epoch_position / static_cast<double>(o_.epochs), 0.0, 1.0);
    return o_.lr_final + 0.5 * (o_.lr - o_.lr_final) * (1 + std::cos(std::numbers::pi * t));
  }

  double validate() {
    torch::NoGradGuard no_grad;
    net_.module->eval();
    double sum = 0;
    const auto n = static_cast<std::int64_t>(validation_rows_.size());
    const std::int64_t block = cnn() ? 2048 : 64;
    for (std::int64_t first = 0; first < n; first += block) {
      const auto count = std::min(block, n - first);
      const std::vector<std::int64_t> rows(validation_rows_.begin() + first,
                                           validation_rows_.begin() + first + count);
      const auto idx = index_tensor(rows);
      sum += loss(net_.forward(x_.index_select(0, idx)), y_.index_select(0, idx)).item<double>() *
             static_cast<double>(count);
    }
    net_.module->train();
    return sum / static_cast<double>(n);
  }

  void show(std::int64_t batch, std::int64_t batches, bool force) {
    const bool tty = o_.progress && ::isatty(STDERR_FILENO) && !std::getenv("CI");
    const auto now = Clock::now();
    const double since = std::chrono::duration<double>(now - last_shown_).count();
    if (!force && since < (tty ? 0.5 : 60.0)) return;
    last_shown_ = now;
    const double frac = static_cast<double>(batch) / static_cast<double>(batches);
    const double done_here = static_cast<double>(samples_here_);
    const double rate = done_here / std::max(1e-9, seconds_here());
    const double left_samples = (static_cast<double>(o_.epochs - state_.epoch) - frac) *
                                static_cast<double>(train_rows_.size());
    double left = rate > 0 ? left_samples / rate : 0;
    if (o_.time_limit_minutes > 0)
      left = std::min(left, o_.time_limit_minutes * 60 - seconds_here());
    char line[256];
    const int width = 20, filled = static_cast<int>(frac * width);
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(width, '.');
    std::snprintf(
        line, sizeof line, "%s epoch %lld/%lld %3.0f%% |%s| loss %.5f%s %6.0f samples/s  %s left",
        o_.kind.c_str(), static_cast<long long>(state_.epoch + 1),
        static_cast<long long>(o_.epochs), 100 * frac, bar.c_str(),
        state_.loss_batches ? state_.loss_sum / static_cast<double>(state_.loss_batches) : 0.0,
        std::isfinite(state_.best) ? (" (best val " + short_number(state_.best) + ")").c_str() : "",
        rate, clock_text(left).c_str());
    if (tty)
      std::fprintf(stderr, "\r%s\033[K", line);
    else
      log_ << line << "\n" << std::flush;
  }

  static std::string short_number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.5f", v);
    return buf;
  }

  void draw_loss_curve() const {
    if (state_.history.empty()) return;
    std::vector<double> train, val;
    for (const auto& h : state_.history) {
      train.push_back(std::log10(std::max(1e-12, h["train_loss"].get<double>())));
      val.push_back(std::log10(std::max(1e-12, h["validation_loss"].get<double>())));
    }
    io::PlotStyle style;
    style.x_start = 1;
    style.title = o_.kind + " training on " + o_.data.filename().string();
    style.x_label = "epoch";
    style.y_label = std::string("log10 ") + (cnn() ? "MSE" : "L1");
    std::vector<io::Curve> curves{{"training", train}, {"validation", val}};
    curves.push_back({"mean-target baseline",
                      std::vector<double>(train.size(), std::log10(std::max(1e-12, baseline_)))});
    const auto path = o_.out.parent_path() / (o_.out.stem().string() + "_loss.png");
    OutputFile file(path);
    if (!cv::imwrite(file.temp_path().string() + ".png", io::draw_line_plot(curves, style)))
      throw Error("cannot write " + path.string());
    fs::rename(file.temp_path().string() + ".png", file.temp_path());
    file.commit();
  }

  int loop() {
    net_.module->train();
    const auto n = static_cast<std::int64_t>(train_rows_.size());
    const auto batches = n / o_.batch;  // the last partial batch is dropped, as the paper's code
    while (state_.epoch < o_.epochs) {
      std::vector<std::int64_t> order = train_rows_;
      std::mt19937_64 rng(mix(o_.seed, static_cast<std::uint64_t>(state_.epoch)));
      std::shuffle(order.begin(), order.end(), rng);
      for (auto b = state_.next_batch; b < batches; ++b) {
        if (b % segment == 0)
          torch::manual_seed(mix(mix(o_.seed, static_cast<std::uint64_t>(state_.epoch)),
                                 static_cast<std::uint64_t>(b)));
        auto& adam =
            static_cast<torch::optim::AdamOptions&>(optimizer_->param_groups()[0].options());
        adam.lr(learning_rate(static_cast<double>(state_.epoch) +
                              static_cast<double>(b) / static_cast<double>(batches)));
        const std::vector<std::int64_t> rows(order.begin() + b * o_.batch,
                                             order.begin() + (b + 1) * o_.batch);
        const auto idx = index_tensor(rows);
        optimizer_->zero_grad();
        auto l = loss(net_.forward(x_.index_select(0, idx)), y_.index_select(0, idx));
        l.backward();
        optimizer_->step();
        const double value = l.item<double>();
        if (!std::isfinite(value))
          throw Error("the training loss became " + std::to_string(value) + " at epoch " +
                      std::to_string(state_.epoch + 1) + ", batch " + std::to_string(b) +
                      "; lower --lr");
        state_.loss_sum += value;
        ++state_.loss_batches;
        samples_here_ += o_.batch;
        state_.next_batch = b + 1;
        show(b + 1, batches, false);
        if ((b + 1) % segment == 0 && b + 1 < batches) {
          const bool out_of_time =
              o_.time_limit_minutes > 0 && seconds_here() > o_.time_limit_minutes * 60;
          if (out_of_time ||
              std::chrono::duration<double>(Clock::now() - last_checkpoint_).count() >
                  o_.checkpoint_seconds)
            save_checkpoint();
          if (out_of_time) return stopped_for_time();
        }
      }
      end_epoch();
      if (state_.bad_epochs >= o_.patience) {
        log_ << "\nno better validation loss for " << o_.patience << " epochs: stopping early\n";
        break;
      }
      if (o_.time_limit_minutes > 0 && seconds_here() > o_.time_limit_minutes * 60 &&
          state_.epoch < o_.epochs)
        return stopped_for_time();
    }
    log_ << "\nbest validation loss " << state_.best << " at epoch " << state_.best_epoch + 1
         << " (mean-target baseline " << baseline_ << "); model in " << o_.out.string() << "\n";
    return 0;
  }

  int stopped_for_time() {
    log_ << "\ntime limit reached at epoch " << state_.epoch + 1 << ", batch " << state_.next_batch
         << "; the same command continues from " << checkpoint_dir().string() << "\n";
    return 0;
  }

  void end_epoch() {
    const double train_loss =
        state_.loss_sum / static_cast<double>(std::max<std::int64_t>(1, state_.loss_batches));
    const double val = validate();
    state_.history.push_back({{"epoch", state_.epoch + 1},
                              {"train_loss", train_loss},
                              {"validation_loss", val},
                              {"lr", learning_rate(static_cast<double>(state_.epoch + 1))},
                              {"seconds", state_.seconds + seconds_here()}});
    const bool better = val < state_.best;
    if (better) {
      state_.best = val;
      state_.best_epoch = state_.epoch;
      state_.bad_epochs = 0;
    } else {
      ++state_.bad_epochs;
    }
    ++state_.epoch;
    state_.next_batch = 0;
    state_.loss_sum = 0;
    state_.loss_batches = 0;
    if (better) save_model(o_.out, model_file());
    save_checkpoint();
    draw_loss_curve();
    log_ << (::isatty(STDERR_FILENO) ? "\n" : "") << "epoch " << state_.epoch << ": train "
         << train_loss << ", validation " << val << (better ? " (best; saved)" : "") << "\n"
         << std::flush;
  }

  TrainOptions o_;
  std::ostream& log_;
  TrainingData data_;
  torch::Tensor x_, y_;
  std::vector<std::int64_t> train_rows_, validation_rows_;
  double baseline_ = 0;
  Network net_;
  std::unique_ptr<torch::optim::Adam> optimizer_;
  State state_;
  Clock::time_point started_ = Clock::now(), last_checkpoint_ = Clock::now(),
                    last_shown_ = Clock::now();
  std::int64_t samples_here_ = 0;
};

}  // namespace

int train(const TrainOptions& options, std::ostream& log) {
  Trainer t(options, log);
  return t.run();
}

}  // namespace raserflow::dl
