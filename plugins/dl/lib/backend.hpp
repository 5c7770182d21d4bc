#pragma once
// LibTorch lives in a library of its own, libraserflow_dl_torch.so (plugins folder, dl-backend/),
// which the dl plugin opens on first use: listing nodes, validating or running a pipeline without
// a dl node never loads LibTorch (about 110 MB and a second of start-up).
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <string>

#include "inference.hpp"
#include "model_file.hpp"
#include "trainer.hpp"

namespace raserflow::dl {

struct Backend {
  std::unique_ptr<Inference> (*open)(const std::filesystem::path& model,
                                     const std::filesystem::path& torchscript,
                                     const std::string& architecture);
  int (*train)(const TrainOptions& options, std::ostream& log);
  ModelFile (*random_model)(const std::string& architecture, const std::string& config,
                            std::uint64_t seed);
};

// Loads the backend on first call (thread-safe); throws raserflow::Error naming the file and
// the loader's reason when it cannot.
const Backend& backend();

}  // namespace raserflow::dl

// The backend library's one exported entry point.
extern "C" const raserflow::dl::Backend* raserflow_dl_backend_v1();
