// The fft plugin's numerics on their own: padding, the transform, ROI, scaling, interpolation,
// and FFTW plans shared between threads.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numbers>
#include <thread>
#include <vector>

#include "fftw_plans.hpp"
#include "magnitude_spectrum.hpp"
#include "profile.hpp"
#include "raserflow/error.hpp"
#include "spectrum_convention.hpp"

namespace fft = raserflow::fft;
using Complex = std::complex<double>;
using std::numbers::pi;

namespace {

std::vector<double> magnitude(const std::vector<Complex>& fid,
                              const fft::SpectrumSettings& settings) {
  fft::ForwardPlans plans;
  fft::SpectrumWorkspace work;
  std::vector<double> out(static_cast<std::size_t>(
      fft::padded_length(static_cast<std::int64_t>(fid.size()), settings.pad_each_side)));
  fft::magnitude_spectrum(fid, settings, plans, work, out);
  return out;
}

// An O(n²) DFT written from the definition, independent of FFTW.
std::vector<double> naive_magnitude(const std::vector<Complex>& x) {
  const auto n = x.size();
  std::vector<double> out(n);
  for (std::size_t k = 0; k < n; ++k) {
    Complex sum{};
    for (std::size_t j = 0; j < n; ++j)
      sum +=
          x[j] * std::polar(1.0, -2 * pi * static_cast<double>(k * j % n) / static_cast<double>(n));
    out[k] = std::abs(sum);
  }
  return out;
}

std::vector<Complex> damped_tones(std::size_t samples) {
  std::vector<Complex> s(samples);
  for (std::size_t k = 0; k < samples; ++k) {
    const double t = static_cast<double>(k);
    s[k] = std::polar(1.0, 0.9 * t) * std::exp(-0.05 * t) + std::polar(0.3, -2.1 * t + 0.4);
  }
  return s;
}

}  // namespace

TEST(PaddedLength, PaperPaddingGivesFiveTimesTheSamples) {
  // science.md §6 P1: 4096 samples with 2·4096 on each side.
  EXPECT_EQ(fft::padded_length(4096, 2 * 4096), 20480);
}

TEST(MagnitudeSpectrum, MatchesTheDefinitionForEveryPadAndCombine) {
  const auto fid = damped_tones(12);
  Complex mean{};
  for (std::size_t k = 2; k < 12; ++k) mean += fid[k];
  mean /= 10.0;
  for (auto with : {fft::PadWith::zero, fft::PadWith::last_mean}) {
    for (auto combine : {fft::Combine::complex, fft::Combine::real_sum}) {
      const Complex pad = with == fft::PadWith::zero ? Complex{} : mean;
      std::vector<Complex> x(24, pad);
      x.insert(x.end(), fid.begin(), fid.end());
      x.insert(x.end(), 24, pad);
      if (combine == fft::Combine::real_sum)
        for (auto& v : x) v = {v.real() + v.imag(), 0.0};
      const auto expected = naive_magnitude(x);
      const auto got = magnitude(fid, {.pad_each_side = 24, .pad_with = with, .combine = combine});
      ASSERT_EQ(got.size(), 60u);
      // Both are sums of 60 terms of size ≤ 1.3: rounding stays far below 1e-12.
      for (std::size_t k = 0; k < got.size(); ++k) EXPECT_NEAR(got[k], expected[k], 1e-12) << k;
    }
  }
}

TEST(MagnitudeSpectrum, ToneOnABinGivesAmplitudeTimesSamplesThere) {
  // Closed form: Σ_k A e^{i2π k0 (n - pad)/N} e^{-i2π k0 n/N} = A·T·e^{-i2π k0 pad/N}.
  const std::int64_t t = 64, pad = 128, n = t + 2 * pad;
  for (std::int64_t k0 : {std::int64_t{17}, n - 23}) {  // one positive and one negative frequency
    std::vector<Complex> fid(static_cast<std::size_t>(t));
    for (std::int64_t k = 0; k < t; ++k)
      fid[static_cast<std::size_t>(k)] =
          std::polar(2.5, 2 * pi * static_cast<double>(k0 * k) / static_cast<double>(n));
    const auto mag = magnitude(fid, {.pad_each_side = pad});
    EXPECT_NEAR(mag[static_cast<std::size_t>(k0)], 2.5 * static_cast<double>(t), 1e-11);
    EXPECT_EQ(std::max_element(mag.begin(), mag.end()) - mag.begin(), k0);
  }
}

TEST(MagnitudeSpectrum, RealSumIsComplexOverRootTwoUpToTheMirroredBin) {
  // science.md §2.3: with re + im = ((1-i)/2)·s + conj(((1-i)/2))·conj(s), each positive bin of
  // the real sum is (1-i)/2·S(k) + conj((1-i)/2·S(-k)); so by the triangle inequality
  // ||X(k)| - |S(k)|/√2| ≤ |S(-k)|/√2, which is equality with complex/√2 when S(-k) = 0.
  std::vector<Complex> fid(500);
  for (std::size_t k = 0; k < fid.size(); ++k)
    fid[k] =
        std::polar(1.0, 0.7 * static_cast<double>(k)) * std::exp(-0.01 * static_cast<double>(k)) +
        std::polar(0.2, -1.9 * static_cast<double>(k));
  const auto c = magnitude(fid, {.pad_each_side = 1000});
  const auto r = magnitude(fid, {.pad_each_side = 1000, .combine = fft::Combine::real_sum});
  const std::size_t n = c.size();
  for (std::size_t k = 1; k < n / 2; ++k)
    EXPECT_LE(std::abs(r[k] - c[k] / std::sqrt(2.0)), c[n - k] / std::sqrt(2.0) + 1e-9) << k;
}

TEST(LocateRoi, CentresOnThePeakAwayFromTheEdges) {
  std::vector<double> half(1000, 0.0);
  half[400] = 5;
  const auto r = fft::locate_roi(half, 200);
  EXPECT_EQ(r.peak, 400);
  EXPECT_EQ(r.start, 300);
  EXPECT_FALSE(r.clamped);
}

TEST(LocateRoi, ClampsAtBothEndsInsteadOfFailing) {
  std::vector<double> half(1000, 0.0);
  half[40] = 1;
  auto r = fft::locate_roi(half, 200);
  EXPECT_EQ(r.peak, 40);
  EXPECT_EQ(r.start, 0);
  EXPECT_TRUE(r.clamped);
  half[40] = 0;
  half[950] = 1;
  r = fft::locate_roi(half, 200);
  EXPECT_EQ(r.peak, 950);
  EXPECT_EQ(r.start, 800);
  EXPECT_TRUE(r.clamped);
  half[950] = 0;
  half[900] = 1;  // exactly fits: [800, 1000)
  r = fft::locate_roi(half, 200);
  EXPECT_EQ(r.start, 800);
  EXPECT_FALSE(r.clamped);
}

TEST(LocateRoi, TiesGoToTheFirstPeakAsInNumpy) {
  std::vector<double> half(300, 1.0);
  EXPECT_EQ(fft::locate_roi(half, 10).peak, 0);
}

TEST(LocateRoi, AnRoiWiderThanTheSpectrumIsAnError) {
  std::vector<double> half(100, 0.0);
  EXPECT_THROW(fft::locate_roi(half, 101), raserflow::Error);
  EXPECT_NO_THROW(fft::locate_roi(half, 100));
}

TEST(MinmaxNormalize, MapsOntoExactlyZeroToOne) {
  std::vector<double> v{3.0, -1.5, 7.25, 0.0};
  fft::minmax_normalize(v);
  EXPECT_EQ(*std::min_element(v.begin(), v.end()), 0.0);
  EXPECT_EQ(*std::max_element(v.begin(), v.end()), 1.0);
  EXPECT_DOUBLE_EQ(v[0], 4.5 / 8.75);
}

TEST(MinmaxNormalize, AConstantVectorBecomesZeros) {
  std::vector<double> v(5, 2.0);
  fft::minmax_normalize(v);
  for (double x : v) EXPECT_EQ(x, 0.0);
}

TEST(SamplePeriodic, InterpolatesLinearlyAndWrapsAround) {
  const std::vector<double> s{1.0, 3.0, 7.0, 5.0};
  EXPECT_EQ(fft::sample_periodic(s, 2.0), 7.0);
  EXPECT_DOUBLE_EQ(fft::sample_periodic(s, 1.25), 4.0);
  EXPECT_DOUBLE_EQ(fft::sample_periodic(s, 3.5), 3.0);   // between the last bin and bin 0
  EXPECT_DOUBLE_EQ(fft::sample_periodic(s, -0.5), 3.0);  // a negative frequency
  EXPECT_DOUBLE_EQ(fft::sample_periodic(s, 6.0), 7.0);   // an alias one period up
  EXPECT_DOUBLE_EQ(fft::sample_periodic(s, -1e-300), 1.0);
  EXPECT_THROW(fft::sample_periodic(s, std::nan("")), raserflow::Error);
}

TEST(ForwardPlans, SharedPlansGiveBitIdenticalResultsOnEveryThread) {
  const std::vector<std::int64_t> lengths{20480, 4096, 1000, 777, 12288, 3000, 97, 6144};
  auto transform = [](fft::ForwardPlans& plans, std::int64_t n) {
    auto in = fft::complex_buffer(n), out = fft::complex_buffer(n);
    for (std::int64_t k = 0; k < n; ++k)
      in[k] = {std::sin(0.37 * static_cast<double>(k)),
               std::cos(1e-3 * static_cast<double>(k * k))};
    plans.execute(n, in.get(), out.get());
    return std::vector<Complex>(out.get(), out.get() + n);
  };
  std::vector<std::vector<Complex>> serial;
  fft::ForwardPlans plans;
  for (auto n : lengths) serial.push_back(transform(plans, n));
  std::vector<std::vector<Complex>> parallel(lengths.size() * 4);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < parallel.size(); ++i)
    threads.emplace_back([&, i] { parallel[i] = transform(plans, lengths[i % lengths.size()]); });
  for (auto& th : threads) th.join();
  for (std::size_t i = 0; i < parallel.size(); ++i)
    EXPECT_EQ(parallel[i], serial[i % lengths.size()]) << "length " << lengths[i % lengths.size()];
}

TEST(ForwardPlans, ConcurrentFirstTimePlanningInSeparateCachesIsSafe) {
  // Every thread plans lengths FFTW has not seen, each in a cache of its own, so nothing but
  // FFTW's planner lock orders the planners' access to FFTW's global state (without it this
  // crashes or returns wrong transforms). Checked against the definition of the DFT.
  std::vector<std::thread> threads;
  std::vector<double> error(48, 0.0);
  for (std::size_t i = 0; i < error.size(); ++i)
    threads.emplace_back([&, i] {
      const auto n = static_cast<std::int64_t>(150 + 7 * i);
      fft::ForwardPlans own;
      std::vector<Complex> x(static_cast<std::size_t>(n));
      for (std::int64_t k = 0; k < n; ++k)
        x[static_cast<std::size_t>(k)] = std::polar(1.0, 0.1 * static_cast<double>(k * k));
      auto in = fft::complex_buffer(n), out = fft::complex_buffer(n);
      std::copy(x.begin(), x.end(), in.get());
      own.execute(n, in.get(), out.get());
      const auto expected = naive_magnitude(x);
      for (std::int64_t k = 0; k < n; ++k)
        error[i] =
            std::max(error[i], std::abs(std::abs(out[k]) - expected[static_cast<std::size_t>(k)]));
    });
  for (auto& th : threads) th.join();
  // Sums of ≤ 486 unit terms: rounding stays below 1e-10.
  for (std::size_t i = 0; i < error.size(); ++i)
    EXPECT_LT(error[i], 1e-10) << "length " << 150 + 7 * i;
}

TEST(ForwardPlans, LengthsOutsideFftwsRangeAreErrors) {
  fft::ForwardPlans plans;
  EXPECT_THROW(plans.execute(0, nullptr, nullptr), raserflow::Error);
  EXPECT_THROW(plans.execute(std::int64_t{1} << 40, nullptr, nullptr), raserflow::Error);
}

TEST(SpectrumConvention, EqualConventionsDifferInNothing) {
  const fft::SpectrumConvention c{4096,     5e-4, 20480,       "zero", "complex",
                                  "minmax", 200,  "frequency", 500.0};
  EXPECT_EQ(fft::convention_difference(fft::convention_json(c), fft::convention_json(c)), "");
}

TEST(SpectrumConvention, EachDifferenceIsNamedWithExpectedAndGot) {
  fft::SpectrumConvention a{4096,     5e-4, 20480,       "zero", "complex",
                            "minmax", 200,  "frequency", 500.0};
  auto b = a;
  b.dwell = 1e-3;
  b.roi_at = "peak";
  const auto d = fft::convention_difference(fft::convention_json(a), fft::convention_json(b));
  EXPECT_NE(d.find("dwell: expected 0.0005, got 0.001"), std::string::npos) << d;
  EXPECT_NE(d.find("hz_per_bin"), std::string::npos) << d;
  EXPECT_NE(d.find("roi_at: expected \"frequency\", got \"peak\""), std::string::npos) << d;
  EXPECT_EQ(d.find("roi_frequency"), std::string::npos) << d;  // moot when one centres on peaks
  EXPECT_THROW(fft::convention_difference("{}", fft::convention_json(a)), raserflow::Error);
  EXPECT_THROW(fft::convention_difference(fft::convention_json(a), "not json"), raserflow::Error);
}
