// radon.fbp: filtered back-projection of a sinogram, equal to scikit-image 0.19.3's iradon.
#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>

#include "fftw_planner.hpp"
#include "numerics/fbp.hpp"
#include "raserflow/raserflow.hpp"

namespace {

using raserflow::Array;
using raserflow::Param;
namespace rr = raserflow::radon;

struct Fbp final : raserflow::Node {
  static constexpr auto type = "radon.fbp";
  static constexpr auto doc =
      "filtered back-projection with scikit-image iradon's padding, filters, linear "
      "interpolation, circle mask and scaling (circle = True): fbp(radon.project(x)) ~ x";

  Param<std::string> filter{this,
                            "filter",
                            "cosine",
                            {.doc = "frequency window on the ramp filter; 'none' back-projects "
                                    "unfiltered; the paper uses cosine",
                             .choices = rr::filter_names()}};
  Param<int> output_size{this,
                         "output_size",
                         44,
                         {.doc = "side of the square reconstruction (44 to compare with the "
                                 "image, 48 as U-Net input)",
                          .unit = "pixels",
                          .min = 1,
                          .max = 8192}};

  raserflow::Reads<double, 2> projections{
      this, "projections", {.doc = "[angles x bins], detector centre at bin bins/2"}};
  raserflow::Reads<double, 1> angles{
      this, "angles", {.doc = "[angles], degrees, one per projection row"}};
  raserflow::Writes<double, 2> reconstruction{
      this,
      "reconstruction",
      {.doc = "[output_size x output_size], 0 outside the inscribed circle"}};

  void configure() override { kind_ = rr::parse_filter(*filter); }
  void start() override { raserflow::fftw::make_planner_thread_safe(); }

  void process(raserflow::Item& s) override {
    const auto& sino = projections.array(s);
    const auto& theta = angles.array(s);
    if (sino.rank() != 2 || theta.rank() != 1)
      throw raserflow::Error("'" + projections.name() + "' must be [angles x bins] and '" +
                             angles.name() + "' [angles]; got shapes " +
                             raserflow::shape_string(sino.shape()) + " and " +
                             raserflow::shape_string(theta.shape()));
    const auto rows = sino.dim(0), bins = sino.dim(1);
    if (rows < 1 || bins < 1)
      throw raserflow::Error("projections '" + projections.name() + "' are empty (" +
                             raserflow::shape_string(sino.shape()) +
                             "); need at least one angle and one bin");
    if (theta.dim(0) != rows)
      throw raserflow::Error("'" + angles.name() + "' has " + std::to_string(theta.dim(0)) +
                             " angles but '" + projections.name() + "' has " +
                             std::to_string(rows) +
                             " rows; give one angle (degrees) per projection row");
    check_finite(sino.values<double>(), projections.name());
    check_finite(theta.values<double>(), angles.name());

    const auto& step = filter_for(bins);
    const auto filtered = step.apply(sino.values<double>(), rows);
    auto image = rr::back_project(filtered, rows, step.geometry().padded_bins,
                                  theta.values<double>(), *output_size);
    const std::int64_t n = *output_size;
    reconstruction.put(s, Array::from<double>({n, n}, std::move(image)));
  }

 private:
  static void check_finite(std::span<const double> v, const std::string& field) {
    for (std::size_t i = 0; i < v.size(); ++i)
      if (!std::isfinite(v[i]))
        throw raserflow::Error("'" + field + "' has a non-finite value at flat index " +
                               std::to_string(i));
  }

  // Items may run concurrently and the bin count is known only from the data, so filters are
  // built on first use of a bin count and shared; a built filter is immutable.
  const rr::ProjectionFilter& filter_for(std::int64_t bins) {
    const std::lock_guard lock(mutex_);
    auto& slot = filters_[bins];
    if (!slot) slot = std::make_unique<const rr::ProjectionFilter>(bins, kind_);
    return *slot;
  }

  rr::Filter kind_ = rr::Filter::cosine;
  std::mutex mutex_;
  std::map<std::int64_t, std::unique_ptr<const rr::ProjectionFilter>> filters_;
};
RASERFLOW_NODE(Fbp);

}  // namespace
