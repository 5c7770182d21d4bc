// Inference and training speed of the dl plugin's networks (README, Benchmarks). Prints:
//  - one image through the correction on 1 LibTorch thread: the CNN on its 30 spectra, the FBP
//    (48 x 48) of the 30 corrected projections, the U-Net; the paper's sizes, weights from
//    models/ when given, else random (the time does not depend on the weights);
//  - images per second with batches of 16 images on 2 threads;
//  - training samples per second of the paper's CNN, batch 300, on 1 and 2 threads (compare
//    bench/pytorch_train_bench.py: the same step in PyTorch).
// Not part of `make test`.
#include <chrono>
#include <cstdio>
#include <vector>

#include <torch/torch.h>

#include "networks.hpp"
#include "numerics/fbp.hpp"

namespace dl = raserflow::dl;
using Clock = std::chrono::steady_clock;

namespace {

template <class F>
double best_ms(int repeats, F&& f) {
  double best = 1e300;
  for (int r = 0; r < repeats; ++r) {
    const auto t0 = Clock::now();
    f();
    best = std::min(best, std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  return best;
}

}  // namespace

int main() {
  torch::manual_seed(0);
  dl::Cnn cnn(dl::CnnConfig{});
  dl::UNet unet(dl::UNetConfig{});
  cnn->eval();
  unet->eval();
  std::vector<double> angles;
  for (int j = 0; j < 30; ++j) angles.push_back(6.0 * j);

  const auto one_image = [&](std::int64_t images) {
    torch::InferenceMode guard;
    const auto projections =
        cnn->forward(torch::rand({30 * images, 200})).to(torch::kDouble).contiguous();
    std::vector<float> fbps;
    for (std::int64_t i = 0; i < images; ++i) {
      const auto* p = projections.data_ptr<double>() + i * 30 * 67;
      const auto image =
          raserflow::radon::fbp({p, 30 * 67}, 30, 67, angles, 48, raserflow::radon::Filter::cosine);
      fbps.insert(fbps.end(), image.begin(), image.end());
    }
    const auto x = torch::from_blob(fbps.data(), {images, 1, 48, 48}, torch::kFloat);
    return unet->forward(x).sum().item<double>();
  };

  torch::set_num_threads(1);
  one_image(1);
  const double cnn_ms = best_ms(20, [&] {
    torch::InferenceMode g;
    cnn->forward(torch::rand({30, 200}));
  });
  const double unet_ms = best_ms(20, [&] {
    torch::InferenceMode g;
    unet->forward(torch::rand({1, 1, 48, 48}));
  });
  // As radon.fbp runs it: the filter built once per bin count, then filter + back-project.
  std::vector<double> sino(30 * 67, 0.5);
  const raserflow::radon::ProjectionFilter filter(67, raserflow::radon::Filter::cosine);
  const double fbp_ms = best_ms(200, [&] {
    raserflow::radon::back_project(filter.apply(sino, 30), 30, filter.geometry().padded_bins,
                                   angles, 48);
  });
  const double image_ms = best_ms(20, [&] { one_image(1); });
  std::printf(
      "inference, 1 thread: one image %.2f ms (CNN on 30 spectra %.2f ms, FBP 48x48 %.3f ms, "
      "U-Net %.2f ms)\n",
      image_ms, cnn_ms, fbp_ms, unet_ms);
  for (int threads : {1, 2}) {
    torch::set_num_threads(threads);
    one_image(16);
    const double batch_ms = best_ms(5, [&] { one_image(16); });
    std::printf("inference, batches of 16 images, %d thread(s): %.0f images/s\n", threads,
                16 * 1000.0 / batch_ms);
  }

  for (int threads : {1, 2}) {
    torch::set_num_threads(threads);
    dl::Cnn net(dl::CnnConfig{});
    torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(3e-4));
    const auto x = torch::rand({300, 200}), y = torch::rand({300, 67});
    const auto step = [&] {
      adam.zero_grad();
      auto l = torch::mse_loss(net->forward(x), y);
      l.backward();
      adam.step();
    };
    for (int i = 0; i < 3; ++i) step();
    const int steps = 20;
    const auto t0 = Clock::now();
    for (int i = 0; i < steps; ++i) step();
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    std::printf(
        "training the paper's CNN, batch 300, %d thread(s): %.0f samples/s (%.0f ms per step)\n",
        threads, steps * 300 / s, s / steps * 1000);
  }
}
