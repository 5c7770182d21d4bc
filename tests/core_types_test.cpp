// Arrays, samples, parameters and suggestions: the pieces every node is built from.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "diagnostics.hpp"
#include "raserflow/raserflow.hpp"

namespace rf = raserflow;

TEST(Array, ZerosHaveShapeDtypeAndZeroValues) {
  auto a = rf::Array::zeros<double>({3, 4});
  EXPECT_EQ(a.dtype(), rf::DType::float64);
  EXPECT_EQ(a.rank(), 2);
  EXPECT_EQ(a.size(), 12);
  EXPECT_EQ(a.bytes().size(), 96u);
  for (double v : a.values<double>()) EXPECT_EQ(v, 0.0);
}

TEST(Array, CopiesShareTheBufferWithoutCopying) {
  auto a = rf::Array::from<float>({2}, {1.5f, 2.5f});
  rf::Array b = a;
  EXPECT_EQ(a.values<float>().data(), b.values<float>().data());
}

TEST(Array, ReadingAsTheWrongDtypeIsAnError) {
  auto a = rf::Array::scalar<std::int32_t>(7);
  EXPECT_THROW(a.values<double>(), rf::Error);
  EXPECT_EQ(a.as_int(), 7);
}

TEST(Array, WritingASharedBufferIsRefused) {
  auto a = rf::Array::zeros<double>({2});
  a.mutable_values<double>()[0] = 1.0;  // sole owner: allowed
  rf::Array copy = a;
  EXPECT_THROW(a.mutable_values<double>(), rf::Error);
  EXPECT_EQ(copy.values<double>()[0], 1.0);
}

TEST(Array, ValueCountMustMatchShape) {
  EXPECT_THROW(rf::Array::from<double>({2, 2}, {1, 2, 3}), rf::Error);
  EXPECT_THROW(rf::Array::zeros<double>({-1}), rf::Error);
}

TEST(Array, AdoptKeepsTheForeignOwnerAlive) {
  auto owner = std::make_shared<std::vector<std::complex<double>>>(3, std::complex<double>(1, 2));
  std::weak_ptr<std::vector<std::complex<double>>> watch = owner;
  auto a = rf::Array::adopt(rf::DType::complex128, {3}, owner, owner->data());
  owner.reset();
  EXPECT_FALSE(watch.expired());
  EXPECT_EQ(a.values<std::complex<double>>()[2], std::complex<double>(1, 2));
  a = rf::Array();
  EXPECT_TRUE(watch.expired());
}

TEST(DType, NamesRoundTrip) {
  for (auto t : {rf::DType::uint8, rf::DType::int32, rf::DType::int64, rf::DType::float32,
                 rf::DType::float64, rf::DType::complex64, rf::DType::complex128})
    EXPECT_EQ(rf::parse_dtype(rf::dtype_name(t)), t);
  EXPECT_FALSE(rf::parse_dtype("double").has_value());
  EXPECT_EQ(rf::dtype_size(rf::DType::complex128), 16u);
}

TEST(Item, MissingFieldsAreNamedInTheError) {
  rf::Item s(4, 0);
  s.set("label", std::string("phantom"));
  try {
    s.array("image");
    FAIL() << "expected an error";
  } catch (const rf::Error& e) {
    EXPECT_NE(std::string(e.what()).find("'image'"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("item 4"), std::string::npos);
  }
  EXPECT_THROW(s.array("label"), rf::Error);
  EXPECT_EQ(s.text("label"), "phantom");
}

namespace {
struct Knobs final : rf::Node {
  rf::Param<int> size{this, "size", 44, {.doc = "side", .unit = "px", .min = 8, .max = 4096}};
  rf::Param<double> t2{this, "t2_star", 0.3, {.doc = "T2*", .unit = "s", .min = 0}};
  rf::Param<std::string> filter{this, "filter", "cosine", {.choices = {"ramp", "cosine"}}};
  rf::Param<std::vector<double>> weights{this, "weights", std::vector<double>{1.0}, {.min = 0}};
  rf::Param<bool> flag{this, "flag", false};
  rf::Param<std::string> path{this, "path", rf::required};
  void process(rf::Item&) override {}
};
}  // namespace

TEST(Param, DeclarationsAreVisibleThroughTheNode) {
  Knobs k;
  ASSERT_EQ(k.params().size(), 6u);
  EXPECT_EQ(k.params()[0]->name(), "size");
  EXPECT_EQ(k.params()[0]->info().unit, "px");
  EXPECT_FALSE(k.params()[5]->has_default());
  EXPECT_EQ(*k.size, 44);
}

TEST(Param, TypesRangesAndChoicesAreEnforced) {
  Knobs k;
  k.size.assign(64);
  EXPECT_EQ(*k.size, 64);
  EXPECT_THROW(k.size.assign(2.5), rf::Error);
  EXPECT_THROW(k.size.assign(4), rf::Error);
  EXPECT_THROW(k.size.assign("big"), rf::Error);
  k.t2.assign(std::numeric_limits<double>::infinity());  // T2* = .inf is meaningful
  EXPECT_TRUE(std::isinf(*k.t2));
  EXPECT_EQ(k.t2.value_json(), ".inf");
  k.t2.assign(1);  // an integer is a number
  EXPECT_EQ(*k.t2, 1.0);
  EXPECT_THROW(k.t2.assign(-1.0), rf::Error);
  EXPECT_THROW(k.filter.assign("hann"), rf::Error);
  EXPECT_THROW(k.weights.assign(nlohmann::json::array({1.0, -2.0})), rf::Error);
  EXPECT_THROW(k.flag.assign(1), rf::Error);
  EXPECT_EQ(*k.size, 64) << "a rejected value leaves the old one";
}

TEST(Node, ItemSeedsDependOnItemAndNodeOnly) {
  Knobs a, b;
  rf::Item s0(0, 0), s1(1, 0), s1_elsewhere(1, 17);
  EXPECT_NE(a.item_seed(s0), a.item_seed(s1));
  EXPECT_EQ(a.item_seed(s1), a.item_seed(s1_elsewhere))
      << "the ordinal (shard position) must not matter";
  EXPECT_EQ(a.item_seed(s1), b.item_seed(s1));
}

TEST(Suggestions, CloseMisspellingsAreSuggested) {
  std::vector<std::string> words{"items", "seed", "nodes", "edges"};
  EXPECT_EQ(rf::did_you_mean("itmes", words), "items");
  EXPECT_EQ(rf::did_you_mean("egdes", words), "edges");
  EXPECT_EQ(rf::did_you_mean("banana", words), "");
}

TEST(OutputFile, NothingAppearsUntilCommit) {
  auto dir = std::filesystem::temp_directory_path() / "raserflow-outputfile-test";
  std::filesystem::remove_all(dir);
  {
    rf::OutputFile f(dir / "a.txt");
    std::ofstream(f.temp_path()) << "half";
    EXPECT_FALSE(std::filesystem::exists(dir / "a.txt"));
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir)) << "an uncommitted temporary is removed";
  rf::OutputFile g(dir / "b.txt");
  std::ofstream(g.temp_path()) << "whole";
  g.commit();
  EXPECT_TRUE(std::filesystem::exists(dir / "b.txt"));
  std::filesystem::remove_all(dir);
}
