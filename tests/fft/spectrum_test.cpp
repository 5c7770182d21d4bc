// fft.spectrum as a node: the paper's oracle (science.md §6 P1), ROI clamping, normalisation,
// the RASER projections at mode frequencies, and clear errors for bad input.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <numbers>
#include <vector>

#include "support/harness.hpp"

namespace rf = raserflow;
using rf::Array;
using rf::test::NodeHarness;
using Complex = std::complex<double>;
using std::numbers::pi;
using json = nlohmann::json;

namespace {

constexpr double dwell = 0.5e-3;  // s: the paper's 2 kHz receiver
constexpr std::int64_t samples = 4096;
constexpr double bin_hz = 1.0 / (5 * samples * dwell);  // 0.09765625 Hz with the default padding

// Damped tones e^{i2πνt}·e^{-decay·t} (decay 0: undamped), one row per frequency.
Array tones(const std::vector<double>& freqs, double decay = 1.0, std::int64_t t = samples) {
  auto a = Array::zeros<Complex>({static_cast<std::int64_t>(freqs.size()), t});
  auto v = a.mutable_values<Complex>();
  for (std::size_t j = 0; j < freqs.size(); ++j)
    for (std::int64_t k = 0; k < t; ++k) {
      const double time = static_cast<double>(k) * dwell;
      v[j * static_cast<std::size_t>(t) + static_cast<std::size_t>(k)] =
          std::polar(std::exp(-decay * time), 2 * pi * freqs[j] * time);
    }
  return a;
}

rf::Item item(Array fid, std::int64_t index = 0) {
  return rf::test::item_with(index, {{"fid", std::move(fid)}, {"dwell", Array::scalar(dwell)}});
}

template <class T>
std::vector<T> row(const rf::Item& s, const std::string& name, std::int64_t j) {
  const auto& a = s.array(name);
  const auto w = a.dim(1);
  auto v = a.values<T>().subspan(static_cast<std::size_t>(j * w), static_cast<std::size_t>(w));
  return {v.begin(), v.end()};
}

std::int64_t argmax(const std::vector<double>& v) {
  return std::max_element(v.begin(), v.end()) - v.begin();
}

json no_projections(json params = json::object()) {
  params["projections"] = false;
  return params;
}

}  // namespace

TEST(SpectrumOracle, DampedToneAt100HzPeaksAtBin1024WithTheRoiCentred) {
  // science.md §6 P1: N = 4096, Δt = 0.5 ms, s = e^{i2π·100t}·e^{-t}. 100 Hz lands on bin 1024
  // only if the padded length is 20,480 (bin = 1/(20480·Δt)); pos/2048 = 0.5.
  for (const auto& params :
       {json::object(), json{{"combine", "real_sum"}, {"pad_with", "last_mean"}}}) {
    NodeHarness node("fft.spectrum", no_projections(params));
    const auto out = node.run(item(tones({100.0})));
    ASSERT_EQ(out.array("spectra").shape(), (rf::Shape{1, 200})) << params;
    const auto peak = out.array("spectrum_peak").values<std::int64_t>()[0];
    EXPECT_EQ(peak, 1024) << params;
    EXPECT_EQ(static_cast<double>(peak) / 2048.0, 0.5);
    EXPECT_DOUBLE_EQ(static_cast<double>(peak) * bin_hz, 100.0);
    const auto spectrum = row<double>(out, "spectra", 0);
    EXPECT_EQ(argmax(spectrum), 100) << params;
    EXPECT_EQ(out.array("spectrum_clamped").values<std::uint8_t>()[0], 0);
  }
}

TEST(SpectrumOracle, UnnormalisedPeakIsTheGeometricSumOfTheDecay) {
  // On its bin the tone's phase cancels, leaving Σ_k e^{-kΔt} = (1 - e^{-TΔt})/(1 - e^{-Δt}).
  NodeHarness node("fft.spectrum", no_projections({{"normalize", "none"}}));
  const auto out = node.run(item(tones({100.0})));
  const double expected = (1 - std::exp(-samples * dwell)) / (1 - std::exp(-dwell));
  // 4096 terms summed by a 20,480-point FFT: rounding ~1e-12 relative.
  EXPECT_NEAR(row<double>(out, "spectra", 0)[100], expected, 1e-9 * expected);
}

TEST(SpectrumCombine, RealSumIsComplexOverRootTwoForAPositiveBand) {
  // science.md §2.3. The equality is exact only without negative-frequency content; the
  // Lorentzian tail of this line at -100 Hz is ~1/(2π·200 Hz·1 s) ≈ 1e-3 of its peak, so the
  // spectra agree to 2e-3 of the peak.
  NodeHarness complex("fft.spectrum", no_projections({{"normalize", "none"}}));
  NodeHarness real_sum("fft.spectrum",
                       no_projections({{"normalize", "none"}, {"combine", "real_sum"}}));
  const auto c = row<double>(complex.run(item(tones({100.0}))), "spectra", 0);
  const auto r = row<double>(real_sum.run(item(tones({100.0}))), "spectra", 0);
  const double peak = *std::max_element(c.begin(), c.end());
  for (std::size_t k = 0; k < c.size(); ++k)
    EXPECT_NEAR(r[k], c[k] / std::sqrt(2.0), 2e-3 * peak) << k;
}

TEST(SpectrumCombine, ANegativeBandIsDroppedByComplexAndFoldedByRealSum) {
  // A line at -300 Hz beside a weaker one at +150 Hz: the positive half of the complex
  // spectrum sees only +150 Hz; the real sum cannot tell -300 from +300 and peaks there.
  auto fid = tones({-300.0});
  const auto weak = tones({150.0});
  auto both = Array::zeros<Complex>(fid.shape());
  auto v = both.mutable_values<Complex>();
  for (std::size_t k = 0; k < v.size(); ++k)
    v[k] = fid.values<Complex>()[k] + 0.3 * weak.values<Complex>()[k];
  NodeHarness complex("fft.spectrum", no_projections());
  NodeHarness real_sum("fft.spectrum", no_projections({{"combine", "real_sum"}}));
  EXPECT_EQ(complex.run(item(both)).array("spectrum_peak").values<std::int64_t>()[0],
            1536);  // 150 Hz
  EXPECT_EQ(real_sum.run(item(both)).array("spectrum_peak").values<std::int64_t>()[0],
            3072);  // 300 Hz
}

TEST(SpectrumRoi, ClampsAtBothEdgesAndKeepsTheImage) {
  // Bins 30 and 10,200 of the 10,240 positive bins: both ROIs would run off an end.
  NodeHarness node("fft.spectrum", no_projections());
  const auto out = node.run(item(tones({30 * bin_hz, 5000 * bin_hz, 10200 * bin_hz})));
  ASSERT_EQ(out.array("spectra").shape(), (rf::Shape{3, 200}));
  const auto peaks = out.array("spectrum_peak").values<std::int64_t>();
  const auto clamped = out.array("spectrum_clamped").values<std::uint8_t>();
  EXPECT_EQ(std::vector<std::int64_t>(peaks.begin(), peaks.end()),
            (std::vector<std::int64_t>{30, 5000, 10200}));
  EXPECT_EQ(std::vector<std::uint8_t>(clamped.begin(), clamped.end()),
            (std::vector<std::uint8_t>{1, 0, 1}));
  EXPECT_EQ(argmax(row<double>(out, "spectra", 0)), 30);             // ROI [0, 200)
  EXPECT_EQ(argmax(row<double>(out, "spectra", 1)), 100);            // ROI [4900, 5100)
  EXPECT_EQ(argmax(row<double>(out, "spectra", 2)), 10200 - 10040);  // ROI [10040, 10240)
}

TEST(SpectrumRoi, BinZeroIsIgnoredLikeThePapersCode) {
  // Without padding a constant offset lands in bin 0 alone (3·4096) and an undamped tone on
  // bin 512 (250 Hz) in that bin alone (4096): bin 0 would win the argmax if it were kept.
  auto fid = tones({250.0}, 0.0);
  auto shifted = Array::zeros<Complex>(fid.shape());
  auto v = shifted.mutable_values<Complex>();
  for (std::size_t k = 0; k < v.size(); ++k) v[k] = fid.values<Complex>()[k] + Complex(3.0, 0.0);
  NodeHarness node("fft.spectrum", no_projections({{"padding", 0}}));
  EXPECT_EQ(node.run(item(shifted)).array("spectrum_peak").values<std::int64_t>()[0], 512);
}

TEST(SpectrumNormalize, MinmaxGivesExactlyZeroToOnePerSpectrum) {
  NodeHarness node("fft.spectrum", no_projections());
  const auto out = node.run(item(tones({80.0, 400.0}, 3.0)));
  for (std::int64_t j = 0; j < 2; ++j) {
    const auto r = row<double>(out, "spectra", j);
    EXPECT_EQ(*std::min_element(r.begin(), r.end()), 0.0);
    EXPECT_EQ(*std::max_element(r.begin(), r.end()), 1.0);
  }
}

TEST(SpectrumNormalize, DividingByTheTotalInversionIsNotOffered) {
  // Raw |FFT| / d0 is not in [0, 1] and ignores the per-projection d0, so the node neither
  // offers it nor reads total_inversion for it.
  EXPECT_THROW(NodeHarness("fft.spectrum", no_projections({{"normalize", "total_inversion"}})),
               rf::Error);
  NodeHarness plain("fft.spectrum", no_projections());
  for (const auto& r : plain.node().reads()) EXPECT_NE(r.declared, "total_inversion");
}

TEST(SpectrumNormalize, AZeroFidGivesZeroSpectraNotGarbage) {
  NodeHarness node("fft.spectrum", no_projections());
  const auto out = node.run(item(Array::zeros<Complex>({2, 512})));
  for (double x : out.array("spectra").values<double>()) EXPECT_EQ(x, 0.0);
}

TEST(RaserProjections, PeakAtTheModeWhoseFrequencyIsThePureTone) {
  // 41 modes 0.25 Hz apart; each row's tone sits exactly on mode 20. Row 1 is a negative
  // frequency, row 2 reads mode frequencies one sampling rate up (their alias is -150 Hz).
  const std::vector<double> tone{100.0, -150.0, -150.0};
  const std::vector<double> first{95.0, -155.0, 1845.0};
  const std::int64_t m = 41;
  auto modes = Array::zeros<double>({3, m});
  auto mv = modes.mutable_values<double>();
  for (std::size_t j = 0; j < 3; ++j)
    for (std::int64_t k = 0; k < m; ++k)
      mv[j * m + static_cast<std::size_t>(k)] = first[j] + 0.25 * static_cast<double>(k);
  NodeHarness node("fft.spectrum");
  auto s = item(tones(tone, 0.0));
  s.set("mode_frequencies", modes);
  const auto out = node.run(s);
  ASSERT_EQ(out.array("raser_projections").shape(), (rf::Shape{3, m}));
  for (std::int64_t j = 0; j < 3; ++j) {
    const auto p = row<double>(out, "raser_projections", j);
    EXPECT_EQ(argmax(p), 20) << j;
    EXPECT_EQ(*std::max_element(p.begin(), p.end()), 1.0);
    EXPECT_EQ(*std::min_element(p.begin(), p.end()), 0.0);
  }
}

TEST(RaserProjections, ProjectionsFalseNeitherReadsModesNorWritesProjections) {
  NodeHarness node("fft.spectrum", no_projections());
  for (const auto& r : node.node().reads()) EXPECT_NE(r.declared, "mode_frequencies");
  for (const auto& w : node.node().writes()) EXPECT_NE(w.declared, "raser_projections");
  EXPECT_FALSE(node.run(item(tones({100.0}))).has("raser_projections"));
  NodeHarness with("fft.spectrum");
  EXPECT_TRUE(std::any_of(with.node().writes().begin(), with.node().writes().end(),
                          [](const auto& w) { return w.declared == "raser_projections"; }));
}

TEST(RaserProjections, ModeFrequenciesMustMatchTheFid) {
  NodeHarness node("fft.spectrum");
  EXPECT_THROW(node.run(item(tones({100.0}))), rf::Error);  // absent
  auto s = item(tones({100.0, 110.0}));
  s.set("mode_frequencies", Array::zeros<double>({3, 67}));  // three rows for two FIDs
  EXPECT_THROW(node.run(s), rf::Error);
  s.set("mode_frequencies", Array::from<double>({2, 1}, {1.0, std::nan("")}));
  EXPECT_THROW(node.run(s), rf::Error);
}

TEST(RaserProjections, ComeFromTheComplexSpectrumWhateverCombine) {
  // A real sum would read a -150 Hz line at +150 Hz too; the projections must not.
  const std::int64_t m = 41;
  auto modes = Array::zeros<double>({1, m});
  auto mv = modes.mutable_values<double>();
  for (std::int64_t k = 0; k < m; ++k)
    mv[static_cast<std::size_t>(k)] = 145.0 + 0.25 * static_cast<double>(k);
  auto s = item(tones({-150.0}));
  s.set("mode_frequencies", modes);
  NodeHarness complex("fft.spectrum");
  NodeHarness real_sum("fft.spectrum", {{"combine", "real_sum"}});
  const auto folded = real_sum.run(s);
  // The real sum really folds: its spectra peak at +150 Hz (bin 1536)...
  EXPECT_EQ(folded.array("spectrum_peak").values<std::int64_t>()[0], 1536);
  // ...while the projections are those of the complex spectrum, bit for bit.
  EXPECT_EQ(row<double>(folded, "raser_projections", 0),
            row<double>(complex.run(s), "raser_projections", 0));
}

TEST(SpectrumErrors, BadInputIsAClearErrorNotACrash) {
  NodeHarness node("fft.spectrum", no_projections());
  auto bad = tones({100.0}, 1.0, 64);
  bad.mutable_values<Complex>()[7] = {std::numeric_limits<double>::quiet_NaN(), 0.0};
  EXPECT_THROW(node.run(item(bad)), rf::Error);
  EXPECT_THROW(node.run(item(Array::zeros<Complex>({0, 64}))), rf::Error);
  auto zero_dwell = item(tones({100.0}, 1.0, 64));
  zero_dwell.set("dwell", Array::scalar(0.0));
  EXPECT_THROW(node.run(zero_dwell), rf::Error);
  // 64 samples padded to 320 have 160 positive bins: a 200-bin ROI does not fit.
  EXPECT_THROW(node.run(item(tones({100.0}, 1.0, 64))), rf::Error);
  EXPECT_THROW(NodeHarness("fft.spectrum", {{"combine", "sum"}}), std::exception);
  EXPECT_THROW(NodeHarness("fft.spectrum", {{"roi", 0}}), std::exception);
}

TEST(SpectrumRoi, AtAFrequencyEveryRowCoversTheSameBinsSoPositionSurvives) {
  // Tones 2 Hz apart around 500 Hz: with the ROI centred on 500 Hz (bin 5120) each tone peaks at
  // its own offset from the centre, 100 + Δν/bin_hz, not at 100 as with roi_at: peak.
  NodeHarness node("fft.spectrum", no_projections({{"roi_at", "frequency"}}));
  const auto out = node.run(item(tones({498.0, 500.0, 502.0}, 0.5)));
  ASSERT_EQ(out.array("spectra").shape(), (rf::Shape{3, 200}));
  EXPECT_EQ(argmax(row<double>(out, "spectra", 0)), 100 - std::lround(2.0 / bin_hz));
  EXPECT_EQ(argmax(row<double>(out, "spectra", 1)), 100);
  EXPECT_EQ(argmax(row<double>(out, "spectra", 2)), 100 + std::lround(2.0 / bin_hz));
  const auto peaks = out.array("spectrum_peak").values<std::int64_t>();
  EXPECT_EQ(peaks[1], 5120);  // still the argmax of the half spectrum
}

TEST(SpectrumRoi, AFrequencyBeyondHalfTheSamplingRateIsAnError) {
  NodeHarness node("fft.spectrum",
                   no_projections({{"roi_at", "frequency"}, {"roi_frequency", 1500.0}}));
  try {
    node.run(item(tones({500.0})));
    FAIL() << "expected an error";
  } catch (const rf::Error& e) {
    EXPECT_NE(std::string(e.what()).find("roi_frequency 1500 Hz"), std::string::npos) << e.what();
  }
}

TEST(SpectrumConvention, TheSettingsTravelWithTheSpectra) {
  NodeHarness node("fft.spectrum", no_projections({{"roi_at", "frequency"}, {"roi", 120}}));
  const auto out = node.run(item(tones({500.0})));
  const auto c = json::parse(out.text("spectrum_convention"));
  EXPECT_EQ(c["samples"], samples);
  EXPECT_EQ(c["padded_length"], 5 * samples);
  EXPECT_DOUBLE_EQ(c["hz_per_bin"].get<double>(), bin_hz);
  EXPECT_DOUBLE_EQ(c["dwell"].get<double>(), dwell);
  EXPECT_EQ(c["roi"], 120);
  EXPECT_EQ(c["roi_at"], "frequency");
  EXPECT_EQ(c["roi_frequency"], 500.0);
  EXPECT_EQ(c["combine"], "complex");
  EXPECT_EQ(c["pad_with"], "zero");
  EXPECT_EQ(c["normalize"], "minmax");
}
