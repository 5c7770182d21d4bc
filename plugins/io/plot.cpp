// io.plot: one line plot per item of chosen rows of a signal or spectrum field.
#include <cmath>
#include <complex>

#include "item_files.hpp"
#include "item_path.hpp"
#include "line_plot.hpp"
#include "raserflow/raserflow.hpp"

namespace {

using raserflow::Array;
using raserflow::DType;
using raserflow::Error;
using raserflow::Param;
using raserflow::ParamError;
namespace io = raserflow::io;

struct Plot final : raserflow::Node {
  static constexpr auto type = "io.plot";
  static constexpr auto doc =
      "writes one PNG line plot per item: chosen rows of a float64 or complex128 field "
      "[rows x samples] (or [samples]) against sample index, time or frequency; files appear "
      "when the run succeeds";
  static constexpr auto execution = raserflow::Execution::ordered;
  static constexpr bool resumable = true;

  Param<std::string> field{
      this,
      "field",
      raserflow::required,
      {.doc = "float64 or complex128 field of rank 1 [samples] or 2 [rows x samples], e.g. "
              "signals, fid, spectra"}};
  Param<std::vector<std::int64_t>> rows{
      this,
      "rows",
      std::vector<std::int64_t>{0},
      {.doc = "rows to plot, one curve each (0-based; a rank-1 field has row 0)", .min = 0}};
  Param<std::vector<std::string>> labels{this,
                                         "labels",
                                         std::vector<std::string>{},
                                         {.doc = "legend entry of each row; empty: 'row <r>'"}};
  Param<std::string> part{
      this,
      "part",
      "magnitude",
      {.doc = "what to plot of complex values (ignored for real fields); phase in rad",
       .choices = {"magnitude", "real", "imag", "phase"}}};
  Param<double> x_start{this, "x_start", 0.0, {.doc = "x of sample 0, in the x axis' unit"}};
  Param<double> x_step{
      this,
      "x_step",
      1.0,
      {.doc = "x distance between samples (times the x_step_field value when one is named)"}};
  Param<std::string> x_step_field{
      this,
      "x_step_field",
      "",
      {.doc = "optional scalar field that multiplies x_step, e.g. dwell (s) for a time axis"}};
  Param<std::string> x_label{this, "x_label", "sample", {.doc = "x axis caption"}};
  Param<std::string> y_label{
      this, "y_label", "", {.doc = "y axis caption; empty: the field name and part"}};
  Param<std::string> title{
      this, "title", "", {.doc = "plot title; empty: '<field>, item <index>'"}};
  Param<std::string> path{
      this,
      "path",
      "plots/{field}_{item}.png",
      {.doc = "output file pattern, relative to the run's output folder; {field} becomes "
              "the field name, {item} the item index zero-padded to 6 digits",
       .path = raserflow::PathKind::output}};
  Param<int> width{
      this, "width", 800, {.doc = "image width", .unit = "pixels", .min = 240, .max = 8000}};
  Param<int> height{
      this, "height", 500, {.doc = "image height", .unit = "pixels", .min = 180, .max = 8000}};

  void configure() override {
    if (rows->empty()) throw ParamError("rows", "list at least one row to plot");
    if (!labels->empty() && labels->size() != rows->size())
      throw ParamError("labels", "has " + std::to_string(labels->size()) + " entries for " +
                                     std::to_string(rows->size()) +
                                     " rows; give one per row or none");
    if (!(*x_step > 0) || !std::isfinite(*x_step))
      throw ParamError("x_step", "must be a positive finite number");
    io::check_pattern("path", *path, {"item", "field"});
    read_field({.declared = *field,
                .doc = "float64 or complex128, [samples] or [rows x samples]",
                .param = "field"});
    if (!x_step_field->empty())
      read_field({.declared = *x_step_field,
                  .dtype = DType::float64,
                  .rank = 0,
                  .doc = "multiplies x_step",
                  .param = "x_step_field"});
  }

  void process(raserflow::Item& s) override {
    const auto& name = reads()[0].actual;
    const auto& a = s.array(name);
    const bool complex = a.dtype() == DType::complex128;
    if ((a.dtype() != DType::float64 && !complex) || a.rank() < 1 || a.rank() > 2)
      throw Error("field '" + name + "' is " + std::string(raserflow::dtype_name(a.dtype())) + " " +
                  raserflow::shape_string(a.shape()) +
                  "; io.plot needs float64 or complex128 of rank 1 or 2");
    const std::int64_t n_rows = a.rank() == 2 ? a.dim(0) : 1, n = a.dim(a.rank() - 1);
    std::vector<io::Curve> curves;
    for (std::size_t k = 0; k < rows->size(); ++k) {
      const auto r = (*rows)[k];
      if (r >= n_rows)
        throw Error("row " + std::to_string(r) + " requested but field '" + name + "' " +
                    raserflow::shape_string(a.shape()) + " has " + std::to_string(n_rows) +
                    " row(s)");
      io::Curve c{labels->empty() ? "row " + std::to_string(r) : (*labels)[k], {}};
      c.y.reserve(static_cast<std::size_t>(n));
      for (std::int64_t i = r * n; i < (r + 1) * n; ++i)
        c.y.push_back(complex ? pick(a.values<std::complex<double>>()[static_cast<std::size_t>(i)])
                              : a.values<double>()[static_cast<std::size_t>(i)]);
      curves.push_back(std::move(c));
    }
    io::PlotStyle style;
    style.size = {*width, *height};
    style.x_start = *x_start;
    style.x_step = *x_step;
    if (!x_step_field->empty()) {
      const double f = s.scalar(reads()[1].actual);
      if (!(f > 0) || !std::isfinite(f))
        throw Error("x_step_field '" + reads()[1].actual + "' is " + std::to_string(f) +
                    "; it must be positive");
      style.x_step *= f;
    }
    style.title = title->empty() ? name + ", item " + std::to_string(s.index()) : *title;
    style.x_label = *x_label;
    style.y_label = !y_label->empty() ? *y_label : complex ? name + " (" + *part + ")" : name;
    files_.write_png(s.index(),
                     io::in_output_dir(output_dir(), io::fill_pattern(*path, s.index(), name)),
                     io::draw_line_plot(curves, style));
  }

  void start() override { files_.start(checkpoint_dir(), output_dir(), resumed().next_index); }
  void checkpoint(const raserflow::Progress&) override { files_.checkpoint(); }
  void finish() override { files_.publish(); }
  void abort() noexcept override { files_.discard(); }

 private:
  double pick(std::complex<double> z) const {
    if (*part == "real") return z.real();
    if (*part == "imag") return z.imag();
    if (*part == "phase") return std::arg(z);
    return std::abs(z);
  }

  io::ItemFiles files_;
};
RASERFLOW_NODE(Plot);

}  // namespace
