// The HDF5 appender on its own: failures are reported as errors, never printed by HDF5.
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "hdf5_appender.hpp"
#include "raserflow/error.hpp"
#include "support/cli.hpp"

namespace fs = std::filesystem;
using raserflow::Array;

TEST(Hdf5Appender, UncreatableFileIsAnErrorWithHdf5sReasonAndNoStderrNoise) {
  // A folder where the file should be: H5Fcreate fails. Done on a fresh thread, because HDF5's
  // error printing is a per-thread switch in thread-safe builds.
  const auto dir = raserflow::test::scratch_dir("io-h5-uncreatable");
  std::string message;
  testing::internal::CaptureStderr();
  std::thread([&] {
    try {
      raserflow::io::Hdf5Appender writer(dir);
    } catch (const raserflow::Error& e) {
      message = e.what();
    }
  }).join();
  const auto err = testing::internal::GetCapturedStderr();
  EXPECT_NE(message.find("cannot create HDF5 file"), std::string::npos) << message;
  EXPECT_NE(message.find(dir.string()), std::string::npos) << message;
  EXPECT_EQ(err, "") << "HDF5 printed its error stack";
}

TEST(Hdf5Appender, EmptyShapesAreRejectedWithTheFieldName) {
  const auto dir = raserflow::test::scratch_dir("io-h5-empty-shape");
  raserflow::io::Hdf5Appender writer(dir / "x.h5");
  try {
    writer.append(0, {{"spectra", Array::zeros<double>({0, 200})}});
    FAIL() << "expected an error";
  } catch (const raserflow::Error& e) {
    EXPECT_NE(std::string(e.what()).find("'spectra'"), std::string::npos) << e.what();
  }
}

TEST(Hdf5Appender, AppendsFromManyThreadsInTurnStayConsistent) {
  // The runtime calls an ordered node from whichever worker is free: rows must still line up.
  const auto dir = raserflow::test::scratch_dir("io-h5-threads");
  raserflow::io::Hdf5Appender writer(dir / "x.h5");
  for (std::int64_t i = 0; i < 8; ++i)
    std::thread([&] {
      writer.append(i, {{"v", Array::scalar(static_cast<double>(i) * 2)}});
    }).join();
  EXPECT_EQ(writer.rows(), 8);
  EXPECT_NO_THROW(writer.close());
}
