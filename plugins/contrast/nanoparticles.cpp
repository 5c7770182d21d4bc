// contrast.nanoparticles: T2* of every RASER mode shortened by magnetic nanoparticles
// (science.md §5.3), for raser.simulate's 't2_star_modes'.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "ellipses.hpp"
#include "numerics/geometry.hpp"
#include "numerics/projector.hpp"
#include "raserflow/raserflow.hpp"
#include "relaxation.hpp"

namespace {

using raserflow::Array;
using raserflow::Param;
using raserflow::ParamError;
namespace contrast = raserflow::contrast;

// The doc lists the table; ParamInfo keeps a view, so the text lives as long as the plugin.
const std::string& agent_doc() {
  static const std::string text = [] {
    std::string doc =
        "tabulated relaxivity of the particles, per mM of metal (science.md §5.3); where the "
        "table gives r2 only, r2 stands in for r2* (r2* >= r2: the dephasing is at least that); "
        "custom: the relaxivity parameter.";
    for (const auto& a : contrast::agents()) {
      char value[32];
      std::snprintf(value, sizeof value, "%g", a.relaxivity);
      doc += " " + std::string(a.name) + ": " + std::string(a.kind) + " " + value + " (" +
             std::string(a.conditions) + ");";
    }
    return doc;
  }();
  return text;
}

std::vector<std::string> agent_choices() {
  auto names = contrast::agent_names();
  names.emplace_back("custom");
  return names;
}

struct Nanoparticles final : raserflow::Node {
  static constexpr auto type = "contrast.nanoparticles";
  static constexpr auto doc =
      "T2* of each projection's modes with magnetic nanoparticles in the sample: 1/T2*_mu = "
      "1/t2_star + relaxivity Radon(rho c)_mu / Radon(rho)_mu, the spin-weighted mean "
      "concentration along each bin of radon.project's projections (its projector, bins and "
      "angles); where no particles reach a bin its T2* is exactly t2_star";

  Param<double> t2_star{this,
                        "t2_star",
                        0.3,
                        {.doc = "T2* of the sample without particles (.inf: none); give "
                                "raser.simulate's t2_star, which still sets its epsilon",
                         .unit = "s",
                         .min = 0}};
  Param<std::string> agent{
      this, "agent", "ferumoxytol_r2star", {.doc = agent_doc(), .choices = agent_choices()}};
  Param<double> relaxivity{
      this,
      "relaxivity",
      0.0,
      {.doc = "r2* per mM of metal, with agent: custom (only then)", .unit = "1/(mM s)", .min = 0}};
  Param<std::vector<double>> regions{
      this,
      "regions",
      std::vector<double>{},
      {.doc = "particle-loaded ellipses, six numbers each: [concentration (mM of metal), a, b, "
              "x0, y0, angle (degrees)] on the image's [-1, 1]^2 square as phantom.shepp_logan "
              "draws its ellipses (x right, y up, semi-axes a along x and b along y, then "
              "rotated counter-clockwise); overlapping regions add, and all add to an upstream "
              "'concentration' map"}};
  Param<int> supersample{this,
                         "supersample",
                         1,
                         {.doc = "k > 1: each pixel of the regions is the mean of k x k "
                                 "samples, as phantom.shepp_logan's supersample",
                          .min = 1,
                          .max = 16}};
  Param<int> bins{this,
                  "bins",
                  0,
                  {.doc = "bins per projection, as radon.project's bins (0: MATLAB radon's "
                          "length); must match the projections raser.simulate reads",
                   .min = 0,
                   .max = 100000}};

  raserflow::Reads<double, 2> image{
      this, "image", {.doc = "[N x N] spin density rho, >= 0: the image radon.project projects"}};
  raserflow::Reads<double, 1> angles{
      this, "angles", {.doc = "[P] projection angles, degrees, as radon.project writes them"}};
  raserflow::Reads<double, 2> concentration{
      this,
      "concentration",
      {.doc = "[N x N] particle concentration, mM of metal, >= 0 (e.g. a second phantom's "
              "image, renamed); the regions add to it",
       .optional = true}};

  raserflow::Writes<double, 2> t2_modes{
      this, "t2_star_modes", {.doc = "[P x M] T2* of each projection's modes, s"}};
  raserflow::Writes<double, 2> particle_map{
      this,
      "particle_concentration",
      {.doc = "[N x N] the concentration map used (upstream map plus regions), mM of metal"}};
  raserflow::Writes<double, 0> relaxivity_out{
      this, "relaxivity", {.doc = "the relaxivity used, 1/(mM s)"}};

  void configure() override {
    if (!(*t2_star > 0)) throw ParamError("t2_star", "must be > 0 (.inf: no dephasing)");
    if (*agent == "custom" && !relaxivity.is_set())
      throw ParamError("relaxivity", "agent custom needs a relaxivity");
    if (*agent != "custom" && relaxivity.is_set())
      throw ParamError("relaxivity",
                       "is used with agent: custom only; agent '" + *agent + "' has its own");
    if (regions->size() % 6 != 0)
      throw ParamError("regions",
                       "give six numbers per ellipse: [concentration, a, b, x0, y0, "
                       "angle], got " +
                           std::to_string(regions->size()) + " numbers");
    for (std::size_t i = 0; i < regions->size(); i += 6) {
      const auto* e = &(*regions)[i];
      if (!(e[0] >= 0) || !std::isfinite(e[0]))
        throw ParamError("regions", "ellipse " + std::to_string(i / 6) +
                                        ": the concentration must be finite and >= 0 mM");
      if (!(e[1] > 0 && e[2] > 0) || !std::isfinite(e[1] + e[2] + e[3] + e[4] + e[5]))
        throw ParamError("regions", "ellipse " + std::to_string(i / 6) +
                                        ": semi-axes must be > 0 and every number finite");
    }
    rate_ = *agent == "custom" ? *relaxivity : contrast::agent(*agent).relaxivity;
  }

  void process(raserflow::Item& s) override {
    namespace rr = raserflow::radon;
    const auto& img = image.array(s);
    const auto rows = img.dim(0), cols = img.dim(1);
    if (rows < 1 || cols < 1)
      throw raserflow::Error("image '" + image.name() + "' is empty (" +
                             raserflow::shape_string(img.shape()) + ")");
    const auto rho = img.values<double>();
    for (std::size_t i = 0; i < rho.size(); ++i)
      if (!(rho[i] >= 0) || !std::isfinite(rho[i]))
        throw raserflow::Error("image '" + image.name() +
                               "' is a spin density and must be finite and >= 0; row " +
                               std::to_string(static_cast<std::int64_t>(i) / cols) + ", column " +
                               std::to_string(static_cast<std::int64_t>(i) % cols) + " holds " +
                               std::to_string(rho[i]));
    const auto c = concentration_map(s, rows, cols);
    std::vector<double> loaded(rho.size());
    for (std::size_t i = 0; i < rho.size(); ++i) loaded[i] = rho[i] * c[i];

    const auto theta = angles.values(s);
    const std::int64_t m = *bins > 0 ? *bins : rr::matlab_bin_count(rows, cols);
    // The same projector and bins as radon.project, so mode μ of projection j is the slab
    // whose spins raser.simulate inverts.
    const auto density = rr::project(rho, rows, cols, theta, m);
    const auto weighted = rr::project(loaded, rows, cols, theta, m);
    auto t2 = contrast::t2_star_per_mode(density, weighted, *t2_star, rate_);
    const auto p = static_cast<std::int64_t>(theta.size());
    t2_modes.put(s, Array::from<double>({p, m}, std::move(t2)));
    particle_map.put(s, Array::from<double>({rows, cols}, c));
    relaxivity_out.put(s, Array::scalar(rate_));
  }

 private:
  // The upstream map (if any) plus the rendered regions, checked.
  std::vector<double> concentration_map(const raserflow::Item& s, std::int64_t rows,
                                        std::int64_t cols) const {
    std::vector<double> c(static_cast<std::size_t>(rows * cols), 0.0);
    if (concentration.in(s)) {
      const auto& map = concentration.array(s);
      if (map.shape() != raserflow::Shape{rows, cols})
        throw raserflow::Error("field '" + concentration.name() + "' has shape " +
                               raserflow::shape_string(map.shape()) + "; it needs the image's " +
                               raserflow::shape_string({rows, cols}));
      const auto v = map.values<double>();
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (!(v[i] >= 0) || !std::isfinite(v[i]))
          throw raserflow::Error("field '" + concentration.name() +
                                 "' must be finite and >= 0 mM; row " +
                                 std::to_string(static_cast<std::int64_t>(i) / cols) + ", column " +
                                 std::to_string(static_cast<std::int64_t>(i) % cols) + " holds " +
                                 std::to_string(v[i]));
        c[i] = v[i];
      }
    }
    if (regions->empty()) return c;
    if (rows != cols)
      throw raserflow::Error("regions are drawn on a square image; image '" + image.name() +
                             "' is " + raserflow::shape_string({rows, cols}));
    std::vector<raserflow::phantom::Ellipse> ellipses;
    for (std::size_t i = 0; i < regions->size(); i += 6) {
      const auto* e = &(*regions)[i];
      ellipses.push_back({e[0], e[1], e[2], e[3], e[4], e[5]});
    }
    const int n = static_cast<int>(rows), k = *supersample;
    const auto fine = raserflow::phantom::render_ellipses(ellipses, n * k,
                                                          raserflow::phantom::Grid::pixel_centres);
    for (int r = 0; r < n * k; ++r)
      for (int col = 0; col < n * k; ++col)
        c[static_cast<std::size_t>((r / k) * n + col / k)] +=
            fine[static_cast<std::size_t>(r) * static_cast<std::size_t>(n * k) +
                 static_cast<std::size_t>(col)] /
            (k * k);
    return c;
  }

  double rate_ = 0;
};
RASERFLOW_NODE(Nanoparticles);

}  // namespace
