#pragma once
// raserflow's model file: an HDF5 file with the network's tensors by name (group `tensors`, one
// dataset per PyTorch state_dict key, float32 or int64) and what the network needs to be used
// right, as JSON text attributes of the root: `architecture` (cnn | unet), `config` (its sizes),
// `metadata` (the spectrum convention and dataset it was trained on, the training run).
// Readable without raserflow: h5py.File(path)["tensors"][key][()] (README, "Correction").
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace raserflow::dl {

inline constexpr auto model_format = "raserflow-model";
inline constexpr std::int64_t model_format_version = 1;

struct NamedTensor {
  std::string name;
  std::vector<std::int64_t> shape;
  std::vector<float> floats;       // float32 tensors (weights, running statistics)
  std::vector<std::int64_t> ints;  // int64 tensors (BatchNorm's num_batches_tracked)
  bool is_int = false;
  std::int64_t numel() const;
};

struct ModelFile {
  std::string architecture;  // cnn | unet
  std::string config;        // JSON object
  std::string metadata;      // JSON object
  std::vector<NamedTensor> tensors;
};

// Written under a temporary name and renamed into place. Throws raserflow::Error.
void save_model(const std::filesystem::path& path, const ModelFile& model);

// Throws raserflow::Error naming the file and what is wrong: missing, not HDF5, not a model
// file, a newer format version, a tensor of an unsupported type.
ModelFile load_model(const std::filesystem::path& path);

// A freshly initialised network of `architecture` (cnn | unet) and `config` (JSON) as a model
// file, LibTorch seeded with `seed`, metadata empty (defined in networks.cpp, with the networks).
ModelFile random_model(const std::string& architecture, const std::string& config,
                       std::uint64_t seed);

}  // namespace raserflow::dl
