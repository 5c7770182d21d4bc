#include "raserflow/error.hpp"
#include "trainer.hpp"

namespace raserflow::dl {

TrainOptions default_options(const std::string& kind) {
  TrainOptions o;
  o.kind = kind;
  if (kind == "cnn") {
    o.input = "spectra";
    o.target = "targets";
    o.epochs = 500;
    o.batch = 300;
    o.lr = 4.1445548e-5;
    o.weight_decay = 1.01299e-6;
    o.config = "{}";  // the paper's sizes (networks.hpp)
  } else if (kind == "unet") {
    o.input = "unet_input";
    o.target = "image";
    o.epochs = 20;
    o.batch = 5;
    o.lr = 4.145e-5;
    o.weight_decay = 1.013e-6;
    o.config = "{}";
  } else {
    throw Error("no network '" + kind + "' to train; choose cnn or unet");
  }
  o.lr_final = o.lr;
  return o;
}

}  // namespace raserflow::dl
