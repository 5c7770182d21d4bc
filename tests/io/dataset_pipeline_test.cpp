// pipelines/dataset.yaml itself, small: the file holds what README promises, clamped images are
// dropped, and a run killed with SIGKILL and started again with the same command ends equal to
// an uninterrupted one.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "hdf5_compare.hpp"
#include "support/cli.hpp"

namespace fs = std::filesystem;
namespace t = raserflow::test;

namespace {

const fs::path kPipeline = fs::path(TEST_SOURCE_DIR) / "../pipelines/dataset.yaml";

std::vector<std::string> command(const fs::path& out, int items) {
  return {"run",   kPipeline.string(),
          "--out", out.string(),
          "--set", "items=" + std::to_string(items),
          "--set", "checkpoint_every=4"};
}

TEST(DatasetPipeline, HoldsEveryFieldOfTheRecipeWithOneRowPerKeptImage) {
  const auto out = t::scratch_dir("dataset-fields") / "out";
  const auto r = t::run_cli(command(out, 12));
  ASSERT_EQ(r.status, 0) << r.err;
  const hid_t f = H5Fopen((out / "dataset.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  const auto rows = io_test::dims_of(f, "item_index")[0];
  const auto m = nlohmann::json::parse(t::slurp(out / "manifest.json"));
  const auto dropped = m["items"]["dropped"].contains("drop_clamped")
                           ? m["items"]["dropped"]["drop_clamped"].size()
                           : 0;
  EXPECT_EQ(rows + dropped, 12u);
  const std::vector<std::pair<std::string, std::vector<hsize_t>>> expected{
      {"image", {rows, 44, 44}},
      {"angles", {rows, 30}},
      {"targets", {rows, 30, 67}},
      {"spectra", {rows, 30, 200}},
      {"spectrum_peak", {rows, 30}},
      {"spectrum_clamped", {rows, 30}},
      {"class", {rows}},
      {"d0", {rows, 30}},
      {"epsilon", {rows, 30}},
      {"pump_gamma0", {rows, 30}},
      {"pump_tau", {rows, 30}},
      {"pump_kappa", {rows, 30}},
      {"pumped_modes", {rows, 30, 2}},
      {"initial_amplitude", {rows, 30, 67}},
      {"initial_phase", {rows, 30, 67}}};
  for (const auto& [name, dims] : expected)
    EXPECT_EQ(io_test::dims_of(f, name.c_str()), dims) << name;
  // Every image kept has no clamped projection: the filter ran before the sink.
  const auto clamped = io_test::image_of(f, "spectrum_clamped");
  for (auto byte : clamped.bytes) EXPECT_EQ(byte, 0);
  H5Fclose(f);
}

TEST(DatasetPipeline, AKilledRunResumedEqualsAnUninterruptedOne) {
  const auto dir = t::scratch_dir("dataset-kill");
  const auto whole = dir / "whole", killed = dir / "killed";
  ASSERT_EQ(t::run_cli(command(whole, 40)).status, 0);
  // Killed once something is checkpointed, so the second run really resumes.
  auto args = command(killed, 40);
  args.insert(args.end(), {"--threads", "2"});
  const auto first = t::run_cli(
      args,
      {.interrupt_when = [&] { return t::checkpointed_something(killed); }, .signal = SIGKILL});
  ASSERT_EQ(first.status, 128 + SIGKILL) << first.err;
  const auto r = t::run_cli(command(killed, 40));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("continuing after the"), std::string::npos) << r.err;
  io_test::expect_same_datasets_and_attributes(whole / "dataset.h5", killed / "dataset.h5");
}

}  // namespace
