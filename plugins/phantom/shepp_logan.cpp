// phantom.shepp_logan: the modified Shepp-Logan head phantom, the paper's out-of-distribution
// test image (science.md §3.6).
#include <algorithm>
#include <vector>

#include "ellipses.hpp"
#include "raserflow/raserflow.hpp"

namespace {

using raserflow::Array;
using raserflow::Param;
namespace phantom = raserflow::phantom;

struct SheppLogan final : raserflow::Node {
  static constexpr auto type = "phantom.shepp_logan";
  static constexpr auto doc =
      "the modified Shepp-Logan phantom (ten ellipses on [-1, 1]^2, intensities summed, clamped to "
      "[0, 1]); row 0 is the top (y = +1); the same image for every item";

  Param<int> size{
      this, "size", 44, {.doc = "side of the square image", .unit = "px", .min = 2, .max = 8192}};
  Param<std::string> grid{
      this,
      "grid",
      "pixel_centres",
      {.doc =
           "where pixel centres sit on [-1, 1]: pixel_centres (the pixels tile [-1, 1], centre of "
           "pixel i at -1 + (2i + 1)/size) or matlab (first and last centres on -1 and +1, as "
           "MATLAB's phantom(); the figure is about 2 % smaller at 44 px)",
       .choices = {"pixel_centres", "matlab"}}};
  Param<int> supersample{
      this,
      "supersample",
      1,
      {.doc = "k > 1: each pixel is the mean of k x k samples (the phantom's area average, so thin "
              "rims do not alias into dots); 1: one sample at the pixel centre, as the paper",
       .min = 1,
       .max = 16}};
  raserflow::Writes<double, 2> image{this, "image", {.doc = "[size x size], values in [0, 1]"}};

  void configure() override {
    if (*supersample > 1 && *grid != "pixel_centres")
      throw raserflow::ParamError("supersample", "supersampling needs grid: pixel_centres");
  }

  Array rendered;

  void start() override {
    const auto g = *grid == "matlab" ? phantom::Grid::matlab : phantom::Grid::pixel_centres;
    const int k = *supersample, n = *size;
    auto fine = phantom::render_ellipses(phantom::modified_shepp_logan(), n * k, g);
    std::vector<double> values(static_cast<std::size_t>(n) * static_cast<std::size_t>(n), 0.0);
    for (int r = 0; r < n * k; ++r)
      for (int c = 0; c < n * k; ++c)
        values[static_cast<std::size_t>((r / k) * n + c / k)] +=
            fine[static_cast<std::size_t>(r) * static_cast<std::size_t>(n * k) +
                 static_cast<std::size_t>(c)] /
            (k * k);
    // The modified grey levels sum to values in [0, 1] except for rounding (1 - 0.8 - 0.2 is
    // -5.6e-17 in the ventricles), which the clamp removes.
    for (auto& v : values) v = std::clamp(v, 0.0, 1.0);
    rendered = Array::from<double>({*size, *size}, std::move(values));
  }

  // Every item shares the one immutable buffer.
  void process(raserflow::Item& s) override { image.put(s, rendered); }
};
RASERFLOW_NODE(SheppLogan);

}  // namespace
