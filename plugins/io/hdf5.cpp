// io.hdf5: chosen fields of every item appended to one HDF5 file, one row per item (layout in
// README.md beside this file). Rows go to piece files in the checkpoint folder, one per stretch
// between checkpoints (lib/hdf5_piece_writer.hpp); finish() joins them into the published file.
#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>

#include "dataset_stats.hpp"
#include "hdf5_join.hpp"
#include "hdf5_piece_writer.hpp"
#include "hdf5_reader.hpp"
#include "hdf5_run_record.hpp"
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
  Param<std::vector<std::string>> float32{
      this,
      "float32",
      std::vector<std::string>{},
      {.doc = "fields among 'fields' stored as float32 (float64 values rounded to nearest), "
              "half the bytes for what a network reads; each must be real floating"}};
  Param<std::vector<std::string>> counts{
      this,
      "counts",
      std::vector<std::string>{},
      {.doc = "integer scalar fields among 'fields' (a class label) whose value counts over the "
              "rows held are written as the attribute counts_<field> and in the manifest"}};
  Param<std::vector<std::string>> constants{
      this,
      "constants",
      std::vector<std::string>{},
      {.doc = "text fields that must be the same in every item (fft.spectrum's "
              "spectrum_convention), stored once as the attribute constant_<field>; an item "
              "that differs is an error"}};

  void configure() override {
    if (fields->empty()) throw ParamError("fields", "list at least one field to store");
    single_.clear();
    counted_.clear();
    check_subset("float32", *float32);
    check_subset("counts", *counts);
    for (const auto& f : *counts)
      if (std::find(float32->begin(), float32->end(), f) != float32->end())
        throw ParamError("counts",
                         "'" + f + "' is also in float32, but counts are of integer fields");
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
      const bool counted = listed(*counts, f);
      read_field({.declared = f,
                  .rank = counted ? 0 : raserflow::any_rank,
                  .doc = counted ? "one integer per item" : "one row per item",
                  .param = "fields"});
      single_.push_back(listed(*float32, f));
      counted_.push_back(counted);
    }
    constant_slot_ = reads().size();
    for (std::size_t i = 0; i < constants->size(); ++i) {
      const auto& f = (*constants)[i];
      if (listed(*fields, f))
        throw ParamError("constants", "'" + f + "' is also in 'fields'; list a text field once");
      if (std::find(constants->begin(), constants->begin() + static_cast<std::ptrdiff_t>(i), f) !=
          constants->begin() + static_cast<std::ptrdiff_t>(i))
        throw ParamError("constants", "'" + f + "' is listed twice");
      read_field({.declared = f,
                  .text = true,
                  .doc = "text, the same for every item",
                  .param = "constants"});
    }
  }

  void start() override {
    pieces_ = std::make_unique<io::PieceWriter>(checkpoint_dir(), resumed().items, field_names(),
                                                *compression);
    constant_values_.clear();
    // What earlier runs saw survives with the pieces: a resumed run compares against it.
    if (resumed().items > 0) {
      std::ifstream in(constants_file());
      if (in) {
        const auto j = nlohmann::json::parse(in, nullptr, false);
        if (j.is_object())
          for (const auto& [k, v] : j.items()) constant_values_[k] = v.get<std::string>();
      }
    }
  }

  void process(raserflow::Item& s) override {
    record_constants(s);
    std::vector<std::pair<std::string, raserflow::Array>> row;
    for (std::size_t i = 0; i < constant_slot_; ++i) {
      const auto& name = reads()[i].actual;
      const auto& a = s.array(name);
      if (counted_[i] && !io::countable({name, a.dtype(), a.shape()}))
        throw raserflow::Error("field '" + name + "' is " +
                               std::string(raserflow::dtype_name(a.dtype())) + " " +
                               raserflow::shape_string(a.shape()) +
                               "; 'counts' takes integer scalar fields (uint8, int32, int64)");
      row.emplace_back(name, single_[i] ? to_float32(name, a) : a);
    }
    pieces_->append(s.index(), row);
  }

  void checkpoint(const raserflow::Progress& done) override { pieces_->checkpoint(done.items); }

  // Joins the pieces into the published file, written under a temporary name and renamed.
  void finish() override {
    const auto& pub = publication();
    pieces_->checkpoint(pub.done.items);  // done by the runtime already; other callers may not
    const auto record = io::run_record(pub.manifest, output_dir());
    raserflow::OutputFile file(io::in_output_dir(output_dir(), *path));
    Tally tally;
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
      tally.held = io::join_pieces(pieces_->pieces(), pieces_->fields(), out);
      out.set_attribute("items_held", tally.held);
      out.set_attribute("complete", std::int64_t{pub.complete ? 1 : 0});
      count_rows(pub.done, record.shard_count, tally);
      for (const auto& [name, values] : tally.counts)
        out.set_attribute("counts_" + name, io::counts_json(values));
      for (const auto& [name, value] : constant_values_)
        out.set_attribute("constant_" + name, value);
      out.set_attribute("dropped", nlohmann::json(tally.dropped).dump());
      if (!record.manifest.empty()) {
        out.set_attribute("pipeline", record.pipeline);
        if (record.seed) out.set_attribute("seed", *record.seed);
        out.set_attribute("manifest", record.manifest);
      }
      // Which run and shard the file holds, so shard files can be joined (lib/hdf5_join.hpp).
      if (const auto run = io::run_attribute(pub.manifest, output_dir()); !run.empty())
        out.set_attribute("run", run);
      out.close();
    }
    file.commit();
    report_ = report_json(tally);
  }

  std::string report() const override { return report_; }

  // Under mpirun: the union of the shards' files, at this node's path in the run's folder.
  void join_shards(const std::vector<std::filesystem::path>& shard_dirs) override {
    const auto own = io::in_output_dir(shard_dirs.front(), *path);
    const auto rel = own.lexically_relative(shard_dirs.front());
    if (rel.empty() || *rel.begin() == "..")
      throw raserflow::Error("path " + own.string() +
                             " is outside the run's output folder, so every shard wrote that one "
                             "file; give a path inside it to get one file per shard and their "
                             "union");
    std::vector<std::filesystem::path> files;
    for (const auto& dir : shard_dirs) files.push_back(dir / rel);
    io::join_shard_files(files, output_dir() / rel);
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
      "early; dropped lists the items processed without a row (dropped upstream) as JSON; "
      "counts_<field> holds the value counts of an integer field as JSON {value: rows}";

  // What finish() learns from the rows it publishes.
  struct Tally {
    std::int64_t held = 0;
    std::vector<std::pair<std::string, io::ValueCounts>> counts;  // by dataset name
    std::vector<std::int64_t> dropped;
  };

  std::filesystem::path constants_file() const { return checkpoint_dir() / "constants.json"; }

  // The first value of each constant is kept (and saved beside the pieces, written under a
  // temporary name and renamed, so a kill never leaves half of it); later ones must equal it.
  void record_constants(const raserflow::Item& s) {
    bool added = false;
    for (std::size_t i = constant_slot_; i < reads().size(); ++i) {
      const auto& name = reads()[i].actual;
      const auto& value = s.text(name);
      const auto [at, inserted] = constant_values_.emplace(name, value);
      if (inserted) {
        added = true;
      } else if (at->second != value) {
        throw raserflow::Error("constant field '" + name + "' of item " +
                               std::to_string(s.index()) + " is '" + value.substr(0, 200) +
                               "', but earlier items had '" + at->second.substr(0, 200) +
                               "'; the file can hold one value (parameter 'constants')");
      }
    }
    if (!added) return;
    const auto temp = constants_file().string() + ".tmp";
    {
      std::ofstream out(temp, std::ios::trunc);
      out << nlohmann::json(constant_values_).dump();
      if (!out) throw raserflow::Error("cannot write " + temp);
    }
    std::filesystem::rename(temp, constants_file());
  }

  void check_subset(const char* param, const std::vector<std::string>& names) const {
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (!listed(*fields, names[i]))
        throw ParamError(param, "'" + names[i] +
                                    "' is not among the fields stored; add it to "
                                    "'fields' or remove it here");
      if (std::find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(i), names[i]) !=
          names.begin() + static_cast<std::ptrdiff_t>(i))
        throw ParamError(param, "'" + names[i] + "' is listed twice");
    }
  }

  static bool listed(const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  }

  static raserflow::Array to_float32(const std::string& name, const raserflow::Array& a) {
    if (a.dtype() == raserflow::DType::float32) return a;
    if (a.dtype() != raserflow::DType::float64)
      throw raserflow::Error("field '" + name + "' is " +
                             std::string(raserflow::dtype_name(a.dtype())) +
                             "; 'float32' stores real floating fields (float64 or float32)");
    auto out = raserflow::Array::zeros<float>(a.shape());
    const auto in = a.values<double>();
    std::transform(in.begin(), in.end(), out.mutable_values<float>().begin(),
                   [](double v) { return static_cast<float>(v); });
    return out;
  }

  // Value counts and dropped items from the pieces just joined, which hold exactly the
  // published rows (those of earlier runs included), so both are right after a resume. This
  // process's positions are next_index - k * stride for k = 1 .. items.
  void count_rows(const raserflow::Progress& done, std::int64_t stride, Tally& tally) const {
    for (std::size_t i = 0; i < constant_slot_; ++i)
      if (counted_[i]) tally.counts.push_back({reads()[i].actual, {}});
    io::DroppedItems dropped(done.next_index - done.items * stride, stride, done.next_index);
    const io::Column index{"item_index", raserflow::DType::int64, {}};
    for (const auto& piece : pieces_->pieces()) {
      const io::Hdf5Reader r(piece.path);
      const auto rows = r.has_dataset("item_index") ? r.dims("item_index").at(0) : 0;
      if (rows == 0) continue;
      io::for_each_block(r, index, rows, [&](const char* data, std::int64_t n) {
        for (std::int64_t k = 0; k < n; ++k) {
          std::int64_t item = 0;
          std::memcpy(&item, data + k * static_cast<std::int64_t>(sizeof item), sizeof item);
          dropped.add(item);
        }
      });
      for (auto& [name, values] : tally.counts) io::count_values(r, r.column(name), rows, values);
    }
    tally.dropped = dropped.finish();
  }

  std::string report_json(const Tally& tally) const {
    nlohmann::ordered_json j{{"path", nlohmann::json::parse(parameters_json())["path"]},
                             {"items_held", tally.held},
                             {"items_dropped", tally.dropped.size()}};
    for (const auto& [name, values] : tally.counts)
      j["counts"][name] = nlohmann::ordered_json::parse(io::counts_json(values));
    return j.dump();
  }

  std::vector<std::string> field_names() const {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < constant_slot_; ++i) names.push_back(reads()[i].actual);
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
  std::vector<bool> single_, counted_;  // per read: stored as float32, value-counted
  std::size_t constant_slot_ = 0;       // reads from here on are the constants
  std::map<std::string, std::string> constant_values_;
  std::string report_;  // set by finish()
};
RASERFLOW_NODE(Hdf5);

}  // namespace
