// acquisition.watch: data folders written by another thread (write_spinsolve, or byte by byte)
// come out as items in order of appearance, equal to reading them with read_recording +
// conform; half-written folders wait, also past `settle` while they do not read yet, and
// folders short of `projections` (one sub-folder per projection) wait for the rest; a folder
// holding one ISMRMRD file; existing: skip / read; idle_timeout and a stop end the stream; a
// folder that still does not read after `unreadable_after` stops the run, or is skipped.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <complex>
#include <fstream>
#include <future>
#include <thread>

#include "conform.hpp"
#include "ismrmrd_file.hpp"
#include "spinsolve.hpp"
#include "support/cli.hpp"
#include "support/error_of.hpp"
#include "support/harness.hpp"

namespace rf = raserflow;
namespace acq = raserflow::acquisition;
namespace rft = raserflow::test;
namespace fs = std::filesystem;
using rft::NodeHarness;
using Complex = std::complex<double>;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t kP = 3, kT = 64;
constexpr double kDwell = 1e-3;

// P rows of a decaying tone, different for every `which`.
std::vector<std::vector<Complex>> fids(int which) {
  std::vector<std::vector<Complex>> f(kP, std::vector<Complex>(kT));
  for (std::size_t p = 0; p < kP; ++p)
    for (std::size_t k = 0; k < kT; ++k)
      f[p][k] = double(which + 1) * std::exp(-double(k) / 40.0) *
                std::polar(1.0, 2 * M_PI * (20.0 * double(p + 1) + which) * double(k) * kDwell);
  return f;
}

void write(const fs::path& folder, int which) {
  acq::write_spinsolve(folder, fids(which), {0, 60, 120}, kDwell);
}

// The watcher's parameters for these tests: short settle and poll.
nlohmann::json params(const fs::path& dir, nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json p = {{"directory", dir.string()}, {"samples", kT},  {"dwell", kDwell},
                      {"frequency_shift", 100.0},  {"settle", 0.25}, {"poll", 0.02}};
  p.update(extra);
  return p;
}

// What the watcher must give for a folder: read_recording + conform with the same convention.
void expect_item_is(const rf::Item& item, const fs::path& folder) {
  ASSERT_FALSE(item.dropped()) << folder;
  const auto expected = acq::conform(acq::read_recording(folder).at(0),
                                     {.samples = kT, .dwell = kDwell, .frequency_shift = 100.0});
  const auto got = item.array("fid").values<Complex>();
  ASSERT_EQ(got.size(), kP * kT);
  for (std::size_t p = 0; p < kP; ++p)
    for (std::size_t k = 0; k < kT; ++k) ASSERT_EQ(got[p * kT + k], expected.fids[p][k]) << p << k;
  // And independently of the reader: float32 storage of what was written, shifted by 100 Hz.
  const auto written = fids(0 + std::stoi(folder.filename().string().substr(1)));
  const Complex w = written[2][10] * std::polar(1.0, 2 * M_PI * 100.0 * 10 * kDwell);
  EXPECT_NEAR(std::abs(got[2 * kT + 10] - w), 0, 1e-6 * std::abs(w));
  EXPECT_EQ(item.array("angles").values<double>()[1], 60.0);
  EXPECT_EQ(item.scalar("dwell"), kDwell);
  EXPECT_EQ(item.text("recording"), expected.source);
}

std::string source_of(const rf::Item& item) {
  return fs::path(item.text("recording")).filename();
}

double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

TEST(Watch, FoldersWrittenAtIntervalsComeOutInOrderOfAppearance) {
  const auto dir = rft::scratch_dir("watch_order");
  NodeHarness watch("acquisition.watch", params(dir));
  EXPECT_EQ(watch.node().item_count(), rf::open_ended);
  // Appearance order, not name order: x7, x3, x12.
  std::thread writer([&] {
    for (int which : {7, 3, 12}) {
      std::this_thread::sleep_for(150ms);
      write(dir / ("x" + std::to_string(which)), which);
    }
  });
  std::vector<std::string> order;
  for (int i = 0; i < 3; ++i) {
    const auto item = watch.run(rf::Item(i, i));
    order.push_back(source_of(item));
    expect_item_is(item, dir / order.back());
  }
  writer.join();
  EXPECT_EQ(order, (std::vector<std::string>{"x7", "x3", "x12"}));
  // Then nothing new: a stop ends the stream.
  auto next = std::async(std::launch::async, [&] { return watch.run(rf::Item(3, 3)); });
  std::this_thread::sleep_for(100ms);
  watch.node().interrupt();
  EXPECT_TRUE(next.get().dropped());
  EXPECT_NE(watch.node().report().find("\"items\": 3"), std::string::npos);
}

// acqu.par first, data.2d missing a while, then growing in chunks: read only when complete.
TEST(Watch, AHalfWrittenFolderIsReadOnlyOnceComplete) {
  const auto staging = rft::scratch_dir("watch_staging");
  write(staging / "x5", 5);
  std::ifstream in(staging / "x5" / "data.2d", std::ios::binary);
  const std::string data((std::istreambuf_iterator<char>(in)), {});
  ASSERT_GT(data.size(), 1000u);

  const auto dir = rft::scratch_dir("watch_half");
  NodeHarness watch("acquisition.watch", params(dir));
  auto item = std::async(std::launch::async, [&] { return watch.run(rf::Item(0, 0)); });
  fs::create_directory(dir / "x5");
  fs::copy_file(staging / "x5" / "acqu.par", dir / "x5" / "acqu.par");
  fs::copy_file(staging / "x5" / "angles.txt", dir / "x5" / "angles.txt");
  std::this_thread::sleep_for(150ms);  // data.2d missing, under settle
  EXPECT_EQ(item.wait_for(0ms), std::future_status::timeout);
  Clock::time_point last_write;
  {
    std::ofstream grow(dir / "x5" / "data.2d", std::ios::binary);
    const std::size_t chunk = data.size() / 6 + 1;
    for (std::size_t at = 0; at < data.size(); at += chunk) {
      grow.write(data.data() + at, std::streamsize(std::min(chunk, data.size() - at)));
      grow.flush();
      last_write = Clock::now();
      std::this_thread::sleep_for(120ms);  // under settle: still being written
      if (at + chunk < data.size()) {
        EXPECT_EQ(item.wait_for(0ms), std::future_status::timeout);
      }
    }
  }
  const auto got = item.get();
  EXPECT_GE(since(last_write), 0.25) << "read before settle had passed";
  expect_item_is(got, dir / "x5");
}

TEST(Watch, ExistingFoldersAreSkippedByDefaultOrReadFirstInNaturalOrder) {
  const auto dir = rft::scratch_dir("watch_existing");
  write(dir / "x10", 10);
  write(dir / "x2", 2);
  {
    NodeHarness watch("acquisition.watch", params(dir, {{"existing", "read"}}));
    const auto a = watch.run(rf::Item(0, 0)), b = watch.run(rf::Item(1, 1));
    EXPECT_EQ(source_of(a), "x2");
    EXPECT_EQ(source_of(b), "x10");
    expect_item_is(a, dir / "x2");
    expect_item_is(b, dir / "x10");
  }
  {
    NodeHarness watch("acquisition.watch", params(dir, {{"idle_timeout", 0.6}}));
    std::thread writer([&] {
      std::this_thread::sleep_for(100ms);
      write(dir / "x4", 4);
    });
    const auto a = watch.run(rf::Item(0, 0));
    writer.join();
    EXPECT_EQ(source_of(a), "x4");
    expect_item_is(a, dir / "x4");
    EXPECT_TRUE(watch.run(rf::Item(1, 1)).dropped()) << "x2 and x10 were there at start";
  }
}

TEST(Watch, IdleTimeoutEndsTheStream) {
  const auto dir = rft::scratch_dir("watch_idle");
  NodeHarness watch("acquisition.watch", params(dir, {{"idle_timeout", 0.4}}));
  const auto t0 = Clock::now();
  EXPECT_TRUE(watch.run(rf::Item(0, 0)).dropped());
  EXPECT_GE(since(t0), 0.38);
  EXPECT_LT(since(t0), 2.0);
}

TEST(Watch, AStopDuringAWaitEndsTheStreamPromptly) {
  const auto dir = rft::scratch_dir("watch_stop");
  NodeHarness watch("acquisition.watch", params(dir, {{"poll", 30.0}}));
  auto item = std::async(std::launch::async, [&] { return watch.run(rf::Item(0, 0)); });
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(item.wait_for(0ms), std::future_status::timeout);
  const auto t0 = Clock::now();
  watch.node().interrupt();
  ASSERT_EQ(item.wait_for(1s), std::future_status::ready);
  EXPECT_LT(since(t0), 1.0);
  EXPECT_TRUE(item.get().dropped());
}

// A folder that settles without reading: a truncated data.2d (the header says more than the
// file holds) and a folder of foreign files.
void write_broken(const fs::path& dir) {
  write(dir / "x1", 1);
  fs::resize_file(dir / "x1" / "data.2d", 200);
  std::this_thread::sleep_for(100ms);  // x1 appears first
  fs::create_directory(dir / "notes");
  std::ofstream(dir / "notes" / "readme.txt") << "not a recording\n";
}

TEST(Watch, AnUnreadableFolderStopsTheRunNamingFolderAndReason) {
  const auto dir = rft::scratch_dir("watch_unreadable");
  NodeHarness watch("acquisition.watch", params(dir, {{"unreadable_after", 0.5}}));
  std::thread writer([&] {
    std::this_thread::sleep_for(50ms);
    write_broken(dir);
  });
  const auto t0 = Clock::now();
  const auto why = rft::error_of([&] { watch.run(rf::Item(0, 0)); });
  writer.join();
  EXPECT_GE(since(t0), 0.5) << why;
  EXPECT_NE(why.find((dir / "x1").string() + " did not read after 0.5 s without change"),
            std::string::npos)
      << why;
  EXPECT_NE(why.find("data.2d"), std::string::npos) << why;
  EXPECT_NE(why.find("skip_unreadable"), std::string::npos) << why;
}

TEST(Watch, SkipUnreadableSkipsWithAWarningAndGoesOn) {
  const auto dir = rft::scratch_dir("watch_skip");
  NodeHarness watch("acquisition.watch",
                    params(dir, {{"skip_unreadable", true}, {"unreadable_after", 0.5}}));
  std::thread writer([&] {
    std::this_thread::sleep_for(50ms);
    write_broken(dir);
    std::this_thread::sleep_for(100ms);
    write(dir / "x8", 8);
  });
  testing::internal::CaptureStderr();
  const auto item = watch.run(rf::Item(0, 0));
  const auto err = testing::internal::GetCapturedStderr();
  writer.join();
  EXPECT_EQ(source_of(item), "x8");
  expect_item_is(item, dir / "x8");
  EXPECT_NE(err.find("warning"), std::string::npos) << err;
  EXPECT_NE(err.find((dir / "x1").string()), std::string::npos) << err;
  EXPECT_NE(err.find((dir / "notes").string()), std::string::npos) << err;
  EXPECT_NE(watch.node().report().find("\"folders_skipped\": 2"), std::string::npos)
      << watch.node().report();
}

// acqu.par (and angles.txt) long before data.2d: past `settle` the folder does not read, and
// stays pending (not an error) until data.2d arrives, well within `unreadable_after`.
TEST(Watch, AFolderThatDoesNotReadYetWaitsPastSettle) {
  const auto staging = rft::scratch_dir("watch_late_staging");
  write(staging / "x6", 6);
  const auto dir = rft::scratch_dir("watch_late");
  NodeHarness watch("acquisition.watch", params(dir, {{"unreadable_after", 20.0}}));
  auto item = std::async(std::launch::async, [&] { return watch.run(rf::Item(0, 0)); });
  fs::create_directory(dir / "x6");
  fs::copy_file(staging / "x6" / "acqu.par", dir / "x6" / "acqu.par");
  fs::copy_file(staging / "x6" / "angles.txt", dir / "x6" / "angles.txt");
  std::this_thread::sleep_for(900ms);  // settle (0.25 s) three times over, and more
  ASSERT_EQ(item.wait_for(0ms), std::future_status::timeout) << "not pending any more";
  fs::copy_file(staging / "x6" / "data.2d", dir / "x6" / ".data.2d");
  fs::rename(dir / "x6" / ".data.2d", dir / "x6" / "data.2d");
  const auto arrived = Clock::now();
  const auto got = item.get();
  EXPECT_LT(since(arrived), 5.0);
  expect_item_is(got, dir / "x6");
}

// One projection of image `which` as a Spinsolve sub-folder `folder/name` (data.1d + acqu.par),
// written aside and renamed into place.
void write_projection(const fs::path& folder, const std::string& name, int which, std::size_t p) {
  const auto aside = folder / ("." + name);
  acq::write_spinsolve(aside, {fids(which)[p]}, {}, kDwell);
  fs::rename(aside / "data.2d", aside / "data.1d");
  fs::rename(aside, folder / name);
}

// A Spinsolve writing one sub-folder per projection, slower than `settle`: with `projections`
// the folder waits for all of them; fewer after `unreadable_after` and more are errors.
TEST(Watch, AFolderShortOfProjectionsWaitsForTheRest) {
  const auto dir = rft::scratch_dir("watch_projections");
  NodeHarness watch("acquisition.watch",
                    params(dir, {{"projections", std::int64_t(kP)}, {"unreadable_after", 20.0}}));
  Clock::time_point last;
  std::thread writer([&] {
    fs::create_directory(dir / "x2");
    for (std::size_t p = 0; p < kP; ++p) {
      std::this_thread::sleep_for(600ms);  // more than settle: x2 reads with p rows meanwhile
      write_projection(dir / "x2", "p" + std::to_string(p + 1), 2, p);
      last = Clock::now();
    }
  });
  const auto item = watch.run(rf::Item(0, 0));
  const auto done = Clock::now();
  writer.join();
  const double after_last = std::chrono::duration<double>(done - last).count();
  ASSERT_FALSE(item.dropped());
  EXPECT_LT(after_last, 5.0);
  EXPECT_GE(after_last, 0.2) << "read before the last projection settled";
  const auto expected = acq::conform(acq::read_recording(dir / "x2").at(0),
                                     {.samples = kT, .dwell = kDwell, .frequency_shift = 100.0});
  ASSERT_EQ(expected.fids.size(), kP);
  const auto got = item.array("fid").values<Complex>();
  ASSERT_EQ(got.size(), kP * kT);
  for (std::size_t p = 0; p < kP; ++p)
    for (std::size_t k = 0; k < kT; ++k) ASSERT_EQ(got[p * kT + k], expected.fids[p][k]) << p << k;
  const Complex w = fids(2)[2][10] * std::polar(1.0, 2 * M_PI * 100.0 * 10 * kDwell);
  EXPECT_NEAR(std::abs(got[2 * kT + 10] - w), 0, 1e-6 * std::abs(w));
  EXPECT_EQ(item.array("angles").values<double>()[1], 60.0) << "180 p / P without angles.txt";

  // Short for good: an error once unchanged for unreadable_after, naming both counts.
  {
    NodeHarness short_of(
        "acquisition.watch",
        params(dir, {{"projections", 4}, {"unreadable_after", 0.5}, {"existing", "read"}}));
    const auto t0 = Clock::now();
    const auto why = rft::error_of([&] { short_of.run(rf::Item(0, 0)); });
    EXPECT_GE(since(t0), 0.45) << why;
    EXPECT_NE(why.find((dir / "x2").string() + " was still short of projections after 0.5 s"),
              std::string::npos)
        << why;
    EXPECT_NE(why.find("holds 3 of the 4 projections"), std::string::npos) << why;
  }
  // More than asked for: an error at once, naming both.
  {
    NodeHarness too_many("acquisition.watch",
                         params(dir, {{"projections", 2}, {"existing", "read"}}));
    const auto why = rft::error_of([&] { too_many.run(rf::Item(0, 0)); });
    EXPECT_NE(why.find((dir / "x2").string() + ": holds 3 projections, more than the 2"),
              std::string::npos)
        << why;
  }
}

// A data folder holding one ISMRMRD file (written by IsmrmrdWriter, which renames it into place
// when complete) reads as that file, with format auto and ismrmrd.
TEST(Watch, AFolderHoldingOneIsmrmrdFileReadsAsTheFile) {
  for (const std::string format : {"auto", "ismrmrd"}) {
    const auto dir = rft::scratch_dir("watch_ismrmrd_" + format);
    NodeHarness watch("acquisition.watch", params(dir, {{"format", format}}));
    std::thread writer([&] {
      std::this_thread::sleep_for(100ms);
      fs::create_directory(dir / "x9");
      std::ofstream(dir / "x9" / "notes.txt") << "a note beside the recording\n";
      acq::IsmrmrdWriter w(dir / "x9" / "image.h5", {});
      acq::Recording image;
      image.fids = fids(9);
      image.angles = {0, 60, 120};
      image.dwell = kDwell;
      w.append(image, 0);
      w.close();
    });
    const auto item = watch.run(rf::Item(0, 0));
    writer.join();
    expect_item_is(item, dir / "x9");
    EXPECT_EQ(item.text("recording"), acq::read_recording(dir / "x9" / "image.h5").at(0).source)
        << format;
  }
}

TEST(Watch, ADirectoryThatIsNotAFolderIsAParameterError) {
  try {
    NodeHarness watch("acquisition.watch", {{"directory", "/nonexistent/raserflow/watch"}});
    FAIL() << "accepted";
  } catch (const rf::ParamError& e) {
    EXPECT_EQ(e.param(), "directory");
  }
}

}  // namespace
