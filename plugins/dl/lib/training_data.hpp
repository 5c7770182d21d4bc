#pragma once
// A training set read whole from an io.hdf5 file: input and target rows as float32, the image
// each row belongs to (a split by image keeps projections of one image on one side), and what
// identifies the set in a model's metadata.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace raserflow::dl {

struct TrainingData {
  std::vector<float> inputs, targets;
  std::vector<std::int64_t> input_shape, target_shape;  // per row
  std::int64_t rows = 0;
  std::int64_t images = 0;
  std::int64_t rows_per_image = 1;
  std::string convention;    // constant_spectrum_convention, or empty
  std::string seed;          // the pipeline seed, or empty
  std::string content_hash;  // FNV-1a 64 of inputs and targets as float32, hex
  double epsilon_low = 0,
         epsilon_high = 0;  // of epsilon per projection (else epsilon_image); 0, 0 if absent
  std::int64_t row_size(bool target) const;
};

// `per_projection`: fields are [N x P x L] and each of the P rows is a sample (the CNN);
// otherwise each item is one sample (the U-Net, [N x H x W]). `max_images` > 0 reads only the
// first ones. Throws raserflow::Error naming the file and field.
TrainingData read_training_data(const std::filesystem::path& path, const std::string& input,
                                const std::string& target, bool per_projection,
                                std::int64_t max_images);

}  // namespace raserflow::dl
