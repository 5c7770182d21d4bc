// radon.project's numerics: geometry, the direction convention, mass, closed-form ellipses
// and agreement with scikit-image's radon.
#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "numerics/geometry.hpp"
#include "numerics/projector.hpp"
#include "radon/reference.hpp"
#include "raserflow/error.hpp"

namespace rr = raserflow::radon;
using std::numbers::pi;

namespace {

double sum(const double* v, std::size_t n) {
  double s = 0;
  for (std::size_t i = 0; i < n; ++i) s += v[i];
  return s;
}

// An ellipse in the contract's (x, y) = (row - N/2, col - N/2) frame: centre (x0, y0),
// semi-axis a along (cos psi, sin psi), b across it.
struct Ellipse {
  double x0, y0, a, b, psi;

  bool inside(double x, double y) const {
    const double dx = x - x0, dy = y - y0;
    const double u = dx * std::cos(psi) + dy * std::sin(psi);
    const double v = -dx * std::sin(psi) + dy * std::cos(psi);
    return (u / a) * (u / a) + (v / b) * (v / b) <= 1.0;
  }

  // Each pixel gets the fraction of its square inside the ellipse, from k x k sub-samples.
  std::vector<double> render(std::int64_t n, int k = 16) const {
    std::vector<double> img(static_cast<std::size_t>(n * n), 0.0);
    for (std::int64_t r = 0; r < n; ++r)
      for (std::int64_t c = 0; c < n; ++c) {
        int hits = 0;
        for (int i = 0; i < k; ++i)
          for (int j = 0; j < k; ++j)
            hits += inside(static_cast<double>(r - n / 2) - 0.5 + (i + 0.5) / k,
                           static_cast<double>(c - n / 2) - 0.5 + (j + 0.5) / k);
        img[static_cast<std::size_t>(r * n + c)] = static_cast<double>(hits) / (k * k);
      }
    return img;
  }

  // Lines of constant t = y cos(theta) - x sin(theta) have unit normal m = (-sin, cos) in
  // (x, y). The ellipse is A(unit disc) + centre with A = [a e1, b e2]; its support half-width
  // along m is s = |A^T m|, s^2 = a^2 (m.e1)^2 + b^2 (m.e2)^2, and its chord at offset u from
  // t0 = m.centre is k sqrt(s^2 - u^2), where k = 2ab/s^2 because the chords integrate to the
  // area pi a b = k pi s^2 / 2.
  void support(double theta, double& t0, double& s2) const {
    const double mx = -std::sin(theta), my = std::cos(theta);
    const double m1 = mx * std::cos(psi) + my * std::sin(psi);
    const double m2 = -mx * std::sin(psi) + my * std::cos(psi);
    t0 = mx * x0 + my * y0;
    s2 = a * a * m1 * m1 + b * b * m2 * m2;
  }
  double chord(double theta, double t) const {
    double t0, s2;
    support(theta, t0, s2);
    const double u = t - t0;
    return u * u >= s2 ? 0.0 : 2 * a * b * std::sqrt(s2 - u * u) / s2;
  }
  // The chord integrated over [lo, hi]: antiderivative (ab/s^2)(u sqrt(s^2-u^2) + s^2 asin(u/s)).
  double chord_integral(double theta, double lo, double hi) const {
    double t0, s2;
    support(theta, t0, s2);
    const double s = std::sqrt(s2);
    auto g = [&](double t) {
      const double u = std::clamp(t - t0, -s, s);
      return a * b / s2 * (u * std::sqrt(std::max(0.0, s2 - u * u)) + s2 * std::asin(u / s));
    };
    return g(hi) - g(lo);
  }
};

}  // namespace

TEST(RadonGeometry, MatlabBinCountGivesThePapersLengths) {
  // science.md oracle G2.
  EXPECT_EQ(rr::matlab_bin_count(44, 44), 67);
  EXPECT_EQ(rr::matlab_bin_count(48, 48), 71);
  EXPECT_EQ(rr::matlab_bin_count(64, 64), 95);
  EXPECT_EQ(rr::matlab_bin_count(1, 1), 3);
  EXPECT_THROW(rr::matlab_bin_count(0, 5), raserflow::Error);
}

TEST(RadonGeometry, UniformAnglesCoverHalfATurnWithout180) {
  const auto a = rr::uniform_angles_deg(30);
  ASSERT_EQ(a.size(), 30u);
  for (std::size_t j = 0; j < a.size(); ++j) EXPECT_DOUBLE_EQ(a[j], 6.0 * static_cast<double>(j));
  EXPECT_THROW(rr::uniform_angles_deg(0), raserflow::Error);
}

TEST(RadonProjector, PixelFootprintIsAUnitMassTrapezoid) {
  for (double deg : {0.0, 10.0, 30.0, 45.0, 77.0, 90.0, 135.0}) {
    const double wc = std::abs(std::cos(deg * pi / 180)), ws = std::abs(std::sin(deg * pi / 180));
    EXPECT_NEAR(rr::pixel_fraction(-2, 2, wc, ws), 1.0, 1e-15) << deg;
    EXPECT_NEAR(rr::pixel_fraction(-2, 0, wc, ws), 0.5, 1e-15) << deg;  // symmetric
    double total = 0;  // bins of any offset partition the footprint
    for (int b = -3; b <= 3; ++b) total += rr::pixel_fraction(b - 0.5 + 0.3, b + 0.5 + 0.3, wc, ws);
    EXPECT_NEAR(total, 1.0, 1e-15) << deg;
  }
  // At 45 degrees the footprint is a triangle of half-width 1/sqrt(2): the tail beyond 1/2
  // holds (1/sqrt(2) - 1/2)^2 = 3/4 - 1/sqrt(2).
  const double w = std::sqrt(0.5);
  EXPECT_NEAR(rr::pixel_fraction(0.5, 2, w, w), 0.75 - std::sqrt(0.5), 1e-15);
  EXPECT_NEAR(rr::pixel_fraction(0.1, 0.2, 1, 0), 0.1, 1e-15);  // at 0 degrees, a unit box
}

// One bright pixel at x = r - N/2 = -6, y = c - N/2 = +4 projects to t = y cos - x sin:
// +4 at 0 deg, +6 at 90 deg, 10/sqrt(2) = 7.07 at 45 deg, 2/sqrt(2) = 1.41 at 135 deg (checked
// against skimage.transform.radon, which gives the same argmax bins). Bin b is t = b - M/2.
TEST(RadonProjector, SinglePixelLandsInTheBinOfTheContractsDirection) {
  const std::int64_t n = 44, m = 67, centre = m / 2;
  std::vector<double> img(n * n, 0.0);
  img[static_cast<std::size_t>((n / 2 - 6) * n + (n / 2 + 4))] = 1.0;
  const std::vector<double> angles{0, 45, 90, 135};
  const auto p = rr::project(img, n, n, angles, m);
  auto at = [&](int j, std::int64_t b) { return p[static_cast<std::size_t>(j * m + b)]; };
  auto argmax = [&](int j) {
    return std::max_element(p.begin() + j * m, p.begin() + (j + 1) * m) - (p.begin() + j * m);
  };
  EXPECT_DOUBLE_EQ(at(0, centre + 4), 1.0);    // 0 deg: a unit box sitting exactly on one bin
  EXPECT_NEAR(at(2, centre + 6), 1.0, 1e-12);  // 90 deg (cos 90 is 6e-17, not 0)
  EXPECT_EQ(argmax(1), centre + 7);
  EXPECT_EQ(argmax(3), centre + 1);
  // 45 deg, t = 7.071: the triangle of half-width 0.7071 overhangs bin 7's [6.5, 7.5] by
  // 0.1360 on the left and 0.2782 on the right; each tail is (overhang)^2.
  const double t = 10 / std::sqrt(2.0), h = std::sqrt(0.5);
  const double left = std::pow(h - (t - 6.5), 2), right = std::pow(h - (7.5 - t), 2);
  EXPECT_NEAR(at(1, centre + 6), left, 1e-12);
  EXPECT_NEAR(at(1, centre + 8), right, 1e-12);
  EXPECT_NEAR(at(1, centre + 7), 1 - left - right, 1e-12);
  for (int j = 0; j < 4; ++j) EXPECT_NEAR(sum(&p[static_cast<std::size_t>(j * m)], m), 1.0, 1e-12);
}

TEST(RadonProjector, EveryProjectionSumsToTheImageSum) {
  const std::int64_t rows = 44, cols = 44;
  std::mt19937_64 gen(7);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<double> img(rows * cols);
  for (auto& v : img) v = u(gen);
  const double total = sum(img.data(), img.size());
  std::vector<double> angles;
  for (int j = 0; j < 37; ++j) angles.push_back(180.0 * u(gen));  // arbitrary angles too
  angles.push_back(0);
  angles.push_back(90);
  const std::int64_t m = rr::matlab_bin_count(rows, cols);
  const auto p = rr::project(img, rows, cols, angles, m);
  for (std::size_t j = 0; j < angles.size(); ++j)  // rounding only: ~2000 terms of ~1
    EXPECT_NEAR(sum(&p[j * m], m), total, 1e-11 * total) << angles[j];
  for (double v : p) EXPECT_GE(v, 0.0);
}

TEST(RadonProjector, RectangularImagesUseTheirOwnCentres) {
  // 5 x 8: centre pixel (2, 4); MATLAB's length for [5 8] is 2 ceil(|(2, 4)|) + 3 = 13.
  const std::int64_t rows = 5, cols = 8, m = rr::matlab_bin_count(rows, cols);
  EXPECT_EQ(m, 13);
  std::vector<double> img(rows * cols, 0.0);
  img[2 * cols + 4] = 2.0;  // on the rotation axis: t = 0 at every angle
  img[0 * cols + 7] = 1.0;  // x = -2, y = 3
  const std::vector<double> angles{0, 90};
  const auto p = rr::project(img, rows, cols, angles, m);
  EXPECT_DOUBLE_EQ(p[m / 2], 2.0);
  EXPECT_DOUBLE_EQ(p[m / 2 + 3], 1.0);
  EXPECT_NEAR(p[m + m / 2], 2.0, 1e-12);
  EXPECT_NEAR(p[m + m / 2 + 2], 1.0, 1e-12);
}

TEST(RadonProjector, MassOffTheDetectorIsDropped) {
  std::vector<double> img(44 * 44, 1.0);
  const std::vector<double> angles{0, 30};
  const auto p = rr::project(img, 44, 44, angles, 20);  // 20 of 44 columns at 0 degrees
  EXPECT_NEAR(sum(&p[0], 20), 20 * 44, 1e-9);
  EXPECT_LT(sum(&p[20], 20), 44 * 44);
}

// Tolerances come from pixelisation. Rendering gives each pixel the exact fraction of its
// square inside the ellipse (to 1/256), which is the ellipse blurred by a pixel-wide box; the
// projector then spreads each pixel over its square's footprint. Both blur by variances of
// 1/12 px^2 and the bins of an oblique projection add another 1/12 (0 at 0 and 90 degrees,
// where footprints sit on bins). Where the chord is smooth (bins a pixel or more inside the
// support) that costs at most ~2 % of the peak chord; at the rim the chord rises like a square
// root, and the blur costs up to ~5 %. We allow 3 % and 6 %. A wrong direction, centre or
// axis would move whole chords: errors of 50-100 %. The first two moments are sharper: the
// centroid must be t0 (binning of a smooth profile: < 0.005 px), and the variance s^2/4 (a
// semi-ellipse's) plus the blurs above, 1/12 to 1/4 px^2, with 0.06 of rendering error.
TEST(RadonProjector, RenderedEllipsesMatchClosedFormChords) {
  const std::int64_t n = 44, m = 67;
  const std::vector<Ellipse> shapes{{0, 0, 10, 10, 0},           // centred disc
                                    {-4, 5, 12, 6, pi / 6},      // off-centre, rotated 30 degrees
                                    {6, -3, 9, 4, -1.1},         // other quadrant, other way
                                    {2.5, -1.5, 7.5, 11, 2.0}};  // half-pixel centre, b > a
  const std::vector<double> angles{0, 17, 45, 60, 90, 123, 150, 179};
  for (std::size_t e = 0; e < shapes.size(); ++e) {
    const auto& el = shapes[e];
    const auto img = el.render(n);
    EXPECT_NEAR(sum(img.data(), img.size()), pi * el.a * el.b, 0.15) << e;  // pixelised area
    const auto p = rr::project(img, n, n, angles, m);
    for (std::size_t j = 0; j < angles.size(); ++j) {
      const double theta = angles[j] * pi / 180;
      double t0, s2;
      el.support(theta, t0, s2);
      double peak = 0;
      for (std::int64_t b = 0; b < m; ++b)
        peak = std::max(peak, el.chord(theta, static_cast<double>(b - m / 2)));
      ASSERT_GT(peak, 7.0);  // chords of real size
      double mass = 0, first = 0, second = 0;
      for (std::int64_t b = 0; b < m; ++b) {
        const double t = static_cast<double>(b - m / 2),
                     got = p[static_cast<std::size_t>(j * m + b)];
        const double expected = el.chord_integral(theta, t - 0.5, t + 0.5);
        const bool inside = std::abs(t - t0) + 0.5 <= std::sqrt(s2) - 1.0;
        EXPECT_NEAR(got, expected, (inside ? 0.03 : 0.06) * peak)
            << "ellipse " << e << " at " << angles[j] << " deg, bin " << b;
        mass += got;
        first += t * got;
        second += t * t * got;
      }
      const double mean = first / mass, variance = second / mass - mean * mean;
      EXPECT_NEAR(mean, t0, 0.005) << "ellipse " << e << " at " << angles[j] << " deg";
      EXPECT_GT(variance, s2 / 4 + 1.0 / 12 - 0.06) << "ellipse " << e << " at " << angles[j];
      EXPECT_LT(variance, s2 / 4 + 1.0 / 4 + 0.06) << "ellipse " << e << " at " << angles[j];
    }
  }
}

// scikit-image's radon rotates the image with bilinear interpolation and sums columns, a
// different discretisation: on the smooth reference image (edges ~3 px wide) the two differ by
// 0.12 % of the peak; we allow 0.5 %. Mirroring the angle direction changes bins by 20 % of the
// peak, a one-bin shift by more.
TEST(RadonProjector, AgreesWithScikitImageRadonOnASmoothImage) {
  const auto& image = radon_test::reference("image");
  const auto& angles = radon_test::reference("angles");
  const auto& sk = radon_test::reference("radon");
  ASSERT_EQ(sk.shape, (std::vector<std::int64_t>{30, 67}));
  const auto p = rr::project(image.values, 44, 44, angles.values, 67);
  const double peak = *std::max_element(sk.values.begin(), sk.values.end());
  double worst = 0;
  for (std::size_t i = 0; i < p.size(); ++i) worst = std::max(worst, std::abs(p[i] - sk.values[i]));
  EXPECT_LT(worst, 0.005 * peak);
}
