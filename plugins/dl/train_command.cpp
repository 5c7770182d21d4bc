// `raserflow train cnn|unet DATA.h5 --out MODEL.h5 [options]`: the dl plugin's training command
// (lib/trainer.hpp). Defaults are the paper's (science.md §3.3).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <thread>

#include "backend.hpp"
#include "raserflow/error.hpp"
#include "raserflow/plugin.hpp"

namespace {

namespace dl = raserflow::dl;

int run_train(const std::vector<std::string>& arguments) {
  const std::string kind = arguments.empty() ? "" : arguments.front();
  if (kind != "cnn" && kind != "unet") {
    (kind == "--help" || kind == "-h" ? std::cout : std::cerr)
        << "usage: raserflow train cnn|unet DATA.h5 --out MODEL.h5 [options]\n"
           "  cnn:  the 1-D corrector, spectra -> targets of an io.hdf5 training set\n"
           "  unet: the image enhancer, unet_input -> image (pipelines/unet_dataset.yaml)\n"
           "  raserflow train cnn --help lists the options\n";
    return kind == "--help" || kind == "-h" ? 0 : 2;
  }
  auto o = dl::default_options(kind);
  CLI::App app{"raserflow train " + kind + ": train the " +
               (kind == "cnn" ? std::string("1-D CNN corrector") : std::string("U-Net")) +
               " on an io.hdf5 training set; the best model by validation loss goes to --out, "
               "its loss curve beside it, and a checkpoint to <out>.training, from which the "
               "same command resumes after a kill or a time limit"};
  app.name("raserflow train " + kind);
  std::string data, out;
  app.add_option("data", data, "io.hdf5 training set")->required();
  app.add_option("--out", out, "model file to write (raserflow's HDF5 model format)")->required();
  app.add_option("--input", o.input, "field the network reads")->capture_default_str();
  app.add_option("--target", o.target, "field it learns to give")->capture_default_str();
  app.add_option("--config", o.config, "network sizes as JSON, e.g. '{\"hidden\": 256}'")
      ->capture_default_str();
  app.add_option("--epochs", o.epochs, "most epochs")->capture_default_str();
  app.add_option("--batch", o.batch, "samples per step")->capture_default_str();
  app.add_option("--lr", o.lr, "Adam learning rate")->capture_default_str();
  app.add_option("--lr-final", o.lr_final,
                 "learning rate at the end of the cosine schedule; default lr / 100");
  app.add_option("--schedule", o.schedule, "constant | cosine")->capture_default_str();
  app.add_option("--weight-decay", o.weight_decay, "Adam weight decay")->capture_default_str();
  app.add_option("--validation", o.validation, "share of the images held out")
      ->capture_default_str();
  app.add_option("--seed", o.seed, "split, shuffling, initial weights, dropout")
      ->capture_default_str();
  app.add_option("--patience", o.patience, "epochs without improvement before stopping")
      ->capture_default_str();
  app.add_option("--time-limit", o.time_limit_minutes,
                 "minutes, then checkpoint and stop (the same command resumes); 0: none")
      ->capture_default_str();
  app.add_option("--max-images", o.max_images, "use only the first N images; 0: all")
      ->capture_default_str();
  app.add_option("--threads", o.threads, "LibTorch threads; 0: every core")->capture_default_str();
  app.add_flag("--fresh", o.fresh, "discard an earlier checkpoint of this --out");
  bool lr_final_set = false;
  app.callback([&] { lr_final_set = app.count("--lr-final") > 0; });
  std::vector<std::string> reversed(arguments.begin() + 1, arguments.end());
  std::reverse(reversed.begin(), reversed.end());
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (!lr_final_set) o.lr_final = o.schedule == "cosine" ? o.lr / 100 : o.lr;
  o.data = data;
  o.out = out;
  if (o.threads == 0)
    o.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  try {
    return dl::backend().train(o, std::cerr);
  } catch (const std::exception& e) {
    std::cerr << "\nraserflow train " << kind << ": " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

RASERFLOW_COMMAND(train, "train the CNN corrector or the U-Net on an io.hdf5 training set",
                  run_train);
