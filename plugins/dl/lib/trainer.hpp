#pragma once
// `raserflow train cnn|unet`: an epoch loop over an io.hdf5 training set (trainer.cpp), with
// the options a run takes from the command line (train_command.cpp).
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <string>

namespace raserflow::dl {

struct TrainOptions {
  std::string kind;  // cnn | unet
  std::filesystem::path data, out;
  std::string input, target;  // fields of `data`
  std::string config;         // JSON: the network's size knobs (networks.hpp)
  std::int64_t epochs = 0, batch = 0;
  double lr = 0, lr_final = 0, weight_decay = 0;
  std::string schedule = "constant";  // constant | cosine (from lr down to lr_final)
  double validation = 0.2;            // share of the images held out, split by image
  std::uint64_t seed = 52293;
  std::int64_t patience = 20;     // epochs without a better validation loss before stopping
  double time_limit_minutes = 0;  // 0: none; else stop (resumably) after about this long
  std::int64_t max_images = 0;    // 0: all
  int threads = 0;                // LibTorch intra-op threads; 0: the machine's cores
  double checkpoint_seconds = 120;
  bool fresh = false;    // discard a checkpoint instead of resuming from it
  bool progress = true;  // a progress bar on a terminal, lines otherwise
};

// The paper's settings for each network (science.md §3.3), before command-line overrides.
TrainOptions default_options(const std::string& kind);

// Trains, writing the best model to options.out, its loss curve beside it (<out stem>_loss.png),
// and a checkpoint folder <out>.training that a later identical command resumes from. Returns
// the exit status; throws raserflow::Error for bad data or options.
int train(const TrainOptions& options, std::ostream& log);

}  // namespace raserflow::dl
