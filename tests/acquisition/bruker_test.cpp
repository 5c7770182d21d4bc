// Bruker TopSpin raw data (formats.md §3): files written byte by byte here decode to the values
// put in, the writer's folder reads back bit for bit, the digital filter's group delay is
// removed, bad folders fail with FormatError naming file and place, and random mutations of a
// valid folder give a valid Recording or a FormatError, nothing else.
#include "bruker.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numbers>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

namespace fs = std::filesystem;
using raserflow::acquisition::Complex;
using raserflow::acquisition::FormatError;
using raserflow::acquisition::read_bruker;
using raserflow::acquisition::Recording;
using raserflow::acquisition::write_bruker;

namespace {

using Bytes = std::string;

// A parameter file as TopSpin lays it out: core header, $$ comments, arrays with values on the
// following lines, strings (one spanning two lines), then the keys under test, then ##END=.
class Params {
 public:
  Params(std::initializer_list<std::pair<std::string, std::string>> kv) : kv_(kv) {}
  Params& set(const std::string& key, const std::string& value) {
    for (auto& [k, v] : kv_)
      if (k == key) {
        v = value;
        return *this;
      }
    kv_.emplace_back(key, value);
    return *this;
  }
  Params& erase(const std::string& key) {
    std::erase_if(kv_, [&](const auto& p) { return p.first == key; });
    return *this;
  }
  std::string text(bool crlf = false) const {
    std::string t =
        "##TITLE= Parameter file, TOPSPIN\t\tVersion 3.6.2\n##JCAMPDX= 5.0\n"
        "##DATATYPE= Parameter Values\n##NPOINTS= 90\t$$ modification sequence number\n"
        "##ORIGIN= Bruker BioSpin GmbH\n##OWNER= nmrsu\n"
        "$$ 2024-03-01 10:00:00.000 +0100  nmrsu@spect\n$$ /opt/data/raser/3/acqus\n"
        "##$AMP= (0..31)\n100 100 100 100 100 100 100 100 100 100 100 100 100 100 100 100 100\n"
        "100 100 100 100 100 100 100 100 100 100 100 100 100 100 100\n"
        "##$AUNM= <au_zg>\n##$CPDPRG= (0..3)\n<> <mlev> <waltz16>\n<>\n"
        "##$EXP= <a title that spans\ntwo lines>\n";
    for (const auto& [k, v] : kv_) t += "##$" + k + "= " + v + "\n";
    t += "##$ZL1= 120\n##END=\n";
    if (!crlf) return t;
    std::string out;
    for (char c : t) out += c == '\n' ? std::string("\r\n") : std::string(1, c);
    return out;
  }

 private:
  std::vector<std::pair<std::string, std::string>> kv_;
};

Params acqus_int32_big_endian() {
  return {{"AQ_mod", "3"},  {"BF1", "60.0"},  {"BYTORDA", "1"}, {"DECIM", "1"},
          {"DIGMOD", "0"},  {"DSPFVS", "20"}, {"DTYPA", "0"},   {"GRPDLY", "-1"},
          {"NUC1", "<1H>"}, {"O1", "0"},      {"SFO1", "60.0"}, {"SW", "33.3333333333333"},
          {"SW_h", "2000"}, {"TD", "100"}};
}

void put(const fs::path& file, const Bytes& bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << file;
}

Bytes get(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void append_be32(Bytes& b, std::int32_t v) {
  const auto u = static_cast<std::uint32_t>(v);
  for (int shift = 24; shift >= 0; shift -= 8) b += static_cast<char>((u >> shift) & 0xff);
}

void append_le64(Bytes& b, double v) {
  std::uint64_t u = 0;
  std::memcpy(&u, &v, sizeof u);
  for (int shift = 0; shift < 64; shift += 8) b += static_cast<char>((u >> shift) & 0xff);
}

void append_le32f(Bytes& b, float v) {
  std::uint32_t u = 0;
  std::memcpy(&u, &v, sizeof u);
  for (int shift = 0; shift < 32; shift += 8) b += static_cast<char>((u >> shift) & 0xff);
}

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

// The P = 3, T = 50 int32 values of §3.1's check, with both int32 extremes.
std::int32_t int_re(int r, int j) {
  if (r == 1 && j == 7) return std::numeric_limits<std::int32_t>::min();
  return (r + 1) * 100000 + j * 37 - 900;
}
std::int32_t int_im(int r, int j) {
  if (r == 2 && j == 49) return std::numeric_limits<std::int32_t>::max();
  return -(r * 50000) - j * j + 5;
}

// ser: 3 rows of 100 big-endian int32, each padded to 1024 bytes (256 values). The padding is
// filled with 0x5A rather than zeros to show it is not read.
Bytes ser_int32_big_endian() {
  Bytes b;
  for (int r = 0; r < 3; ++r) {
    for (int j = 0; j < 50; ++j) {
      append_be32(b, int_re(r, j));
      append_be32(b, int_im(r, j));
    }
    b.append(1024 - 400, '\x5a');
  }
  return b;
}

class BrukerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // tmpfs where there is one: the fuzz test rewrites small files thousands of times.
    std::error_code ec;
    const fs::path base =
        fs::is_directory("/dev/shm", ec) ? fs::path("/dev/shm") : fs::temp_directory_path();
    dir_ = base / ("raserflow_bruker_" + std::to_string(::getpid()) + "_" +
                   ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // The int32 big-endian P = 3 folder, written byte by byte.
  fs::path int32_folder(bool crlf = false) {
    put(dir_ / "acqus", acqus_int32_big_endian().text(crlf));
    put(dir_ / "acqu2s", Params{{"FnMODE", "1"}, {"TD", "3"}}.text(crlf));
    put(dir_ / "ser", ser_int32_big_endian());
    return dir_;
  }

  // The message of the FormatError that reading dir_ throws ("" and a failure if none).
  std::string error() {
    try {
      read_bruker(dir_);
    } catch (const FormatError& e) {
      return e.what();
    }
    ADD_FAILURE() << "read_bruker did not throw FormatError";
    return "";
  }

  fs::path dir_;
};

#define EXPECT_HAS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

TEST_F(BrukerTest, Int32BigEndianPaddedSerDecodesToTheValuesWritten) {
  for (bool crlf : {false, true}) {
    const Recording rec = read_bruker(int32_folder(crlf));
    ASSERT_EQ(rec.fids.size(), 3u);
    for (int r = 0; r < 3; ++r) {
      ASSERT_EQ(rec.fids[r].size(), 50u) << "rows are trimmed to TD/2 complex points";
      for (int j = 0; j < 50; ++j) {
        EXPECT_EQ(rec.fids[r][j].real(), static_cast<double>(int_re(r, j))) << r << "," << j;
        EXPECT_EQ(rec.fids[r][j].imag(), static_cast<double>(int_im(r, j))) << r << "," << j;
      }
    }
    EXPECT_EQ(rec.dwell, 1.0 / 2000) << "complex points are 1/SW_h apart";
    EXPECT_TRUE(rec.angles.empty());
    EXPECT_EQ(rec.source, dir_.string());
  }
}

TEST_F(BrukerTest, Float64LittleEndianFidDecodesPaddedOrNot) {
  const std::vector<Complex> values = {{1.0, -0.0}, {-3.25, 1e-300}, {6.02214076e23, -1e-310}};
  Bytes data;
  for (const Complex& z : values) {
    append_le64(data, z.real());
    append_le64(data, z.imag());
  }
  put(dir_ / "acqus", acqus_int32_big_endian()
                          .set("DTYPA", "2")
                          .set("BYTORDA", "0")
                          .set("TD", "6")
                          .set("SW_h", "2500.5")
                          .text());
  for (const Bytes& file : {data, data + Bytes(1024 - data.size(), '\0')}) {
    put(dir_ / "fid", file);
    const Recording rec = read_bruker(dir_);
    ASSERT_EQ(rec.fids.size(), 1u);
    ASSERT_EQ(rec.fids[0].size(), values.size());
    for (std::size_t j = 0; j < values.size(); ++j) {
      EXPECT_TRUE(same_bits(rec.fids[0][j].real(), values[j].real())) << j;
      EXPECT_TRUE(same_bits(rec.fids[0][j].imag(), values[j].imag())) << j;
    }
    EXPECT_EQ(rec.dwell, 1 / 2500.5);
  }
}

TEST_F(BrukerTest, Float32LittleEndianSerDecodes) {
  put(dir_ / "acqus",
      acqus_int32_big_endian().set("DTYPA", "1").set("BYTORDA", "0").set("TD", "4").text());
  put(dir_ / "acqu2s", Params{{"TD", "2"}}.text());
  Bytes ser;
  for (int r = 0; r < 2; ++r) {
    for (int v = 0; v < 4; ++v)
      append_le32f(ser, 0.5f * static_cast<float>(v) - static_cast<float>(r));
    ser.append(1024 - 16, '\0');
  }
  put(dir_ / "ser", ser);
  const Recording rec = read_bruker(dir_);
  ASSERT_EQ(rec.fids.size(), 2u);
  EXPECT_EQ(rec.fids[1][0], Complex(-1.0, -0.5));
  EXPECT_EQ(rec.fids[1][1], Complex(0.0, 0.5));
  EXPECT_EQ(rec.fids[0][1], Complex(1.0, 1.5));
}

TEST_F(BrukerTest, AnglesComeFromTheSidecarInRowOrder) {
  int32_folder();
  put(dir_ / "raserflow_angles", "0\r\n6.5\r\n-12.25\r\n\r\n");
  EXPECT_EQ(read_bruker(dir_).angles, (std::vector<double>{0, 6.5, -12.25}));
  put(dir_ / "raserflow_angles", "0\n6.5\n");
  const std::string e = error();
  EXPECT_HAS(e, "raserflow_angles");
  EXPECT_HAS(e, "has 2 angles, expected one per row: 3");
  put(dir_ / "raserflow_angles", "0\n6.5\nnorth\n");
  EXPECT_HAS(error(), "raserflow_angles, line 3");
}

// ---- writer ----

std::vector<std::vector<Complex>> random_rows(std::size_t p, std::size_t t, unsigned seed) {
  // Random bit patterns: denormals, huge values, negative zero, every mantissa bit in use.
  std::mt19937_64 rng(seed);
  const auto finite = [&] {
    for (;;) {
      const double v = std::bit_cast<double>(rng());
      if (std::isfinite(v)) return v;
    }
  };
  std::vector<std::vector<Complex>> rows(p, std::vector<Complex>(t));
  for (auto& row : rows)
    for (auto& z : row) z = Complex(finite(), finite());
  return rows;
}

TEST_F(BrukerTest, WriteThenReadIsBitIdentical) {
  const auto fids = random_rows(3, 50, 7);
  const std::vector<double> angles = {0.0, 60.000000000000007, -179.99999999999997};
  write_bruker(dir_, fids, angles, 5e-4);
  const Recording rec = read_bruker(dir_);
  ASSERT_EQ(rec.fids.size(), fids.size());
  for (std::size_t r = 0; r < fids.size(); ++r) {
    ASSERT_EQ(rec.fids[r].size(), fids[r].size());
    for (std::size_t j = 0; j < fids[r].size(); ++j) {
      ASSERT_TRUE(same_bits(rec.fids[r][j].real(), fids[r][j].real())) << r << "," << j;
      ASSERT_TRUE(same_bits(rec.fids[r][j].imag(), fids[r][j].imag())) << r << "," << j;
    }
  }
  ASSERT_EQ(rec.angles.size(), angles.size());
  for (std::size_t r = 0; r < angles.size(); ++r) EXPECT_TRUE(same_bits(rec.angles[r], angles[r]));
  EXPECT_EQ(rec.dwell, 5e-4);

  // The layout of §3.3, checked on the bytes.
  EXPECT_EQ(fs::file_size(dir_ / "ser"), 3u * 1024u) << "rows of 100 float64 padded to 1024 B";
  const Bytes acqus = get(dir_ / "acqus");
  for (const char* line : {"##$DTYPA= 2\n", "##$BYTORDA= 0\n", "##$TD= 100\n", "##$AQ_mod= 3\n",
                           "##$SW_h= 2000\n", "##$DIGMOD= 0\n", "##$SFO1= 60\n", "##$BF1= 60\n",
                           "##$O1= 0\n", "##$PARMODE= 1\n", "##$NUC1= <1H>\n", "##END=\n"})
    EXPECT_HAS(acqus, line);
  EXPECT_HAS(get(dir_ / "acqu2s"), "##$TD= 3\n");
  EXPECT_HAS(get(dir_ / "acqu2s"), "##$FnMODE= 1\n");
  EXPECT_EQ(get(dir_ / "raserflow_angles"), "0\n60.000000000000007\n-179.99999999999997\n");
  const Bytes ser = get(dir_ / "ser");
  Bytes first;
  append_le64(first, fids[0][0].real());
  append_le64(first, fids[0][0].imag());
  EXPECT_EQ(ser.substr(0, 16), first);
  EXPECT_EQ(ser.substr(800, 224), Bytes(224, '\0'));
  for (const auto& entry : fs::directory_iterator(dir_))
    EXPECT_EQ(entry.path().string().find("partial"), std::string::npos) << entry.path();
}

TEST_F(BrukerTest, ExperimentSizeRoundTripsWithUnpaddedRows) {
  const auto fids = random_rows(30, 32768, 11);
  std::vector<double> angles(30);
  for (std::size_t r = 0; r < angles.size(); ++r) angles[r] = 6.0 * static_cast<double>(r);
  write_bruker(dir_, fids, angles, 3.3e-4, 43.5);
  EXPECT_EQ(fs::file_size(dir_ / "ser"), 30u * 512u * 1024u);
  const Recording rec = read_bruker(dir_);
  EXPECT_EQ(rec.angles, angles);
  ASSERT_EQ(rec.fids.size(), 30u);
  for (std::size_t r = 0; r < 30; ++r)
    EXPECT_EQ(std::memcmp(rec.fids[r].data(), fids[r].data(), 32768 * sizeof(Complex)), 0) << r;
  EXPECT_NEAR(rec.dwell, 3.3e-4, 3.3e-4 * 1e-15);
}

TEST_F(BrukerTest, OneProjectionWritesFidAndReplacesAnEarlierSer) {
  write_bruker(dir_, random_rows(3, 50, 1), {1, 2, 3}, 5e-4);
  const auto one = random_rows(1, 64, 2);
  write_bruker(dir_, one, {}, 2.5e-4);
  EXPECT_TRUE(fs::exists(dir_ / "fid"));
  EXPECT_FALSE(fs::exists(dir_ / "ser"));
  EXPECT_FALSE(fs::exists(dir_ / "acqu2s"));
  EXPECT_FALSE(fs::exists(dir_ / "raserflow_angles"));
  EXPECT_HAS(get(dir_ / "acqus"), "##$PARMODE= 0\n");
  const Recording rec = read_bruker(dir_);
  ASSERT_EQ(rec.fids.size(), 1u);
  EXPECT_EQ(std::memcmp(rec.fids[0].data(), one[0].data(), 64 * sizeof(Complex)), 0);
  EXPECT_TRUE(rec.angles.empty());
  EXPECT_EQ(rec.dwell, 2.5e-4);
}

TEST_F(BrukerTest, WriterRefusesInconsistentArgumentsAndWritesNothing) {
  const fs::path out = dir_ / "expno";
  const auto ok = random_rows(2, 8, 3);
  auto ragged = ok;
  ragged[1].pop_back();
  auto nan = ok;
  nan[1][3] = Complex(0, std::nan(""));
  EXPECT_THROW(write_bruker(out, {}, {}, 5e-4), std::invalid_argument);
  EXPECT_THROW(write_bruker(out, ragged, {}, 5e-4), std::invalid_argument);
  EXPECT_THROW(write_bruker(out, nan, {}, 5e-4), std::invalid_argument);
  EXPECT_THROW(write_bruker(out, ok, {1.0}, 5e-4), std::invalid_argument);
  EXPECT_THROW(write_bruker(out, ok, {}, 0.0), std::invalid_argument);
  EXPECT_THROW(write_bruker(out, ok, {}, 5e-4, -60), std::invalid_argument);
  EXPECT_FALSE(fs::exists(out));
}

// ---- digital filter ----

// A row that is tones on the DFT grid (one at a negative frequency) seen d samples late, as a
// digital filter delivers it: x[n] = sum_m a_m exp(i 2 pi m (n - d) / N).
std::vector<Complex> delayed_tones(std::size_t n, double d) {
  std::vector<Complex> x(n);
  for (std::size_t k = 0; k < n; ++k) {
    const double t = static_cast<double>(k) - d;
    const double w = 2 * std::numbers::pi / static_cast<double>(n);
    x[k] = std::polar(1.0, w * 5 * t) + std::polar(0.5, -w * 9 * t);
  }
  return x;
}

class GroupDelayTest : public BrukerTest {
 protected:
  // A float64 ser of two rows of delayed tones, with `filter` keys in acqus.
  void write(const Params& acqus, double d) {
    put(dir_ / "acqus", acqus.text());
    put(dir_ / "acqu2s", Params{{"TD", "2"}}.text());
    Bytes ser;
    for (int r = 0; r < 2; ++r)
      for (const Complex& z : delayed_tones(kPoints, d)) {
        append_le64(ser, (r + 1) * z.real());
        append_le64(ser, (r + 1) * z.imag());
      }
    put(dir_ / "ser", ser);
  }
  static Params float64(const std::string& digmod, const std::string& dspfvs,
                        const std::string& decim, const std::string& grpdly) {
    return acqus_int32_big_endian()
        .set("DTYPA", "2")
        .set("BYTORDA", "0")
        .set("TD", std::to_string(2 * kPoints))
        .set("DIGMOD", digmod)
        .set("DSPFVS", dspfvs)
        .set("DECIM", decim)
        .set("GRPDLY", grpdly);
  }
  void expect_undelayed(const Recording& rec) {
    const auto clean = delayed_tones(kPoints, 0.0);
    ASSERT_EQ(rec.fids.size(), 2u);
    for (int r = 0; r < 2; ++r) {
      ASSERT_EQ(rec.fids[r].size(), kPoints);
      for (std::size_t k = 0; k < kPoints; ++k)
        ASSERT_LT(std::abs(rec.fids[r][k] - (r + 1.0) * clean[k]), 1e-11) << r << "," << k;
    }
  }
  static constexpr std::size_t kPoints = 256;
};

TEST_F(GroupDelayTest, GrpdlyIsRemoved) {
  write(float64("1", "20", "16", "12.375"), 12.375);
  expect_undelayed(read_bruker(dir_));
}

TEST_F(GroupDelayTest, DspfvsDecimTableGivesTheDelayWithoutGrpdly) {
  write(float64("1", "10", "16", "-1"), 69.53125);  // §3.1: DSPFVS 10, DECIM 16
  expect_undelayed(read_bruker(dir_));
  write(float64("1", "12", "32", "0"), 72.125);
  expect_undelayed(read_bruker(dir_));
}

TEST_F(GroupDelayTest, NoDigitalFilterLeavesTheSamplesAsStored) {
  write(float64("0", "20", "16", "12.375"), 12.375);
  const Recording rec = read_bruker(dir_);
  const auto stored = delayed_tones(kPoints, 12.375);
  for (std::size_t k = 0; k < kPoints; ++k) EXPECT_EQ(rec.fids[0][k], stored[k]) << k;
}

TEST_F(GroupDelayTest, UnknownDelaysAreRefused) {
  write(float64("1", "12", "5", "-1"), 0);
  std::string e = error();
  EXPECT_HAS(e, "acqus, line");
  EXPECT_HAS(e, "##$DECIM= '5'");
  write(float64("1", "20", "16", "300"), 0);
  EXPECT_HAS(error(), "##$GRPDLY= '300'");
}

// ---- errors ----

TEST_F(BrukerTest, TruncatedSerNamesWhereTheDataEnds) {
  int32_folder();
  put(dir_ / "ser", ser_int32_big_endian().substr(0, 2300));
  const std::string e = error();
  EXPECT_HAS(e, (dir_ / "ser").string() + ", byte 2300: data ends here, inside row 3 of 3");
  EXPECT_HAS(e, "expected 3072 bytes");
  // The last row's padding alone may be missing.
  put(dir_ / "ser", ser_int32_big_endian().substr(0, 2048 + 400));
  EXPECT_EQ(read_bruker(dir_).fids.size(), 3u);
}

TEST_F(BrukerTest, TdInconsistentWithTheFileSizeIsRefused) {
  int32_folder();
  put(dir_ / "acqus", acqus_int32_big_endian().set("TD", "600").text());  // 2400 B: 3072 a row
  std::string e = error();
  EXPECT_HAS(e, (dir_ / "ser").string() + ", byte 3072:");
  EXPECT_HAS(e, "expected 9216 bytes");
  put(dir_ / "acqus", acqus_int32_big_endian().text());
  put(dir_ / "acqu2s", Params{{"TD", "2"}}.text());
  e = error();
  EXPECT_HAS(e, (dir_ / "ser").string() + ", byte 2048: expected the data to end here");
  EXPECT_HAS(e, "the file has 3072 bytes");
  put(dir_ / "acqu2s", Params{{"TD", "0"}}.text());
  EXPECT_HAS(error(), "acqu2s, line");
}

TEST_F(BrukerTest, BadStorageParametersAreRefusedByKeyAndLine) {
  int32_folder();
  const std::string acqus = (dir_ / "acqus").string();
  const std::pair<const char*, const char*> cases[] = {
      {"DTYPA", "5"},  {"DTYPA", "two"}, {"BYTORDA", "2"},   {"AQ_mod", "0"},
      {"AQ_mod", "2"}, {"TD", "101"},    {"TD", "-4"},       {"TD", "1e9"},
      {"SW_h", "0"},   {"SW_h", "nan"},  {"SW_h", "1e-320"}, {"TD", "99999999999999999999999"}};
  for (const auto& [key, value] : cases) {
    put(dir_ / "acqus", acqus_int32_big_endian().set(key, value).text());
    const std::string e = error();
    EXPECT_HAS(e, acqus + ", line ");
    EXPECT_HAS(e, std::string("##$") + key + "= '" + value + "'");
  }
  put(dir_ / "acqus", acqus_int32_big_endian().set("AQ_mod", "0").text());
  EXPECT_HAS(error(), "real-only data");
}

TEST_F(BrukerTest, MissingKeysAreNamed) {
  int32_folder();
  for (const char* key : {"TD", "SW_h", "AQ_mod", "BYTORDA"}) {
    put(dir_ / "acqus", acqus_int32_big_endian().erase(key).text());
    EXPECT_HAS(error(), (dir_ / "acqus").string() + ": has no ##$" + key + "=");
  }
  put(dir_ / "acqus", acqus_int32_big_endian().text());
  put(dir_ / "acqu2s", Params{{"FnMODE", "1"}}.text());
  EXPECT_HAS(error(), (dir_ / "acqu2s").string() + ": has no ##$TD=");
}

TEST_F(BrukerTest, BrokenOrForeignFoldersAreRefused) {
  EXPECT_HAS(error(), "acqus: missing");
  int32_folder();
  fs::remove(dir_ / "acqu2s");
  EXPECT_HAS(error(), "acqu2s: missing");
  fs::remove(dir_ / "ser");
  EXPECT_HAS(error(), "holds neither fid nor ser");
  int32_folder();
  std::string text = acqus_int32_big_endian().text();
  put(dir_ / "acqus", text.substr(0, text.size() - 7));  // no ##END=
  EXPECT_HAS(error(), "file ends before '##END='");
  put(dir_ / "acqus", "TITLE=something else\n");
  EXPECT_HAS(error(), "acqus, line 1: expected a JCAMP parameter file");
  put(dir_ / "acqus", Bytes("##\0\x01\x02", 5));
  EXPECT_HAS(error(), "NUL byte");
  text = acqus_int32_big_endian().text();
  text.insert(text.find("##$TD="), "##$TD= 100\n");
  put(dir_ / "acqus", text);
  EXPECT_HAS(error(), "parameter TD given a second time");
  put(dir_ / "acqus", acqus_int32_big_endian().text());
  EXPECT_THROW(read_bruker(dir_ / "ser"), FormatError);
}

TEST_F(BrukerTest, NonFiniteSamplesAreRefusedAtTheirOffset) {
  put(dir_ / "acqus",
      acqus_int32_big_endian().set("DTYPA", "2").set("BYTORDA", "0").set("TD", "4").text());
  Bytes fid;
  append_le64(fid, 1.0);
  append_le64(fid, 2.0);
  append_le64(fid, 3.0);
  append_le64(fid, std::numeric_limits<double>::infinity());
  put(dir_ / "fid", fid);
  EXPECT_HAS(error(), (dir_ / "fid").string() + ", byte 24: a float64 sample that is NaN");
}

// ---- fuzz ----

bool satisfies_contract(const Recording& rec) {
  if (rec.fids.empty() || rec.fids.front().empty()) return false;
  if (!(rec.dwell > 0) || !std::isfinite(rec.dwell)) return false;
  if (!rec.angles.empty() && rec.angles.size() != rec.fids.size()) return false;
  for (double a : rec.angles)
    if (!std::isfinite(a)) return false;
  for (const auto& row : rec.fids) {
    if (row.size() != rec.fids.front().size()) return false;
    for (const Complex& z : row)
      if (!std::isfinite(z.real()) || !std::isfinite(z.imag())) return false;
  }
  return true;
}

class Mutator {
 public:
  explicit Mutator(std::uint64_t seed) : rng_(seed) {}
  std::size_t below(std::size_t n) { return n == 0 ? 0 : rng_() % n; }

  Bytes bytes(Bytes b) {
    const std::size_t count = 1 + below(3);
    for (std::size_t i = 0; i < count; ++i) {
      switch (below(6)) {
        case 0:  // flip a byte
          if (!b.empty()) b[below(b.size())] = static_cast<char>(rng_());
          break;
        case 1:  // truncate
          b.resize(below(b.size() + 1));
          break;
        case 2:  // insert bytes
          b.insert(below(b.size() + 1), Bytes(1 + below(16), static_cast<char>(rng_())));
          break;
        case 3:  // append bytes
          b.append(1 + below(2048), static_cast<char>(rng_()));
          break;
        case 4:  // a NaN or infinity over eight bytes
          if (b.size() >= 8) {
            const auto u = std::bit_cast<std::uint64_t>(below(2) ? std::nan("") : -HUGE_VAL);
            const std::size_t at = below(b.size() - 7);
            for (int k = 0; k < 8; ++k) b[at + k] = static_cast<char>(u >> (8 * (7 - k)));
          }
          break;
        default:  // remove a run of bytes
          if (!b.empty()) {
            const std::size_t at = below(b.size());
            b.erase(at, 1 + below(64));
          }
      }
    }
    return b;
  }

  Bytes text(const Bytes& t) {
    std::vector<std::string> lines;
    std::istringstream in(t);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    static const char* const numbers[] = {
        "0",  "-1",  "1",  "2",       "3",   "4", "1e308",  "nan", "inf", "1e-320", "16", "12",
        "10", "300", "13", "9999999", "2e9", "",  "(0..3)", "<x>", "1.5", "-0",     "+8", "0x10"};
    const std::size_t count = 1 + below(3);
    for (std::size_t i = 0; i < count && !lines.empty(); ++i) {
      std::string& line = lines[below(lines.size())];
      switch (below(5)) {
        case 0: {  // a value replaced by a chosen number
          const std::size_t eq = line.find("= ");
          if (eq != std::string::npos)
            line = line.substr(0, eq + 2) + numbers[below(std::size(numbers))];
          break;
        }
        case 1:  // a line duplicated
          lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(below(lines.size())), line);
          break;
        case 2:  // a line deleted
          lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(below(lines.size())));
          break;
        default: {  // the bytes of the text mutated
          Bytes joined;
          for (const auto& l : lines) joined += l + "\n";
          return bytes(joined);
        }
      }
    }
    Bytes out;
    for (const auto& l : lines) out += l + (below(8) == 0 ? "\r\n" : "\n");
    return out;
  }

 private:
  std::mt19937_64 rng_;
};

TEST_F(BrukerTest, FuzzMutatedFoldersGiveARecordingOrAFormatError) {
  // A valid folder with a digital filter, so the correction path runs too.
  const Bytes acqus = acqus_int32_big_endian().set("DIGMOD", "1").set("GRPDLY", "7.5").text();
  const Bytes acqu2s = Params{{"FnMODE", "1"}, {"TD", "3"}}.text();
  const Bytes ser = ser_int32_big_endian();
  const Bytes angles = "0\n60\n120\n";
  Mutator mutate(20240301);
  std::size_t recordings = 0;
  std::size_t errors = 0;
  constexpr int kMutations = 45000;
  const auto start = std::chrono::steady_clock::now();
  const std::pair<const char*, const Bytes*> files[] = {
      {"acqus", &acqus}, {"acqu2s", &acqu2s}, {"ser", &ser}, {"raserflow_angles", &angles}};
  for (const auto& [name, bytes] : files) put(dir_ / name, *bytes);
  for (int i = 0; i < kMutations; ++i) {
    const std::size_t target = mutate.below(std::size(files));
    const Bytes& original = *files[target].second;
    put(dir_ / files[target].first, target == 2 ? mutate.bytes(original) : mutate.text(original));
    try {
      const Recording rec = read_bruker(dir_);
      ++recordings;
      ASSERT_TRUE(satisfies_contract(rec)) << "mutation " << i << " of file " << target;
    } catch (const FormatError&) {
      ++errors;
    } catch (const std::exception& e) {
      FAIL() << "mutation " << i << " of file " << target << ": not a FormatError: " << e.what();
    }
    put(dir_ / files[target].first, original);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << kMutations << " mutations in " << seconds << " s: " << recordings << " recordings, "
            << errors << " FormatErrors\n";
  EXPECT_GT(recordings, 0u);
  EXPECT_GT(errors, 0u);
}

}  // namespace
