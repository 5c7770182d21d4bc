// The LibTorch backend's entry point (backend.hpp): what the dl plugin calls after loading it.
#include "backend.hpp"
#include "networks.hpp"

extern "C" __attribute__((visibility("default"))) const raserflow::dl::Backend*
raserflow_dl_backend_v1() {
  static const raserflow::dl::Backend backend{&raserflow::dl::Inference::open,
                                              &raserflow::dl::train, &raserflow::dl::random_model};
  return &backend;
}
