// JCAMP-DX files written by an independent implementation (convert-to-jcamp 7.0.1, DIFDUP
// compression; tests/acquisition/fixtures/jcamp/make_fixtures.mjs made them once) read back to
// the FID the generator computed.
#include <gtest/gtest.h>

#include <cmath>

#include "jcamp.hpp"

namespace acq = raserflow::acquisition;

namespace {

void expect_fixture(const char* name, std::size_t points, double cycles, double dwell) {
  const auto r =
      acq::read_jcamp(std::string(TEST_SOURCE_DIR) + "/acquisition/fixtures/jcamp/" + name);
  ASSERT_EQ(r.fids.size(), 1u) << name;
  ASSERT_EQ(r.fids[0].size(), points) << name;
  EXPECT_NEAR(r.dwell, dwell, 1e-12 * dwell) << name;
  for (std::size_t k = 0; k < points; ++k) {
    const double a = 2 * M_PI * cycles * double(k), e = std::exp(-double(k) / 64);
    // The generator rounds with JavaScript's Math.round; V8's and glibc's cos may differ in
    // the last bit, so a value on a .5 boundary may round the other way: +-1.
    EXPECT_NEAR(r.fids[0][k].real(), std::floor(1000 * std::cos(a) * e + 0.5), 1.0) << name << k;
    EXPECT_NEAR(r.fids[0][k].imag(), std::floor(1000 * std::sin(a) * e + 0.5), 1.0) << name << k;
  }
}

TEST(JcampFixtures, ConvertToJcampDifdupFilesRead) {
  expect_fixture("difdup_256.dx", 256, 0.05, 0.0005);
  expect_fixture("difdup_1000.dx", 1000, 0.0125, 0.00025);
}

}  // namespace
