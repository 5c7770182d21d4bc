// radon.project: parallel-beam projections of an image at evenly spaced angles.
#include <cmath>
#include <string>

#include "numerics/geometry.hpp"
#include "numerics/projector.hpp"
#include "raserflow/raserflow.hpp"

namespace {

using raserflow::Array;
using raserflow::Param;

struct Project final : raserflow::Node {
  static constexpr auto type = "radon.project";
  static constexpr auto doc =
      "Radon transform of an image: projections at theta_j = 180 j / angle_count degrees in "
      "scikit-image's geometry (t = y cos theta - x sin theta about pixel (N/2, N/2), bin "
      "bins/2 at t = 0), each pixel a square whose exact share falls into each bin";

  Param<int> angle_count{this,
                         "angle_count",
                         30,
                         {.doc = "number of projections, evenly spaced over [0, 180) degrees",
                          .min = 1,
                          .max = 100000}};
  Param<int> bins{this,
                  "bins",
                  0,
                  {.doc = "bins per projection, one pixel wide; 0 takes MATLAB radon's length "
                          "2 ceil(|size - floor((size - 1)/2) - 1|) + 3 (67 for 44 x 44), enough "
                          "for every pixel; fewer bins drop what falls off the detector",
                   .min = 0,
                   .max = 100000}};

  raserflow::Reads<double, 2> image{
      this, "image", {.doc = "[N x N] (rows x cols), row 0 at the top, a.u."}};
  raserflow::Writes<double, 2> projections{
      this, "projections", {.doc = "[angles x bins], line integrals in image units x pixels"}};
  raserflow::Writes<double, 1> angles{this, "angles", {.doc = "[angles], degrees"}};

  void process(raserflow::Item& s) override {
    namespace rr = raserflow::radon;
    const auto& img = image.array(s);
    if (img.rank() != 2)
      throw raserflow::Error("image '" + image.name() +
                             "' must be a 2-D array [rows x cols], got shape " +
                             raserflow::shape_string(img.shape()));
    const auto rows = img.dim(0), cols = img.dim(1);
    if (rows < 1 || cols < 1)
      throw raserflow::Error("image '" + image.name() + "' is empty (" +
                             raserflow::shape_string(img.shape()) +
                             "); give at least 1 x 1 pixels");
    const auto pixels = img.values<double>();
    for (std::size_t i = 0; i < pixels.size(); ++i)
      if (!std::isfinite(pixels[i]))
        throw raserflow::Error("image '" + image.name() + "' has a non-finite value at row " +
                               std::to_string(static_cast<std::int64_t>(i) / cols) + ", column " +
                               std::to_string(static_cast<std::int64_t>(i) % cols));
    const std::int64_t m = *bins > 0 ? *bins : rr::matlab_bin_count(rows, cols);
    auto theta = rr::uniform_angles_deg(*angle_count);
    auto values = rr::project(pixels, rows, cols, theta, m);
    const auto p = static_cast<std::int64_t>(theta.size());
    projections.put(s, Array::from<double>({p, m}, std::move(values)));
    angles.put(s, Array::from<double>({p}, std::move(theta)));
  }
};
RASERFLOW_NODE(Project);

}  // namespace
