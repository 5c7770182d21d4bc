// Spinsolve / Prospa files (formats.md §4.1, §4.2): headers written here byte by byte decode to
// the values put in, folders of projections read in natural order, write -> read round trips to
// float32 rounding, bad files are refused naming file and byte or line, and random mutations of
// valid files either read within the contract or are refused with FormatError.
#include "spinsolve.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numbers>
#include <random>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using raserflow::acquisition::Complex;
using raserflow::acquisition::FormatError;
using raserflow::acquisition::read_spinsolve;
using raserflow::acquisition::Recording;
using raserflow::acquisition::write_spinsolve;

namespace {

// Little-endian bytes, built independently of the reader.
struct Bytes {
  std::string b;
  Bytes& ascii(const std::string& s) {
    b += s;
    return *this;
  }
  Bytes& u32(std::uint32_t v) {
    b += static_cast<char>(v & 0xff);
    b += static_cast<char>((v >> 8) & 0xff);
    b += static_cast<char>((v >> 16) & 0xff);
    b += static_cast<char>((v >> 24) & 0xff);
    return *this;
  }
  Bytes& f32(float v) { return u32(std::bit_cast<std::uint32_t>(v)); }
};

void write_file(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  fs::remove(path);  // a fresh file: rewriting by truncation makes ext4 flush on close (slow)
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The value of sample k of projection j, exactly representable in float32 by construction.
Complex sample(std::size_t j, std::size_t k) {
  const double t = static_cast<double>(k) * 2e-4;
  const auto v = std::polar(1.0 + 0.25 * static_cast<double>(j),
                            2 * std::numbers::pi * 37.0 * t + 0.1 * static_cast<double>(j)) *
                 std::exp(-t / 1.5);
  return {static_cast<float>(v.real()), static_cast<float>(v.imag())};
}

// A V1.1 type-501 data.2d of P rows of T points: (re, im) float32, points fastest.
std::string data_2d(std::size_t t, std::size_t p) {
  Bytes b;
  b.ascii("SORP").ascii("ATAD").ascii("1.1V").u32(501).u32(static_cast<std::uint32_t>(t));
  b.u32(static_cast<std::uint32_t>(p)).u32(1).u32(1);
  for (std::size_t j = 0; j < p; ++j)
    for (std::size_t k = 0; k < t; ++k)
      b.f32(static_cast<float>(sample(j, k).real())).f32(static_cast<float>(sample(j, k).imag()));
  return b.b;
}

// A V1.1 type-504 data.1d like a real Spinsolve 1.15 file: axis in seconds, then the values.
std::string data_1d_504(std::size_t t, double dwell, std::size_t j = 0) {
  Bytes b;
  b.ascii("SORP").ascii("ATAD").ascii("1.1V").u32(504).u32(static_cast<std::uint32_t>(t));
  b.u32(1).u32(1).u32(1);
  for (std::size_t k = 0; k < t; ++k) b.f32(static_cast<float>(static_cast<double>(k) * dwell));
  for (std::size_t k = 0; k < t; ++k)
    b.f32(static_cast<float>(sample(j, k).real())).f32(static_cast<float>(sample(j, k).imag()));
  return b.b;
}

std::string acqu_par(const std::string& bandwidth, const std::string& dwell_time,
                     std::size_t points) {
  return "Solvent              = \"D2O\"\n"
         "Sample               = \"pyrazine\"\n"
         "startTime            = \"2024-05-01T10:00:00\"\n"
         "b1Freq               = 61.57d\n"
         "bandwidth            = " +
         bandwidth +
         "\n"
         "dwellTime            = " +
         dwell_time +
         "\n"
         "nrPnts               = " +
         std::to_string(points) +
         "\n"
         "nrScans              = 1\n"
         "rxChannel            = \"1H\"\n"
         "90Amplitude          = -6\n"
         "Shim_Z1              = [12,-3]\n"
         "InstrumentType       = \"60 PROTON ULTRA\"\n";
}

class Spinsolve : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("raserflow_spinsolve_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // The FormatError message read_spinsolve(folder) throws; fails if it returns.
  static std::string error_of(const fs::path& folder) {
    try {
      read_spinsolve(folder);
    } catch (const FormatError& e) {
      return e.what();
    }
    ADD_FAILURE() << "no FormatError for " << folder;
    return {};
  }

  fs::path dir_;
};

void expect_rows(const Recording& r, std::size_t p, std::size_t t) {
  ASSERT_EQ(r.fids.size(), p);
  for (std::size_t j = 0; j < p; ++j) {
    ASSERT_EQ(r.fids[j].size(), t);
    for (std::size_t k = 0; k < t; ++k) {
      // One float32 ulp: the compiler may fold sample() at compile time at one call site (exact
      // sin/cos) and call libm at another, which can round the other way.
      const Complex e = sample(j, k);
      ASSERT_NEAR(r.fids[j][k].real(), e.real(), 1.2e-7 * std::abs(e)) << j << "," << k;
      ASSERT_NEAR(r.fids[j][k].imag(), e.imag(), 1.2e-7 * std::abs(e)) << j << "," << k;
    }
  }
}

TEST_F(Spinsolve, RealSpinsolve504Data1dWithASecondsAxisDecodes) {
  // Spinsolve 1.15: 'SORPATAD1.1V', type 504, dims (32768, 1, 1, 1), axis 0, 0.0002, ... s.
  const std::size_t t = 32768;
  write_file(dir_ / "data.1d", data_1d_504(t, 2e-4));
  write_file(dir_ / "acqu.par", acqu_par("5", "200", t));
  ASSERT_EQ(fs::file_size(dir_ / "data.1d"), 393248u);  // 32 + 4N + 8N
  const auto r = read_spinsolve(dir_);
  expect_rows(r, 1, t);
  EXPECT_DOUBLE_EQ(r.dwell, 2e-4);
  EXPECT_TRUE(r.angles.empty());
  EXPECT_EQ(r.source, dir_.string());
}

TEST_F(Spinsolve, V10HeaderOf28BytesDecodes) {
  const std::size_t t = 7;
  Bytes b;
  b.ascii("SORPATAD0.1V").u32(501).u32(t).u32(1).u32(1);  // no dim4 in V1.0
  for (std::size_t k = 0; k < t; ++k)
    b.f32(static_cast<float>(sample(0, k).real())).f32(static_cast<float>(sample(0, k).imag()));
  ASSERT_EQ(b.b.size(), 28 + 8 * t);
  write_file(dir_ / "data.1d", b.b);
  write_file(dir_ / "acqu.par", "bandwidth = 2\ndwellTime = 500\n");
  const auto r = read_spinsolve(dir_);
  expect_rows(r, 1, t);
  EXPECT_DOUBLE_EQ(r.dwell, 5e-4);
}

TEST_F(Spinsolve, Data2dHoldsPointsFastestThenProjections) {
  write_file(dir_ / "data.2d", data_2d(5, 3));
  write_file(dir_ / "acqu.par", "bandwidth = 2\ndwellTime = 500d\nnrPnts = 5\n");
  write_file(dir_ / "angles.txt", "0\n60.5\n-120\n");
  const auto r = read_spinsolve(dir_);
  expect_rows(r, 3, 5);
  EXPECT_EQ(r.angles, (std::vector<double>{0, 60.5, -120}));
  EXPECT_DOUBLE_EQ(r.dwell, 5e-4);
}

TEST_F(Spinsolve, SubFoldersAreTakenInNaturalOrder) {
  // Written out of order; plain string order would give p1, p10, p11, p2, p9.
  const std::vector<std::string> names{"p10", "p2", "p11", "p9", "p1"};
  const std::vector<std::size_t> rank{3, 1, 4, 2, 0};  // position of each in natural order
  for (std::size_t i = 0; i < names.size(); ++i) {
    write_file(dir_ / names[i] / "data.1d", data_1d_504(16, 5e-4, rank[i]));
    write_file(dir_ / names[i] / "acqu.par", acqu_par("2", "500", 16));
  }
  write_file(dir_ / "angles.txt", "0\n36\n72\n108\n144\n");
  const auto r = read_spinsolve(dir_);
  expect_rows(r, 5, 16);
  EXPECT_EQ(r.angles, (std::vector<double>{0, 36, 72, 108, 144}));
  EXPECT_DOUBLE_EQ(r.dwell, 5e-4);
}

TEST_F(Spinsolve, SubFoldersMustAgreeOnLengthAndDwell) {
  write_file(dir_ / "a1" / "data.1d", data_1d_504(16, 5e-4));
  write_file(dir_ / "a1" / "acqu.par", acqu_par("2", "500", 16));
  write_file(dir_ / "a2" / "data.1d", data_1d_504(8, 5e-4));
  write_file(dir_ / "a2" / "acqu.par", acqu_par("2", "500", 8));
  auto message = error_of(dir_);
  EXPECT_NE(message.find((dir_ / "a2" / "data.1d").string()), std::string::npos) << message;
  EXPECT_NE(message.find("8 points"), std::string::npos) << message;

  write_file(dir_ / "a2" / "data.1d", data_1d_504(16, 2e-4));
  write_file(dir_ / "a2" / "acqu.par", acqu_par("5", "200", 16));
  message = error_of(dir_);
  EXPECT_NE(message.find((dir_ / "a2" / "acqu.par").string()), std::string::npos) << message;
  EXPECT_NE(message.find("dwell"), std::string::npos) << message;
}

TEST_F(Spinsolve, WriteThenReadIsEqualToFloat32Rounding) {
  const std::size_t p = 4;
  const std::size_t t = 300;
  std::vector<std::vector<Complex>> fids(p, std::vector<Complex>(t));
  for (std::size_t j = 0; j < p; ++j)
    for (std::size_t k = 0; k < t; ++k)
      fids[j][k] =
          std::polar(1.0 / 3.0 + static_cast<double>(j), 0.01 * static_cast<double>(k * k));
  const std::vector<double> angles{0, 45.123456789012345, 90, 1.0 / 3.0};
  const double dwell = 1.0 / 3.0 * 1e-3;
  const auto folder = dir_ / "image";
  write_spinsolve(folder, fids, angles, dwell);

  const auto bytes = read_file(folder / "data.2d");
  ASSERT_EQ(bytes.size(), 32 + 8 * p * t);
  EXPECT_EQ(bytes.substr(0, 12), "SORPATAD1.1V");
  EXPECT_EQ(bytes.substr(12, 20), Bytes().u32(501).u32(t).u32(p).u32(1).u32(1).b);
  for (const auto& entry : fs::directory_iterator(folder))
    EXPECT_NE(entry.path().extension(), ".tmp") << entry.path();

  const auto r = read_spinsolve(folder);
  ASSERT_EQ(r.fids.size(), p);
  for (std::size_t j = 0; j < p; ++j) {
    ASSERT_EQ(r.fids[j].size(), t);
    for (std::size_t k = 0; k < t; ++k) {
      ASSERT_EQ(r.fids[j][k].real(), static_cast<double>(static_cast<float>(fids[j][k].real())));
      ASSERT_EQ(r.fids[j][k].imag(), static_cast<double>(static_cast<float>(fids[j][k].imag())));
    }
  }
  EXPECT_EQ(r.angles, angles);                // %.17g: exact
  EXPECT_NEAR(r.dwell, dwell, 1e-8 * dwell);  // %.9g bandwidth

  // Without angles the folder has no angles.txt (a stale one is removed).
  write_spinsolve(folder, fids, {}, dwell);
  EXPECT_FALSE(fs::exists(folder / "angles.txt"));
  EXPECT_TRUE(read_spinsolve(folder).angles.empty());
}

TEST_F(Spinsolve, WriterRefusesArgumentsOutsideTheContract) {
  const std::vector<std::vector<Complex>> one{{Complex(1, 0)}};
  EXPECT_THROW(write_spinsolve(dir_ / "x", {}, {}, 1e-3), std::invalid_argument);
  EXPECT_THROW(write_spinsolve(dir_ / "x", {{Complex(1, 0)}, {}}, {}, 1e-3), std::invalid_argument);
  EXPECT_THROW(write_spinsolve(dir_ / "x", one, {0, 1}, 1e-3), std::invalid_argument);
  EXPECT_THROW(write_spinsolve(dir_ / "x", one, {}, 0), std::invalid_argument);
  EXPECT_THROW(write_spinsolve(dir_ / "x", {{Complex(1e39, 0)}}, {}, 1e-3), std::invalid_argument);
  EXPECT_THROW(write_spinsolve(dir_ / "x", {{Complex(std::nan(""), 0)}}, {}, 1e-3),
               std::invalid_argument);
}

// Each refusal names the file and the byte offset (or line / keys) and what was expected.
TEST_F(Spinsolve, BadFilesAreRefusedNamingFileAndOffset) {
  const auto file = (dir_ / "data.2d").string();
  write_file(dir_ / "acqu.par", "bandwidth = 2\ndwellTime = 500\n");
  const auto valid = data_2d(5, 3);  // 32 + 120 bytes
  const auto refused = [&](const std::string& bytes, const std::string& where,
                           const std::string& what) {
    write_file(dir_ / "data.2d", bytes);
    const auto message = error_of(dir_);
    EXPECT_NE(message.find(file + ", byte " + where + ":"), std::string::npos) << message;
    EXPECT_NE(message.find(what), std::string::npos) << message;
  };
  auto bytes = valid;
  bytes[0] = 'X';
  refused(bytes, "0", "'PROS'");
  refused(valid.substr(0, 149), "149", "152 bytes");  // truncated body
  refused(valid.substr(0, 20), "20", "dim2");         // truncated header
  refused(valid + "xy", "152", "2 bytes past the end");
  bytes = valid;
  bytes.replace(8, 4, "0.2V");
  refused(bytes, "8", "'V1.1' or 'V1.0'");
  for (const std::uint32_t real : {500u, 502u, 503u}) {
    bytes = valid;
    bytes.replace(12, 4, Bytes().u32(real).b);
    refused(bytes, "12", "real values");
  }
  bytes = valid;
  bytes.replace(12, 4, Bytes().u32(7).b);
  refused(bytes, "12", "unknown data type 7");
  bytes = valid;
  bytes.replace(20, 4, Bytes().u32(1000000).b);  // dims larger than the file
  refused(bytes, "152", "5 x 1000000 x 1 x 1");
  bytes = valid;
  bytes.replace(16, 8, Bytes().u32(1u << 20).u32(1u << 20).b);  // beyond any sane size
  refused(bytes, "20", "limit");
  bytes = valid;
  bytes.replace(16, 4, Bytes().u32(0xffffffffu).b);
  refused(bytes, "16", "dim1 = -1");
  bytes = valid;
  bytes.replace(32 + 8 * 6 + 4, 4, Bytes().f32(std::numeric_limits<float>::quiet_NaN()).b);
  refused(bytes, "80", "not finite");
}

TEST_F(Spinsolve, ParametersThatDisagreeAreRefusedNamingTheKeys) {
  write_file(dir_ / "data.1d", data_1d_504(64, 2e-4));
  const auto par = (dir_ / "acqu.par").string();
  const auto refused = [&](const std::string& text, const std::vector<std::string>& parts) {
    write_file(dir_ / "acqu.par", text);
    const auto message = error_of(dir_);
    EXPECT_NE(message.find(par), std::string::npos) << message;
    for (const auto& part : parts) EXPECT_NE(message.find(part), std::string::npos) << message;
  };
  refused(acqu_par("5", "250", 64), {"bandwidth = 5 kHz (line 5)", "dwellTime = 250", "line 6"});
  refused(acqu_par("5", "200", 63), {"line 7", "nrPnts = 63", "64 points"});
  refused(acqu_par("five", "200", 64), {"line 5", "bandwidth: expected a number"});
  refused("nrPnts = 64\n", {"neither bandwidth", "dwellTime"});
  refused("bandwidth = 5\nbandwidth = 5\n", {"line 2", "set twice"});
  refused("bandwidth = 5\nno equals sign\n", {"line 2", "name = value"});
  refused("bandwidth = 5\nSample = \"open\n", {"line 2", "unterminated string"});
  // The file's seconds axis disagrees with acqu.par's dwell (bandwidth 2 kHz: 500 µs).
  write_file(dir_ / "acqu.par", acqu_par("2", "500", 64));
  const auto message = error_of(dir_);
  EXPECT_NE(message.find((dir_ / "data.1d").string() + ", byte 36:"), std::string::npos) << message;
  EXPECT_NE(message.find("dwell"), std::string::npos) << message;
}

TEST_F(Spinsolve, FoldersThatAreNotAnImageAreRefused) {
  EXPECT_NE(error_of(dir_ / "missing").find("expected a folder"), std::string::npos);
  EXPECT_NE(error_of(dir_).find("no sub-folders"), std::string::npos);
  write_file(dir_ / "data.2d", data_2d(4, 2));
  EXPECT_NE(error_of(dir_).find((dir_ / "acqu.par").string() + ": missing"), std::string::npos);
  write_file(dir_ / "acqu.par", "bandwidth = 2\n");
  write_file(dir_ / "angles.txt", "0\n");
  EXPECT_NE(error_of(dir_).find("1 angles for 2 projections"), std::string::npos);
  write_file(dir_ / "angles.txt", "0\nninety\n");
  EXPECT_NE(error_of(dir_).find((dir_ / "angles.txt").string() + ", line 2:"), std::string::npos);
  write_file(dir_ / "data.1d", data_1d_504(4, 5e-4));
  EXPECT_NE(error_of(dir_).find("ambiguous"), std::string::npos);
  fs::remove(dir_ / "data.1d");
  write_file(dir_ / "data.2d", data_1d_504(4, 5e-4));
  EXPECT_NE(error_of(dir_).find("expected 501"), std::string::npos);
}

// ---- bounded random mutations ----------------------------------------------------------------

struct FuzzCount {
  int accepted = 0;
  int refused = 0;
};

// One read: a Recording within the contract, or a FormatError; anything else fails the test.
void read_within_contract(const fs::path& folder, FuzzCount& count, int round) {
  try {
    const auto r = read_spinsolve(folder);
    ASSERT_FALSE(r.fids.empty()) << round;
    ASSERT_FALSE(r.fids.front().empty()) << round;
    for (const auto& row : r.fids) {
      ASSERT_EQ(row.size(), r.fids.front().size()) << round;
      for (const auto& v : row)
        ASSERT_TRUE(std::isfinite(v.real()) && std::isfinite(v.imag())) << round;
    }
    ASSERT_TRUE(r.angles.empty() || r.angles.size() == r.fids.size()) << round;
    for (const double a : r.angles) ASSERT_TRUE(std::isfinite(a)) << round;
    ASSERT_TRUE(std::isfinite(r.dwell) && r.dwell > 0) << round;
    ++count.accepted;
  } catch (const FormatError& e) {
    ASSERT_NE(std::string(e.what()).find(folder.string()), std::string::npos) << e.what();
    ++count.refused;
  } catch (const std::exception& e) {
    FAIL() << "round " << round << ": not a FormatError: " << e.what();
  }
}

std::string mutate_bytes(std::string s, std::mt19937_64& rng) {
  const auto pick = [&](std::size_t n) {
    return n == 0 ? std::size_t{0} : std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
  };
  const auto byte = [&] { return static_cast<char>(pick(256)); };
  // Header words set to values that stress the size arithmetic.
  static const std::uint32_t words[] = {0,   1,   2,   500, 501,        502,        503,
                                        504, 255, 256, 4,   0x7fffffff, 0x80000000, 0xffffffff};
  const int edits = 1 + static_cast<int>(pick(3));
  for (int e = 0; e < edits; ++e) {
    switch (pick(7)) {
      case 0:  // overwrite a byte
        if (!s.empty()) s[pick(s.size())] = byte();
        break;
      case 1:  // flip a bit, mostly in the header
        if (!s.empty())
          s[pick(std::min<std::size_t>(s.size(), pick(2) ? 32 : s.size()))] ^=
              static_cast<char>(1 << pick(8));
        break;
      case 2:  // truncate
        s.resize(pick(s.size() + 1));
        break;
      case 3:  // insert bytes
        s.insert(pick(s.size() + 1), std::string(1 + pick(8), byte()));
        break;
      case 4: {  // duplicate a chunk
        const auto from = pick(s.size() + 1);
        const auto chunk = s.substr(from, 1 + pick(16));
        s.insert(pick(s.size() + 1), chunk);
        break;
      }
      case 5:  // a header word
        if (s.size() >= 32) {
          const auto w = Bytes().u32(words[pick(std::size(words))]).b;
          s.replace(4 * (3 + pick(5)), 4, w);
        }
        break;
      default:  // a float sample set to a special value
        if (s.size() >= 36) {
          const float specials[] = {std::numeric_limits<float>::infinity(),
                                    std::numeric_limits<float>::quiet_NaN(), 3.4e38f, -0.0f,
                                    1e-45f};
          const auto at = 32 + 4 * pick((s.size() - 32) / 4);
          s.replace(at, 4, Bytes().f32(specials[pick(std::size(specials))]).b);
        }
        break;
    }
  }
  return s;
}

std::string mutate_text(const std::string& text, std::mt19937_64& rng) {
  const auto pick = [&](std::size_t n) {
    return n == 0 ? std::size_t{0} : std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
  };
  std::vector<std::string> lines;
  for (std::size_t at = 0; at < text.size();) {
    const auto end = text.find('\n', at);
    lines.push_back(text.substr(at, end - at));
    at = end == std::string::npos ? text.size() : end + 1;
  }
  static const std::string pieces[] = {"=",
                                       "\"",
                                       "[",
                                       "]",
                                       "d",
                                       "e308",
                                       "-",
                                       "0",
                                       "1e-320",
                                       "nan",
                                       "inf",
                                       " ",
                                       "\t",
                                       "\r",
                                       "bandwidth = ",
                                       "dwellTime = ",
                                       "nrPnts = ",
                                       "\x01",
                                       "5"};
  const int edits = 1 + static_cast<int>(pick(3));
  for (int e = 0; e < edits; ++e) {
    auto& line = lines.empty() ? lines.emplace_back() : lines[pick(lines.size())];
    switch (pick(6)) {
      case 0:  // duplicate a line
        lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(pick(lines.size() + 1)),
                     std::string(line));
        break;
      case 1:  // delete a line
        lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(pick(lines.size())));
        break;
      case 2:  // overwrite a character
        if (!line.empty()) line[pick(line.size())] = static_cast<char>(pick(128));
        break;
      case 3:  // insert a piece
        line.insert(pick(line.size() + 1), pieces[pick(std::size(pieces))]);
        break;
      case 4:  // truncate the line
        line.resize(pick(line.size() + 1));
        break;
      default:  // swap two lines
        std::swap(line, lines[pick(lines.size())]);
        break;
    }
  }
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

TEST_F(Spinsolve, RandomMutationsReadWithinTheContractOrAreRefused) {
  std::mt19937_64 rng(20240509);
  const int rounds = 20000;  // about 5 s in a release build
  const auto image = data_2d(16, 3);
  const auto projection = data_1d_504(16, 5e-4);
  const auto par = acqu_par("2", "500", 16);
  const auto angles = std::string("0\n60\n120\n");
  FuzzCount bytes_2d;
  FuzzCount bytes_1d;
  FuzzCount text;
  const auto a = dir_ / "a";  // data.2d mutated
  const auto b = dir_ / "b";  // data.1d (type 504, with its axis) mutated
  const auto c = dir_ / "c";  // acqu.par and angles.txt mutated
  write_file(a / "acqu.par", par);
  write_file(a / "angles.txt", angles);
  write_file(b / "acqu.par", par);
  write_file(c / "data.2d", image);
  for (int round = 0; round < rounds; ++round) {
    write_file(a / "data.2d", mutate_bytes(image, rng));
    read_within_contract(a, bytes_2d, round);

    write_file(b / "data.1d", mutate_bytes(projection, rng));
    read_within_contract(b, bytes_1d, round);

    write_file(c / "acqu.par", mutate_text(par, rng));
    if (round % 4 < 2)
      write_file(c / "angles.txt", round % 4 == 0 ? mutate_text(angles, rng) : angles);
    read_within_contract(c, text, round);
    if (HasFatalFailure() || HasNonfatalFailure()) return;
  }
  // The mutations reach both outcomes, so neither path is left untested.
  for (const auto* count : {&bytes_2d, &bytes_1d, &text}) {
    EXPECT_GT(count->accepted, rounds / 20);
    EXPECT_GT(count->refused, rounds / 20);
  }
}

}  // namespace
