// fft.spectrum: FIDs to the spectra the 1-D corrector reads (science.md §2.3) and to the
// uncorrected RASER projections (each projection's spectrum read at its mode frequencies).
#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdio>
#include <string>
#include <vector>

#include "fftw_planner.hpp"
#include "fftw_plans.hpp"
#include "magnitude_spectrum.hpp"
#include "profile.hpp"
#include "raserflow/raserflow.hpp"
#include "spectrum_convention.hpp"

namespace {

using raserflow::Array;
using raserflow::DType;
using raserflow::Error;
using raserflow::Param;
using raserflow::ParamError;
using Complex = std::complex<double>;
namespace fft = raserflow::fft;

// The plugin is loaded on the main thread before any worker exists: the one safe moment to
// install FFTW's planner lock for the whole process.
[[maybe_unused]] const bool planner_lock_installed =
    (raserflow::fftw::make_planner_thread_safe(), true);

std::string text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// A projection from a full magnitude spectrum: ν sits at bin ν·Npad·dwell. The DC bin is kept,
// since a mode may sit at 0 Hz in a frame centred on the band.
void sample_at_modes(std::span<const double> magnitude, std::span<const double> nu,
                     double bins_per_hz, std::span<double> out) {
  for (std::size_t k = 0; k < nu.size(); ++k)
    out[k] = fft::sample_periodic(magnitude, nu[k] * bins_per_hz);
  fft::minmax_normalize(out);
}

struct Spectrum final : raserflow::Node {
  static constexpr auto type = "fft.spectrum";
  static constexpr auto doc =
      "magnitude spectra of FIDs as in the paper (science.md §2.3): zero-fill both sides, FFT, "
      "keep the positive-frequency half with bin 0 set to 0, cut `roi` bins around the peak and "
      "normalise; also each projection's spectrum read at its mode frequencies (the "
      "uncorrected RASER projections for radon.fbp). The positive half covers (0, f_s/2) of "
      "the receiver frame: a band at negative frequencies is cut off with `combine: complex` "
      "and folded onto the positive half with `real_sum`, so put the band at a positive offset "
      "(e.g. f_s/4)";

  Param<double> padding{this,
                        "padding",
                        2.0,
                        {.doc = "zero-fill added before and after the FID, in multiples of its "
                                "length T, rounded to whole samples; 2 is the paper's \"double "
                                "the number of points on both sides\" (5·T points in all)",
                         .unit = "FID lengths",
                         .min = 0,
                         .max = 64}};
  Param<std::string> pad_with{
      this,
      "pad_with",
      "zero",
      {.doc = "fill value of the padding: zero (the paper's text) or last_mean (mean of each "
              "channel's last 10 samples, the paper's code)",
       .choices = {"zero", "last_mean"}}};
  Param<std::string> combine{
      this,
      "combine",
      "complex",
      {.doc = "sequence transformed: complex (re + i·im; correct) or real_sum (the real sum "
              "re + im of the paper's code; on the positive half it equals complex/√2 only when "
              "every frequency is positive, and it folds negative frequencies onto positive ones)",
       .choices = {"complex", "real_sum"}}};
  Param<std::int64_t> roi{this,
                          "roi",
                          200,
                          {.doc = "bins kept, [centre - roi/2, centre - roi/2 + roi) with the "
                                  "centre set by roi_at; moved inwards at either end of the half "
                                  "spectrum (and flagged in spectrum_clamped) instead of dropping "
                                  "the image",
                           .unit = "bins",
                           .min = 1}};
  Param<std::string> roi_at{
      this,
      "roi_at",
      "peak",
      {.doc = "centre of the ROI: peak (each spectrum's maximum, the paper's code; where the "
              "object lies is lost) or frequency (the bin of roi_frequency, the same for every "
              "spectrum, so a bin is a frequency and position survives)",
       .choices = {"peak", "frequency"}}};
  Param<double> roi_frequency{this,
                              "roi_frequency",
                              500.0,
                              {.doc = "centre of the ROI when roi_at is frequency: the band's "
                                      "carrier in the FID's frame (raser.simulate's "
                                      "carrier_offset)",
                               .unit = "Hz",
                               .min = 0}};
  // No "divide by the total inversion" (the paper's "w.r.t. the TPI"): raw |FFT| over d0 is
  // not in [0, 1], and one item-wide d0 ignores that each projection has its own.
  Param<std::string> normalize{
      this,
      "normalize",
      "minmax",
      {.doc = "scaling of each spectrum: minmax (to [0, 1] per spectrum, science.md §2.3; a "
              "constant spectrum becomes 0) or none (raw |DFT|, unnormalised transform)",
       .choices = {"minmax", "none"}}};
  Param<bool> projections{
      this,
      "projections",
      true,
      {.doc = "also write raser_projections, which needs mode_frequencies upstream; false for "
              "FIDs without a mode grid (e.g. recorded data before a grid is chosen)"}};

  raserflow::Reads<Complex, 2> fid{
      this,
      "fid",
      {.doc = "[P x T] demodulated FIDs, sample k at k·dwell; a mode at ν Hz is e^{+i2πνt}"}};
  raserflow::Reads<double, 0> dwell{this, "dwell", {.doc = "sampling interval, s"}};
  raserflow::Writes<double, 2> spectra{
      this,
      "spectra",
      {.doc = "[P x roi] magnitude spectra around each peak, scaled per normalize"}};
  raserflow::Writes<std::int64_t, 1> spectrum_peak{
      this,
      "spectrum_peak",
      {.doc = "[P] peak bin in the half spectrum; its frequency is peak/(Npad·dwell) Hz (the "
              "paper's pos; pos/2048 is its extra CNN input)"}};
  raserflow::Writes<std::uint8_t, 1> spectrum_clamped{
      this,
      "spectrum_clamped",
      {.doc = "[P] 1 where the ROI was moved inwards at an edge, so its centre is not at roi/2"}};
  raserflow::WritesText spectrum_convention{
      this,
      "spectrum_convention",
      {.doc = "the settings that make a bin of 'spectra' mean something, as JSON: samples, dwell "
              "(s), padded_length, hz_per_bin, pad_with, combine, normalize, roi, roi_at and "
              "roi_frequency (Hz); a corrector trained on one convention refuses another"}};

  void configure() override {
    if (!std::isfinite(*padding))
      throw ParamError("padding", "must be a finite number of FID lengths");
    // Fields that exist only for some settings are declared only then, so that validation
    // checks exactly what this node reads and promises downstream exactly what it writes.
    if (*projections) {
      modes_slot_ = reads().size();
      read_field({.declared = "mode_frequencies",
                  .dtype = DType::float64,
                  .rank = 2,
                  .doc = "[P x M] frequency of each mode in the FID's frame, Hz (needed because "
                         "projections is true)",
                  .param = "projections"});
      out_slot_ = writes().size();
      write_field({.declared = "raser_projections",
                   .dtype = DType::float64,
                   .rank = 2,
                   .doc = "[P x M] full |FFT(re + i·im)| of the padded FID (negative "
                          "frequencies included, whatever `combine` is) linearly interpolated "
                          "at mode_frequencies, min-max scaled per row",
                   .param = "projections"});
    }
    settings_.pad_with = *pad_with == "zero" ? fft::PadWith::zero : fft::PadWith::last_mean;
    settings_.combine = *combine == "complex" ? fft::Combine::complex : fft::Combine::real_sum;
  }

  void process(raserflow::Item& s) override {
    const Array& fid_array = fid.array(s);
    const auto p = fid_array.dim(0), t = fid_array.dim(1);
    if (p < 1 || t < 1)
      throw Error("fid has shape " + raserflow::shape_string(fid_array.shape()) +
                  "; expected [projections x samples] with at least one of each");
    const auto samples = fid.values(s);
    for (std::size_t i = 0; i < samples.size(); ++i)
      if (!std::isfinite(samples[i].real()) || !std::isfinite(samples[i].imag()))
        throw Error("fid holds a non-finite value at projection " + std::to_string(i / t) +
                    ", sample " + std::to_string(i % t) + "; check the acquisition");
    const double dt = dwell.values(s)[0];
    if (!(dt > 0) || !std::isfinite(dt))
      throw Error("dwell is " + text(dt) + " s; it must be a positive, finite sampling interval");

    fft::SpectrumSettings settings = settings_;
    settings.pad_each_side = std::llround(*padding * static_cast<double>(t));
    const auto n = fft::padded_length(t, settings.pad_each_side);
    const auto half = n / 2;
    if (*roi > half)
      throw Error("roi " + std::to_string(*roi) + " is wider than the " + std::to_string(half) +
                  " positive-frequency bins of a " + std::to_string(t) + "-sample FID padded to " +
                  std::to_string(n) + "; lower roi or raise padding");
    const bool at_frequency = *roi_at == "frequency";
    const double centre_bin = *roi_frequency * static_cast<double>(n) * dt;
    if (at_frequency && !(centre_bin < static_cast<double>(half)))
      throw Error("roi_frequency " + text(*roi_frequency) + " Hz lies beyond the positive half " +
                  "of the spectrum (f_s/2 = " + text(0.5 / dt) + " Hz at dwell " + text(dt) +
                  " s); give the band's carrier in the FID's frame");

    const Array* modes = *projections ? &checked_modes(s, p) : nullptr;

    auto spectra_out = Array::zeros<double>({p, *roi});
    auto peaks_out = Array::zeros<std::int64_t>({p});
    auto clamped_out = Array::zeros<std::uint8_t>({p});
    auto spectra_v = spectra_out.mutable_values<double>();
    auto peaks_v = peaks_out.mutable_values<std::int64_t>();
    auto clamped_v = clamped_out.mutable_values<std::uint8_t>();
    Array projections_out;
    std::span<double> projections_v;
    std::span<const double> modes_v;
    std::int64_t m = 0;
    if (modes) {
      m = modes->dim(1);
      projections_out = Array::zeros<double>({p, m});
      projections_v = projections_out.mutable_values<double>();
      modes_v = modes->values<double>();
    }

    fft::SpectrumWorkspace work;
    std::vector<double> magnitude(static_cast<std::size_t>(n));
    std::vector<double> positive(static_cast<std::size_t>(half));
    const auto w = static_cast<std::size_t>(*roi);
    for (std::int64_t j = 0; j < p; ++j) {
      const auto fid_row =
          samples.subspan(static_cast<std::size_t>(j * t), static_cast<std::size_t>(t));
      fft::magnitude_spectrum(fid_row, settings, plans_, work, magnitude);
      std::copy_n(magnitude.begin(), half, positive.begin());
      positive[0] = 0.0;  // the DC bin holds the receiver offset, not a mode (as the paper's code)
      const auto r = at_frequency ? fft::roi_around(positive, *roi, std::llround(centre_bin))
                                  : fft::locate_roi(positive, *roi);
      peaks_v[static_cast<std::size_t>(j)] = r.peak;
      clamped_v[static_cast<std::size_t>(j)] = r.clamped ? 1 : 0;
      auto row = spectra_v.subspan(static_cast<std::size_t>(j) * w, w);
      std::copy_n(positive.begin() + r.start, w, row.begin());
      if (*normalize == "minmax") fft::minmax_normalize(row);

      if (modes) {
        if (settings.combine != fft::Combine::complex) {
          // A real sequence cannot tell +ν from -ν: the projections always come from re + i·im.
          auto complex = settings;
          complex.combine = fft::Combine::complex;
          fft::magnitude_spectrum(fid_row, complex, plans_, work, magnitude);
        }
        const auto stride = static_cast<std::size_t>(m);
        sample_at_modes(magnitude, modes_v.subspan(static_cast<std::size_t>(j) * stride, stride),
                        static_cast<double>(n) * dt,
                        projections_v.subspan(static_cast<std::size_t>(j) * stride, stride));
      }
    }
    spectra.put(s, std::move(spectra_out));
    spectrum_peak.put(s, std::move(peaks_out));
    spectrum_clamped.put(s, std::move(clamped_out));
    spectrum_convention.put(s, fft::convention_json({.samples = t,
                                                     .dwell = dt,
                                                     .padded_length = n,
                                                     .pad_with = *pad_with,
                                                     .combine = *combine,
                                                     .normalize = *normalize,
                                                     .roi = *roi,
                                                     .roi_at = *roi_at,
                                                     .roi_frequency = *roi_frequency}));
    if (modes) s.set(writes()[out_slot_].actual, std::move(projections_out));
  }

 private:
  const Array& checked_modes(const raserflow::Item& s, std::int64_t p) const {
    const auto& name = reads()[modes_slot_].actual;
    if (!s.has(name))
      throw Error("projections is true but the item has no '" + name +
                  "'; provide mode frequencies upstream or set projections: false");
    const Array& a = s.array(name);
    if (a.dtype() != DType::float64 || a.rank() != 2 || a.dim(0) != p || a.dim(1) < 1)
      throw Error("'" + name + "' is " + std::string(raserflow::dtype_name(a.dtype())) + " " +
                  raserflow::shape_string(a.shape()) + "; expected float64 [" + std::to_string(p) +
                  " x modes], one row per FID");
    for (double v : a.values<double>())
      if (!std::isfinite(v)) throw Error("'" + name + "' holds a non-finite frequency");
    return a;
  }

  fft::SpectrumSettings settings_;
  std::size_t modes_slot_ = 0, out_slot_ = 0;
  fft::ForwardPlans plans_;
};
RASERFLOW_NODE(Spectrum);

}  // namespace
