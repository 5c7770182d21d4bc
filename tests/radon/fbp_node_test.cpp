// The radon.fbp node: parameters, the angle check, concurrency, and a pipeline through the CLI.
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "numerics/fbp.hpp"
#include "radon/reference.hpp"
#include "support/cli.hpp"
#include "support/harness.hpp"

namespace t = raserflow::test;
using raserflow::Array;

namespace {

raserflow::Item reference_sample() {
  const auto& sino = radon_test::reference("radon");
  const auto& angles = radon_test::reference("angles");
  return t::item_with(0, {{"projections", Array::from<double>({30, 67}, sino.values)},
                          {"angles", Array::from<double>({30}, angles.values)}});
}

std::string error_of(t::NodeHarness& node, raserflow::Item s) {
  try {
    node.run(std::move(s));
  } catch (const raserflow::Error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST(RadonFbpNode, DefaultsAreCosineAt44AndMatchTheReference) {
  t::NodeHarness node("radon.fbp");
  const auto out = node.run(reference_sample());
  const auto& rec = out.array("reconstruction");
  ASSERT_EQ(rec.shape(), (raserflow::Shape{44, 44}));
  const auto& ref = radon_test::reference("iradon_cosine_44").values;
  double peak = 0, diff = 0;
  for (std::size_t i = 0; i < ref.size(); ++i) {
    peak = std::max(peak, std::abs(ref[i]));
    diff = std::max(diff, std::abs(rec.values<double>()[i] - ref[i]));
  }
  EXPECT_LE(diff, 1e-6 * peak);  // see FbpAgainstScikitImage
}

TEST(RadonFbpNode, FilterAndOutputSizeAreHonoured) {
  t::NodeHarness node("radon.fbp", {{"filter", "hann"}, {"output_size", 48}});
  const auto rec = node.run(reference_sample()).array("reconstruction");
  ASSERT_EQ(rec.shape(), (raserflow::Shape{48, 48}));
  const auto& ref = radon_test::reference("iradon_hann_48").values;
  for (std::size_t i = 0; i < ref.size(); ++i) ASSERT_NEAR(rec.values<double>()[i], ref[i], 1e-9);
}

TEST(RadonFbpNode, RejectsUnknownFilterAndBadOutputSize) {
  auto message = [](const nlohmann::json& params) {
    try {
      t::NodeHarness node("radon.fbp", params);
    } catch (const raserflow::Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message({{"filter", "gaussian"}}).find("not one of"), std::string::npos);
  EXPECT_NE(message({{"filter", "Cosine"}}).find("not one of"), std::string::npos);
  EXPECT_NE(message({{"output_size", 0}}).find("out of range"), std::string::npos);
  EXPECT_NE(message({{"output_size", -4}}).find("out of range"), std::string::npos);
  EXPECT_NE(message({{"output_size", "big"}}).find("integer"), std::string::npos);
  EXPECT_EQ(message({{"filter", "none"}, {"output_size", 1}}), "no error");
}

TEST(RadonFbpNode, AnglesThatDoNotMatchTheRowsAreAnError) {
  t::NodeHarness node("radon.fbp");
  auto s = reference_sample();
  s.set("angles", Array::from<double>({29}, std::vector<double>(29, 0.0)));
  const auto msg = error_of(node, s);
  EXPECT_NE(msg.find("29 angles"), std::string::npos) << msg;
  EXPECT_NE(msg.find("30 rows"), std::string::npos) << msg;
}

TEST(RadonFbpNode, MalformedInputsAreErrorsNotCrashes) {
  t::NodeHarness node("radon.fbp");
  auto with = [](Array p, Array a) {
    return t::item_with(0, {{"projections", std::move(p)}, {"angles", std::move(a)}});
  };
  EXPECT_NE(
      error_of(node, with(Array::zeros<double>({0, 67}), Array::zeros<double>({0}))).find("empty"),
      std::string::npos);
  EXPECT_NE(error_of(node, with(Array::zeros<double>({67}), Array::zeros<double>({1})))
                .find("[angles x bins]"),
            std::string::npos);
  auto inf = Array::zeros<double>({2, 5});
  inf.mutable_values<double>()[3] = std::numeric_limits<double>::infinity();
  EXPECT_NE(error_of(node, with(inf, Array::zeros<double>({2}))).find("non-finite"),
            std::string::npos);
  EXPECT_NE(error_of(node, t::item_with(0, {{"angles", Array::zeros<double>({2})}})), "no error");
}

// One node instance on several threads at once, with bin counts it has not seen, so filters
// are planned while other threads execute: results must equal those of a serial run.
TEST(RadonFbpNode, ConcurrentItemsGiveTheSerialResults) {
  t::NodeHarness node("radon.fbp", {{"filter", "ramp"}, {"output_size", 32}});
  const std::vector<std::int64_t> bins{67, 20, 33, 67, 101, 20, 48, 33};
  auto sample_for = [](std::int64_t m, std::int64_t k) {
    std::vector<double> p(static_cast<std::size_t>(12 * m)), a(12);
    for (std::size_t i = 0; i < p.size(); ++i) p[i] = std::sin(0.37 * static_cast<double>(i + k));
    for (std::size_t j = 0; j < a.size(); ++j) a[j] = 15.0 * static_cast<double>(j);
    return t::item_with(k, {{"projections", Array::from<double>({12, m}, p)},
                            {"angles", Array::from<double>({12}, a)}});
  };
  std::vector<std::vector<double>> serial;
  for (std::size_t k = 0; k < bins.size(); ++k) {
    const auto& p = raserflow::radon::fbp(
        sample_for(bins[k], static_cast<std::int64_t>(k)).array("projections").values<double>(), 12,
        bins[k], sample_for(bins[k], 0).array("angles").values<double>(), 32,
        raserflow::radon::Filter::ramp);
    serial.push_back(p);
  }
  std::vector<std::vector<double>> parallel(bins.size());
  std::vector<std::thread> threads;
  for (std::size_t k = 0; k < bins.size(); ++k)
    threads.emplace_back([&, k] {
      for (int repeat = 0; repeat < 20; ++repeat) {
        const auto out = node.run(sample_for(bins[k], static_cast<std::int64_t>(k)));
        const auto v = out.array("reconstruction").values<double>();
        parallel[k].assign(v.begin(), v.end());
      }
    });
  for (auto& th : threads) th.join();
  for (std::size_t k = 0; k < bins.size(); ++k) EXPECT_EQ(parallel[k], serial[k]) << k;
}

// The two nodes wired in a pipeline: the validator accepts their fields, and the outputs are
// the same with one and with two threads.
TEST(RadonPipeline, ProjectThenFbpRunsAndIsThreadCountIndependent) {
  const auto dir = t::scratch_dir("radon_pipeline");
  const auto file = t::write_pipeline(dir, "radon.yaml", R"(items: 6
seed: 3
nodes:
  gen: {type: core.generate, params: {shape: [44, 44], random: uniform}, outputs: {data: image}}
  project: {type: radon.project}
  fbp: {type: radon.fbp, params: {filter: hamming, output_size: 48}}
  check: {type: core.checksum, params: {fields: [projections, angles, reconstruction]}}
edges: [gen -> project -> fbp -> check]
)");
  const auto one =
      t::run_cli({"run", file.string(), "--threads", "1", "--out", (dir / "one").string()});
  ASSERT_EQ(one.status, 0) << one.err;
  const auto two =
      t::run_cli({"run", file.string(), "--threads", "2", "--out", (dir / "two").string()});
  ASSERT_EQ(two.status, 0) << two.err;
  const auto a = t::slurp(dir / "one/checksums.txt"), b = t::slurp(dir / "two/checksums.txt");
  EXPECT_EQ(std::count(a.begin(), a.end(), '\n'), 6);
  EXPECT_EQ(a, b);
}

TEST(RadonPipeline, AMisspeltFilterIsRejectedBeforeRunning) {
  const auto dir = t::scratch_dir("radon_bad_filter");
  const auto file = t::write_pipeline(dir, "bad.yaml", R"(items: 1
nodes:
  gen: {type: core.generate, params: {shape: [8, 8]}, outputs: {data: image}}
  project: {type: radon.project}
  fbp: {type: radon.fbp, params: {filter: cosin}}
edges: [gen -> project -> fbp]
)");
  const auto r = t::run_cli({"validate", file.string()});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("filter"), std::string::npos) << r.err;
}
