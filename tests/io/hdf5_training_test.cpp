// io.hdf5 for training sets: float32 storage, value counts of a class field (right after a
// resume, and in report()), the dropped items, and the run's pipeline, seed and manifest
// inside the file. Read back with the HDF5 C API.
#include <filesystem>
#include <map>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "hdf5_read.hpp"
#include "support/cli.hpp"
#include "support/error_of.hpp"
#include "support/harness.hpp"

namespace fs = std::filesystem;
using raserflow::Array;
using raserflow::test::HarnessStart;
using raserflow::test::item_with;
using raserflow::test::NodeHarness;
using namespace io_test;

using raserflow::test::error_of;

namespace {

const nlohmann::json params = {{"fields", {"spectra", "targets", "class", "peak"}},
                               {"float32", {"spectra", "targets"}},
                               {"counts", {"class"}}};

// Values that float32 cannot hold exactly, so the rounding is visible.
std::vector<double> spectrum(std::int64_t index) {
  std::vector<double> v(2 * 3);
  for (std::size_t i = 0; i < v.size(); ++i)
    v[i] = 0.1 * static_cast<double>(index) + 1.0 / 3.0 * static_cast<double>(i);
  return v;
}

std::int32_t class_of(std::int64_t index) {
  return static_cast<std::int32_t>((index * 7) % 3);
}

raserflow::Item item(std::int64_t index) {
  return item_with(index, {{"spectra", Array::from<double>({2, 3}, spectrum(index))},
                           {"targets", Array::from<float>({2}, {0.25f, static_cast<float>(index)})},
                           {"class", Array::scalar<std::int32_t>(class_of(index))},
                           {"peak", Array::scalar<double>(1.0 / static_cast<double>(index + 3))}});
}

bool dropped(std::int64_t index) {
  return index == 4 || index == 9 || index == 10;
}

// Items [from, to), those of dropped() dropped upstream, a checkpoint every 3 positions.
void feed(NodeHarness& h, std::int64_t from, std::int64_t to) {
  for (std::int64_t i = from; i < to; ++i) {
    if (dropped(i))
      h.drop(i);
    else
      h.run(item(i));
    if ((i + 1) % 3 == 0) h.checkpoint();
  }
}

std::map<std::string, std::int64_t> expected_counts(std::int64_t items) {
  std::map<std::string, std::int64_t> out;
  for (std::int64_t i = 0; i < items; ++i)
    if (!dropped(i)) ++out[std::to_string(class_of(i))];
  return out;
}

std::map<std::string, std::int64_t> counts_in(const nlohmann::json& j) {
  std::map<std::string, std::int64_t> out;
  for (const auto& [k, v] : j.items()) out[k] = v.get<std::int64_t>();
  return out;
}

hid_t type_class_of(hid_t file, const char* name, std::size_t* size) {
  const hid_t d = H5Dopen2(file, name, H5P_DEFAULT);
  const hid_t t = H5Dget_type(d);
  const auto c = H5Tget_class(t);
  *size = H5Tget_size(t);
  H5Tclose(t);
  H5Dclose(d);
  return c;
}

}  // namespace

TEST(IoHdf5Training, Float32FieldsAreStoredAsFloat32) {
  const auto dir = raserflow::test::scratch_dir("io-h5-float32");
  {
    NodeHarness h("io.hdf5", params, 0, dir);
    feed(h, 0, 6);
    h.finish();
  }
  H5File f(dir / "dataset.h5");
  for (const char* name : {"spectra", "targets"}) {
    std::size_t size = 0;
    EXPECT_EQ(type_class_of(f.id, name, &size), H5T_FLOAT) << name;
    EXPECT_EQ(size, 4u) << name;
    const hid_t d = H5Dopen2(f.id, name, H5P_DEFAULT);
    EXPECT_EQ(string_attribute(d, "raserflow_dtype").at(0), "float32");
    H5Dclose(d);
  }
  std::size_t size = 0;
  type_class_of(f.id, "peak", &size);
  EXPECT_EQ(size, 8u) << "fields not listed keep their dtype";
  const auto spectra = read_all<float>(f.id, "spectra", H5T_NATIVE_FLOAT);
  const auto items = read_all<std::int64_t>(f.id, "item_index", H5T_NATIVE_INT64);
  ASSERT_EQ(spectra.size(), items.size() * 6);
  for (std::size_t row = 0; row < items.size(); ++row) {
    const auto want = spectrum(items[row]);
    for (std::size_t i = 0; i < 6; ++i)
      ASSERT_EQ(spectra[row * 6 + i], static_cast<float>(want[i])) << "row " << row;
  }
}

TEST(IoHdf5Training, Float32AndCountsNameStoredFieldsOfTheRightKind) {
  const auto dir = raserflow::test::scratch_dir("io-h5-float32-bad");
  const nlohmann::json fields = {"spectra", "class"};
  EXPECT_NE(error_of([&] {
              NodeHarness h("io.hdf5", {{"fields", fields}, {"float32", {"spectrum"}}}, 0, dir);
            }).find("'spectrum' is not among the fields stored"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              NodeHarness h("io.hdf5", {{"fields", fields}, {"counts", {"label"}}}, 0, dir);
            }).find("'label' is not among the fields stored"),
            std::string::npos);
  EXPECT_NE(
      error_of([&] {
        NodeHarness h("io.hdf5", {{"fields", fields}, {"float32", {"spectra", "spectra"}}}, 0, dir);
      }).find("listed twice"),
      std::string::npos);
  EXPECT_NE(error_of([&] {
              NodeHarness h("io.hdf5",
                            {{"fields", fields}, {"counts", {"class"}}, {"float32", {"class"}}}, 0,
                            dir);
            }).find("also in float32"),
            std::string::npos);

  NodeHarness ints("io.hdf5", {{"fields", fields}, {"float32", {"class"}}}, 0, dir);
  const auto e = error_of([&] {
    ints.run(item_with(
        0, {{"spectra", Array::zeros<double>({2})}, {"class", Array::scalar<std::int32_t>(1)}}));
  });
  EXPECT_NE(e.find("field 'class' is int32"), std::string::npos) << e;
  EXPECT_NE(e.find("real floating"), std::string::npos) << e;

  NodeHarness reals("io.hdf5", {{"fields", fields}, {"counts", {"spectra"}}}, 0, dir / "r");
  const auto c = error_of([&] {
    reals.run(item_with(
        0, {{"spectra", Array::zeros<double>({2})}, {"class", Array::scalar<std::int32_t>(1)}}));
  });
  EXPECT_NE(c.find("field 'spectra' is float64 [2]"), std::string::npos) << c;
  EXPECT_NE(c.find("integer scalar"), std::string::npos) << c;
}

TEST(IoHdf5Training, CountsDroppedItemsAndReportAreRightAfterAResume) {
  const auto dir = raserflow::test::scratch_dir("io-h5-counts-resume");
  const auto ckpt = dir / "ckpt";
  {
    NodeHarness h("io.hdf5", params, 0, dir, {ckpt, {}});
    feed(h, 0, 8);
  }  // a kill -9 after the checkpoint at 6
  NodeHarness h("io.hdf5", params, 0, dir, {ckpt, {6, 6}});
  feed(h, 6, 14);
  h.finish();

  H5File f(dir / "dataset.h5");
  const auto attr = nlohmann::json::parse(string_attribute(f.id, "counts_class").at(0));
  EXPECT_EQ(counts_in(attr), expected_counts(14));
  EXPECT_EQ(attr.begin().key(), "0") << "values in order";
  EXPECT_EQ(nlohmann::json::parse(string_attribute(f.id, "dropped").at(0)),
            nlohmann::json::array({4, 9, 10}));

  const auto report = nlohmann::json::parse(h.node().report());
  EXPECT_EQ(report["path"], "dataset.h5");
  EXPECT_EQ(report["items_held"], 11);
  EXPECT_EQ(report["items_dropped"], 3);
  EXPECT_EQ(counts_in(report["counts"]["class"]), expected_counts(14));
}

TEST(IoHdf5Training, DroppedItemsOfAShardAreThoseOfItsStride) {
  // Shard 1/3 of 12 items: positions 1, 4, 7, 10; items 4 and 10 dropped upstream.
  const auto dir = raserflow::test::scratch_dir("io-h5-dropped-shard");
  NodeHarness h("io.hdf5", params, 0, dir);
  for (std::int64_t i : {1, 4, 7, 10}) dropped(i) ? h.drop(i) : (void)h.run(item(i));
  const nlohmann::json manifest = {{"raserflow", {{"version", "0.1.0"}}},
                                   {"pipeline", {{"name", "p"}, {"seed", 5}}},
                                   {"shard", {{"index", 1}, {"count", 3}}},
                                   {"plugins", nlohmann::json::array()}};
  h.finish({{4, 13}, 4, true, manifest.dump()});
  H5File f(dir / "dataset.h5");
  EXPECT_EQ(nlohmann::json::parse(string_attribute(f.id, "dropped").at(0)),
            nlohmann::json::array({4, 10}));
}

TEST(IoHdf5Training, PipelineSeedAndManifestAreKeptWithoutWhatVariesBetweenRuns) {
  const auto dir = raserflow::test::scratch_dir("io-h5-manifest");
  const nlohmann::json manifest = {
      {"status", "complete"},
      {"raserflow", {{"version", "0.1.0"}}},
      {"plugins", nlohmann::json::array()},
      {"pipeline",
       {{"name", "training"},
        {"seed", 52293},
        {"nodes", {{"store", {{"params", {{"path", (dir / "dataset.h5").string()}}}}}}}}},
      {"shard", {{"index", 0}, {"count", 1}}},
      {"threads", 8},
      {"items", {{"requested", 6}, {"done", 6}, {"resumed_from", 3}, {"dropped", {{"f", {4}}}}}},
      {"seconds", 12.5},
      {"nodes", {{"store", {{"items", 5}, {"seconds", 0.25}}}}}};
  {
    NodeHarness h("io.hdf5", params, 0, dir);
    feed(h, 0, 6);
    h.finish({h.done(), 6, true, manifest.dump()});
  }
  H5File f(dir / "dataset.h5");
  EXPECT_EQ(int_attribute(f.id, "seed"), 52293);
  const auto pipeline = nlohmann::json::parse(string_attribute(f.id, "pipeline").at(0));
  EXPECT_EQ(pipeline["name"], "training");
  EXPECT_EQ(pipeline["nodes"]["store"]["params"]["path"], "<out>/dataset.h5")
      << "paths in the output folder do not depend on --out";
  const auto kept = nlohmann::json::parse(string_attribute(f.id, "manifest").at(0));
  EXPECT_EQ(kept["pipeline"], pipeline);
  EXPECT_EQ(kept["status"], "complete");
  EXPECT_EQ(kept["items"]["dropped"]["f"], nlohmann::json::array({4}));
  for (const char* gone : {"threads", "seconds", "nodes"})
    EXPECT_FALSE(kept.contains(gone)) << gone;
  EXPECT_FALSE(kept["items"].contains("resumed_from"));
}

TEST(IoHdf5Training, WithoutAManifestThereIsNoPipelineAttribute) {
  const auto dir = raserflow::test::scratch_dir("io-h5-no-manifest");
  {
    NodeHarness h("io.hdf5", params, 0, dir);
    feed(h, 0, 2);
    h.finish();
  }
  H5File f(dir / "dataset.h5");
  for (const char* a : {"pipeline", "seed", "manifest"}) EXPECT_LE(H5Aexists(f.id, a), 0) << a;
  EXPECT_EQ(string_attribute(f.id, "dropped").at(0), "[]");
}

// Through the CLI: the report lands in manifest.json, and a run extended later counts what
// one longer run counts.
TEST(IoHdf5Training, CountsReachTheManifestAndSurviveAnExtendedRun) {
  const auto dir = raserflow::test::scratch_dir("io-h5-counts-cli");
  const auto p = raserflow::test::write_pipeline(dir, "p.yaml", R"(name: counted
items: 40
seed: 4
nodes:
  label: {type: core.generate, params: {shape: [], dtype: int32, random: normal}, outputs: {data: class}}
  values: {type: core.generate, params: {shape: [5], random: normal}}
  store: {type: io.hdf5, params: {fields: [class, data], float32: [data], counts: [class]}}
edges:
  - label -> values -> store
)");
  using raserflow::test::run_cli;
  ASSERT_EQ(run_cli({"run", p.string(), "--out", (dir / "whole").string()}).status, 0);
  ASSERT_EQ(
      run_cli({"run", p.string(), "--out", (dir / "ext").string(), "--set", "items=15"}).status, 0);
  const auto r = run_cli({"run", p.string(), "--out", (dir / "ext").string(), "--threads", "1"});
  ASSERT_EQ(r.status, 0) << r.err;

  std::map<std::string, std::int64_t> want;
  {
    H5File f(dir / "whole" / "dataset.h5");
    for (auto v : read_all<std::int32_t>(f.id, "class", H5T_NATIVE_INT32))
      ++want[std::to_string(v)];
    EXPECT_GT(want.size(), 2u) << "normal draws cast to int give several classes";
    EXPECT_EQ(counts_in(nlohmann::json::parse(string_attribute(f.id, "counts_class").at(0))), want);
    EXPECT_EQ(int_attribute(f.id, "seed"), 4);
  }
  for (const char* run : {"whole", "ext"}) {
    const auto m = nlohmann::json::parse(raserflow::test::slurp(dir / run / "manifest.json"));
    EXPECT_EQ(counts_in(m["nodes"]["store"]["report"]["counts"]["class"]), want) << run;
    EXPECT_EQ(m["nodes"]["store"]["report"]["items_held"], 40) << run;
  }
  EXPECT_TRUE(raserflow::test::slurp(dir / "whole" / "dataset.h5") ==
              raserflow::test::slurp(dir / "ext" / "dataset.h5"))
      << "an extended run on other threads writes the same bytes: the manifest kept inside "
         "leaves out time, threads and the resume point";
}

TEST(IoHdf5Training, ConstantTextFieldsBecomeOneAttributeThatSurvivesAResume) {
  const auto dir = raserflow::test::scratch_dir("io-h5-constants");
  const auto ckpt = dir / "ckpt";
  auto with_params = params;
  with_params["constants"] = {"convention"};
  const auto convention = std::string(R"({"roi":200,"roi_at":"frequency"})");
  const auto labelled = [&](std::int64_t i, const std::string& text) {
    auto s = item(i);
    s.set("convention", text);
    return s;
  };
  {
    NodeHarness h("io.hdf5", with_params, 0, dir, {ckpt, {}});
    for (std::int64_t i = 0; i < 5; ++i) h.run(labelled(i, convention));
    h.checkpoint();
  }  // a kill -9 after the checkpoint at 5
  NodeHarness h("io.hdf5", with_params, 0, dir, {ckpt, {5, 5}});
  const auto e = error_of([&] { h.run(labelled(5, R"({"roi":100})")); });
  EXPECT_NE(e.find("constant field 'convention' of item 5"), std::string::npos) << e;
  EXPECT_NE(e.find("earlier items had"), std::string::npos) << e;
  NodeHarness again("io.hdf5", with_params, 0, dir / "b", {ckpt, {5, 5}});
  again.run(labelled(5, convention));
  again.finish();
  H5File f(dir / "b" / "dataset.h5");
  EXPECT_EQ(string_attribute(f.id, "constant_convention").at(0), convention);
  EXPECT_EQ(string_attribute(f.id, "fields").size(), 4u) << "a constant is not a dataset";

  EXPECT_NE(error_of([&] {
              auto p = with_params;
              p["constants"] = {"spectra"};
              NodeHarness bad("io.hdf5", p, 0, dir / "c");
            }).find("also in 'fields'"),
            std::string::npos);
}
