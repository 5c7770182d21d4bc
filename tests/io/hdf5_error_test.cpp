// io.hdf5 when writing fails: a full disk, a file-size limit, the output folder removed. Each
// must come back as a raserflow::Error naming the file and the cause, and the process must
// still exit cleanly (HDF5 1.10 used to leave a dangling file ID that crashed at exit).
#include <sys/resource.h>
#include <unistd.h>
#include <csignal>
#include <filesystem>

#include <gtest/gtest.h>

#include "child_process.hpp"
#include "hdf5_appender.hpp"
#include "support/cli.hpp"
#include "support/harness.hpp"

namespace fs = std::filesystem;
using raserflow::Array;
using raserflow::test::item_with;
using raserflow::test::NodeHarness;
using namespace io_test;

namespace {

// 32 KiB of float64 per item.
raserflow::Item big_item(std::int64_t index) {
  return item_with(
      index,
      {{"image", Array::from<double>({64, 64}, std::vector<double>(64 * 64, double(index)))}});
}

void limit_file_size(rlim_t bytes) {
  std::signal(SIGXFSZ, SIG_IGN);  // so writes past the limit fail with EFBIG instead of killing
  const rlimit r{bytes, bytes};
  ::setrlimit(RLIMIT_FSIZE, &r);
}

void expect_clean_exit_with(const ChildResult& r, const std::vector<std::string>& parts) {
  EXPECT_EQ(r.signal, 0) << "the child crashed: " << r.message;
  EXPECT_EQ(r.exit_code, 0) << r.message;
  for (const auto& p : parts)
    EXPECT_NE(r.message.find(p), std::string::npos) << p << " missing from: " << r.message;
}

}  // namespace

TEST(IoHdf5Errors, DiskFullIsAnErrorAndTheProcessExitsCleanly) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  const auto r = in_child([] {
    try {
      raserflow::io::Hdf5Appender w("/dev/full");
      for (std::int64_t i = 0; i < 100; ++i)
        w.append(i, {{"image", Array::zeros<double>({64, 64})}});
      w.close();
      return std::string("no error");
    } catch (const raserflow::Error& e) {
      return std::string(e.what());
    }
  });
  expect_clean_exit_with(r, {"/dev/full", "No space left on device"});
}

TEST(IoHdf5Errors, DiskFullWhileWritingAPieceNamesThePiece) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  const auto dir = raserflow::test::scratch_dir("io-h5-full-piece");
  const auto r = in_child([&] {
    NodeHarness h("io.hdf5", {{"fields", {"image"}}}, 0, dir, {dir / "ckpt", {}});
    // The open piece lands on a device that is always full (made after start(), which removes
    // open pieces).
    fs::create_symlink("/dev/full", dir / "ckpt" / "piece-000000000000.h5.tmp");
    try {
      for (std::int64_t i = 0; i < 8; ++i) h.run(big_item(i));
      h.checkpoint();
      return std::string("no error");
    } catch (const raserflow::Error& e) {
      h.node().abort();
      return std::string(e.what());
    }
  });
  expect_clean_exit_with(r, {"piece-000000000000.h5.tmp", "No space left on device"});
}

TEST(IoHdf5Errors, FileSizeLimitWhileWritingAPiece) {
  const auto dir = raserflow::test::scratch_dir("io-h5-fsize-piece");
  const auto r = in_child([&] {
    limit_file_size(256 * 1024);
    NodeHarness h("io.hdf5", {{"fields", {"image"}}}, 0, dir, {dir / "ckpt", {}});
    try {
      for (std::int64_t i = 0; i < 64; ++i) h.run(big_item(i));  // 2 MiB in one piece
      h.checkpoint();
      return std::string("no error");
    } catch (const raserflow::Error& e) {
      h.node().abort();
      return std::string(e.what()) + (fs::exists(dir / "ckpt" / "piece-000000000000.h5.tmp")
                                          ? " [the broken piece remains]"
                                          : "");
    }
  });
  expect_clean_exit_with(r, {"piece-000000000000.h5.tmp", "File too large"});
  EXPECT_EQ(r.message.find("remains"), std::string::npos) << r.message;
}

TEST(IoHdf5Errors, FileSizeLimitWhilePublishingNamesThePublishedFile) {
  // Pieces of 4 items stay under the limit; the joined file does not.
  const auto dir = raserflow::test::scratch_dir("io-h5-fsize-publish");
  const auto r = in_child([&] {
    limit_file_size(256 * 1024);
    NodeHarness h("io.hdf5", {{"fields", {"image"}}}, 0, dir, {dir / "ckpt", {}});
    try {
      for (std::int64_t i = 0; i < 32; ++i) {
        h.run(big_item(i));
        if (i % 4 == 3) h.checkpoint();
      }
      h.finish();
      return std::string("no error");
    } catch (const raserflow::Error& e) {
      std::string left;
      for (const auto& f : fs::directory_iterator(dir))
        if (f.is_regular_file()) left += " [left: " + f.path().filename().string() + "]";
      return std::string(e.what()) + left;
    }
  });
  expect_clean_exit_with(r, {"dataset.h5.partial-", "File too large"});
  EXPECT_EQ(r.message.find("left:"), std::string::npos) << "no partial file may remain";
}

TEST(IoHdf5Errors, OutputFolderRemovedMidRun) {
  const auto dir = raserflow::test::scratch_dir("io-h5-removed");
  const auto out = dir / "out";
  NodeHarness h("io.hdf5", {{"fields", {"image"}}}, 0, out, {out / ".checkpoints" / "h5", {}});
  h.run(big_item(0));
  h.checkpoint();
  h.run(big_item(1));
  fs::remove_all(out);
  // The open piece was unlinked with its folder: it cannot become a finished piece.
  try {
    h.checkpoint();
    FAIL() << "expected an error";
  } catch (const raserflow::Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("piece-000000000001.h5.tmp"), std::string::npos) << msg;
    EXPECT_NE(msg.find("No such file or directory"), std::string::npos) << msg;
  }
  // Nor can a new piece be created.
  try {
    h.run(big_item(2));
    FAIL() << "expected an error";
  } catch (const raserflow::Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("cannot create HDF5 file " + (out / ".checkpoints" / "h5").string()),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find("No such file or directory"), std::string::npos) << msg;
  }
  h.node().abort();
  EXPECT_EQ(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL), 0) << "every HDF5 object is closed";
}

TEST(IoHdf5Errors, MissingPieceIsAnErrorAtPublication) {
  const auto dir = raserflow::test::scratch_dir("io-h5-missing-piece");
  NodeHarness h("io.hdf5", {{"fields", {"image"}}}, 0, dir, {dir / "ckpt", {}});
  h.run(big_item(0));
  h.checkpoint();
  fs::remove(dir / "ckpt" / "piece-000000000000-000000000001.h5");
  try {
    h.finish();
    FAIL() << "expected an error";
  } catch (const raserflow::Error& e) {
    EXPECT_NE(std::string(e.what()).find("piece-000000000000-000000000001.h5"), std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(fs::exists(dir / "dataset.h5"));
}
