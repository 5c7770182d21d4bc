// io.png: one PNG per item with chosen 2-D fields side by side as captioned panels and colour
// bars, like the paper's Fig. 4 A-D.
#include "figure.hpp"
#include "item_files.hpp"
#include "item_path.hpp"
#include "opencv_array.hpp"
#include "raserflow/raserflow.hpp"

namespace {

using raserflow::Param;
using raserflow::ParamError;
namespace io = raserflow::io;

struct Png final : raserflow::Node {
  static constexpr auto type = "io.png";
  static constexpr auto doc =
      "writes one PNG per item: float64 [rows x cols] fields side by side as captioned panels "
      "with colour bars; files appear when the run ends";
  static constexpr auto execution = raserflow::Execution::ordered;
  static constexpr bool resumable = true;

  Param<std::vector<std::string>> fields{
      this,
      "fields",
      raserflow::required,
      {.doc = "float64 rank-2 fields to draw, left to right (an image [N x N], a sinogram "
              "[P x M], ...)"}};
  Param<std::vector<std::string>> labels{
      this,
      "labels",
      std::vector<std::string>{},
      {.doc = "caption above each panel; empty: the field names"}};
  Param<std::string> path{
      this,
      "path",
      "png/item_{item}.png",
      {.doc = "output file pattern, relative to the run's output folder; {item} becomes "
              "the item index, zero-padded to 6 digits",
       .path = raserflow::PathKind::output}};
  Param<int> scale{
      this,
      "scale",
      8,
      {.doc = "magnification: each value becomes a scale x scale block (nearest neighbour)",
       .unit = "pixels",
       .min = 1,
       .max = 64}};
  Param<std::string> colormap{this,
                              "colormap",
                              "gray",
                              {.doc = "colour map (viridis and inferno as in matplotlib)",
                               .choices = {"gray", "viridis", "inferno"}}};
  Param<std::string> range{
      this,
      "range",
      "per_field",
      {.doc = "value range of the colours: per_field (min-max of each field, one colour "
              "bar each), shared (one min-max over all panels, one bar), unit ([0, 1], "
              "values outside saturate)",
       .choices = {"per_field", "shared", "unit"}}};

  void configure() override {
    if (fields->empty()) throw ParamError("fields", "list at least one field to draw");
    if (!labels->empty() && labels->size() != fields->size())
      throw ParamError("labels", "has " + std::to_string(labels->size()) + " captions for " +
                                     std::to_string(fields->size()) +
                                     " fields; give one per field or none");
    io::check_pattern("path", *path, {"item"});
    for (const auto& f : *fields)
      read_field({.declared = f,
                  .dtype = raserflow::DType::float64,
                  .rank = 2,
                  .doc = "drawn as one panel",
                  .param = "fields"});
  }

  void process(raserflow::Item& s) override {
    std::vector<io::Panel> panels;
    for (std::size_t i = 0; i < reads().size(); ++i) {
      const auto& name = reads()[i].actual;
      const auto& a = s.array(name);
      if (a.dtype() != raserflow::DType::float64 || a.rank() != 2)
        throw raserflow::Error(
            "field '" + name + "' is " + std::string(raserflow::dtype_name(a.dtype())) + " " +
            raserflow::shape_string(a.shape()) + "; io.png draws float64 [rows x cols] fields");
      panels.push_back(
          {name, labels->empty() ? name : (*labels)[i], raserflow::cv_bridge::view(a)});
    }
    const io::FigureStyle style{*scale, io::parse_colormap(*colormap),
                                io::parse_range_mode(*range)};
    files_.write_png(s.index(), io::in_output_dir(output_dir(), io::fill_pattern(*path, s.index())),
                     io::draw_figure(panels, style));
  }

  void start() override { files_.start(checkpoint_dir(), output_dir(), resumed().next_index); }
  void checkpoint(const raserflow::Progress&) override { files_.checkpoint(); }
  void finish() override { files_.publish(); }
  void abort() noexcept override { files_.discard(); }

 private:
  io::ItemFiles files_;
};
RASERFLOW_NODE(Png);

}  // namespace
