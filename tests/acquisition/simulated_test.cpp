// acquisition.simulated: an ideal receiver passes signals through, the phase rotates them, the
// noise has the requested σ relative to each projection's peak, and draws are reproducible.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <cstring>
#include <limits>
#include <numbers>
#include <vector>

#include "support/harness.hpp"

namespace rf = raserflow;
using rf::Array;
using rf::test::NodeHarness;
using Complex = std::complex<double>;
using json = nlohmann::json;

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

Array chirps(std::int64_t p, std::int64_t t) {
  auto a = Array::zeros<Complex>({p, t});
  auto v = a.mutable_values<Complex>();
  for (std::int64_t j = 0; j < p; ++j)
    for (std::int64_t k = 0; k < t; ++k)
      v[static_cast<std::size_t>(j * t + k)] =
          std::polar(1.0 + 0.5 * static_cast<double>(j),
                     1e-3 * static_cast<double>(k * k) + 0.3 * static_cast<double>(j)) *
          std::exp(-1e-3 * static_cast<double>(k));
  return a;
}

rf::Item item(Array signals, std::int64_t index = 0) {
  const auto p = signals.dim(0);
  return rf::test::item_with(index, {{"signals", std::move(signals)},
                                     {"angles", Array::zeros<double>({p})},
                                     {"dwell", Array::scalar(0.5e-3)}});
}

std::vector<Complex> fid_of(const rf::Item& s) {
  const auto v = s.array("fid").values<Complex>();
  return {v.begin(), v.end()};
}

}  // namespace

TEST(SimulatedReceiver, IdealReceiverReturnsTheSignalsExactly) {
  NodeHarness node("acquisition.simulated");  // snr .inf, phase 0
  const auto in = chirps(3, 500);
  const auto out = node.run(item(in));
  const auto& fid = out.array("fid");
  ASSERT_EQ(fid.shape(), in.shape());
  ASSERT_EQ(fid.bytes().size(), in.bytes().size());
  EXPECT_EQ(std::memcmp(fid.bytes().data(), in.bytes().data(), in.bytes().size()), 0);
}

TEST(SimulatedReceiver, PhaseRotatesEverySampleByThatAngle) {
  const auto in = chirps(2, 300);
  for (double degrees : {37.0, 90.0, -180.0, 400.0}) {
    NodeHarness node("acquisition.simulated", {{"phase", degrees}});
    const auto fid = fid_of(node.run(item(in)));
    const auto sig = in.values<Complex>();
    const double want = std::remainder(degrees * std::numbers::pi / 180.0, 2 * std::numbers::pi);
    for (std::size_t k = 0; k < fid.size(); ++k) {
      // One complex product: a few ulps of |s| ≤ 1.5.
      EXPECT_NEAR(std::abs(fid[k]), std::abs(sig[k]), 1e-14);
      EXPECT_NEAR(std::remainder(std::arg(fid[k] * std::conj(sig[k])) - want, 2 * std::numbers::pi),
                  0.0, 1e-12)
          << degrees << " deg, sample " << k;
    }
  }
}

TEST(SimulatedReceiver, NoiseSigmaIsEachProjectionsPeakOverSnr) {
  // Two rows whose only signal is one sample (peak 1 and 8, at k = 0): every other sample is
  // pure noise with σ = peak/snr on each channel. With n = 199,999 samples the sample σ has a
  // relative standard error 1/√(2n) = 0.16 %; 1 % is over 6 standard errors. The mean and the
  // re-im correlation have standard errors σ/√n and 1/√n.
  const std::int64_t t = 200000;
  const double snr = 4.0, peaks[] = {1.0, 8.0};
  auto signals = Array::zeros<Complex>({2, t});
  auto v = signals.mutable_values<Complex>();
  v[0] = {peaks[0], 0.0};
  v[static_cast<std::size_t>(t)] = {0.0, peaks[1]};
  NodeHarness node("acquisition.simulated", {{"snr", snr}});
  const auto fid = fid_of(node.run(item(signals)));
  for (std::size_t j = 0; j < 2; ++j) {
    const double sigma = peaks[j] / snr;
    double sr = 0, si = 0, srr = 0, sii = 0, sri = 0;
    std::size_t within = 0;
    const double n = static_cast<double>(t - 1);
    for (std::int64_t k = 1; k < t; ++k) {
      const auto z = fid[j * static_cast<std::size_t>(t) + static_cast<std::size_t>(k)];
      sr += z.real(), si += z.imag(), srr += z.real() * z.real(), sii += z.imag() * z.imag();
      sri += z.real() * z.imag();
      within += std::abs(z.real()) < sigma;
    }
    EXPECT_NEAR(std::sqrt(srr / n), sigma, 0.01 * sigma) << "row " << j;
    EXPECT_NEAR(std::sqrt(sii / n), sigma, 0.01 * sigma) << "row " << j;
    EXPECT_NEAR(sr / n, 0.0, 5 * sigma / std::sqrt(n));
    EXPECT_NEAR(si / n, 0.0, 5 * sigma / std::sqrt(n));
    EXPECT_NEAR(sri / n / (sigma * sigma), 0.0, 5 / std::sqrt(n));
    // Gaussian: P(|x| < σ) = 0.6827, binomial standard error √(p(1-p)/n) = 0.001.
    EXPECT_NEAR(static_cast<double>(within) / n, 0.682689, 0.005);
  }
}

TEST(SimulatedReceiver, NoiseIsReproduciblePerItemAndIndependentOfOtherRows) {
  const auto in = chirps(2, 1000);
  NodeHarness a("acquisition.simulated", {{"snr", 10.0}}, 42);
  NodeHarness b("acquisition.simulated", {{"snr", 10.0}}, 42);
  NodeHarness other_seed("acquisition.simulated", {{"snr", 10.0}}, 43);
  const auto first = fid_of(a.run(item(in, 5)));
  EXPECT_EQ(first, fid_of(b.run(item(in, 5))));
  EXPECT_EQ(first, fid_of(a.run(item(in, 5))));
  EXPECT_NE(first, fid_of(a.run(item(in, 6))));
  EXPECT_NE(first, fid_of(other_seed.run(item(in, 5))));
  // Row 1 scaled: row 0's noise and values stay the same bit for bit.
  auto changed = Array::zeros<Complex>(in.shape());
  auto cv = changed.mutable_values<Complex>();
  for (std::size_t k = 0; k < cv.size(); ++k)
    cv[k] = in.values<Complex>()[k] * (k < 1000 ? 1.0 : 3.0);
  const auto again = fid_of(a.run(item(changed, 5)));
  EXPECT_TRUE(std::equal(first.begin(), first.begin() + 1000, again.begin()));
}

TEST(SimulatedReceiver, BadParametersAreRejectedAtConfiguration) {
  EXPECT_THROW(NodeHarness("acquisition.simulated", {{"snr", 0.0}}), rf::ParamError);
  EXPECT_THROW(NodeHarness("acquisition.simulated", {{"snr", -2.0}}), rf::Error);
  EXPECT_THROW(NodeHarness("acquisition.simulated", {{"snr", std::nan("")}}), rf::ParamError);
  EXPECT_THROW(NodeHarness("acquisition.simulated", {{"phase", inf}}), rf::ParamError);
  EXPECT_NO_THROW(NodeHarness("acquisition.simulated", {{"snr", inf}}));
}

TEST(SimulatedReceiver, InputsOutsideTheContractAreClearErrors) {
  NodeHarness node("acquisition.simulated", {{"snr", 10.0}});
  auto wrong_angles = item(chirps(3, 10));
  wrong_angles.set("angles", Array::zeros<double>({2}));
  EXPECT_THROW(node.run(wrong_angles), rf::Error);
  auto nan_angle = item(chirps(2, 10));
  nan_angle.set("angles", Array::from<double>({2}, {0.0, std::nan("")}));
  EXPECT_THROW(node.run(nan_angle), rf::Error);
  for (double dwell : {0.0, -1e-3, inf}) {
    auto s = item(chirps(2, 10));
    s.set("dwell", Array::scalar(dwell));
    EXPECT_THROW(node.run(s), rf::Error) << dwell;
  }
  auto bad = chirps(2, 10);
  bad.mutable_values<Complex>()[13] = {0.0, inf};
  EXPECT_THROW(node.run(item(bad)), rf::Error);
  EXPECT_THROW(node.run(item(Array::zeros<Complex>({2, 0}))), rf::Error);
}
