// fft.spectrum against numpy: reference_spectra.json was computed by make_reference.py,
// which follows the paper's preprocessing step by step (np.pad, the real sum, np.fft.fft,
// np.interp on the sorted frequency axis), independently of this plugin's code.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <fstream>
#include <numbers>

#include "support/harness.hpp"

namespace rf = raserflow;
using rf::Array;
using Complex = std::complex<double>;
using json = nlohmann::json;

namespace {

json reference() {
  std::ifstream in(std::string(TEST_SOURCE_DIR) + "/fft/reference_spectra.json");
  return json::parse(in);
}

// The FIDs the script built: per row a sum of damped tones a·e^{i(2πft + φ)}·e^{-rt}.
rf::Item inputs(const json& ref) {
  const auto rows = ref["rows"];
  const auto t = ref["samples"].get<std::int64_t>();
  const auto dwell = ref["dwell"].get<double>();
  auto fid = Array::zeros<Complex>({static_cast<std::int64_t>(rows.size()), t});
  auto v = fid.mutable_values<Complex>();
  for (std::size_t j = 0; j < rows.size(); ++j)
    for (std::int64_t k = 0; k < t; ++k) {
      const double time = static_cast<double>(k) * dwell;
      Complex sum{};
      for (const auto& c : rows[j])
        sum += c[0].get<double>() *
               std::exp(Complex(
                   0, 2 * std::numbers::pi * c[1].get<double>() * time + c[3].get<double>())) *
               std::exp(-c[2].get<double>() * time);
      v[j * static_cast<std::size_t>(t) + static_cast<std::size_t>(k)] = sum;
    }
  std::vector<double> modes;
  for (const auto& r : ref["mode_frequencies"])
    for (const auto& f : r) modes.push_back(f.get<double>());
  const auto m = static_cast<std::int64_t>(ref["mode_frequencies"][0].size());
  return rf::test::item_with(0, {{"fid", fid},
                                 {"dwell", Array::scalar(dwell)},
                                 {"mode_frequencies", Array::from<double>({2, m}, modes)}});
}

}  // namespace

TEST(SpectrumReference, MatchesNumpyForEveryCombineAndPad) {
  const auto ref = reference();
  const auto s = inputs(ref);
  ASSERT_EQ(ref["cases"].size(), 4u);
  for (const auto& c : ref["cases"]) {
    const std::string label =
        c["combine"].get<std::string>() + "/" + c["pad_with"].get<std::string>();
    rf::test::NodeHarness node("fft.spectrum", {{"combine", c["combine"]},
                                                {"pad_with", c["pad_with"]},
                                                {"padding", ref["padding"]},
                                                {"roi", ref["roi"]},
                                                {"normalize", "none"}});
    const auto out = node.run(s);
    const auto peaks = out.array("spectrum_peak").values<std::int64_t>();
    const auto spectra = out.array("spectra").values<double>();
    const auto projections = out.array("raser_projections").values<double>();
    const auto roi = ref["roi"].get<std::size_t>();
    for (std::size_t j = 0; j < 2; ++j) {
      EXPECT_EQ(peaks[j], c["spectrum_peak"][j].get<std::int64_t>()) << label << " row " << j;
      const auto& expected = c["spectra"][j];
      ASSERT_EQ(expected.size(), roi);
      double scale = 0;
      for (const auto& x : expected) scale = std::max(scale, x.get<double>());
      // FFTW and numpy's pocketfft round differently: ~1e-15 relative per stage of a
      // 1280-point transform; 1e-11 of the row maximum leaves a wide margin.
      for (std::size_t k = 0; k < roi; ++k)
        EXPECT_NEAR(spectra[j * roi + k], expected[k].get<double>(), 1e-11 * scale)
            << label << " row " << j << " bin " << k;
      const auto& p = c["raser_projections"][j];
      for (std::size_t k = 0; k < p.size(); ++k)
        EXPECT_NEAR(projections[j * p.size() + k], p[k].get<double>(), 1e-9)
            << label << " row " << j << " mode " << k;
    }
  }
}
