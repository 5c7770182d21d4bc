// `raserflow dataset info` on training sets: counts, dropped items and ranges checked against
// values computed here from what was written, the sample figure, and memory that stays flat
// as the file grows.
#include <algorithm>
#include <cmath>
#include <complex>
#include <filesystem>
#include <map>
#include <sstream>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "dataset_info.hpp"
#include "support/cli.hpp"
#include "support/harness.hpp"

namespace fs = std::filesystem;
using raserflow::Array;
using raserflow::test::item_with;
using raserflow::test::NodeHarness;
using cf = std::complex<float>;

namespace {

struct Result {
  int status;
  std::string out, err;
};

Result info(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  const int status = raserflow::io::dataset_command(args, out, err);
  return {status, out.str(), err.str()};
}

// The numbers after a line's label ("  <label>   1.5  2  3"), or empty when no line has it.
std::vector<double> numbers_after(const std::string& text, const std::string& label) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("  " + label + " ")) continue;
    std::istringstream in(line.substr(label.size() + 2));
    std::vector<double> out;
    for (double v; in >> v;) out.push_back(v);
    return out;
  }
  return {};
}

std::string line_with(const std::string& text, const std::string& start) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (line.starts_with(start)) return line;
  return "";
}

void expect_near_relative(double got, double want, const std::string& what) {
  EXPECT_NEAR(got, want, 1e-5 * std::max(1.0, std::abs(want))) << what;
}

struct Stats {
  double min = INFINITY, max = -INFINITY, sum = 0;
  long n = 0;
  void add(double v) {
    min = std::min(min, v);
    max = std::max(max, v);
    sum += v;
    ++n;
  }
};

// A training-like file written by io.hdf5: class, image, spectra, targets, a complex field.
struct Written {
  fs::path file;
  std::map<int, long> classes;
  std::vector<std::int64_t> dropped;
  Stats image, spectra, targets, signal;
};

Written write_training_set(const std::string& name, std::int64_t items) {
  const auto dir = raserflow::test::scratch_dir(name);
  Written w{dir / "dataset.h5", {}, {}, {}, {}, {}, {}};
  NodeHarness h("io.hdf5",
                {{"fields", {"class", "image", "spectra", "targets", "signal"}},
                 {"float32", {"spectra", "targets"}},
                 {"counts", {"class"}}},
                0, dir);
  for (std::int64_t i = 0; i < items; ++i) {
    if (i % 5 == 3) {
      h.drop(i);
      w.dropped.push_back(i);
      continue;
    }
    const int label = static_cast<int>(i % 3);
    ++w.classes[label];
    std::vector<double> image(6 * 6), spectra(4 * 20), targets(4 * 7);
    for (std::size_t k = 0; k < image.size(); ++k) {
      image[k] = std::sin(0.3 * static_cast<double>(k + 1) * static_cast<double>(i + 1));
      w.image.add(image[k]);
    }
    for (std::size_t k = 0; k < spectra.size(); ++k) {
      spectra[k] = std::exp(-0.01 * static_cast<double>(k * (i + 1))) * (label + 1);
      w.spectra.add(static_cast<float>(spectra[k]));  // stored as float32
    }
    for (std::size_t k = 0; k < targets.size(); ++k) {
      targets[k] = static_cast<double>((k + static_cast<std::size_t>(i)) % 7) / 6.0 - 0.25;
      w.targets.add(static_cast<float>(targets[k]));
    }
    const cf z(static_cast<float>(i), -2.0f);
    w.signal.add(std::abs(z));
    h.run(item_with(i, {{"class", Array::scalar<std::int32_t>(label)},
                        {"image", Array::from<double>({6, 6}, image)},
                        {"spectra", Array::from<double>({4, 20}, spectra)},
                        {"targets", Array::from<double>({4, 7}, targets)},
                        {"signal", Array::from<cf>({1}, {z})}}));
  }
  h.finish();
  return w;
}

}  // namespace

TEST(DatasetStats, CountsDroppedItemsAndRangesAgreeWithTheValuesWritten) {
  const auto w = write_training_set("dataset-stats", 23);
  const auto r = info({"info", w.file.string()});
  ASSERT_EQ(r.status, 0) << r.err;

  std::string counts = "  counts of class:";
  for (const auto& [label, n] : w.classes)
    counts += (label ? ", " : " ") + std::to_string(label) + ": " + std::to_string(n);
  EXPECT_EQ(line_with(r.out, "  counts of class"), counts) << r.out;
  EXPECT_EQ(line_with(r.out, "  dropped "), "  dropped          4: 3, 8, 13, 18") << r.out;
  EXPECT_NE(line_with(r.out, "  spectra ").find("float32     [19 x 4 x 20]"), std::string::npos)
      << r.out;

  const std::vector<std::pair<std::string, Stats>> fields{
      {"image", w.image}, {"spectra", w.spectra}, {"targets", w.targets}, {"signal", w.signal}};
  for (const auto& [name, s] : fields) {
    const auto got = numbers_after(r.out.substr(r.out.find("  range ")), name);
    ASSERT_EQ(got.size(), 3u) << name << " in:\n" << r.out;
    expect_near_relative(got[0], s.min, name + " min");
    expect_near_relative(got[1], s.max, name + " max");
    expect_near_relative(got[2], s.sum / static_cast<double>(s.n), name + " mean");
  }
  EXPECT_NE(line_with(r.out.substr(r.out.find("  range ")), "  signal ").find("(of |z|)"),
            std::string::npos)
      << r.out;
  const auto label = numbers_after(r.out.substr(r.out.find("  range ")), "class");
  ASSERT_EQ(label.size(), 3u) << r.out;
  EXPECT_EQ(label[0], w.classes.begin()->first);
  EXPECT_EQ(label[1], w.classes.rbegin()->first);
}

TEST(DatasetStats, AClassFieldWithoutCountsIsCountedAndNonFiniteValuesNoted) {
  const auto dir = raserflow::test::scratch_dir("dataset-stats-plain");
  {
    NodeHarness h("io.hdf5", {{"fields", {"class", "x"}}}, 0, dir);
    const double values[] = {1.0, NAN, -3.0, INFINITY, 2.0};
    for (std::int64_t i = 0; i < 5; ++i)
      h.run(item_with(i, {{"class", Array::scalar<std::uint8_t>(i < 2 ? 7 : 9)},
                          {"x", Array::scalar<double>(values[i])}}));
    h.finish();
  }
  const auto r = info({"info", (dir / "dataset.h5").string()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(line_with(r.out, "  counts of class"), "  counts of class: 7: 2, 9: 3") << r.out;
  EXPECT_EQ(line_with(r.out, "  dropped "), "  dropped          none") << r.out;
  const auto x = line_with(r.out.substr(r.out.find("  range ")), "  x ");
  EXPECT_EQ(numbers_after(r.out.substr(r.out.find("  range ")), "x"),
            (std::vector<double>{-3, 2, 0}))
      << r.out;
  EXPECT_NE(x.find("(2 non-finite values left out)"), std::string::npos) << x;
}

TEST(DatasetStats, SampleFigureHasARowPerClassAndDependsOnlyOnTheSeed) {
  const auto w = write_training_set("dataset-stats-png", 23);
  const auto dir = w.file.parent_path();
  const auto a = info({"info", w.file.string(), "--png", (dir / "a.png").string(), "--seed", "7"});
  ASSERT_EQ(a.status, 0) << a.err;
  EXPECT_NE(a.out.find("samples          " + (dir / "a.png").string() + " (3 rows, seed 7)"),
            std::string::npos)
      << a.out;
  ASSERT_EQ(info({"info", w.file.string(), "--png=" + (dir / "b.png").string(), "--seed=7"}).status,
            0);
  ASSERT_EQ(info({"info", "--png", w.file.string(), "--seed", "8"}).status, 0);
  const auto default_png = dir / "dataset_samples.png";
  ASSERT_TRUE(fs::exists(default_png)) << "the default is beside the file";

  const auto grid = cv::imread((dir / "a.png").string(), cv::IMREAD_COLOR);
  ASSERT_FALSE(grid.empty());
  // Title band, then a row per class at the height of the line plots.
  EXPECT_EQ(grid.rows, 34 + 3 * 240);
  EXPECT_GT(grid.cols, 150 + 2 * 380);
  EXPECT_TRUE(raserflow::test::slurp(dir / "a.png") == raserflow::test::slurp(dir / "b.png"));
  EXPECT_FALSE(raserflow::test::slurp(dir / "a.png") == raserflow::test::slurp(default_png))
      << "another seed shows other items";
}

TEST(DatasetStats, FigureNeedsSomethingToDrawAndOptionsAreChecked) {
  const auto dir = raserflow::test::scratch_dir("dataset-stats-nothing");
  {
    NodeHarness h("io.hdf5", {{"fields", {"x"}}}, 0, dir);
    h.run(item_with(0, {{"x", Array::scalar<double>(1.0)}}));
    h.finish();
  }
  const auto file = (dir / "dataset.h5").string();
  const auto none = info({"info", file, "--png"});
  EXPECT_EQ(none.status, 1);
  EXPECT_NE(none.err.find("none of the fields the sample figure shows"), std::string::npos)
      << none.err;
  EXPECT_FALSE(fs::exists(dir / "dataset_samples.png"));
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"info", file, "--seed"}, {"info", file, "--seed", "-1"}, {"info", file, "--seed=x"}}) {
    const auto r = info(args);
    EXPECT_EQ(r.status, 2) << args.back();
    EXPECT_NE(r.err.find("--seed takes a non-negative integer"), std::string::npos) << r.err;
  }
}

// Peak RSS of `raserflow dataset info` (getrusage of the child) on files of N and 8N items:
// it reads block by block, so the larger file must not need more memory.
TEST(DatasetStats, MemoryStaysFlatInTheItemCount) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer's quarantine keeps freed memory: peak RSS means nothing here";
#endif
  const auto dir = raserflow::test::scratch_dir("dataset-stats-memory");
  const auto p = raserflow::test::write_pipeline(dir, "p.yaml", R"(name: big
seed: 1
nodes:
  label: {type: core.generate, params: {shape: [], dtype: int32, random: normal}, outputs: {data: class}}
  rows: {type: core.generate, params: {shape: [2048], random: normal}}
  store: {type: io.hdf5, params: {fields: [class, data]}}
edges:
  - label -> rows -> store
)");
  using raserflow::test::run_cli;
  long rss[2] = {0, 0};
  const std::int64_t sizes[2] = {1000, 8000};
  for (int k = 0; k < 2; ++k) {
    const auto out = dir / std::to_string(sizes[k]);
    const auto run = run_cli(
        {"run", p.string(), "--out", out.string(), "--set", "items=" + std::to_string(sizes[k])});
    ASSERT_EQ(run.status, 0) << run.err;
    fs::remove_all(out / ".raserflow");  // the pieces: half the disk space
    const auto r = run_cli({"dataset", "info", (out / "dataset.h5").string()});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("float64     [" + std::to_string(sizes[k]) + " x 2048]"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("counts of class:"), std::string::npos) << r.out;
    rss[k] = r.peak_rss_kb;
    fs::remove_all(out);
  }
  const long file_kb = sizes[1] * 2048 * 8 / 1024;
  std::cout << "peak RSS of dataset info: " << rss[0] << " kB at " << sizes[0] << " items, "
            << rss[1] << " kB at " << sizes[1] << " items (the larger data set is " << file_kb
            << " kB)\n";
  // Without evicting each dataset's chunk index after a read (hdf5_reader.cpp), HDF5's
  // metadata cache grew by about 0.35 kB per item here: 2.5 MB more at the larger size.
  EXPECT_LE(rss[1], rss[0] + 1536) << "at most 1.5 MiB more for 8 times the items";
}
