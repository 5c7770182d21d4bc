#pragma once
// `raserflow dataset info --png`: a grid of random samples of an io.hdf5 training set, to see at
// a glance what a network will be fed. One row per class (the values of an integer scalar
// field `class`), or one row when there is none; each row shows a random item of that class:
// its `image` [rows x cols], one random projection's distorted spectrum (`spectra` [P x S] or
// [S]) and the target profile of the same projection (`targets` [P x M] or [M]). Fields that
// are absent are left out of every row.
#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "hdf5_reader.hpp"

namespace raserflow::io {

// One row of the grid: which item and projection it shows.
struct Sample {
  std::string label;      // "class 2", or "all items"
  std::int64_t row = 0;   // row in the file
  std::int64_t item = 0;  // its item_index
  std::int64_t projection = 0;
};

// The samples, drawn from std::mt19937_64(seed): for each class, one row uniformly among the
// rows of that class (reservoir sampling over the class field, read block by block), then a
// projection uniformly among the spectra's (or targets') rows. Throws raserflow::Error when
// the file has no rows or none of image, spectra and targets.
std::vector<Sample> pick_samples(const Hdf5Reader& r, std::uint64_t seed);

// The grid (8-bit BGR) of those samples.
cv::Mat draw_samples(const Hdf5Reader& r, const std::vector<Sample>& samples, std::uint64_t seed);

}  // namespace raserflow::io
