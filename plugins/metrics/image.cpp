// metrics.image: MSE, PSNR and SSIM of a test image against a reference, as the paper's
// evaluation computes them with scikit-image (science.md §3.5).
#include <algorithm>
#include <cmath>

#include "image_metrics.hpp"
#include "raserflow/raserflow.hpp"

namespace {

using raserflow::Array;
using raserflow::Error;
using raserflow::Param;
namespace m = raserflow::metrics;

struct ImageMetrics final : raserflow::Node {
  static constexpr auto type = "metrics.image";
  static constexpr auto doc =
      "mean squared error, PSNR and SSIM of a test image against a reference image (scikit-image "
      "conventions: 7x7 uniform window, data range = max - min of the reference)";

  Param<std::string> reference{
      this, "reference", "image", {.doc = "field holding the reference (ground-truth) image"}};
  Param<std::string> test{
      this, "test", "reconstruction", {.doc = "field holding the image to score"}};
  Param<int> crop{
      this,
      "crop",
      0,
      {.doc = "pixels removed from each side of both images before comparing (the paper crops 2 "
              "from 48 x 48 to 44 x 44)",
       .unit = "px",
       .min = 0}};
  Param<double> data_range{
      this,
      "data_range",
      0.0,
      {.doc = "data range R of PSNR and SSIM (C1 = (0.01 R)^2, C2 = (0.03 R)^2); 0: max - min "
              "of the cropped reference, as the paper",
       .min = 0}};
  Param<std::string> normalize{
      this,
      "normalize",
      "none",
      {.doc = "none (the images as they are, as the paper's code scores them) or minmax (both "
              "cropped images scaled to [0, 1] first, science.md §3.5: fair to methods whose "
              "output scale is arbitrary)",
       .choices = {"none", "minmax"}}};
  raserflow::Writes<double, 0> mse{this, "mse", {.doc = "mean((test - reference)^2)"}};
  raserflow::Writes<double, 0> psnr{
      this, "psnr", {.doc = "10 log10(R^2 / mse), dB; +inf when the images are equal"}};
  raserflow::Writes<double, 0> ssim{this, "ssim", {.doc = "mean structural similarity, at most 1"}};

  void configure() override {
    if (*reference == *test)
      throw raserflow::ParamError("test", "names the same field as reference ('" + *test +
                                              "'); name the image to score and its ground truth");
    read_field({.declared = *reference,
                .dtype = raserflow::DType::float64,
                .rank = 2,
                .doc = "[rows x cols] reference image",
                .param = "reference"});
    read_field({.declared = *test,
                .dtype = raserflow::DType::float64,
                .rank = 2,
                .doc = "[rows x cols] image to score, the reference's shape",
                .param = "test"});
  }

  void process(raserflow::Item& s) override {
    const auto& ref_name = reads()[0].actual;
    const auto& test_name = reads()[1].actual;
    const Array& ref = s.array(ref_name);
    const Array& tst = s.array(test_name);
    if (ref.shape() != tst.shape())
      throw Error(
          "reference '" + ref_name + "' is " + raserflow::shape_string(ref.shape()) +
          " but test '" + test_name + "' is " + raserflow::shape_string(tst.shape()) +
          "; compare images of one shape (resize or pad upstream; 'crop' trims both equally)");
    const std::int64_t border = *crop;
    const std::int64_t rows = ref.dim(0) - 2 * border, cols = ref.dim(1) - 2 * border;
    if (rows < m::kSsimWindow || cols < m::kSsimWindow)
      throw Error("images of " + raserflow::shape_string(ref.shape()) + " cropped by " +
                  std::to_string(border) + " per side leave " + std::to_string(rows) + " x " +
                  std::to_string(cols) + " pixels; SSIM needs at least " +
                  std::to_string(m::kSsimWindow) + " x " + std::to_string(m::kSsimWindow) +
                  " (lower 'crop')");

    auto r = m::crop({ref.values<double>(), ref.dim(0), ref.dim(1)}, border);
    auto t = m::crop({tst.values<double>(), tst.dim(0), tst.dim(1)}, border);
    check_finite(r, ref_name);
    check_finite(t, test_name);
    if (*normalize == "minmax") {
      minmax(r);
      minmax(t);
    }
    const m::ImageView rv{r, rows, cols}, tv{t, rows, cols};
    const double range = *data_range > 0 ? *data_range : m::data_range(rv);
    if (range == 0.0)
      throw Error("reference '" + ref_name +
                  "' is constant, so its data range max - min is 0 and PSNR and SSIM "
                  "are undefined; set 'data_range' (e.g. 1 for images in [0, 1])");

    const double error = m::mean_squared_error(rv, tv);
    const double similarity = m::structural_similarity(rv, tv, range);
    // Finite pixels can still overflow once squared (|x| above ~1e154).
    if (!std::isfinite(error) || !std::isfinite(similarity))
      throw Error("metrics overflow: pixel values of '" + ref_name + "' or '" + test_name +
                  "' are too large to square; rescale the images");
    mse.put(s, Array::scalar(error));
    psnr.put(s, Array::scalar(m::peak_signal_noise_ratio(rv, tv, range)));
    ssim.put(s, Array::scalar(similarity));
  }

  // To [0, 1]; a constant image becomes zeros.
  static void minmax(std::vector<double>& v) {
    const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
    const double low = *lo, range = *hi - *lo;
    for (auto& x : v) x = range > 0 ? (x - low) / range : 0.0;
  }

  static void check_finite(const std::vector<double>& v, const std::string& name) {
    for (const double x : v)
      if (!std::isfinite(x))
        throw Error("image '" + name +
                    "' contains NaN or infinite values; metrics need finite pixels");
  }
};
RASERFLOW_NODE(ImageMetrics);

}  // namespace
