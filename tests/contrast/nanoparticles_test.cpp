// contrast.nanoparticles and its numerics (science.md §5.3): the per-mode rate against
// projections worked out by hand, the T4 oracle, a run without particles left exactly as it
// was, and the node's checks.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "relaxation.hpp"
#include "support/harness.hpp"

namespace rf = raserflow;
namespace contrast = raserflow::contrast;
using rf::Array;
using rf::test::NodeHarness;
using Complex = std::complex<double>;

namespace {

// An n x n image: `value` on rows [r0, r1) and columns [c0, c1), 0 elsewhere.
Array block(int n, int r0, int r1, int c0, int c1, double value) {
  std::vector<double> v(static_cast<std::size_t>(n * n), 0.0);
  for (int r = r0; r < r1; ++r)
    for (int c = c0; c < c1; ++c) v[static_cast<std::size_t>(r * n + c)] = value;
  return Array::from<double>({n, n}, v);
}

// A disc of radius 0.8 on [-1, 1]^2, pixel centres at -1 + (2i + 1)/n.
Array disc(int n) {
  std::vector<double> v(static_cast<std::size_t>(n * n), 0.0);
  for (int r = 0; r < n; ++r)
    for (int c = 0; c < n; ++c) {
      const double x = -1 + (2.0 * c + 1) / n, y = 1 - (2.0 * r + 1) / n;
      if (x * x + y * y <= 0.64) v[static_cast<std::size_t>(r * n + c)] = 0.5 + 0.5 * x * x;
    }
  return Array::from<double>({n, n}, v);
}

Array angles(std::vector<double> deg) {
  const auto p = static_cast<std::int64_t>(deg.size());
  return Array::from<double>({p}, std::move(deg));
}

rf::Item run(const nlohmann::json& params, rf::Item in) {
  NodeHarness node("contrast.nanoparticles", params);
  return node.run(std::move(in));
}

std::string error_of(const nlohmann::json& params, rf::Item in) {
  try {
    run(params, std::move(in));
  } catch (const rf::Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(RelaxationNumerics, NoParticlesOrNoSpinsLeaveT2StarExactly) {
  const std::vector<double> rho{0.0, 1.0, 2.5, 0.0, 1e-300}, loaded{0.0, 0.0, 0.0, 1.0, 0.0};
  for (double t2 : {0.3, 0.1 + 0.2, 7.0}) {
    const auto out = contrast::t2_star_per_mode(rho, loaded, t2, 60.4);
    for (double v : out) EXPECT_EQ(v, t2);
  }
}

TEST(RelaxationNumerics, TheRateIsTheSpinWeightedMeanConcentrationTimesTheRelaxivity) {
  // Bin 0: ρ = 2 with ρc = 0.3 (mean 0.15 mM); bin 1: ρ = 4 and ρc = 0.4 (0.1 mM).
  const auto out = contrast::t2_star_per_mode(std::vector<double>{2.0, 4.0},
                                              std::vector<double>{0.3, 0.4}, 0.3, 60.0);
  EXPECT_NEAR(1 / out[0], 1 / 0.3 + 60 * 0.15, 1e-12);
  EXPECT_NEAR(1 / out[1], 1 / 0.3 + 60 * 0.1, 1e-12);
  // Without intrinsic dephasing the particles alone set T2*.
  const auto pure = contrast::t2_star_per_mode(std::vector<double>{4.0}, std::vector<double>{0.4},
                                               std::numeric_limits<double>::infinity(), 60.0);
  EXPECT_NEAR(pure[0], 1 / 6.0, 1e-15);
}

TEST(RelaxationNumerics, TheTableHoldsScienceMdValues) {
  EXPECT_EQ(contrast::agent("ferumoxytol_r2star").relaxivity, 60.4);
  EXPECT_EQ(contrast::agent("ferumoxytol_r2star").kind, "r2*");
  EXPECT_EQ(contrast::agent("ferumoxytol_r2").relaxivity, 60.8);
  EXPECT_EQ(contrast::agent("pvp_iron_oxide_r2").relaxivity, 338.1);
  EXPECT_EQ(contrast::agent("snc11_r2").relaxivity, 454.0);
  EXPECT_THROW(contrast::agent("gadolinium"), std::invalid_argument);
}

TEST(Nanoparticles, HalfLoadedBlockGivesTheHandComputedRates) {
  // An 8 x 8 image, ρ = 1 on rows 2-5 and columns 2-5; 0.2 mM on its left half (columns 2-3).
  // 15 bins (MATLAB's length for 8 x 8), bin b centred at t = b - 7. At 0° t is the column
  // offset c - 4, so columns 2, 3 fill bins 5, 6 with 0.2 mM and columns 4, 5 bins 7, 8
  // without particles. At 90° t = -(r - 4): rows 2-5 are bins 9..6, each crossing two loaded
  // and two free pixels: 0.1 mM.
  const double r2 = 60.0, t2 = 0.3;
  auto in = rf::test::item_with(0, {{"image", block(8, 2, 6, 2, 6, 1.0)},
                                    {"concentration", block(8, 2, 6, 2, 4, 0.2)},
                                    {"angles", angles({0.0, 90.0})}});
  const auto out = run({{"agent", "custom"}, {"relaxivity", r2}, {"t2_star", t2}}, in);
  const auto& map = out.array("t2_star_modes");
  ASSERT_EQ(map.shape(), (rf::Shape{2, 15}));
  const auto v = map.values<double>();
  for (int b = 0; b < 15; ++b) {
    const double at0 = (b == 5 || b == 6) ? 1 / (1 / t2 + r2 * 0.2) : t2;
    const double at90 = (b >= 6 && b <= 9) ? 1 / (1 / t2 + r2 * 0.1) : t2;
    if (at0 == t2)
      EXPECT_EQ(v[b], t2) << "0 deg, bin " << b;
    else
      EXPECT_NEAR(v[b], at0, 1e-12 * at0) << "0 deg, bin " << b;
    if (at90 == t2)
      EXPECT_EQ(v[15 + b], t2) << "90 deg, bin " << b;
    else
      EXPECT_NEAR(v[15 + b], at90, 1e-12 * at90) << "90 deg, bin " << b;
  }
  EXPECT_EQ(out.scalar("relaxivity"), r2);
}

TEST(Nanoparticles, NoParticlesGiveExactlyTheT2StarParameter) {
  const auto img = disc(44);
  for (const auto& extra :
       {nlohmann::json::object(), nlohmann::json{{"regions", {0.0, 0.5, 0.5, 0, 0, 0}}}}) {
    auto params = extra;
    params["t2_star"] = 0.1 + 0.2;  // not a round number: 1/(1/x) need not be x
    auto in = rf::test::item_with(0, {{"image", img},
                                      {"angles", angles({0, 33, 71.5, 150})},
                                      {"concentration", Array::zeros<double>({44, 44})}});
    const auto out = run(params, in);
    EXPECT_EQ(out.array("t2_star_modes").shape(), (rf::Shape{4, 67}));
    for (double v : out.array("t2_star_modes").values<double>()) ASSERT_EQ(v, 0.1 + 0.2);
  }
}

TEST(Nanoparticles, UniformLoadingIsTheT4Factor) {
  // science.md §6 T4: 60 /(mM s) at 0.1 mM on T2* = 0.3 s: 1/T2* 3.33 -> 9.33 s^-1, ε / 2.8.
  // The regions here cover the whole square (semi-axes 2), as a uniform map would.
  const auto out =
      run({{"agent", "custom"}, {"relaxivity", 60.0}, {"regions", {0.1, 2, 2, 0, 0, 0}}},
          rf::test::item_with(0, {{"image", disc(44)}, {"angles", angles({0, 45, 100})}}));
  const auto t2 = out.array("t2_star_modes").values<double>();
  int loaded = 0;
  for (double v : t2) {
    if (v == 0.3) continue;  // a bin the disc does not reach
    ++loaded;
    EXPECT_NEAR(0.3 / v, 2.8, 2.8e-2);
    EXPECT_NEAR(v, 1 / (1 / 0.3 + 6.0), 1e-14);
  }
  EXPECT_GT(loaded, 3 * 30);
  for (double c : out.array("particle_concentration").values<double>()) EXPECT_EQ(c, 0.1);
}

TEST(Nanoparticles, AgentsSetTheRelaxivity) {
  auto in = rf::test::item_with(0, {{"image", disc(16)}, {"angles", angles({0})}});
  EXPECT_EQ(run({}, in).scalar("relaxivity"), 60.4);  // ferumoxytol r2* by default
  EXPECT_EQ(run({{"agent", "snc11_r2"}}, in).scalar("relaxivity"), 454.0);
}

TEST(Nanoparticles, BadParametersAndFieldsAreRefused) {
  EXPECT_THROW(NodeHarness("contrast.nanoparticles", {{"agent", "custom"}}), rf::ParamError);
  EXPECT_THROW(NodeHarness("contrast.nanoparticles", {{"relaxivity", 10.0}}), rf::ParamError);
  EXPECT_THROW(NodeHarness("contrast.nanoparticles", {{"regions", {0.1, 1, 1, 0, 0}}}),
               rf::ParamError);
  EXPECT_THROW(NodeHarness("contrast.nanoparticles", {{"regions", {-0.1, 1, 1, 0, 0, 0}}}),
               rf::ParamError);
  const auto wrong = error_of(
      {}, rf::test::item_with(
              0, {{"image", disc(16)}, {"angles", angles({0})}, {"concentration", disc(15)}}));
  EXPECT_NE(wrong.find("'concentration'"), std::string::npos) << wrong;
  EXPECT_NE(wrong.find("[15 x 15]"), std::string::npos) << wrong;
  auto negative = block(8, 0, 8, 0, 8, 1.0);
  std::vector<double> v(negative.values<double>().begin(), negative.values<double>().end());
  v[3] = -0.5;
  const auto why = error_of({}, rf::test::item_with(0, {{"image", Array::from<double>({8, 8}, v)},
                                                        {"angles", angles({0})}}));
  EXPECT_NE(why.find("row 0, column 3"), std::string::npos) << why;
}

// The chain phantom -> radon.project -> contrast.nanoparticles -> raser.simulate, in process.
rf::Item chain(const Array& image, const nlohmann::json& particles, const nlohmann::json& raser) {
  NodeHarness project("radon.project", {{"angle_count", 6}});
  auto s = project.run(rf::test::item_with(0, {{"image", image}}));
  if (!particles.is_null()) {
    NodeHarness np("contrast.nanoparticles", particles);
    s = np.run(std::move(s));
  }
  NodeHarness sim("raser.simulate", raser, 4);
  return sim.run(std::move(s));
}

TEST(Nanoparticles, ARunWithoutParticlesIsBitForBitTheRunWithoutTheNode) {
  const nlohmann::json raser{{"samples", 1024}, {"epsilon", 10.0}, {"t2_star", 0.3}};
  const auto plain = chain(disc(44), nullptr, raser);
  const auto zero =
      chain(disc(44), {{"t2_star", 0.3}, {"regions", {0.0, 0.3, 0.3, 0.2, 0, 0}}}, raser);
  ASSERT_TRUE(zero.has("t2_star_modes"));
  const auto a = plain.array("signals").values<Complex>(),
             b = zero.array("signals").values<Complex>();
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t k = 0; k < a.size(); ++k) ASSERT_EQ(a[k], b[k]) << k;
  const auto ea = plain.array("epsilon").values<double>(),
             eb = zero.array("epsilon").values<double>();
  EXPECT_TRUE(std::equal(ea.begin(), ea.end(), eb.begin()));
}

TEST(Nanoparticles, UniformLoadingLowersEpsilonByTheT2StarRatio) {
  // Every spin sees 0.1 mM at 60 /(mM s): ε_eff = ε T2*_eff / T2* (science.md §5.3).
  const nlohmann::json raser{{"samples", 256}, {"epsilon", 10.0}, {"t2_star", 0.3}};
  const auto out = chain(disc(44),
                         {{"t2_star", 0.3},
                          {"agent", "custom"},
                          {"relaxivity", 60.0},
                          {"regions", {0.1, 2, 2, 0, 0, 0}}},
                         raser);
  const double t2_eff = 1 / (1 / 0.3 + 6.0);
  for (double e : out.array("epsilon").values<double>()) EXPECT_NEAR(e, 10 * t2_eff / 0.3, 1e-11);
}

}  // namespace
