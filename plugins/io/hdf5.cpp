// io.hdf5: chosen fields of every item appended to one HDF5 file, one row per item (layout in
// README.md beside this file).
#include <algorithm>
#include <memory>

#include "hdf5_appender.hpp"
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
      "plus item_index; complex as {r, i}; the file appears when the run succeeds";
  static constexpr auto execution = raserflow::Execution::ordered;

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
    file_ = raserflow::OutputFile(io::in_output_dir(output_dir(), *path));
    writer_ = std::make_unique<io::Hdf5Appender>(file_.temp_path(), *compression);
    std::vector<std::string> names;
    for (const auto& r : reads()) names.push_back(r.actual);
    writer_->set_attribute("fields", names);
    writer_->set_attribute("raserflow_version", std::string(RASERFLOW_VERSION));
    writer_->set_attribute("writer", std::string("io.hdf5 (plugin io 0.1.0), node '") + id() + "'");
    writer_->set_attribute("parameters", parameters_json());
    writer_->set_attribute(
        "layout",
        std::string("each field is a dataset [items x item shape], row k belonging to item "
                    "item_index[k]; complex values are compounds {r, i}"));
  }

  void process(raserflow::Sample& s) override {
    std::vector<std::pair<std::string, raserflow::Array>> row;
    for (const auto& r : reads()) row.emplace_back(r.actual, s.array(r.actual));
    writer_->append(s.index(), row);
  }

  void finish() override {
    writer_->close();
    writer_.reset();
    file_.commit();
  }

  void abort() noexcept override {
    writer_.reset();  // closes the file before it is removed
    file_.discard();
  }

 private:
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

  raserflow::OutputFile file_;
  std::unique_ptr<io::Hdf5Appender> writer_;
};
RASERFLOW_NODE(Hdf5);

}  // namespace
