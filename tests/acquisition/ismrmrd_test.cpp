// ISMRMRD reading and writing (formats.md §1): round trips, files from independent tools
// (libismrmrd's own generator, h5py), the XML header against the ISMRMRD schema, clear errors,
// and a bounded random-mutation test of what a foreign writer can put in headers and XML.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <random>

#include <ismrmrd/dataset.h>
#include <ismrmrd/xml.h>

#include "ismrmrd_file.hpp"
#include "support/cli.hpp"
#include "support/error_of.hpp"

namespace acq = raserflow::acquisition;
namespace rft = raserflow::test;
using acq::Complex;

namespace {

acq::Recording image(std::size_t P, std::size_t T, double phase) {
  acq::Recording r;
  r.dwell = 0.5e-3;
  for (std::size_t p = 0; p < P; ++p) {
    r.fids.emplace_back();
    for (std::size_t k = 0; k < T; ++k)
      r.fids.back().push_back(std::polar(1000.0 / (1.0 + double(k)), phase + 0.01 * double(k * p)));
    r.angles.push_back(180.0 * double(p) / double(P) + 0.123456789);
  }
  return r;
}

std::filesystem::path write(const std::filesystem::path& file,
                            const std::vector<acq::Recording>& images) {
  acq::IsmrmrdWriter w(file, {});
  for (std::size_t i = 0; i < images.size(); ++i) w.append(images[i], std::int64_t(i));
  w.close();
  return file;
}

TEST(Ismrmrd, RoundTripEqualsFloat32Rounding) {
  const auto dir = rft::scratch_dir("ismrmrd_round_trip");
  const std::vector<acq::Recording> images{image(3, 50, 0.1), image(3, 50, 0.7)};
  const auto back = acq::read_ismrmrd(write(dir / "a.h5", images));
  ASSERT_EQ(back.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(back[i].dwell, double(float(0.5e-3 * 1e6)) * 1e-6);
    ASSERT_EQ(back[i].fids.size(), 3u);
    for (std::size_t p = 0; p < 3; ++p) {
      EXPECT_EQ(back[i].angles[p], double(float(images[i].angles[p])));
      for (std::size_t k = 0; k < 50; ++k) {
        EXPECT_EQ(back[i].fids[p][k].real(), double(float(images[i].fids[p][k].real())));
        EXPECT_EQ(back[i].fids[p][k].imag(), double(float(images[i].fids[p][k].imag())));
      }
    }
  }
  EXPECT_FALSE(std::filesystem::exists(dir / ("a.h5.partial-" + std::to_string(::getpid()))));
}

TEST(Ismrmrd, AWriterThatIsNotClosedLeavesNothing) {
  const auto dir = rft::scratch_dir("ismrmrd_unclosed");
  {
    acq::IsmrmrdWriter w(dir / "b.h5", {});
    w.append(image(2, 8, 0), 0);
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir));
}

TEST(Ismrmrd, HeaderIsValidAgainstTheIsmrmrdSchema) {
  const auto dir = rft::scratch_dir("ismrmrd_xsd");
  write(dir / "c.h5", {image(30, 64, 0)});
  std::string xml;
  ISMRMRD::Dataset(std::string(dir / "c.h5").c_str(), "dataset", false).readHeader(xml);
  std::ofstream(dir / "header.xml") << xml;
  const std::string cmd = "xmllint --noout --schema /usr/share/ismrmrd/schema/ismrmrd.xsd " +
                          (dir / "header.xml").string() + " 2> " + (dir / "lint.txt").string();
  EXPECT_EQ(std::system(cmd.c_str()), 0) << rft::slurp(dir / "lint.txt") << xml;
  // Scaled units survive the library's six decimals.
  ISMRMRD::IsmrmrdHeader h;
  ISMRMRD::deserialize(xml.c_str(), h);
  ASSERT_TRUE(h.userParameters);
  bool found = false;
  for (const auto& p : h.userParameters->userParameterDouble)
    if (p.name == "raserflow.gradient_uT_per_m") found = std::abs(p.value - 26.0) < 1e-9;
  EXPECT_TRUE(found) << xml;
  EXPECT_EQ(h.encoding.at(0).encodingLimits.kspace_encoding_step_1->maximum, 29);
}

TEST(Ismrmrd, TheLibrarysCartesianGeneratorIsRefusedWithTheReason) {
  const auto dir = rft::scratch_dir("ismrmrd_generator");
  const auto file = dir / "sl.h5";
  const std::string cmd = "cd " + dir.string() +
                          " && ismrmrd_generate_cartesian_shepp_logan -m 32 -c 2 -r 2 -C -k -o " +
                          file.string() + " > /dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "ismrmrd-tools (Debian) is needed";
  const auto why = rft::error_of([&] { acq::read_ismrmrd(file); });
  EXPECT_NE(why.find("trajectory is cartesian"), std::string::npos) << why;
  EXPECT_NE(why.find(file.string()), std::string::npos) << why;
}

TEST(Ismrmrd, AnH5pyWrittenRadialFileReads) {
  // The readout compound written by numpy/h5py alone (formats.md §1.1, §1.2): 30 readouts of a
  // known tone, angles in user_float[0], no libismrmrd involved.
  const auto dir = rft::scratch_dir("ismrmrd_h5py");
  const auto file = dir / "radial.h5";
  const std::string cmd = "/usr/bin/python3 " + std::string(TEST_SOURCE_DIR) +
                          "/acquisition/write_radial_h5py.py " + file.string() + " 30 256";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const auto images = acq::read_ismrmrd(file);
  ASSERT_EQ(images.size(), 1u);
  const auto& r = images[0];
  ASSERT_EQ(r.fids.size(), 30u);
  EXPECT_DOUBLE_EQ(r.dwell, 500e-6);
  for (std::size_t p = 0; p < 30; ++p) {
    EXPECT_DOUBLE_EQ(r.angles[p], 6.0 * double(p));
    ASSERT_EQ(r.fids[p].size(), 256u);
    for (std::size_t k : {0u, 1u, 100u, 255u}) {
      // sample k of row p: (p + 1) e^{i 2 pi 0.01 k}, as float32
      const Complex expected = std::polar(double(p + 1), 2 * M_PI * 0.01 * double(k));
      EXPECT_NEAR(r.fids[p][k].real(), expected.real(), 1e-5 * double(p + 1));
      EXPECT_NEAR(r.fids[p][k].imag(), expected.imag(), 1e-5 * double(p + 1));
    }
  }
}

TEST(Ismrmrd, ForeignAndBrokenFilesAreClearErrors) {
  const auto dir = rft::scratch_dir("ismrmrd_errors");
  std::ofstream(dir / "text.h5") << "not hdf5";
  EXPECT_NE(rft::error_of([&] { acq::read_ismrmrd(dir / "text.h5"); }).find("not an HDF5 file"),
            std::string::npos);
  EXPECT_NE(rft::error_of([&] { acq::read_ismrmrd(dir / "missing.h5"); }).find("no such file"),
            std::string::npos);
  write(dir / "d.h5", {image(2, 8, 0)});
  EXPECT_NE(rft::error_of([&] { acq::read_ismrmrd(dir / "d.h5", "other"); }).find("group 'other'"),
            std::string::npos);
}

// Random headers and XML, written through libismrmrd as a foreign writer could: every read
// either returns images that satisfy the contract or throws FormatError.
TEST(Ismrmrd, RandomHeadersAndXmlGiveImagesOrFormatErrors) {
  const auto dir = rft::scratch_dir("ismrmrd_fuzz");
  std::string good_xml;
  write(dir / "good.h5", {image(3, 16, 0)});
  ISMRMRD::Dataset(std::string(dir / "good.h5").c_str(), "dataset", false).readHeader(good_xml);
  std::mt19937_64 gen(20261201);
  std::uniform_int_distribution<int> small(0, 4), byte(0, 255);
  int images = 0, errors = 0;
  std::bernoulli_distribution rarely(0.12);
  for (int trial = 0; trial < 60; ++trial) {
    const auto file = dir / ("f" + std::to_string(trial) + ".h5");
    {
      ISMRMRD::Dataset d(file.c_str(), "dataset", true);
      std::string xml = good_xml;
      if (rarely(gen)) {  // corrupt a few characters of the XML
        for (int m = small(gen) + 1; m > 0; --m) {
          const auto at = std::uniform_int_distribution<std::size_t>(0, xml.size() - 1)(gen);
          xml[at] = static_cast<char>(byte(gen));
        }
      }
      d.writeHeader(xml);
      const int readouts = rarely(gen) ? small(gen) + 1 : 3;  // the header's 3 projections
      for (int i = 0; i < readouts; ++i) {
        const auto samples = static_cast<std::uint16_t>(rarely(gen) ? small(gen) : 16);
        ISMRMRD::Acquisition a(samples, rarely(gen) ? 2 : 1, 0);
        ISMRMRD::AcquisitionHeader head = a.getHead();  // packed: set members on a copy
        head.sample_time_us = rarely(gen) ? -1.0f : 500.0f;
        head.idx.kspace_encode_step_1 = static_cast<std::uint16_t>(rarely(gen) ? small(gen) : i);
        head.idx.repetition = static_cast<std::uint16_t>(rarely(gen));
        head.user_int[0] = rarely(gen) ? small(gen) - 1 : 0;
        head.user_float[0] = rarely(gen) ? NAN : 10.0f * float(i);
        a.setHead(head);
        if (rarely(gen)) a.setFlag(ISMRMRD::ISMRMRD_ACQ_IS_NOISE_MEASUREMENT);
        const bool bad_value = rarely(gen);
        for (std::size_t k = 0; k < a.getNumberOfDataElements(); ++k)
          a.getDataPtr()[k] = bad_value && k == 1 ? std::complex<float>(INFINITY, 0)
                                                  : std::complex<float>(float(k), 1);
        d.appendAcquisition(a);
      }
    }
    try {
      for (const auto& r : acq::read_ismrmrd(file)) {
        ++images;
        ASSERT_GT(r.dwell, 0);
        ASSERT_FALSE(r.fids.empty());
        for (const auto& row : r.fids) {
          ASSERT_EQ(row.size(), r.fids[0].size());
          for (const auto& v : row) ASSERT_TRUE(std::isfinite(v.real()) && std::isfinite(v.imag()));
        }
        ASSERT_TRUE(r.angles.empty() || r.angles.size() == r.fids.size());
        for (double a : r.angles) ASSERT_TRUE(std::isfinite(a));
      }
    } catch (const acq::FormatError&) {
      ++errors;
    }
  }
  EXPECT_GT(images, 0);
  EXPECT_GT(errors, 0);
}

// Bytes of a valid file flipped or cut: the reader gives images or FormatErrors (the HDF5
// library, which a damaged heap can crash or keep busy, reads in a child process with a
// time-out).
TEST(Ismrmrd, RandomByteMutationsGiveImagesOrFormatErrors) {
  const auto dir = rft::scratch_dir("ismrmrd_bytes");
  write(dir / "good.h5", {image(3, 16, 0), image(3, 16, 1)});
  std::ifstream in(dir / "good.h5", std::ios::binary);
  const std::string good{std::istreambuf_iterator<char>(in), {}};
  std::mt19937_64 gen(7);
  std::uniform_int_distribution<std::size_t> at(0, good.size() - 1);
  std::uniform_int_distribution<int> byte(0, 255), count(1, 8);
  int images = 0, errors = 0;
  for (int trial = 0; trial < 200; ++trial) {
    std::string bytes = good;
    for (int m = count(gen); m > 0; --m) bytes[at(gen)] = static_cast<char>(byte(gen));
    if (trial % 10 == 0) bytes.resize(at(gen));
    const auto file = dir / "mutated.h5";
    std::filesystem::remove(file);
    std::ofstream(file, std::ios::binary) << bytes;
    try {
      for (const auto& r : acq::read_ismrmrd(file, "dataset", 2.0)) {
        ++images;
        ASSERT_GT(r.dwell, 0);
        for (const auto& row : r.fids) {
          ASSERT_EQ(row.size(), r.fids[0].size());
          for (const auto& v : row) ASSERT_TRUE(std::isfinite(v.real()) && std::isfinite(v.imag()));
        }
      }
    } catch (const acq::FormatError&) {
      ++errors;
    }
  }
  EXPECT_GT(images, 0);
  EXPECT_GT(errors, 0);
}

}  // namespace
