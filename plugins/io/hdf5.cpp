// io.hdf5: chosen fields of every item appended to one HDF5 file, one row per item (layout in
// README.md beside this file). Rows go to piece files in the checkpoint folder, one per stretch
// between checkpoints (lib/hdf5_piece_writer.hpp); finish() joins them into the published file.
#include <algorithm>
#include <memory>

#include "hdf5_piece_writer.hpp"
#include "item_path.hpp"
#include "raserflow/raserflow.hpp"

namespace {

using raserflow::Param;
using raserflow::ParamError;
namespace io = raserflow::io;

struct Hdf5 final : raserflow::Node {
  static constexpr auto type = "io.hdf5";
  static constexpr auto doc =
      "appends chosen fields of every item to one HDF5 file: a dataset per field [items x shape] "
      "plus item_index; complex as {r, i}; the file appears when the run ends, its attributes "
      "saying how many items it holds and whether the run was complete";
  static constexpr auto execution = raserflow::Execution::ordered;
  static constexpr bool resumable = true;

  Param<std::vector<std::string>> fields{
      this,
      "fields",
      raserflow::required,
      {.doc = "fields to store, each as a dataset of that name (any dtype; same shape for "
              "every item)"}};
  Param<std::string> path{this,
                          "path",
                          "dataset.h5",
                          {.doc = "output file, relative to the run's output folder",
                           .path = raserflow::PathKind::output}};
  Param<int> compression{this,
                         "compression",
                         0,
                         {.doc = "deflate level of each chunk (with byte shuffle); 0: uncompressed",
                          .min = 0,
                          .max = 9}};

  void configure() override {
    if (fields->empty()) throw ParamError("fields", "list at least one field to store");
    for (std::size_t i = 0; i < fields->size(); ++i) {
      const auto& f = (*fields)[i];
      if (f == "item_index")
        throw ParamError("fields",
                         "'item_index' is the dataset io.hdf5 writes itself; rename the field");
      if (f.empty() || f.find('/') != std::string::npos || f == ".")
        throw ParamError("fields", "'" + f + "' cannot be an HDF5 dataset name");
      if (std::find(fields->begin(), fields->begin() + static_cast<std::ptrdiff_t>(i), f) !=
          fields->begin() + static_cast<std::ptrdiff_t>(i))
        throw ParamError("fields", "'" + f + "' is listed twice");
      read_field({.declared = f, .doc = "one row per item", .param = "fields"});
    }
  }

  void start() override {
    pieces_ = std::make_unique<io::PieceWriter>(checkpoint_dir(), resumed().items, field_names(),
                                                *compression);
  }

  void process(raserflow::Item& s) override {
    std::vector<std::pair<std::string, raserflow::Array>> row;
    for (const auto& r : reads()) row.emplace_back(r.actual, s.array(r.actual));
    pieces_->append(s.index(), row);
  }

  void checkpoint(const raserflow::Progress& done) override { pieces_->checkpoint(done.items); }

  // Joins the pieces into the published file, written under a temporary name and renamed.
  void finish() override {
    const auto& pub = publication();
    pieces_->checkpoint(pub.done.items);  // done by the runtime already; other callers may not
    raserflow::OutputFile file(io::in_output_dir(output_dir(), *path));
    {
      io::Hdf5Appender out(file.temp_path(), *compression);
      out.set_attribute("fields", pieces_->fields());
      out.set_attribute("raserflow_version", std::string(RASERFLOW_VERSION));
      out.set_attribute("writer", std::string("io.hdf5 (plugin io 0.1.0), node '") + id() + "'");
      out.set_attribute("parameters", parameters_json());
      out.set_attribute("layout", std::string(layout_sentence));
      out.set_attribute("items_requested",
                        pub.requested == raserflow::open_ended ? std::int64_t{-1} : pub.requested);
      out.set_attribute("items_done", pub.done.items);
      out.set_attribute("items_held", io::join_pieces(pieces_->pieces(), pieces_->fields(), out));
      out.set_attribute("complete", std::int64_t{pub.complete ? 1 : 0});
      out.close();
    }
    file.commit();
  }

  // Nothing is published; the finished pieces stay for a later run, the open one goes.
  void abort() noexcept override {
    if (pieces_) pieces_->discard();
  }

 private:
  static constexpr auto layout_sentence =
      "each field is a dataset [items x item shape], row k belonging to item item_index[k]; "
      "complex values are compounds {r, i}; items_held rows were kept of items_done items "
      "processed, out of items_requested (-1: open-ended); complete is 0 when the run stopped "
      "early";

  std::vector<std::string> field_names() const {
    std::vector<std::string> names;
    for (const auto& r : reads()) names.push_back(r.actual);
    return names;
  }

  // The parameters as set, with the output path relative to the output folder, so runs that
  // differ only in --out write identical files.
  std::string parameters_json() const {
    nlohmann::json j = nlohmann::json::object();
    for (const auto* p : params()) j[p->name()] = p->value_json();
    const auto full = io::in_output_dir(output_dir(), *path);
    const auto rel = full.lexically_relative(output_dir());
    if (!output_dir().empty() && !rel.empty() && *rel.begin() != "..") j["path"] = rel.string();
    return j.dump();
  }

  std::unique_ptr<io::PieceWriter> pieces_;
};
RASERFLOW_NODE(Hdf5);

}  // namespace
