// radon.fbp's numerics: iradon's geometry, the filters' closed forms, agreement with
// scikit-image's iradon, and fbp(project(x)) ~ x.
#include <algorithm>
#include <cmath>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "numerics/fbp.hpp"
#include "numerics/geometry.hpp"
#include "numerics/projector.hpp"
#include "radon/reference.hpp"
#include "raserflow/error.hpp"

namespace rr = raserflow::radon;
using std::numbers::pi;

namespace {

double max_abs(const std::vector<double>& v) {
  double m = 0;
  for (double x : v) m = std::max(m, std::abs(x));
  return m;
}

double max_abs_diff(const std::vector<double>& a, const std::vector<double>& b) {
  double m = 0;
  for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(a[i] - b[i]));
  return m;
}

}  // namespace

TEST(FbpGeometry, MatchesIradonPaddingFor67Bins) {
  // science.md §2.5 steps 1-2.
  const auto g = rr::fbp_geometry(67);
  EXPECT_EQ(g.padded_bins, 95);
  EXPECT_EQ(g.pad_before, 14);
  EXPECT_EQ(g.fft_size, 256);
  const auto small = rr::fbp_geometry(20);  // ceil(28.28) = 29, 2 x 29 = 58 -> at least 64
  EXPECT_EQ(small.padded_bins, 29);
  EXPECT_EQ(small.pad_before, 4);
  EXPECT_EQ(small.fft_size, 64);
  EXPECT_EQ(rr::fbp_geometry(1).padded_bins, 2);
  EXPECT_THROW(rr::fbp_geometry(0), raserflow::Error);
}

TEST(FbpFilter, ParsesTheSixNamesAndRejectsOthers) {
  for (const auto& name : rr::filter_names()) EXPECT_NO_THROW(rr::parse_filter(name)) << name;
  EXPECT_EQ(rr::parse_filter("shepp-logan"), rr::Filter::shepp_logan);
  EXPECT_THROW(rr::parse_filter("gauss"), raserflow::Error);
  EXPECT_THROW(rr::parse_filter("Ramp"), raserflow::Error);
}

// The kernel's DTFT is |omega|/pi on [-pi, pi] less the tail of the odd terms cut at size/2,
// which sum to 2/pi^2 * sum_{odd n > size/2} 1/n^2 < 2/(pi^2 size): so 2 Re DFT is 2|k|/size
// to within 4/(pi^2 size) at every k.
TEST(FbpFilter, RampIsTwiceTheNormalisedFrequency) {
  for (std::int64_t size : {64, 256, 1024}) {
    const auto h = rr::fourier_filter(size, rr::Filter::ramp);
    ASSERT_EQ(static_cast<std::int64_t>(h.size()), size);
    for (std::int64_t k = 0; k < size; ++k) {
      const double f = static_cast<double>(std::min(k, size - k)) / static_cast<double>(size);
      EXPECT_NEAR(h[static_cast<std::size_t>(k)], 2 * f, 4 / (pi * pi * static_cast<double>(size)))
          << size << " " << k;
    }
    EXPECT_GT(h[0], 0.0);  // the DC term the sampled ramp |k| would lose
  }
}

TEST(FbpFilter, WindowsAreTheirClosedForms) {
  const std::int64_t n = 256;
  const auto ramp = rr::fourier_filter(n, rr::Filter::ramp);
  const auto cosine = rr::fourier_filter(n, rr::Filter::cosine);
  const auto shepp = rr::fourier_filter(n, rr::Filter::shepp_logan);
  const auto hamming = rr::fourier_filter(n, rr::Filter::hamming);
  const auto hann = rr::fourier_filter(n, rr::Filter::hann);
  const auto none = rr::fourier_filter(n, rr::Filter::none);
  for (std::int64_t k = 0; k < n; ++k) {
    const auto i = static_cast<std::size_t>(k);
    const double kk = static_cast<double>(k <= n / 2 - 1 ? k : k - n);  // numpy.fft.fftfreq * n
    // cosine: fftshift(sin(pi j / n)) = |cos(pi k / n)|
    EXPECT_NEAR(cosine[i], ramp[i] * std::abs(std::cos(pi * k / n)), 1e-15);
    // shepp-logan: sinc(k / n), DC unchanged
    const double omega = pi * kk / n;
    EXPECT_NEAR(shepp[i], k == 0 ? ramp[0] : ramp[i] * std::sin(omega) / omega, 1e-15);
    // numpy's symmetric windows of length n, fftshifted: window index (k + n/2) mod n
    const double m = static_cast<double>((k + n / 2) % n);
    const double phase = 2 * pi * m / static_cast<double>(n - 1);
    EXPECT_NEAR(hamming[i], ramp[i] * (0.54 - 0.46 * std::cos(phase)), 1e-15);
    EXPECT_NEAR(hann[i], ramp[i] * (0.5 - 0.5 * std::cos(phase)), 1e-15);
    EXPECT_EQ(none[i], 1.0);
  }
  EXPECT_NEAR(cosine[n / 2], 0.0, 1e-15);  // the cosine window closes at Nyquist
}

// Acceptance: every filter, output sizes 44 and 48, on skimage's radon of a 44 x 44 image at
// 30 angles laid out in 67 bins. Tolerance 1e-6 of the reference's maximum: both sides compute
// the same sums in double precision, so only rounding (~1e-15 relative) and FFT algorithm
// differences remain; anything algorithmic (padding, centre, window, interpolation, scale)
// shows up at >= 1e-3.
TEST(FbpAgainstScikitImage, EveryFilterAndOutputSizeMatchesIradon) {
  const auto& sino = radon_test::reference("radon");
  const auto& angles = radon_test::reference("angles");
  for (const auto& name : rr::filter_names()) {
    for (std::int64_t size : {44, 48}) {
      const auto& ref = radon_test::reference("iradon_" + name + "_" + std::to_string(size));
      ASSERT_EQ(ref.shape, (std::vector<std::int64_t>{size, size}));
      const auto rec = rr::fbp(sino.values, 30, 67, angles.values, size, rr::parse_filter(name));
      const double diff = max_abs_diff(rec, ref.values);
      EXPECT_LE(diff, 1e-6 * max_abs(ref.values)) << name << " " << size;
      std::ostringstream figure;  // shown with --gtest_output=xml
      figure << std::scientific << diff;
      RecordProperty("max_abs_diff_" + name + "_" + std::to_string(size), figure.str());
    }
  }
}

// Unsorted random angles, an even bin count (20: a pad of 4 before and 5 after, FFT length
// 64) and an odd output size (33), so no symmetry of the first case can hide a mistake.
TEST(FbpAgainstScikitImage, RandomSinogramAtRandomAnglesMatchesIradon) {
  const auto& sino = radon_test::reference("random_sinogram");
  const auto& angles = radon_test::reference("random_angles");
  ASSERT_EQ(sino.shape, (std::vector<std::int64_t>{7, 20}));
  for (const auto& name : rr::filter_names()) {
    const auto& ref = radon_test::reference("random_iradon_" + name);
    const auto rec = rr::fbp(sino.values, 7, 20, angles.values, 33, rr::parse_filter(name));
    const double diff = max_abs_diff(rec, ref.values);
    EXPECT_LE(diff, 1e-6 * max_abs(ref.values)) << name;
    std::ostringstream figure;
    figure << std::scientific << diff;
    RecordProperty("max_abs_diff_random_" + name, figure.str());
  }
}

// fbp(project(x)) for a soft-edged disc (radius 10 px, tanh edge 1.5 px) off the centre.
// Tolerances: with the ramp filter what is left is the blur of the pixel-square projector and
// of linear interpolation, which bites on the edge (measured max 0.03, RMS 0.008, interior
// 0.004 of the disc's height); the paper's cosine window also damps the upper half of the
// band, softening the edge further (max 0.05, RMS 0.013, interior 0.006). We allow about 1.5x
// those. The interior mean pins the scale to 1 %: a wrong pi/(2P) or filter gain is off by
// more.
TEST(FbpRoundTrip, ProjectThenFbpReproducesASmoothDisc) {
  const std::int64_t n = 44;
  std::vector<double> disc(n * n);
  for (std::int64_t r = 0; r < n; ++r)
    for (std::int64_t c = 0; c < n; ++c) {
      const double d =
          std::hypot(static_cast<double>(r - n / 2 - 3), static_cast<double>(c - n / 2 + 2));
      disc[static_cast<std::size_t>(r * n + c)] = 0.5 * (1 - std::tanh((d - 10) / 1.5));
    }
  const std::int64_t m = rr::matlab_bin_count(n, n);
  struct Case {
    int angles;
    rr::Filter filter;
    double max_interior, rms, max_any;
  };
  for (const Case& k : {Case{180, rr::Filter::ramp, 0.006, 0.012, 0.045},
                        Case{30, rr::Filter::cosine, 0.01, 0.02, 0.075}}) {
    const auto theta = rr::uniform_angles_deg(k.angles);
    const auto p = rr::project(disc, n, n, theta, m);
    const auto rec = rr::fbp(p, k.angles, m, theta, n, k.filter);
    double worst_interior = 0, worst = 0, sq = 0, interior_sum = 0;
    int interior = 0;
    for (std::size_t i = 0; i < disc.size(); ++i) {
      const double e = rec[i] - disc[i];
      sq += e * e;
      worst = std::max(worst, std::abs(e));
      if (disc[i] > 0.99) {
        worst_interior = std::max(worst_interior, std::abs(e));
        interior_sum += rec[i];
        ++interior;
      }
    }
    const double rms = std::sqrt(sq / static_cast<double>(disc.size()));
    ASSERT_GT(interior, 100);
    EXPECT_NEAR(interior_sum / interior, 1.0, 0.01) << k.angles;
    EXPECT_LT(worst_interior, k.max_interior) << k.angles;
    EXPECT_LT(rms, k.rms) << k.angles;
    EXPECT_LT(worst, k.max_any) << k.angles;
  }
}

TEST(FbpBackProjection, RejectsMismatchedAnglesAndSizes) {
  const std::vector<double> q(3 * 10, 1.0), angles{0, 60};
  EXPECT_THROW(rr::back_project(q, 3, 10, angles, 8), raserflow::Error);
  EXPECT_THROW(rr::back_project(q, 3, 9, std::vector<double>{0, 60, 120}, 8), raserflow::Error);
  EXPECT_THROW(rr::back_project(q, 3, 10, std::vector<double>{0, 60, 120}, 0), raserflow::Error);
}
