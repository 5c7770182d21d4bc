// io.hdf5 as the runtime runs it, read back with the HDF5 C API.
#include <filesystem>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "hdf5_read.hpp"
#include "support/cli.hpp"
#include "support/harness.hpp"

namespace fs = std::filesystem;
using raserflow::Array;
using raserflow::test::item_with;
using raserflow::test::NodeHarness;
using cd = std::complex<double>;
using namespace io_test;

namespace {

const std::vector<std::string> all_fields{
    "image", "signals", "total_inversion", "peaks", "mask", "f32", "i32", "c64"};

// Every dtype, values that depend on the item so rows cannot be confused.
raserflow::Item item(std::int64_t index) {
  const double k = static_cast<double>(index);
  std::vector<double> image(4 * 5);
  for (std::size_t i = 0; i < image.size(); ++i) image[i] = k + 0.01 * static_cast<double>(i);
  std::vector<cd> signals(2 * 3);
  for (std::size_t i = 0; i < signals.size(); ++i)
    signals[i] = cd(k + static_cast<double>(i), -k - 0.5);
  return item_with(
      index, {{"image", Array::from<double>({4, 5}, image)},
              {"signals", Array::from<cd>({2, 3}, signals)},
              {"total_inversion", Array::scalar(3e16 * (k + 1))},
              {"peaks", Array::from<std::int64_t>({2}, {index, -index})},
              {"mask", Array::from<std::uint8_t>({3}, {1, 0, static_cast<std::uint8_t>(index)})},
              {"f32", Array::from<float>({2}, {0.5f, static_cast<float>(k)})},
              {"i32", Array::from<std::int32_t>({2}, {7, static_cast<std::int32_t>(index)})},
              {"c64", Array::from<std::complex<float>>({1}, {{1.5f, static_cast<float>(-k)}})},
              {"unlisted", Array::scalar(1.0)}});
}

// Items as one shard of a run would see them: not 0, 1, 2.
const std::vector<std::int64_t> items{1, 5, 9};

fs::path write_items(const std::string& name,
                     const nlohmann::json& extra = nlohmann::json::object()) {
  const auto dir = raserflow::test::scratch_dir(name);
  nlohmann::json params = {{"fields", all_fields}};
  params.update(extra);
  NodeHarness h5("io.hdf5", params, 0, dir);
  for (auto i : items) {
    auto out = h5.run(item(i));
    EXPECT_TRUE(out.has("image") && out.has("unlisted")) << "items pass through unchanged";
  }
  EXPECT_FALSE(fs::exists(dir / "dataset.h5"));
  h5.finish();
  return dir / "dataset.h5";
}

std::vector<hsize_t> chunk_of(hid_t file, const char* name) {
  const hid_t d = H5Dopen2(file, name, H5P_DEFAULT);
  const hid_t dcpl = H5Dget_create_plist(d);
  std::vector<hsize_t> chunk(H5Pget_layout(dcpl) == H5D_CHUNKED ? 8 : 0);
  chunk.resize(static_cast<std::size_t>(std::max(0, H5Pget_chunk(dcpl, 8, chunk.data()))));
  H5Pclose(dcpl);
  H5Dclose(d);
  return chunk;
}

std::string bytes_of(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

TEST(IoHdf5, EveryFieldIsADatasetWithTheItemAsFirstAxis) {
  const auto file = write_items("io-h5-shapes");
  ASSERT_TRUE(fs::exists(file));
  H5File f(file);
  EXPECT_EQ(dims_of(f.id, "image"), (std::vector<hsize_t>{3, 4, 5}));
  EXPECT_EQ(dims_of(f.id, "signals"), (std::vector<hsize_t>{3, 2, 3}));
  EXPECT_EQ(dims_of(f.id, "total_inversion"), (std::vector<hsize_t>{3}));
  EXPECT_EQ(dims_of(f.id, "peaks"), (std::vector<hsize_t>{3, 2}));
  EXPECT_EQ(dims_of(f.id, "mask"), (std::vector<hsize_t>{3, 3}));
  EXPECT_EQ(dims_of(f.id, "item_index"), (std::vector<hsize_t>{3}));
  EXPECT_LE(H5Lexists(f.id, "unlisted", H5P_DEFAULT), 0);
}

TEST(IoHdf5, ValuesRoundTripInItemOrder) {
  const auto file = write_items("io-h5-values");
  H5File f(file);
  EXPECT_EQ(read_all<std::int64_t>(f.id, "item_index", H5T_NATIVE_INT64), items);
  const auto image = read_all<double>(f.id, "image", H5T_NATIVE_DOUBLE);
  const auto signals = read_complex(f.id, "signals");
  const auto d0 = read_all<double>(f.id, "total_inversion", H5T_NATIVE_DOUBLE);
  const auto peaks = read_all<std::int64_t>(f.id, "peaks", H5T_NATIVE_INT64);
  const auto mask = read_all<std::uint8_t>(f.id, "mask", H5T_NATIVE_UINT8);
  const auto f32 = read_all<float>(f.id, "f32", H5T_NATIVE_FLOAT);
  const auto i32 = read_all<std::int32_t>(f.id, "i32", H5T_NATIVE_INT32);
  for (std::size_t row = 0; row < items.size(); ++row) {
    const auto expected = item(items[row]);
    auto same = [&](const char* name, auto got, std::size_t per_item) {
      using T = typename decltype(got)::value_type;
      const auto want = expected.array(name).values<T>();
      for (std::size_t i = 0; i < per_item; ++i)
        ASSERT_EQ(got[row * per_item + i], want[i]) << name << " row " << row;
    };
    same("image", image, 20);
    same("signals", signals, 6);
    same("total_inversion", d0, 1);
    same("peaks", peaks, 2);
    same("mask", mask, 3);
    same("f32", f32, 2);
    same("i32", i32, 2);
  }
}

TEST(IoHdf5, ComplexIsACompoundWithMembersRAndI) {
  const auto file = write_items("io-h5-complex");
  H5File f(file);
  for (auto [name, part_size] :
       {std::pair{"signals", sizeof(double)}, std::pair{"c64", sizeof(float)}}) {
    const hid_t d = H5Dopen2(f.id, name, H5P_DEFAULT);
    const hid_t t = H5Dget_type(d);
    EXPECT_EQ(H5Tget_class(t), H5T_COMPOUND) << name;
    ASSERT_EQ(H5Tget_nmembers(t), 2) << name;
    char* m0 = H5Tget_member_name(t, 0);
    char* m1 = H5Tget_member_name(t, 1);
    EXPECT_STREQ(m0, "r");
    EXPECT_STREQ(m1, "i");
    H5free_memory(m0);
    H5free_memory(m1);
    EXPECT_EQ(H5Tget_member_offset(t, 1), part_size);
    const hid_t mt = H5Tget_member_type(t, 0);
    EXPECT_EQ(H5Tget_class(mt), H5T_FLOAT);
    EXPECT_EQ(H5Tget_size(mt), part_size);
    H5Tclose(mt);
    H5Tclose(t);
    H5Dclose(d);
  }
}

TEST(IoHdf5, ImagesAreChunkedOneItemPerChunkScalarsManyPerChunk) {
  const auto dir = raserflow::test::scratch_dir("io-h5-chunks");
  NodeHarness h5("io.hdf5", {{"fields", {"image", "total_inversion"}}}, 0, dir);
  for (std::int64_t i = 0; i < 2; ++i)
    h5.run(item_with(
        i, {{"image", Array::zeros<double>({44, 44})}, {"total_inversion", Array::scalar(1.0)}}));
  h5.finish();
  H5File f(dir / "dataset.h5");
  // The paper's 44 x 44 float64 images (15.5 KiB) get one chunk per item ...
  EXPECT_EQ(chunk_of(f.id, "image"), (std::vector<hsize_t>{1, 44, 44}));
  // ... while 8-byte scalars share chunks of ~16 KiB instead of costing a chunk index entry each.
  const auto scalar_chunk = chunk_of(f.id, "total_inversion");
  ASSERT_EQ(scalar_chunk.size(), 1u);
  EXPECT_EQ(scalar_chunk[0], 2048u);
  const hid_t d = H5Dopen2(f.id, "image", H5P_DEFAULT);
  const hid_t s = H5Dget_space(d);
  hsize_t dims[3], maxdims[3];
  H5Sget_simple_extent_dims(s, dims, maxdims);
  EXPECT_EQ(dims[0], 2u);
  EXPECT_EQ(maxdims[0], H5S_UNLIMITED);
  EXPECT_EQ(maxdims[1], 44u);
  H5Sclose(s);
  H5Dclose(d);
}

TEST(IoHdf5, RootAttributesRecordFieldsVersionAndParameters) {
  const auto file = write_items("io-h5-attributes", {{"compression", 4}});
  H5File f(file);
  EXPECT_EQ(string_attribute(f.id, "fields"), all_fields);
  const auto version = string_attribute(f.id, "raserflow_version");
  ASSERT_EQ(version.size(), 1u);
  EXPECT_EQ(std::count(version[0].begin(), version[0].end(), '.'), 2) << version[0];
  const auto params = nlohmann::json::parse(string_attribute(f.id, "parameters").at(0));
  EXPECT_EQ(params.at("fields").get<std::vector<std::string>>(), all_fields);
  EXPECT_EQ(params.at("path"), "dataset.h5")
      << "relative to the output folder, so --out does not change the file";
  EXPECT_EQ(params.at("compression"), 4);
  EXPECT_EQ(int_attribute(f.id, "items_requested"), 3);
  EXPECT_EQ(int_attribute(f.id, "items_done"), 3);
  EXPECT_EQ(int_attribute(f.id, "items_held"), 3);
  EXPECT_EQ(int_attribute(f.id, "complete"), 1);
  const hid_t d = H5Dopen2(f.id, "signals", H5P_DEFAULT);
  EXPECT_EQ(string_attribute(d, "raserflow_dtype"), std::vector<std::string>{"complex128"});
  H5Dclose(d);
}

TEST(IoHdf5, CompressedFilesHoldTheSameValues) {
  const auto file = write_items("io-h5-deflate", {{"compression", 6}});
  H5File f(file);
  const hid_t d = H5Dopen2(f.id, "image", H5P_DEFAULT);
  const hid_t dcpl = H5Dget_create_plist(d);
  EXPECT_GE(H5Pget_nfilters(dcpl), 1);
  H5Pclose(dcpl);
  H5Dclose(d);
  EXPECT_EQ(read_all<double>(f.id, "image", H5T_NATIVE_DOUBLE)[20],
            item(5).array("image").values<double>()[0]);
}

TEST(IoHdf5, ObjectsCarryNoTimestamps) {
  // Timestamps have one-second resolution, so comparing two quick runs would not catch them.
  const auto file = write_items("io-h5-times");
  H5File f(file);
  for (const char* name : {"/", "image", "signals", "item_index"}) {
    H5O_info_t info{};
    ASSERT_GE(H5Oget_info_by_name2(f.id, name, &info, H5O_INFO_TIME, H5P_DEFAULT), 0) << name;
    EXPECT_EQ(info.ctime, 0) << name;
    EXPECT_EQ(info.mtime, 0) << name;
  }
}

TEST(IoHdf5, IdenticalRunsGiveByteIdenticalFiles) {
  // Object timestamps are off and the parameters are stored with relative paths.
  const auto a = write_items("io-h5-same-a"), b = write_items("io-h5-same-b");
  const auto ba = bytes_of(a), bb = bytes_of(b);
  ASSERT_FALSE(ba.empty());
  EXPECT_TRUE(ba == bb) << "files differ: " << a << " " << b;
}

TEST(IoHdf5, AbortPublishesNothing) {
  const auto dir = raserflow::test::scratch_dir("io-h5-abort");
  NodeHarness h5("io.hdf5", {{"fields", {"image"}}}, 0, dir);
  h5.run(item(0));
  h5.run(item(1));
  h5.node().abort();
  EXPECT_TRUE(fs::is_empty(dir)) << "neither dataset.h5 nor a temporary may appear";
}

TEST(IoHdf5, ShapeChangeNamesFieldItemAndBothShapes) {
  const auto dir = raserflow::test::scratch_dir("io-h5-shape");
  NodeHarness h5("io.hdf5", {{"fields", {"image"}}}, 0, dir);
  h5.run(item_with(0, {{"image", Array::zeros<double>({4, 5})}}));
  try {
    h5.run(item_with(1, {{"image", Array::zeros<double>({4, 6})}}));
    FAIL() << "expected an error";
  } catch (const raserflow::Error& e) {
    const std::string msg = e.what();
    for (const char* part : {"'image'", "item 1", "[4 x 6]", "[4 x 5]"})
      EXPECT_NE(msg.find(part), std::string::npos) << part << " missing from: " << msg;
  }
  EXPECT_THROW(h5.run(item_with(2, {{"image", Array::zeros<float>({4, 5})}})), raserflow::Error);
  // The good rows are still there and consistent.
  h5.run(item_with(3, {{"image", Array::zeros<double>({4, 5})}}));
  h5.finish();
  H5File f(dir / "dataset.h5");
  EXPECT_EQ(dims_of(f.id, "image"), (std::vector<hsize_t>{2, 4, 5}));
  EXPECT_EQ(read_all<std::int64_t>(f.id, "item_index", H5T_NATIVE_INT64),
            (std::vector<std::int64_t>{0, 3}));
}

TEST(IoHdf5, RunWithoutItemsStillWritesAReadableFile) {
  const auto dir = raserflow::test::scratch_dir("io-h5-empty");
  NodeHarness h5("io.hdf5", {{"fields", {"image"}}}, 0, dir);
  h5.finish();
  H5File f(dir / "dataset.h5");
  EXPECT_EQ(dims_of(f.id, "item_index"), (std::vector<hsize_t>{0}));
}

TEST(IoHdf5, BadFieldListsAreParameterErrors) {
  const auto dir = raserflow::test::scratch_dir("io-h5-params");
  EXPECT_THROW(NodeHarness("io.hdf5", {{"fields", std::vector<std::string>{}}}, 0, dir),
               raserflow::ParamError);
  EXPECT_THROW(NodeHarness("io.hdf5", {{"fields", {"a", "a"}}}, 0, dir), raserflow::ParamError);
  EXPECT_THROW(NodeHarness("io.hdf5", {{"fields", {"item_index"}}}, 0, dir), raserflow::ParamError);
  EXPECT_THROW(NodeHarness("io.hdf5", {{"fields", {"a/b"}}}, 0, dir), raserflow::ParamError);
  EXPECT_THROW(NodeHarness("io.hdf5", {{"fields", {"a"}}, {"compression", 10}}, 0, dir),
               raserflow::Error);
}
