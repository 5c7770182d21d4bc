// `raserflow dataset info FILE.h5`, called as the CLI would call the plugin command.
#include <complex>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "dataset_info.hpp"
#include "hdf5_appender.hpp"
#include "support/cli.hpp"
#include "support/harness.hpp"

namespace fs = std::filesystem;
using raserflow::Array;
using raserflow::test::item_with;
using raserflow::test::NodeHarness;

namespace {

struct Result {
  int status;
  std::string out, err;
};

Result dataset(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  const int status = raserflow::io::dataset_command(args, out, err);
  return {status, out.str(), err.str()};
}

void expect_has(const std::string& text, const std::vector<std::string>& parts) {
  for (const auto& p : parts)
    EXPECT_NE(text.find(p), std::string::npos) << "'" << p << "' missing from:\n" << text;
}

}  // namespace

TEST(DatasetInfo, PrintsDatasetsCountsAndTheItemRange) {
  const auto dir = raserflow::test::scratch_dir("dataset-info");
  {
    NodeHarness h("io.hdf5", {{"fields", {"image", "signals", "total_inversion"}}}, 0, dir);
    for (std::int64_t i = 2; i < 8; ++i) {
      if (i == 4) {
        h.drop(i);
        continue;
      }
      h.run(item_with(i, {{"image", Array::zeros<double>({4, 5})},
                          {"signals", Array::zeros<std::complex<double>>({2})},
                          {"total_inversion", Array::scalar(1.0)}}));
    }
    h.stop(10);
  }
  const auto r = dataset({"info", (dir / "dataset.h5").string()});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  expect_has(r.out, {(dir / "dataset.h5").string(), "items_held       5", "items_done       6",
                     "items_requested  10", "complete         no, the run stopped early",
                     "item_index       2 .. 7 (5 rows)"});
  expect_has(r.out, {"image            float64     [5 x 4 x 5]", "item_index       int64       [5]",
                     "signals          complex128  [5 x 2]", "total_inversion  float64     [5]"});
}

TEST(DatasetInfo, FilesWithoutCountsSayUnknown) {
  const auto dir = raserflow::test::scratch_dir("dataset-info-plain");
  {
    raserflow::io::Hdf5Appender w(dir / "plain.h5");
    w.close();
  }
  const auto r = dataset({"info", (dir / "plain.h5").string()});
  EXPECT_EQ(r.status, 0) << r.err;
  expect_has(r.out, {"items_held       unknown", "item_index       empty"});
}

TEST(DatasetInfo, HelpAndBadUsage) {
  for (const auto& args : std::vector<std::vector<std::string>>{{"--help"}, {"info", "--help"}}) {
    const auto r = dataset(args);
    EXPECT_EQ(r.status, 0);
    expect_has(r.out, {"usage: raserflow dataset info FILE.h5"});
  }
  for (const auto& args : std::vector<std::vector<std::string>>{
           {}, {"list"}, {"info"}, {"info", "a.h5", "b.h5"}, {"info", "--bogus"}}) {
    const auto r = dataset(args);
    EXPECT_EQ(r.status, 2) << (args.empty() ? "" : args[0]);
    expect_has(r.err, {"usage:"});
  }
  expect_has(dataset({"list"}).err, {"unknown subcommand 'list'"});
}

TEST(DatasetInfo, MissingOrForeignFilesFailNamingTheFile) {
  const auto dir = raserflow::test::scratch_dir("dataset-info-bad");
  const auto missing = dataset({"info", (dir / "none.h5").string()});
  EXPECT_EQ(missing.status, 1);
  expect_has(missing.err, {(dir / "none.h5").string()});
  std::ofstream(dir / "text.h5") << "not hdf5";
  const auto text = dataset({"info", (dir / "text.h5").string()});
  EXPECT_EQ(text.status, 1);
  expect_has(text.err, {(dir / "text.h5").string(), "not an HDF5 file"});
}
