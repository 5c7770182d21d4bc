// The modified Shepp-Logan phantom: grey levels, geometry, orientation and symmetry
// (science.md §3.6).
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <numeric>
#include <vector>

#include "ellipses.hpp"
#include "support/harness.hpp"

namespace rf = raserflow;
namespace ph = raserflow::phantom;
using rf::test::NodeHarness;

namespace {

struct Picture {
  std::vector<double> v;
  int n;
  double at(int r, int c) const { return v[static_cast<std::size_t>(r * n + c)]; }
  // The pixel whose centre is nearest to (x, y) on the pixel_centres grid.
  double at_xy(double x, double y) const {
    const int c = static_cast<int>(std::lround((x + 1) * n / 2 - 0.5));
    const int r = static_cast<int>(std::lround((1 - y) * n / 2 - 0.5));
    return at(r, c);
  }
};

Picture node_image(int size, const std::string& grid = "pixel_centres") {
  NodeHarness node("phantom.shepp_logan", {{"size", size}, {"grid", grid}});
  auto s = node.run(rf::test::item_with(0, {}));
  const auto& a = s.array("image");
  EXPECT_EQ(a.shape(), (rf::Shape{size, size}));
  const auto v = a.values<double>();
  return {{v.begin(), v.end()}, size};
}

int count_inside(const ph::Ellipse& e, int n, ph::Grid grid) {
  int count = 0;
  for (int r = 0; r < n; ++r)
    for (int c = 0; c < n; ++c)
      count += ph::inside(e, ph::grid_coordinate(c, n, grid), -ph::grid_coordinate(r, n, grid));
  return count;
}

}  // namespace

TEST(PhantomSheppLogan, ValuesLieInTheUnitInterval) {
  for (const int n : {44, 45, 128}) {
    const auto p = node_image(n);
    for (const double v : p.v) {
      EXPECT_GE(v, 0.0);
      EXPECT_LE(v, 1.0);
    }
  }
}

TEST(PhantomSheppLogan, GreyLevelsAtLandmarks) {
  // Sums of the table's intensities at points well inside each region; 1e-12 absorbs the
  // rounding of sums such as 1 - 0.8 = 0.19999999999999996.
  const auto small = node_image(44);
  EXPECT_NEAR(small.at(22, 22), 0.2, 1e-12) << "brain: 1 - 0.8";
  const auto p = node_image(256);
  EXPECT_NEAR(p.at_xy(0.0, 0.0), 0.2, 1e-12) << "brain";
  EXPECT_NEAR(p.at_xy(0.22, 0.0), 0.0, 1e-12) << "right ventricle: 1 - 0.8 - 0.2";
  EXPECT_NEAR(p.at_xy(-0.22, 0.0), 0.0, 1e-12) << "left ventricle";
  EXPECT_NEAR(p.at_xy(0.0, 0.89), 1.0, 1e-12) << "skull, between ellipses 1 and 2";
  EXPECT_NEAR(p.at_xy(0.0, 0.35), 0.3, 1e-12) << "ellipse 5: 0.2 + 0.1";
  EXPECT_NEAR(p.at_xy(0.0, 0.1), 0.3, 1e-12) << "ellipse 6";
  EXPECT_NEAR(p.at_xy(0.0, -0.1), 0.3, 1e-12) << "ellipse 7";
  EXPECT_NEAR(p.at_xy(0.95, 0.95), 0.0, 1e-12) << "outside the head";
}

TEST(PhantomSheppLogan, RowZeroIsTheTop) {
  // Ellipse 5 sits at y = +0.35, above the centre: it must appear in the upper rows only.
  // At 128 px, y = 0.35 is row (1 - 0.35) * 64 - 0.5 = 41.1 and y = -0.35 is row 86.
  const auto p = node_image(128);
  EXPECT_NEAR(p.at(41, 64), 0.3, 1e-12);
  EXPECT_NEAR(p.at(86, 64), 0.2, 1e-12);
}

TEST(PhantomSheppLogan, LargerVentricleIsOnTheLeft) {
  // Ellipse 4 (x0 = -0.22, 0.16 x 0.41) is larger than ellipse 3 (x0 = +0.22, 0.11 x 0.31):
  // a mirrored image would have more ventricle pixels on the right.
  const int n = 256;
  const auto p = node_image(n);
  int left = 0, right = 0;
  for (int r = 0; r < n; ++r)
    for (int c = 0; c < n; ++c) {
      const double x = ph::grid_coordinate(c, n, ph::Grid::pixel_centres);
      const double y = -ph::grid_coordinate(r, n, ph::Grid::pixel_centres);
      if (p.at(r, c) < 1e-12 && ph::inside(ph::modified_shepp_logan()[1], x, y))
        (x < 0 ? left : right)++;
    }
  // Area ratio 0.16 * 0.41 / (0.11 * 0.31) = 1.92; pixelisation moves it by a few
  // percent at 256 px.
  EXPECT_NEAR(static_cast<double>(left) / right, 0.16 * 0.41 / (0.11 * 0.31), 0.1);
}

TEST(PhantomSheppLogan, MirrorSymmetricExceptTheAsymmetricEllipses) {
  const int n = 96;
  const auto p = node_image(n);
  const auto table = ph::modified_shepp_logan();
  // Ellipses 3, 4 (the ventricles) and 8, 10 (the small ones at the bottom) break the symmetry.
  auto near_asymmetric = [&](double x, double y) {
    for (const int k : {2, 3, 7, 9}) {
      const auto& e = table[static_cast<std::size_t>(k)];
      const double reach = std::max(e.a, e.b) + 2.0 * 2.0 / n;  // plus two pixels
      for (const double sx : {1.0, -1.0})
        if (std::hypot(x - sx * e.x0, y - e.y0) <= reach) return true;
    }
    return false;
  };
  int differing = 0;
  for (int r = 0; r < n; ++r)
    for (int c = 0; c < n; ++c)
      if (p.at(r, c) != p.at(r, n - 1 - c)) {
        ++differing;
        EXPECT_TRUE(near_asymmetric(ph::grid_coordinate(c, n, ph::Grid::pixel_centres),
                                    -ph::grid_coordinate(r, n, ph::Grid::pixel_centres)))
            << "row " << r << " col " << c;
      }
  EXPECT_GT(differing, 0) << "the asymmetric ellipses are drawn";

  // Without them the picture is exactly symmetric: the grid is antisymmetric by construction.
  std::vector<ph::Ellipse> symmetric;
  for (const int k : {0, 1, 4, 5, 6, 8}) symmetric.push_back(table[static_cast<std::size_t>(k)]);
  const auto s = ph::render_ellipses(symmetric, n, ph::Grid::pixel_centres);
  for (int r = 0; r < n; ++r)
    for (int c = 0; c < n; ++c)
      ASSERT_EQ(s[static_cast<std::size_t>(r * n + c)],
                s[static_cast<std::size_t>(r * n + n - 1 - c)]);
}

TEST(PhantomSheppLogan, OuterEllipseCoversItsArea) {
  // Pixel centres inside ellipse 1 number pi a b / pitch^2 with pitch 2/n, up to the lattice
  // error of a smooth convex curve, which grows like (radius in px)^(2/3) (about 35 at
  // n = 512): a tolerance of 0.1 % (130 px) holds, while the matlab grid's 0.4 % smaller
  // figure would not.
  const auto& e = ph::modified_shepp_logan()[0];
  const int n = 512;
  const double expected = std::numbers::pi * e.a * e.b * n * n / 4.0;
  EXPECT_NEAR(count_inside(e, n, ph::Grid::pixel_centres), expected, 1e-3 * expected);
  // MATLAB's grid has pitch 2/(n - 1).
  const double matlab = std::numbers::pi * e.a * e.b * (n - 1.0) * (n - 1.0) / 4.0;
  EXPECT_NEAR(count_inside(e, n, ph::Grid::matlab), matlab, 1e-3 * matlab);
  // At the paper's 44 px the lattice error is relatively larger: 3 %.
  EXPECT_NEAR(count_inside(e, 44, ph::Grid::pixel_centres),
              std::numbers::pi * e.a * e.b * 44 * 44 / 4.0,
              0.03 * std::numbers::pi * e.a * e.b * 44 * 44 / 4.0);
}

TEST(PhantomSheppLogan, SemiAxesRunAlongXAndY) {
  // Ellipse 1 is 2a = 1.38 wide and 2b = 1.84 tall: its chords through the centre span
  // a n and b n pixels, to within a pixel at each end.
  const int n = 200;
  const auto& e = ph::modified_shepp_logan()[0];
  int row = 0, col = 0;
  for (int i = 0; i < n; ++i) {
    const double t = ph::grid_coordinate(i, n, ph::Grid::pixel_centres);
    row += ph::inside(e, t, 0.0);
    col += ph::inside(e, 0.0, t);
  }
  EXPECT_NEAR(row, e.a * n, 2.0);
  EXPECT_NEAR(col, e.b * n, 2.0);
}

TEST(PhantomSheppLogan, GridConventions) {
  EXPECT_DOUBLE_EQ(ph::grid_coordinate(0, 44, ph::Grid::matlab), -1.0);
  EXPECT_DOUBLE_EQ(ph::grid_coordinate(43, 44, ph::Grid::matlab), 1.0);
  EXPECT_DOUBLE_EQ(ph::grid_coordinate(0, 44, ph::Grid::pixel_centres), -1.0 + 1.0 / 44);
  EXPECT_DOUBLE_EQ(ph::grid_coordinate(22, 45, ph::Grid::pixel_centres), 0.0);
  // The matlab grid's pitch is 2/(n - 1) instead of 2/n, so the same figure covers fewer
  // pixels: about (43/44)^2 = 95.5 % of the head's area at 44 px.
  const auto a = node_image(44), b = node_image(44, "matlab");
  int head_a = 0, head_b = 0;
  for (std::size_t i = 0; i < a.v.size(); ++i) {
    head_a += a.v[i] > 0;
    head_b += b.v[i] > 0;
  }
  EXPECT_LT(head_b, head_a);
}

TEST(PhantomSheppLogan, EveryItemGetsTheSameImage) {
  NodeHarness node("phantom.shepp_logan");
  const auto a = node.run(rf::test::item_with(0, {})), b = node.run(rf::test::item_with(7, {}));
  const auto first = a.array("image").values<double>(), later = b.array("image").values<double>();
  ASSERT_EQ(first.size(), 44u * 44u);
  EXPECT_TRUE(std::equal(first.begin(), first.end(), later.begin()));
}

TEST(PhantomSheppLogan, RejectsBadParameters) {
  // Range and choice checks happen as the value is assigned (raserflow::Error).
  EXPECT_THROW(NodeHarness("phantom.shepp_logan", {{"size", 1}}), rf::Error);
  EXPECT_THROW(NodeHarness("phantom.shepp_logan", {{"grid", "corner"}}), rf::Error);
}

TEST(PhantomSheppLogan, SupersampledPixelsAreAreaAverages) {
  // With k x k samples per pixel the image integrates the phantom: its mean times the area of
  // [-1, 1]² equals Σ intensity·π·a·b over the ten ellipses (all inside the square), within
  // the sampling error of the rims; one centre sample per pixel is much further off.
  double exact = 0;
  for (const auto& e : ph::modified_shepp_logan())
    exact += e.intensity * std::numbers::pi * e.a * e.b;
  auto mean_area = [](int k) {
    NodeHarness node("phantom.shepp_logan", {{"size", 44}, {"supersample", k}});
    const auto v = node.run(rf::test::item_with(0, {})).array("image").values<double>();
    return 4.0 * std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  };
  EXPECT_NEAR(mean_area(8), exact, 0.005 * exact);
  EXPECT_EQ(mean_area(1), [] {
    auto p = node_image(44);
    return 4.0 * std::accumulate(p.v.begin(), p.v.end(), 0.0) / static_cast<double>(p.v.size());
  }()) << "supersample 1 is the centre-sampled image";
  EXPECT_THROW(NodeHarness("phantom.shepp_logan", {{"supersample", 4}, {"grid", "matlab"}}),
               rf::ParamError);
}
