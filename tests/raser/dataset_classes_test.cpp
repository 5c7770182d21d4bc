// raser.simulate's randomized acquisitions for training sets (science.md §1.3, §1.5): the
// image's class, log-uniform epsilon, pumping drawn per projection, a d0 spread that never
// goes negative, and spin noise that follows the spins of each slab.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>

#include "draws.hpp"
#include "support/harness.hpp"

namespace rf = raserflow;
namespace model = raserflow::raser;
using rf::test::NodeHarness;

namespace {

// P projections of M bins: a parabola shifted per row, zero outside it.
rf::Array profiles(int P, int M) {
  std::vector<double> v;
  for (int j = 0; j < P; ++j)
    for (int m = 0; m < M; ++m) {
      const double x = (m - M / 2 - j % 5) / (M / 3.0);
      v.push_back(std::max(0.0, 1 - x * x));
    }
  return rf::Array::from<double>({P, M}, v);
}

// The dataset recipe at a size a test can run: 30 projections of 67 bins, short signals.
nlohmann::json recipe(std::vector<double> weights) {
  return {{"samples", 64},
          {"total_inversion", 3e16},
          {"epsilon_range", {3.0, 30.0}},
          {"class_weights", weights},
          {"pump_rate_range", {0.1, 5.0}},
          {"pump_decay_range", {0.5, 10.0}},
          {"pump_target_range", {0.5, 2.0}},
          {"sigma_image", 0.1},
          {"sigma_projection", 0.05}};
}

std::vector<rf::Item> run_items(const nlohmann::json& params, int n, int P = 30) {
  NodeHarness node("raser.simulate", params, 7);
  std::vector<rf::Item> out;
  for (int i = 0; i < n; ++i)
    out.push_back(node.run(rf::test::item_with(i, {{"projections", profiles(P, 67)}})));
  return out;
}

double spread(std::span<const double> v) {
  double mean = 0, sq = 0;
  for (double x : v) mean += x / static_cast<double>(v.size());
  for (double x : v) sq += (x - mean) * (x - mean) / static_cast<double>(v.size());
  return std::sqrt(sq) / mean;
}

TEST(DatasetDraws, PositiveFactorNeverGoesNegativeAndKeepsTheSpreadForSmallSigma) {
  std::mt19937_64 gen(3);
  for (int i = 0; i < 20000; ++i) ASSERT_GT(model::positive_factor(2.0, gen), 0.0);
  double sum = 0, sq = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    const double f = model::positive_factor(0.05, gen);
    sum += f;
    sq += (f - 1) * (f - 1);
  }
  EXPECT_NEAR(sum / n, 1.0, 0.002);
  EXPECT_NEAR(std::sqrt(sq / n), 0.05, 0.002);
}

TEST(DatasetDraws, LogUniformIsUniformInTheLogarithm) {
  std::mt19937_64 gen(4);
  const int n = 40000;
  int below_geometric_mean = 0;
  for (int i = 0; i < n; ++i) {
    const double e = model::log_uniform(1.0, 300.0, gen);
    ASSERT_GE(e, 1.0);
    ASSERT_LE(e, 300.0);
    below_geometric_mean += e < std::sqrt(300.0);
  }
  // Half the draws lie below the geometric mean; the standard error is 0.0025.
  EXPECT_NEAR(below_geometric_mean / double(n), 0.5, 0.0125);
}

TEST(DatasetDraws, ClassesFollowTheirWeightsAndASingleClassDrawsNothing) {
  std::mt19937_64 gen(5), untouched(5);
  const std::vector<double> one{0, 1, 0};
  EXPECT_EQ(model::draw_class(one, gen), 1);
  EXPECT_EQ(gen(), untouched()) << "a single class must not consume the stream";
  const std::vector<double> paper{10000, 10000, 1000};
  std::array<int, 3> counts{};
  const int n = 42000;
  for (int i = 0; i < n; ++i) ++counts[static_cast<std::size_t>(model::draw_class(paper, gen))];
  EXPECT_NEAR(counts[0] / double(n), 10.0 / 21, 0.01);
  EXPECT_NEAR(counts[1] / double(n), 10.0 / 21, 0.01);
  EXPECT_NEAR(counts[2] / double(n), 1.0 / 21, 0.005);
}

TEST(DatasetDraws, DrawnModesAreDistinctInRangeAndAvoidTakenOnes) {
  std::mt19937_64 gen(6);
  for (int i = 0; i < 500; ++i) {
    const auto m = model::draw_modes(3, 23, 41, {30}, gen);
    ASSERT_EQ(m.size(), 3u);
    std::set<std::int64_t> s(m.begin(), m.end());
    EXPECT_EQ(s.size(), 3u);
    for (auto k : m) {
      EXPECT_GE(k, 23);
      EXPECT_LE(k, 41);
      EXPECT_NE(k, 30);
    }
  }
}

TEST(DatasetClasses, EveryClassWritesItsOwnConditions) {
  const auto items = run_items(recipe({1, 1, 1}), 24);
  std::array<int, 3> seen{};
  for (const auto& s : items) {
    const auto cls = static_cast<int>(s.array("class").values<std::int32_t>()[0]);
    ASSERT_GE(cls, 0);
    ASSERT_LE(cls, 2);
    ++seen[static_cast<std::size_t>(cls)];
    const auto gamma0 = s.array("pump_gamma0").values<double>();
    const auto tau = s.array("pump_tau").values<double>();
    const auto kappa = s.array("pump_kappa").values<double>();
    const auto modes = s.array("pumped_modes").values<std::int64_t>();
    const auto rate = s.array("pump_rate").values<double>();
    ASSERT_EQ(s.array("pumped_modes").shape(), (rf::Shape{30, 2}));
    for (std::size_t j = 0; j < 30; ++j) {
      if (cls == 1) {
        EXPECT_GE(gamma0[j], 0.1);
        EXPECT_LE(gamma0[j], 5.0);
        EXPECT_GE(tau[j], 0.5);
        EXPECT_LE(tau[j], 10.0);
        EXPECT_GE(kappa[j], 0.5);
        EXPECT_LE(kappa[j], 2.0);
        EXPECT_NE(modes[2 * j], modes[2 * j + 1]);
      }
      // The [P x K] list and the [P x M] rates describe the same pumped modes.
      int pumped = 0;
      for (std::size_t m = 0; m < 67; ++m) pumped += rate[j * 67 + m] > 0;
      EXPECT_EQ(pumped, cls == 1 ? 2 : 0) << "class " << cls << " projection " << j;
      for (std::size_t r = 0; r < 2; ++r) {
        const auto m = modes[2 * j + r];
        if (cls != 1) {
          EXPECT_EQ(m, -1);
          continue;
        }
        EXPECT_GE(m, 23);
        EXPECT_LE(m, 41);
        EXPECT_EQ(rate[j * 67 + static_cast<std::size_t>(m)], gamma0[j]);
      }
    }
  }
  for (int c = 0; c < 3; ++c) EXPECT_GT(seen[static_cast<std::size_t>(c)], 0) << "class " << c;
}

TEST(DatasetClasses, EpsilonIsDrawnPerImageInsideItsRange) {
  const auto items = run_items(recipe({1, 0, 0}), 16);
  std::set<double> images;
  for (const auto& s : items) {
    const auto eps = s.array("epsilon").values<double>();
    const auto d0 = s.array("d0").values<double>();
    // ε_j / d0_j is the same for every projection of an image: one β per image.
    for (std::size_t j = 1; j < eps.size(); ++j)
      EXPECT_NEAR(eps[j] / d0[j], eps[0] / d0[0], 1e-12 * eps[0] / d0[0]);
    // The image's ε is eps_j scaled back by the projection's and image's d0 factors;
    // with sigma 0.05 and 0.1 it stays within the range widened by the spreads.
    images.insert(eps[0]);
    // The drawn epsilon itself: inside the range, and eps_j = epsilon_image * d0_j / d0.
    const double drawn = s.scalar("epsilon_image");
    EXPECT_GE(drawn, 3.0);
    EXPECT_LE(drawn, 30.0);
    EXPECT_NEAR(eps[0], drawn * d0[0] / 3e16, 1e-9 * eps[0]);
    EXPECT_GT(eps[0], 3.0 * 0.6);
    EXPECT_LT(eps[0], 30.0 * 1.5);
  }
  EXPECT_EQ(images.size(), items.size()) << "every image draws its own epsilon";
}

TEST(DatasetClasses, FluctuatingImagesSpreadTheirProjectionsMore) {
  auto params = recipe({1, 0, 0});
  params["sigma_image"] = 0.0;
  const auto plain = run_items(params, 8);
  params["class_weights"] = {0, 0, 1};
  const auto fluctuating = run_items(params, 8);
  double plain_spread = 0, high_spread = 0;
  for (const auto& s : plain) plain_spread += spread(s.array("d0").values<double>()) / 8;
  for (const auto& s : fluctuating) high_spread += spread(s.array("d0").values<double>()) / 8;
  // sigma_projection 0.05 against fluctuation_sigma 0.2, each estimated from 8 x 30 draws.
  EXPECT_NEAR(plain_spread, 0.05, 0.015);
  EXPECT_NEAR(high_spread, 0.2, 0.05);
}

TEST(DatasetClasses, HugeSpreadsNeverInvertTheSample) {
  auto params = recipe({0, 0, 1});
  params["sigma_image"] = 3.0;
  params["fluctuation_sigma"] = 3.0;
  params["epsilon_range"] = {3.0, 3.0};
  for (const auto& s : run_items(params, 10, 6))
    for (double d : s.array("d0").values<double>()) EXPECT_GT(d, 0.0);
}

TEST(DatasetClasses, PhysicalSpinNoiseFollowsTheSpinsOfEachSlab) {
  // rms of A_mu(0) is sqrt(N_mu)/2 (science.md §1.5): no spins, no noise; and summed over
  // the modes, E[sum A^2] = N/4. 20 projections x 67 modes average the draws.
  const double spins = 1.45e19;
  const auto s = run_items({{"samples", 16},
                            {"spin_noise_model", "physical"},
                            {"spin_count", spins},
                            {"epsilon", 10.0}},
                           1, 20)
                     .front();
  const auto a = s.array("initial_amplitude").values<double>();
  const auto p = profiles(20, 67);
  const auto pv = p.values<double>();
  double sum_sq = 0;
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (pv[k] == 0) {
      EXPECT_EQ(a[k], 0.0) << "mode " << k % 67 << " holds no spins";
    }
    sum_sq += a[k] * a[k];
  }
  EXPECT_NEAR(sum_sq / 20, spins / 4, 0.1 * spins / 4);
  const auto phase = s.array("initial_phase").values<double>();
  const auto alpha = s.array("initial_transverse").values<std::complex<double>>();
  for (std::size_t k = 0; k < a.size(); k += 7) {
    EXPECT_GE(phase[k], 0.0);
    EXPECT_LT(phase[k], 2 * std::numbers::pi);
    EXPECT_NEAR(std::abs(alpha[k] - std::polar(a[k], phase[k])), 0.0, 1e-6 * (a[k] + 1));
  }
}

TEST(DatasetClasses, AnUpstreamSpinCountWinsOverTheParameter) {
  NodeHarness node("raser.simulate",
                   {{"samples", 16}, {"spin_noise_model", "physical"}, {"spin_count", 1e30}}, 7);
  auto s = node.run(rf::test::item_with(
      0, {{"projections", profiles(10, 67)}, {"spins", rf::Array::scalar(4e18)}}));
  double sum_sq = 0;
  for (double a : s.array("initial_amplitude").values<double>()) sum_sq += a * a;
  EXPECT_NEAR(sum_sq / 10, 4e18 / 4, 0.15 * 4e18 / 4);
}

TEST(DatasetClasses, BadRangesAndWeightsAreRejected) {
  for (const auto& [key, value] :
       std::vector<std::pair<std::string, nlohmann::json>>{{"class_weights", {1, 1}},
                                                           {"class_weights", {0, 0, 0}},
                                                           {"epsilon_range", {30.0, 3.0}},
                                                           {"epsilon_range", {0.0, 3.0}},
                                                           {"pump_rate_range", {5.0}},
           {"pump_decay_range", {0.0, 3.0}},
           {"pump_decay", 0.0},
                                                           {"class_pump_modes", 40}}) {
    nlohmann::json params{{"samples", 16}, {"t2_star", 0.3}};
    params[key] = value;
    if (key == "class_pump_modes") params["class_weights"] = {0, 1, 0};
    EXPECT_THROW(NodeHarness("raser.simulate", params), rf::ParamError) << key << " " << value;
  }
}

}  // namespace
