#pragma once
// Pixels of a random image from its recipe (random_recipe.hpp), drawn with OpenCV.
#include <opencv2/core.hpp>

#include "random_recipe.hpp"

namespace raserflow::phantom {

// A CV_64F [size x size] image in [0, 1]. In the paper's order: shapes composited white over
// black with their opacity, optional Gaussian blur, optional additive Gaussian noise, the
// mask multiplied in, then the line composited on top (so it may leave the mask).
cv::Mat render(const Recipe& recipe);

// Coverage in [0, 1] of the recipe's mask alone (before its blur), for tests and previews.
cv::Mat mask_coverage(const MaskDraw& mask, int size);

}  // namespace raserflow::phantom
