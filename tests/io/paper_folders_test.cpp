// io.paper_folders: the folders of a simulated data set hold exactly what was simulated (read
// back with a reader written from the layout's description, checked against an io.hdf5 copy of
// the same fields), the layout's numbers and names, and errors that name the field and shape.
#include <algorithm>
#include <bit>
#include <cmath>
#include <complex>
#include <cstdint>
#include <fstream>
#include <numbers>

#include <gtest/gtest.h>
#include <hdf5.h>

#include "hdf5_read.hpp"
#include "paper_items.hpp"
#include "paper_layout.hpp"
#include "paper_reader.hpp"
#include "support/cli.hpp"
#include "support/harness.hpp"

namespace fs = std::filesystem;
namespace paper = raserflow::io::paper;
using raserflow::Array;
using raserflow::test::NodeHarness;

namespace {

const char* kSimulated = R"(name: paper_folders
items: 3
seed: 11
nodes:
  phantom: {type: phantom.random}
  project: {type: radon.project, params: {angle_count: 30}}
  raser: {type: raser.simulate}
  folders: {type: io.paper_folders}
  store:
    type: io.hdf5
    params: {fields: [image, angles, signals, initial_inversion, initial_transverse, epsilon],
             path: same.h5}
edges: [phantom -> project -> raser -> folders -> store]
)";

std::uint64_t bits(double v) {
  return std::bit_cast<std::uint64_t>(v);
}

TEST(IoPaperFolders, FoldersHoldExactlyWhatWasSimulated) {
  const auto dir = raserflow::test::scratch_dir("paper-folders");
  const auto file = raserflow::test::write_pipeline(dir, "p.yaml", kSimulated);
  const auto out = dir / "out";
  const auto r = raserflow::test::run_cli({"run", file.string(), "--out", out.string()});
  ASSERT_EQ(r.status, 0) << r.err;

  const io_test::H5File h5(out / "same.h5");
  const auto image = io_test::read_all<double>(h5.id, "image", H5T_NATIVE_DOUBLE);
  const auto angles = io_test::read_all<double>(h5.id, "angles", H5T_NATIVE_DOUBLE);
  const auto signals = io_test::read_complex(h5.id, "signals");
  const auto d0 = io_test::read_all<double>(h5.id, "initial_inversion", H5T_NATIVE_DOUBLE);
  const auto alpha0 = io_test::read_complex(h5.id, "initial_transverse");
  const auto epsilon = io_test::read_all<double>(h5.id, "epsilon", H5T_NATIVE_DOUBLE);
  ASSERT_EQ(io_test::dims_of(h5.id, "signals"), (std::vector<hsize_t>{3, 30, 4096}));
  ASSERT_EQ(io_test::dims_of(h5.id, "initial_transverse"), (std::vector<hsize_t>{3, 30, 67}));
  ASSERT_EQ(io_test::dims_of(h5.id, "image"), (std::vector<hsize_t>{3, 44, 44}));

  const auto images = io_test::read_paper_folders(out / "paper");
  ASSERT_EQ(images.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    const auto& folder = images[i];
    EXPECT_EQ(folder.name, "image" + std::to_string(i)) << "sorted into item order";
    ASSERT_EQ(folder.truth.type(), CV_8UC1);
    ASSERT_EQ(folder.truth.rows, 44);
    ASSERT_EQ(folder.truth.cols, 44);
    for (int y = 0; y < 44; ++y)
      for (int x = 0; x < 44; ++x) {
        const double truth = std::clamp(image[(i * 44 + y) * 44 + x], 0.0, 1.0);
        ASSERT_NEAR(folder.truth.at<std::uint8_t>(y, x) / 255.0, truth, 0.5 / 255 + 1e-12)
            << folder.name << " pixel " << y << ", " << x;
      }
    ASSERT_EQ(folder.projections.size(), 30u);
    for (std::size_t j = 0; j < 30; ++j) {
      const auto& p = folder.projections[j];
      const std::size_t row = i * 30 + j;
      ASSERT_EQ(p.signal.size(), 4096u);
      for (std::size_t t = 0; t < 4096; ++t) {
        const auto want = signals[row * 4096 + t];
        ASSERT_EQ(bits(p.signal[t].real()), bits(want.real())) << folder.name << "/" << j + 1;
        ASSERT_EQ(bits(p.signal[t].imag()), bits(want.imag())) << folder.name << "/" << j + 1;
      }
      ASSERT_EQ(p.meta.size(), 4u);
      EXPECT_EQ(p.meta[0], static_cast<double>(j + 1));
      EXPECT_EQ(bits(p.meta[1]), bits(angles[row])) << "field 1 is the angle in degrees";
      EXPECT_EQ(bits(p.meta[3]), bits(epsilon[row]));
      ASSERT_EQ(p.d0.size(), 67u);
      ASSERT_EQ(p.a0.size(), 67u);
      ASSERT_EQ(p.phi0.size(), 67u);
      double total = 0;
      for (std::size_t m = 0; m < 67; ++m) {
        const auto a = alpha0[row * 67 + m];
        const double arg = std::arg(a) < 0 ? std::arg(a) + 2 * std::numbers::pi : std::arg(a);
        EXPECT_EQ(bits(p.d0[m]), bits(d0[row * 67 + m]));
        EXPECT_EQ(bits(p.a0[m]), bits(std::abs(a)));
        EXPECT_NEAR(p.phi0[m], arg, 1e-15);
        EXPECT_GE(p.phi0[m], 0.0);
        EXPECT_LT(p.phi0[m], 2 * std::numbers::pi);
        total += d0[row * 67 + m];
      }
      EXPECT_NEAR(p.meta[2], total, 1e-12 * std::abs(total)) << "the total inversion";
    }
  }
  EXPECT_EQ(angles[1] - angles[0], 6.0) << "30 angles 6 degrees apart";
}

std::string error_of(NodeHarness& h, raserflow::Item item) {
  try {
    h.run(std::move(item));
  } catch (const raserflow::Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(IoPaperFolders, RenamedFieldsAndOptionsShapeTheLayout) {
  const auto dir = raserflow::test::scratch_dir("paper-folders-params");
  NodeHarness h("io.paper_folders",
                {{"signal_field", "fid"},
                 {"image_offset", 1},
                 {"subfolder", "raser"},
                 {"path", "set"},
                 {"precision", 6}},
                0, dir);
  auto item = io_test::paper_item(0);
  item.set("fid", item.array("signals"));
  h.run(item);
  h.finish();
  const auto images = io_test::read_paper_folders(dir / "set", "raser");
  ASSERT_EQ(images.size(), 1u);
  EXPECT_EQ(images[0].name, "image1");
  ASSERT_EQ(images[0].projections.size(), 3u);
  const auto& p = images[0].projections[2];
  EXPECT_EQ(p.meta[1], 120.0);
  EXPECT_EQ(p.meta[2], 1e19) << "d0 = the sum of d(0)";
  EXPECT_TRUE(std::isnan(p.meta[3])) << "no epsilon field";
  EXPECT_EQ(p.signal[1].real(), 0.14112) << "6 significant digits of sin(3)";
}

TEST(IoPaperFolders, MismatchedProjectionCountsNameBothFields) {
  NodeHarness h("io.paper_folders");
  auto item = io_test::paper_item(0);
  item.set("signals", io_test::paper_item(0, 2).array("signals"));
  const auto e = error_of(h, item);
  EXPECT_NE(e.find("field 'signals' complex128 [2 x 5] has 2 projections"), std::string::npos) << e;
  EXPECT_NE(e.find("'angles' float64 [3] has 3"), std::string::npos) << e;
}

TEST(IoPaperFolders, AWrongDtypeNamesTheFieldAndTheShapeNeeded) {
  NodeHarness h("io.paper_folders");
  auto item = io_test::paper_item(0);
  item.set("initial_transverse", item.array("initial_inversion"));
  const auto e = error_of(h, item);
  EXPECT_NE(e.find("field 'initial_transverse' float64 [3 x 4]"), std::string::npos) << e;
  EXPECT_NE(e.find("complex128 [P x M]"), std::string::npos) << e;
}

TEST(IoPaperFolders, ModesMustAgreeAndTheImageBeFinite) {
  NodeHarness h("io.paper_folders");
  auto item = io_test::paper_item(0);
  item.set("initial_transverse", io_test::paper_item(0).array("signals"));
  EXPECT_NE(error_of(h, item).find("[3 x 5] has 5 modes"), std::string::npos);
  item = io_test::paper_item(0);
  std::vector<double> image(16, 0.5);
  image[6] = std::nan("");
  item.set("image", Array::from<double>({4, 4}, image));
  EXPECT_NE(error_of(h, item).find("at [1, 2]"), std::string::npos);
}

TEST(IoPaperFolders, AnUnwritableFolderFailsBeforeTheFirstItem) {
  const auto dir = raserflow::test::scratch_dir("paper-folders-unwritable");
  std::ofstream(dir / "file") << "x";
  try {
    NodeHarness h("io.paper_folders", {{"path", (dir / "file" / "set").string()}});
    FAIL() << "expected an error";
  } catch (const raserflow::Error& e) {
    EXPECT_NE(std::string(e.what()).find("is not a folder"), std::string::npos) << e.what();
  }
  EXPECT_THROW((NodeHarness("io.paper_folders", {{"subfolder", "a/b"}})), raserflow::ParamError);
  EXPECT_THROW((NodeHarness("io.paper_folders", {{"image_field", ""}})), raserflow::ParamError);
}

TEST(PaperLayout, NumbersNamesAndLevels) {
  for (const double v : {0.1, -1.0 / 3, 6.02214076e23, 5e-324, 1.7976931348623157e308, -0.0}) {
    std::string s;
    paper::append_number(s, v, 17);
    EXPECT_EQ(bits(std::strtod(s.c_str(), nullptr)), bits(v)) << s;
  }
  EXPECT_EQ(paper::csv_re_im(std::vector<std::complex<double>>{{1, -2}, {0.5, 3}}, 17),
            "1,-2\n0.5,3\n");
  EXPECT_EQ(paper::csv_row(std::vector<double>{1, 2.5}, 17), "1,2.5\n");
  EXPECT_EQ(paper::gray_level(-0.2), 0);
  EXPECT_EQ(paper::gray_level(0.5), 128);
  EXPECT_EQ(paper::gray_level(1.7), 255);
  EXPECT_EQ(paper::gray_level(0.3), 77);  // 76.5 rounds up
  EXPECT_EQ(paper::phase({-1, -0.0}), std::numbers::pi);
  EXPECT_EQ(paper::phase({1, -1e-300}), 0.0) << "2 pi itself wraps to 0";
  EXPECT_NEAR(paper::phase({0, -1}), 1.5 * std::numbers::pi, 1e-15);
  EXPECT_EQ(paper::folder_name(17), "image17");
  EXPECT_EQ(paper::image_number("image17"), 17);
  EXPECT_EQ(paper::image_number("image"), std::nullopt);
  EXPECT_EQ(paper::image_number("image17.tmp"), std::nullopt);
}

}  // namespace
