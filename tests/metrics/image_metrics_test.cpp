// The metrics numerics against closed forms and against scikit-image 0.19.3 / scipy 1.10
// (reference/skimage_metrics.txt, made by make_reference.py).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "image_metrics.hpp"

namespace m = raserflow::metrics;

namespace {

struct Image {
  std::vector<double> v;
  std::int64_t rows, cols;
  m::ImageView view() const { return {v, rows, cols}; }
};

// The same generator as make_reference.py: exact in both languages.
Image lcg(std::uint32_t seed, std::int64_t rows, std::int64_t cols) {
  Image im{{}, rows, cols};
  std::uint32_t state = seed;
  for (std::int64_t i = 0; i < rows * cols; ++i) {
    state = 1664525u * state + 1013904223u;
    im.v.push_back(state / 4294967296.0);
  }
  return im;
}

Image smooth(std::int64_t rows, std::int64_t cols) {
  Image im{{}, rows, cols};
  for (std::int64_t i = 0; i < rows; ++i)
    for (std::int64_t j = 0; j < cols; ++j)
      im.v.push_back(0.5 + 0.5 * std::sin(i / 4.0) * std::cos(j / 6.0));
  return im;
}

// a * x + b * y + c, elementwise, in the order numpy evaluates it.
Image mix(double a, const Image& x, double b, const Image& y, double c = 0.0) {
  Image out = x;
  for (std::size_t i = 0; i < out.v.size(); ++i) out.v[i] = a * x.v[i] + b * y.v[i] + c;
  return out;
}
Image affine(double a, const Image& x, double c) {
  Image out = x;
  for (auto& e : out.v) e = c + a * e;
  return out;
}

struct Case {
  Image ref, test;
  std::int64_t crop;
};

// Keep in step with CASES in make_reference.py.
std::map<std::string, Case> cases() {
  std::map<std::string, Case> c;
  c["blend_44"] = {lcg(1, 44, 44), mix(0.75, lcg(1, 44, 44), 0.25, lcg(2, 44, 44)), 0};
  c["smooth_noisy_40x52"] = {
      smooth(40, 52), mix(1.0, smooth(40, 52), 0.0625, affine(1.0, lcg(3, 40, 52), -0.5)), 0};
  const Image wide = affine(8.0, lcg(4, 30, 30), -3.0);
  c["wide_range_30"] = {wide, mix(1.0, wide, 1.0, affine(1.0, lcg(5, 30, 30), -0.5)), 0};
  c["padded_48_crop_2"] = {lcg(6, 48, 48), mix(0.5, lcg(6, 48, 48), 0.5, lcg(7, 48, 48)), 2};
  c["independent_20"] = {lcg(8, 20, 20), lcg(9, 20, 20), 0};
  c["smallest_7"] = {lcg(10, 7, 7), lcg(11, 7, 7), 0};
  return c;
}

Image cropped(const Image& im, std::int64_t border) {
  return {m::crop(im.view(), border), im.rows - 2 * border, im.cols - 2 * border};
}

std::vector<std::string> fixture_lines() {
  std::ifstream in(std::string(TEST_SOURCE_DIR) + "/metrics/reference/skimage_metrics.txt");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '#') lines.push_back(line);
  return lines;
}

// Our sums run in a different order from numpy's pairwise sums and scipy's running box sums,
// so results differ by rounding only: 1e-9 relative leaves room for ~1e7 ulps.
constexpr double kRel = 1e-9;

}  // namespace

TEST(MetricsNumerics, MatchScikitImageOnReferencePairs) {
  const auto all = cases();
  int checked = 0;
  for (const auto& line : fixture_lines()) {
    std::istringstream fields(line);
    std::string name;
    fields >> name;
    if (name.rfind("uniform_filter", 0) == 0) continue;
    std::int64_t crop = 0;
    double mse = 0, psnr = 0, ssim = 0;
    fields >> crop >> mse >> psnr >> ssim;
    ASSERT_TRUE(all.count(name)) << "fixture case " << name << " is not rebuilt by this test";
    const auto& c = all.at(name);
    ASSERT_EQ(c.crop, crop) << name;
    const Image ref = cropped(c.ref, crop), test = cropped(c.test, crop);
    const double range = m::data_range(ref.view());
    EXPECT_NEAR(m::mean_squared_error(ref.view(), test.view()), mse, kRel * std::abs(mse)) << name;
    EXPECT_NEAR(m::peak_signal_noise_ratio(ref.view(), test.view(), range), psnr,
                kRel * std::abs(psnr))
        << name;
    EXPECT_NEAR(m::structural_similarity(ref.view(), test.view(), range), ssim,
                kRel * std::abs(ssim))
        << name;
    ++checked;
  }
  EXPECT_EQ(checked, static_cast<int>(all.size())) << "every case has a reference";
}

TEST(MetricsNumerics, UniformFilterMatchesScipyReflect) {
  std::vector<double> expected;
  for (const auto& line : fixture_lines()) {
    std::istringstream fields(line);
    std::string name;
    fields >> name;
    if (name != "uniform_filter_8x9") continue;
    for (double v; fields >> v;) expected.push_back(v);
  }
  ASSERT_EQ(expected.size(), 72u);
  const Image im = lcg(12, 8, 9);
  const auto got = m::uniform_filter(im.view(), 7);
  ASSERT_EQ(got.size(), expected.size());
  for (std::size_t i = 0; i < got.size(); ++i)
    EXPECT_NEAR(got[i], expected[i], kRel * std::abs(expected[i])) << i;
}

TEST(MetricsNumerics, IdenticalImagesAreAPerfectMatch) {
  const Image im = lcg(21, 16, 16);
  const double range = m::data_range(im.view());
  EXPECT_EQ(m::mean_squared_error(im.view(), im.view()), 0.0);
  EXPECT_TRUE(std::isinf(m::peak_signal_noise_ratio(im.view(), im.view(), range)));
  // Numerator and denominator of every SSIM term are then computed identically.
  EXPECT_DOUBLE_EQ(m::structural_similarity(im.view(), im.view(), range), 1.0);
}

TEST(MetricsNumerics, ConstantOffsetGivesItsSquareAsMse) {
  const Image im = lcg(22, 12, 10);
  for (const double c : {0.5, -0.125, 0.03125}) {
    const Image shifted = affine(1.0, im, c);
    // x + c - x is c to within one rounding of x + c (|x| < 1): relative 2^-52 / c.
    EXPECT_NEAR(m::mean_squared_error(im.view(), shifted.view()), c * c, 1e-14) << c;
    const double range = m::data_range(im.view());
    EXPECT_NEAR(m::peak_signal_noise_ratio(im.view(), shifted.view(), range),
                10 * std::log10(range * range / (c * c)), 1e-10)
        << c;
  }
}

TEST(MetricsNumerics, ConstantOffsetChangesOnlyTheLuminanceTerm) {
  // With y = x + c the variances and covariance are unchanged, so each SSIM term is
  // (2 ux uy + C1) / (ux^2 + uy^2 + C1), independent of the structure: check against that.
  const Image x = lcg(23, 9, 9);
  const double c = 0.25, range = m::data_range(x.view());
  const Image y = affine(1.0, x, c);
  const auto ux = m::uniform_filter(x.view(), 7);
  const double c1 = (0.01 * range) * (0.01 * range);
  double expected = 0;
  for (int r = 3; r < 6; ++r)
    for (int col = 3; col < 6; ++col) {
      const double u = ux[static_cast<std::size_t>(r * 9 + col)], v = u + c;
      expected += (2 * u * v + c1) / (u * u + v * v + c1) / 9.0;
    }
  EXPECT_NEAR(m::structural_similarity(x.view(), y.view(), range), expected, 1e-12);
}

TEST(MetricsNumerics, SsimIsSymmetricAndAtMostOne) {
  const Image a = lcg(24, 15, 11), b = mix(0.6, a, 0.4, lcg(25, 15, 11));
  const double s_ab = m::structural_similarity(a.view(), b.view(), 1.0);
  EXPECT_DOUBLE_EQ(s_ab, m::structural_similarity(b.view(), a.view(), 1.0));
  EXPECT_LT(s_ab, 1.0);
  EXPECT_GT(s_ab, 0.0);
}

TEST(MetricsNumerics, UniformFilterKeepsConstantsAndMirrorsBorders) {
  Image flat{std::vector<double>(8 * 7, 0.375), 8, 7};
  for (const double v : m::uniform_filter(flat.view(), 7)) EXPECT_DOUBLE_EQ(v, 0.375);
  // A single bright column 0: with 'reflect' the window at column 0 sees columns 2 1 0 | 0 1 2 3,
  // so column 0 counts twice: 2/7; at column 3 it counts once: 1/7; at column 4, not at all.
  Image edge{std::vector<double>(7 * 7, 0.0), 7, 7};
  for (int r = 0; r < 7; ++r) edge.v[static_cast<std::size_t>(r * 7)] = 1.0;
  const auto f = m::uniform_filter(edge.view(), 7);
  EXPECT_NEAR(f[3 * 7 + 0], 2.0 / 7.0, 1e-15);
  EXPECT_NEAR(f[3 * 7 + 3], 1.0 / 7.0, 1e-15);
  EXPECT_NEAR(f[3 * 7 + 4], 0.0, 1e-15);
}

TEST(MetricsNumerics, CropRemovesTheBorderOnEverySide) {
  const Image im = lcg(26, 6, 5);
  const auto c = m::crop(im.view(), 1);
  ASSERT_EQ(c.size(), 4u * 3u);
  EXPECT_EQ(c.front(), im.v[1 * 5 + 1]);
  EXPECT_EQ(c.back(), im.v[4 * 5 + 3]);
}
