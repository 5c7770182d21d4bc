// JCAMP-DX NMR FIDs (formats.md §2): the compression forms decode as the spec's tables say, real
// files' quirks read, LINK files carry one projection per block with its angle, what we write
// reads back equal to %.9g rounding, and every bad file is a FormatError naming its line.
#include "jcamp.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using raserflow::acquisition::Complex;
using raserflow::acquisition::FormatError;
using raserflow::acquisition::read_jcamp;
using raserflow::acquisition::Recording;
using raserflow::acquisition::write_jcamp;

namespace {

// formats.md §2.5, verbatim.
const std::string kMinimal = R"(##TITLE= raserflow minimal complex FID (16 points)
##JCAMP-DX= 5.01
##DATA TYPE= NMR FID
##DATA CLASS= NTUPLES
##ORIGIN= raserflow
##OWNER= public domain
##.OBSERVE FREQUENCY= 60.0
##.OBSERVE NUCLEUS= ^1H
##$SW_h= 2000
##$RASERFLOW ANGLE DEG= 0
##NTUPLES= NMR FID
##VAR_NAME= TIME, FID/REAL, FID/IMAG, PAGE NUMBER
##SYMBOL= X, R, I, N
##VAR_TYPE= INDEPENDENT, DEPENDENT, DEPENDENT, PAGE
##VAR_FORM= AFFN, AFFN, AFFN, AFFN
##VAR_DIM= 16, 16, 16, 2
##UNITS= SECONDS, ARBITRARY UNITS, ARBITRARY UNITS,
##FIRST= 0, 1000, 0, 1
##LAST= 0.0075, 0, -153, 2
##MIN= 0, -309, -165, 1
##MAX= 0.0075, 1000, 577, 2
##FACTOR= 0.0005, 1, 1, 1
##PAGE= N=1
##DATA TABLE= (X++(R..R)), XYDATA
0 1000 839 630 404 187 0 -146 -245
8 -298 -309 -287 -240 -181 -116 -54 0
##PAGE= N=2
##DATA TABLE= (X++(I..I)), XYDATA
0 0 273 458 556 577 535 449 337
8 216 100 0 -78 -131 -159 -165 -153
##END NTUPLES= NMR FID
##END=
)";

const std::vector<double> kMinimalReal = {1000, 839,  630,  404,  187,  0,    -146, -245,
                                          -298, -309, -287, -240, -181, -116, -54,  0};
const std::vector<double> kMinimalImag = {0,   273, 458, 556, 577,  535,  449,  337,
                                          216, 100, 0,   -78, -131, -159, -165, -153};

// A one-block file of `t` points, X in seconds (FIRST 0, LAST t - 1, FACTOR 1: dwell 1 s) unless
// `x_axis` replaces those records; `real` and `imag` are the data lines of the two pages.
std::string fid_block(std::size_t t, const std::string& form, const std::string& real,
                      const std::string& imag, const std::string& extra_header = "",
                      const std::string& x_axis = "") {
  const std::string n = std::to_string(t);
  std::string s = "##TITLE= test\n##JCAMP-DX= 5.01\n##DATA TYPE= NMR FID\n";
  s += "##DATA CLASS= NTUPLES\n" + extra_header;
  s += "##NTUPLES= NMR FID\n##VAR_NAME= TIME, FID/REAL, FID/IMAG, PAGE NUMBER\n";
  s += "##SYMBOL= X, R, I, N\n##VAR_TYPE= INDEPENDENT, DEPENDENT, DEPENDENT, PAGE\n";
  s += "##VAR_FORM= AFFN, " + form + ", " + form + ", AFFN\n";
  s += "##VAR_DIM= " + n + ", " + n + ", " + n + ", 2\n";
  if (x_axis.empty()) {
    s += "##UNITS= SECONDS, ARBITRARY UNITS, ARBITRARY UNITS,\n";
    s += "##FIRST= 0, 0, 0, 1\n##LAST= " + std::to_string(t - 1) + ", 0, 0, 2\n";
    s += "##FACTOR= 1, 1, 1, 1\n";
  } else {
    s += x_axis;
  }
  s += "##PAGE= N=1\n##DATA TABLE= (X++(R..R)), XYDATA\n" + real;
  s += "##PAGE= N=2\n##DATA TABLE= (X++(I..I)), XYDATA\n" + imag;
  s += "##END NTUPLES= NMR FID\n##END=\n";
  return s;
}

std::vector<double> reals(const Recording& r, std::size_t row = 0) {
  std::vector<double> v;
  for (const Complex& z : r.fids.at(row)) v.push_back(z.real());
  return v;
}
std::vector<double> imags(const Recording& r, std::size_t row = 0) {
  std::vector<double> v;
  for (const Complex& z : r.fids.at(row)) v.push_back(z.imag());
  return v;
}

// The number printed with %.9g, read back: what a %.9g writer's reader must return.
double rounded9(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return std::strtod(buf, nullptr);
}

class Jcamp : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("raserflow_jcamp_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path put(const std::string& text, const std::string& name = "f.dx") const {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  Recording read(const std::string& text) const { return read_jcamp(put(text)); }

  // The FormatError message read_jcamp throws for `text`; fails if it returns.
  std::string error_of(const std::string& text) const {
    const fs::path p = put(text);
    try {
      read_jcamp(p);
    } catch (const FormatError& e) {
      return e.what();
    }
    ADD_FAILURE() << "no FormatError for\n" << text;
    return {};
  }
  std::string at(std::size_t line) const {
    return (dir_ / "f.dx").string() + ", line " + std::to_string(line) + ": ";
  }

  fs::path dir_;
};

// The line (from 1) of the first occurrence of `needle` in `text`.
std::size_t line_of(const std::string& text, const std::string& needle) {
  const auto at = text.find(needle);
  EXPECT_NE(at, std::string::npos) << needle;
  return 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + at, '\n'));
}

}  // namespace

TEST_F(Jcamp, MinimalFileOfTheSpecReadsItsValues) {
  const Recording r = read(kMinimal);
  ASSERT_EQ(r.fids.size(), 1u);
  EXPECT_EQ(reals(r), kMinimalReal);
  EXPECT_EQ(imags(r), kMinimalImag);
  EXPECT_DOUBLE_EQ(r.dwell, 0.0005);  // 0.0075 / 15, and 1 / 2000
  EXPECT_EQ(r.angles, std::vector<double>{0.0});
  EXPECT_EQ(r.source, (dir_ / "f.dx").string());
}

TEST_F(Jcamp, AsdfTableOfTheSpecDecodesWithDupAndYCheck) {
  // formats.md §2.3: 0 ETJU / 4 HJ%T / 7 IK / 8 A1 -> 5 5 6 7 8 9 9 9 11
  const auto r = read(fid_block(9, "ASDF", "0 ETJU\n4 HJ%T\n7 IK\n8 A1\n",
                                "0 @\n1 @\n2 @\n3 @\n4 @\n5 @\n6 @\n7 @\n8 @\n"));
  EXPECT_EQ(reals(r), (std::vector<double>{5, 5, 6, 7, 8, 9, 9, 9, 11}));
  EXPECT_EQ(imags(r), std::vector<double>(9, 0.0));
  EXPECT_EQ(r.dwell, 1.0);
  EXPECT_TRUE(r.angles.empty());
}

TEST_F(Jcamp, DupAfterDifRepeatsTheDifference) {
  // @ = 0, J = +1, then Z: the difference 8 times in all -> 0 1 2 ... 8; after SQZ, DUP repeats
  // the value: A T -> 1 1; multi-digit counts: s0 = 90.
  const auto r = read(fid_block(9, "ASDF", "0 @JZ\n8 H\n", "0 AT\n2 aU\n5 a1V\n"));
  EXPECT_EQ(reals(r), (std::vector<double>{0, 1, 2, 3, 4, 5, 6, 7, 8}));
  // A T = 1 1; a U = -1 -1 -1; a1 V = -11 four times
  EXPECT_EQ(imags(r), (std::vector<double>{1, 1, -1, -1, -1, -11, -11, -11, -11}));

  // 0, +1, then s0: the difference 90 times in all -> 0 1 ... 90; @ s1: 0 91 times.
  const auto r2 = read(fid_block(91, "ASDF", "0 @Js0\n", "0 @s1\n"));
  for (std::size_t k = 0; k < 91; ++k) {
    EXPECT_EQ(r2.fids[0][k].real(), static_cast<double>(k));
    EXPECT_EQ(r2.fids[0][k].imag(), 0.0);
  }
}

TEST_F(Jcamp, SameDataInConvertToJcampDifdupEqualsTheAffnFile) {
  // formats.md §2.5: convert-to-jcamp's DIFDUP real page of the minimal file and its Y-check.
  std::string text = kMinimal;
  const std::string affn_real =
      "0 1000 839 630 404 187 0 -146 -245\n8 -298 -309 -287 -240 -181 -116 -54 0\n";
  text.replace(text.find(affn_real), affn_real.size(),
               "0A000j61k09k26k17j87j46r9n3j1K2M7N9O5O2N4\n15@\n");
  text.replace(text.find("AFFN, AFFN, AFFN, AFFN"), 22, "AFFN, ASDF, AFFN, AFFN");
  const auto r = read(text);
  EXPECT_EQ(reals(r), kMinimalReal);
  EXPECT_EQ(imags(r), kMinimalImag);
}

TEST_F(Jcamp, PacSignsSeparateValues) {
  const auto r = read(
      fid_block(6, "AFFN", "0 1000+839-630\n3-404+187 0\n", "0 1.5E+2-2.5e-1,+3\n3 .5 -4. 1E3\n"));
  EXPECT_EQ(reals(r), (std::vector<double>{1000, 839, -630, -404, 187, 0}));
  EXPECT_EQ(imags(r), (std::vector<double>{150, -0.25, 3, 0.5, -4, 1000}));
}

TEST_F(Jcamp, FactorScalesValues) {
  const std::string x_axis =
      "##UNITS= SECONDS, ARBITRARY UNITS, ARBITRARY UNITS,\n##FIRST= 0, 0, 0, 1\n"
      "##LAST= 0.002, 0, 0, 2\n##FACTOR= 0.001, 0.5, -2, 1\n";
  // X in units of FACTOR_X = 1 ms: 0 1 2
  const auto r = read(fid_block(3, "AFFN", "0 2 4\n2 6\n", "0 1 2 3\n", "", x_axis));
  EXPECT_EQ(reals(r), (std::vector<double>{1, 2, 3}));
  EXPECT_EQ(imags(r), (std::vector<double>{-2, -4, -6}));
  EXPECT_DOUBLE_EQ(r.dwell, 0.001);
}

TEST_F(Jcamp, LeadingBlanksCommentsAndLabelSpellingsRead) {
  std::string text;
  std::istringstream in(kMinimal);
  for (std::string line; std::getline(in, line);) text += "   \t" + line + "  $$ note\n";
  // Bruker's spellings: ##JCAMPDX, ##VARDIM, lowercase and dashes.
  text.replace(text.find("##JCAMP-DX"), 10, "##JCAMPDX");
  text.replace(text.find("##VAR_DIM"), 9, "##var-dim");
  text.replace(text.find("##DATA TABLE"), 12, "##Data_Table");
  text = "\xEF\xBB\xBF$$ a byte order mark, a comment line before the title\n\n" + text;
  // `##$$` comment lines, also between data lines.
  text.replace(text.find("   \t8 -298"), 0, "##$$ Bruker specific parameters\n\n");
  const auto r = read(text);
  EXPECT_EQ(reals(r), kMinimalReal);
  EXPECT_EQ(imags(r), kMinimalImag);
  EXPECT_EQ(r.angles, std::vector<double>{0.0});
}

TEST_F(Jcamp, MixedCrlfAndLfLineEndsRead) {
  std::string text;
  std::istringstream in(kMinimal);
  int k = 0;
  for (std::string line; std::getline(in, line); ++k) text += line + (k % 2 ? "\r\n" : "\n");
  const auto r = read(text);
  EXPECT_EQ(reals(r), kMinimalReal);
  EXPECT_EQ(imags(r), kMinimalImag);
  // And a CRLF file's errors count lines as an LF file's do.
  std::string bad = text;
  bad.replace(bad.find("8 216"), 5, "8 21x");
  EXPECT_EQ(error_of(bad).rfind(at(line_of(kMinimal, "8 216 100")), 0), 0u) << error_of(bad);
}

TEST_F(Jcamp, LinkOfTwoBlocksGivesTwoProjectionsWithTheirAngles) {
  auto block = [](const std::string& angle, const std::string& id, const std::string& r,
                  const std::string& i) {
    return "##TITLE= projection " + id + "\n##JCAMP-DX= 5.01\n##DATA TYPE= NMR FID\n" +
           "##DATA CLASS= NTUPLES\n##BLOCK_ID= " + id + "\n##$SW_h= 1000\n" +
           "##$RASERFLOW ANGLE DEG= " + angle + "\n##NTUPLES= NMR FID\n" +
           "##VAR_NAME= TIME, FID/REAL, FID/IMAG, PAGE NUMBER\n##SYMBOL= X, R, I, N\n" +
           "##VAR_FORM= AFFN, AFFN, AFFN, AFFN\n##VAR_DIM= 3, 3, 3, 2\n" +
           "##UNITS= SECONDS, ARBITRARY UNITS, ARBITRARY UNITS,\n" +
           "##FIRST= 0, 0, 0, 1\n##LAST= 0.002, 0, 0, 2\n##FACTOR= 0.001, 1, 1, 1\n" +
           "##PAGE= N=1\n##DATA TABLE= (X++(R..R)), XYDATA\n0 " + r + "\n" +
           "##PAGE= N=2\n##DATA TABLE= (X++(I..I)), XYDATA\n0 " + i + "\n" +
           "##END NTUPLES= NMR FID\n##END=\n";
  };
  const std::string head = "##TITLE= image\n##JCAMP-DX= 5.01\n##DATA TYPE= LINK\n##BLOCKS= 2\n";
  const std::string text = head + block("0", "1", "1 2 3", "4 5 6") + "\n" +
                           block("6.5", "2", "7 8 9", "-1 -2 -3") + "##END=\n";
  const auto r = read(text);
  ASSERT_EQ(r.fids.size(), 2u);
  EXPECT_EQ(reals(r, 0), (std::vector<double>{1, 2, 3}));
  EXPECT_EQ(imags(r, 0), (std::vector<double>{4, 5, 6}));
  EXPECT_EQ(reals(r, 1), (std::vector<double>{7, 8, 9}));
  EXPECT_EQ(imags(r, 1), (std::vector<double>{-1, -2, -3}));
  EXPECT_EQ(r.angles, (std::vector<double>{0, 6.5}));
  EXPECT_DOUBLE_EQ(r.dwell, 0.001);

  // No block with an angle: angles empty; only some: an error naming the block without one.
  auto no_angle = [&](std::string b) {
    b.erase(b.find("##$RASERFLOW"), b.find("##NTUPLES") - b.find("##$RASERFLOW"));
    return b;
  };
  const auto none = read(head + no_angle(block("0", "1", "1 2 3", "4 5 6")) +
                         no_angle(block("1", "2", "7 8 9", "1 2 3")) + "##END=\n");
  EXPECT_TRUE(none.angles.empty());
  const std::string some = head + block("0", "1", "1 2 3", "4 5 6") +
                           no_angle(block("1", "2", "7 8 9", "1 2 3")) + "##END=\n";
  const auto message = error_of(some);
  EXPECT_EQ(message.rfind(at(line_of(some, "##TITLE= projection 2")), 0), 0u) << message;
  EXPECT_NE(message.find("ANGLE"), std::string::npos) << message;

  // ##BLOCKS= must count the blocks; blocks of unequal length are refused.
  std::string three = text;
  three.replace(three.find("##BLOCKS= 2"), 11, "##BLOCKS= 3");
  EXPECT_EQ(error_of(three).rfind(at(4), 0), 0u) << error_of(three);
  std::string shorter = block("1", "2", "7 8", "1 2");
  shorter.replace(shorter.find("##VAR_DIM= 3, 3, 3"), 18, "##VAR_DIM= 2, 2, 2");
  shorter.replace(shorter.find("##LAST= 0.002"), 13, "##LAST= 0.001");
  const std::string unequal = head + block("0", "1", "1 2 3", "4 5 6") + shorter + "##END=\n";
  const auto unequal_message = error_of(unequal);
  EXPECT_EQ(unequal_message.rfind(at(line_of(unequal, "##TITLE= projection 2")), 0), 0u)
      << unequal_message;
  EXPECT_NE(unequal_message.find("2 points"), std::string::npos) << unequal_message;
}

TEST_F(Jcamp, DwellFromSwHAloneAndCrossCheckedWithTheXAxis) {
  const std::string no_units =
      "##FIRST= 0, 0, 0, 1\n##LAST= 2, 0, 0, 2\n##FACTOR= 1, 1, 1, 1\n";  // X = point index
  const auto r = read(fid_block(3, "AFFN", "0 1 2 3\n", "0 1 2 3\n", "##$SW_h= 4000\n", no_units));
  EXPECT_DOUBLE_EQ(r.dwell, 1.0 / 4000);

  const std::string both = fid_block(3, "AFFN", "0 1 2 3\n", "0 1 2 3\n", "##$SW_h= 1.00001\n");
  const auto message = error_of(both);
  EXPECT_NE(message.find("1.00001"), std::string::npos) << message;       // SW_h
  EXPECT_NE(message.find("dwell of 1 s"), std::string::npos) << message;  // X axis
  // Within 1e-6 they agree and the X axis gives the dwell.
  EXPECT_EQ(read(fid_block(3, "AFFN", "0 1 2 3\n", "0 1 2 3\n", "##$SW_h= 1.0000001\n")).dwell,
            1.0);

  const std::string neither = fid_block(3, "AFFN", "0 1 2 3\n", "0 1 2 3\n", "", no_units);
  EXPECT_NE(error_of(neither).find("no dwell"), std::string::npos) << error_of(neither);
}

TEST_F(Jcamp, SpinsolveStyleRoundedXIsAcceptedButAWrongXIsNot) {
  // FACTOR_X = 1 and X in seconds rounded to 6 decimals, as Spinsolve writes them.
  const std::string x_axis =
      "##UNITS= SECONDS, ARBITRARY UNITS, ARBITRARY UNITS,\n##FIRST= 0, 0, 0, 1\n"
      "##LAST= 0.0000105, 0, 0, 2\n##FACTOR= 1, 1, 1, 1\n";
  const auto r = read(
      fid_block(4, "AFFN", "0.000000 1\n0.000004 2 3\n0.000011 4\n", "0 1 2 3 4\n", "", x_axis));
  EXPECT_EQ(reals(r), (std::vector<double>{1, 2, 3, 4}));
  EXPECT_DOUBLE_EQ(r.dwell, 3.5e-6);
  const std::string wrong = fid_block(4, "AFFN", "0 1 2\n3 3 4\n", "0 1 2 3 4\n");
  const auto message = error_of(wrong);
  EXPECT_EQ(message.rfind(at(line_of(wrong, "3 3 4")), 0), 0u) << message;
  EXPECT_NE(message.find("point 2"), std::string::npos) << message;
}

TEST_F(Jcamp, YCheckMismatchNamesTheLine) {
  const std::string text = fid_block(9, "ASDF", "0 ETJU\n4 HJ%T\n7 HK\n8 A1\n", "0 @Z\n8 @\n");
  const auto message = error_of(text);
  EXPECT_EQ(message.rfind(at(line_of(text, "7 HK")), 0), 0u) << message;
  EXPECT_NE(message.find("Y-check"), std::string::npos) << message;
  // A line after DIF form that opens with a DIF instead of the check value is refused too.
  const std::string dif_first = fid_block(3, "ASDF", "0 AJ\n2 J\n", "0 @T\n2 @\n");
  EXPECT_EQ(error_of(dif_first).rfind(at(line_of(dif_first, "2 J")), 0), 0u);
}

TEST_F(Jcamp, TruncatedPageNamesTheLineWhereItEnds) {
  std::string text = kMinimal;
  const std::string lost = "8 216 100 0 -78 -131 -159 -165 -153\n";
  text.erase(text.find(lost), lost.size());
  const auto message = error_of(text);
  EXPECT_EQ(message.rfind(at(line_of(text, "0 0 273")), 0), 0u) << message;
  EXPECT_NE(message.find("different length"), std::string::npos) << message;
  EXPECT_NE(message.find("16 values"), std::string::npos) << message;
  EXPECT_NE(message.find("8;"), std::string::npos) << message;  // the I page's 8 values

  // Both pages short: VAR_DIM disagrees with the data.
  const std::string both = fid_block(4, "AFFN", "0 1 2 3\n", "0 1 2 3\n");
  EXPECT_EQ(error_of(both).rfind(at(line_of(both, "0 1 2 3")), 0), 0u) << error_of(both);
  EXPECT_NE(error_of(both).find("VAR_DIM= 4"), std::string::npos) << error_of(both);
  // More values than VAR_DIM: the line that overflows.
  const std::string more = fid_block(2, "AFFN", "0 1 2 3\n", "0 1 2\n");
  EXPECT_EQ(error_of(more).rfind(at(line_of(more, "0 1 2 3")), 0), 0u) << error_of(more);
}

TEST_F(Jcamp, MissingEndAndCutFilesNameTheLastLine) {
  std::string text = kMinimal;
  text.erase(text.find("##END=\n"));
  const auto message = error_of(text);
  EXPECT_EQ(message.rfind(at(line_of(kMinimal, "##END NTUPLES")), 0), 0u) << message;
  EXPECT_NE(message.find("##END="), std::string::npos) << message;

  const std::string cut = kMinimal.substr(0, kMinimal.find("##PAGE= N=2") + 4);
  const auto cut_message = error_of(cut);
  EXPECT_EQ(cut_message.rfind(at(line_of(kMinimal, "##PAGE= N=2")), 0), 0u) << cut_message;
}

TEST_F(Jcamp, ForeignAndInconsistentFilesAreRefusedClearly) {
  const auto replaced = [](std::string text, const std::string& from, const std::string& to) {
    text.replace(text.find(from), from.size(), to);
    return text;
  };
  struct Case {
    std::string text, line_of, says;
  };
  const std::vector<Case> cases = {
      {replaced(kMinimal, "NMR FID\n##DATA CLASS", "NMR SPECTRUM\n##DATA CLASS"), "##DATA TYPE",
       "only NMR FID"},
      {replaced(kMinimal, "##DATA CLASS= NTUPLES", "##DATA CLASS= XYDATA"), "##DATA CLASS",
       "NTUPLES"},
      {replaced(kMinimal,
                "##PAGE= N=2\n##DATA TABLE= (X++(I..I)), XYDATA\n0 0 273 458 556 577 "
                "535 449 337\n8 216 100 0 -78 -131 -159 -165 -153\n",
                "$$ no imaginary page\n"),
       "##END NTUPLES", "no page of I"},
      {replaced(kMinimal, "##VAR_DIM= 16, 16, 16", "##VAR_DIM= 16, 15, 16"), "##VAR_DIM",
       "different length"},
      {replaced(kMinimal, "##VAR_DIM= 16, 16, 16", "##VAR_DIM= 17, 16, 16"), "##VAR_DIM",
       "VAR_DIM of X"},
      {replaced(kMinimal, "##VAR_DIM= 16, 16, 16", "##VAR_DIM= 99999999999, 16, 16"), "##VAR_DIM",
       "whole number"},
      {replaced(kMinimal, "-309 -287", "-1.#IND -287"), "8 -298", "unexpected character"},
      {replaced(kMinimal, "-309 -287", "1E999 -287"), "8 -298", "expected a number"},
      {replaced(kMinimal, "##FACTOR= 0.0005, 1, 1", "##FACTOR= 0.0005, 1E306, 1"), "0 1000",
       "not finite"},
      {replaced(kMinimal, "-309 -287", "? -287"), "8 -298", "missing value"},
      {replaced(kMinimal, "##UNITS= SECONDS", "##UNITS= HZ"), "##UNITS", "SECONDS"},
      {replaced(kMinimal, "##TITLE= raserflow", "##TITEL= raserflow"), "##TITEL",
       "expected ##TITLE="},
      {replaced(kMinimal, "##DATA TABLE= (X++(R..R)), XYDATA", "##DATA TABLE= (X++(R..R)), PEAKS"),
       "##DATA TABLE", "XYDATA"},
      {replaced(kMinimal, "##END=\n", "##END=\ntrailing text\n"), "trailing", "after ##END="},
      {replaced(kMinimal, "##NTUPLES= NMR FID\n", "##NTUPLES= NMR FID\n##TITLE= inner\n"),
       "##TITLE= inner", "before ##END="},
      {replaced(kMinimal, "##$SW_h= 2000", "##$SW_h= <2000>"), "##$SW_h", "spectral width"},
  };
  for (const Case& c : cases) {
    const auto message = error_of(c.text);
    EXPECT_EQ(message.rfind(at(line_of(c.text, c.line_of)), 0), 0u) << message;
    EXPECT_NE(message.find(c.says), std::string::npos) << message;
  }
  EXPECT_NE(error_of("").find("not a JCAMP-DX file"), std::string::npos);
  EXPECT_NE(error_of("\x89PNG\r\n\x1a\n").find("not a JCAMP-DX file"), std::string::npos);
  EXPECT_THROW(read_jcamp(dir_ / "absent.dx"), FormatError);
}

TEST_F(Jcamp, WriteThenReadEqualsNinedigitRounding) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> exponent(-30, 30);
  const std::size_t p = 3, t = 1001;
  std::vector<std::vector<Complex>> fids(p);
  for (auto& row : fids)
    for (std::size_t k = 0; k < t; ++k)
      row.emplace_back(normal(rng) * std::pow(10.0, exponent(rng)),
                       normal(rng) * std::pow(10.0, exponent(rng)));
  fids[1][5] = Complex(0.0, -0.0);
  fids[2][7] = Complex(1e300, -1e-300);
  const std::vector<double> angles = {0, 6, 1.0 / 3};
  const double dwell = 0.5e-3 / 3;
  const fs::path file = dir_ / "image.dx";
  write_jcamp(file, fids, angles, dwell, 61.57);

  const Recording r = read_jcamp(file);
  ASSERT_EQ(r.fids.size(), p);
  for (std::size_t j = 0; j < p; ++j) {
    ASSERT_EQ(r.fids[j].size(), t);
    for (std::size_t k = 0; k < t; ++k) {
      EXPECT_EQ(r.fids[j][k].real(), rounded9(fids[j][k].real())) << j << " " << k;
      EXPECT_EQ(r.fids[j][k].imag(), rounded9(fids[j][k].imag())) << j << " " << k;
      EXPECT_LE(std::abs(r.fids[j][k] - fids[j][k]), 1e-8 * std::abs(fids[j][k]));
    }
  }
  EXPECT_EQ(r.angles, angles);  // %.17g: exact
  EXPECT_NEAR(r.dwell, dwell, 1e-15 * dwell);

  // The file: a LINK of 3 blocks, lines of at most 80 characters, no temporary left behind.
  std::ifstream in(file);
  std::size_t blocks = 0, links = 0;
  for (std::string line; std::getline(in, line);) {
    EXPECT_LE(line.size(), 80u) << line;
    blocks += line.rfind("##DATA TYPE= NMR FID", 0) == 0;
    links += line == "##DATA TYPE= LINK" || line == "##BLOCKS= 3";
  }
  EXPECT_EQ(blocks, 3u);
  EXPECT_EQ(links, 2u);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
}

TEST_F(Jcamp, WrittenSingleBlockHasCorrectFirstLastMinMaxFactor) {
  // One projection: a plain NMR FID block, no LINK. 4 points at a 1 ms dwell.
  const std::vector<std::vector<Complex>> fid = {std::vector<Complex>{
      Complex(3, -1), Complex(-2.5, 7), Complex(1e-12, 0.125), Complex(0.1, -4)}};
  const fs::path file = dir_ / "one.dx";
  write_jcamp(file, fid, {}, 1e-3);
  std::ifstream in(file);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text.find("LINK"), std::string::npos);
  EXPECT_EQ(text.find("ANGLE"), std::string::npos);
  EXPECT_NE(text.find("##FIRST= 0, 3, -1, 1\n"), std::string::npos) << text;
  char last_x[64];  // (T - 1) dwell with %.17g
  std::snprintf(last_x, sizeof last_x, "%.17g", 3 * 1e-3);
  EXPECT_NE(text.find("##LAST= " + std::string(last_x) + ", 0.1, -4, 2\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("##MIN= 0, -2.5, -4, 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("##MAX= " + std::string(last_x) + ", 3, 7, 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("##FACTOR= 0.001, 1, 1, 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("##$SW_h= 1000\n"), std::string::npos) << text;
  EXPECT_NE(text.find("##.OBSERVE FREQUENCY= 60\n"), std::string::npos) << text;
  EXPECT_NE(text.find("0 3 -2.5 1E-12 0.1\n"), std::string::npos) << text;
  const auto r = read_jcamp(file);
  ASSERT_EQ(r.fids.size(), 1u);
  EXPECT_EQ(r.fids[0], fid[0]);
  EXPECT_TRUE(r.angles.empty());
  EXPECT_DOUBLE_EQ(r.dwell, 1e-3);
}

TEST_F(Jcamp, WriterRefusesWhatBreaksTheContract) {
  const fs::path file = dir_ / "bad.dx";
  const std::vector<Complex> two = {Complex(1, 0), Complex(2, 0)};
  const std::vector<std::vector<Complex>> good = {two};
  const std::vector<std::vector<Complex>> unequal = {two, std::vector<Complex>(3)};
  const std::vector<std::vector<Complex>> nan = {{Complex(1, 0), Complex(std::nan(""), 0)}};
  EXPECT_THROW(write_jcamp(file, {}, {}, 1e-3), std::invalid_argument);
  EXPECT_THROW(write_jcamp(file, unequal, {}, 1e-3), std::invalid_argument);
  EXPECT_THROW(write_jcamp(file, nan, {}, 1e-3), std::invalid_argument);
  EXPECT_THROW(write_jcamp(file, good, {1, 2}, 1e-3), std::invalid_argument);
  EXPECT_THROW(write_jcamp(file, good, {}, 0), std::invalid_argument);
  EXPECT_THROW(write_jcamp(file, good, {}, -1e-3), std::invalid_argument);
  EXPECT_FALSE(fs::exists(file));
  EXPECT_THROW(write_jcamp(dir_ / "no" / "such" / "dir.dx", good, {}, 1e-3), FormatError);
}

// Bounded random mutations of valid files (AFFN LINK, DIFDUP): every read returns a Recording
// that keeps the contract or throws FormatError, nothing else.
TEST_F(Jcamp, FuzzedFilesReadOrFailWithFormatError) {
  std::vector<std::string> seeds;
  {
    std::vector<std::vector<Complex>> fids(2);
    for (std::size_t k = 0; k < 40; ++k) {
      fids[0].emplace_back(std::cos(0.3 * k) * 1000, std::sin(0.3 * k) * 1000);
      fids[1].emplace_back(std::cos(0.2 * k) * 1e-3, -std::sin(0.2 * k) * 1e-3);
    }
    write_jcamp(dir_ / "seed.dx", fids, {0, 90}, 5e-4);
    std::ifstream in(dir_ / "seed.dx");
    seeds.emplace_back((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  {
    std::string text = kMinimal;
    const std::string affn_real =
        "0 1000 839 630 404 187 0 -146 -245\n8 -298 -309 -287 -240 -181 -116 -54 0\n";
    text.replace(text.find(affn_real), affn_real.size(),
                 "0A000j61k09k26k17j87j46r9n3j1K2M7N9O5O2N4\n15@\n");
    text.replace(text.find("AFFN, AFFN, AFFN, AFFN"), 22, "AFFN, ASDF, AFFN, AFFN");
    seeds.push_back(text);
    seeds.push_back(fid_block(9, "ASDF", "0 ETJU\n4 HJ%T\n7 IK\n8 A1\n", "0 @Z\n8 @\n"));
  }
  const std::string alphabet = "0123456789+-.,E eJjSsTZ%@A?#=$\n\r(X)R.I";
  std::mt19937_64 rng(20240901);
  const auto pick = [&](std::size_t n) {
    return static_cast<std::size_t>(std::uniform_int_distribution<std::size_t>(0, n - 1)(rng));
  };
  // Thousands of small writes: on tmpfs when there is one, so the disk does not set the pace.
  std::error_code ec;
  const fs::path shm = "/dev/shm";
  const fs::path fuzz_dir = fs::is_directory(shm, ec) ? shm / dir_.filename() : dir_;
  fs::create_directories(fuzz_dir, ec);
  const fs::path file = fuzz_dir / "fuzz.dx";
  std::size_t read_ok = 0, refused = 0;
  const auto start = std::chrono::steady_clock::now();
  constexpr int kMutations = 150000;
  for (int n = 0; n < kMutations; ++n) {
    std::string text = seeds[pick(seeds.size())];
    const int edits = 1 + static_cast<int>(pick(4));
    for (int e = 0; e < edits && !text.empty(); ++e) {
      const std::size_t at = pick(text.size());
      switch (pick(6)) {
        case 0:  // flip a byte
          text[at] = static_cast<char>(text[at] ^ (1 << pick(8)));
          break;
        case 1:  // a character of the format's own alphabet
          text[at] = alphabet[pick(alphabet.size())];
          break;
        case 2:  // truncate
          text.resize(at);
          break;
        case 3:  // insert
          text.insert(at, 1 + pick(3), alphabet[pick(alphabet.size())]);
          break;
        case 4: {  // duplicate a line
          const std::size_t begin =
              text.rfind('\n', at) == std::string::npos ? 0 : text.rfind('\n', at) + 1;
          const std::size_t end = text.find('\n', at);
          const std::string line =
              text.substr(begin, (end == std::string::npos ? text.size() : end + 1) - begin);
          text.insert(begin, line);
          break;
        }
        default: {  // delete a line
          const std::size_t begin =
              text.rfind('\n', at) == std::string::npos ? 0 : text.rfind('\n', at) + 1;
          const std::size_t end = text.find('\n', at);
          text.erase(begin, (end == std::string::npos ? text.size() : end + 1) - begin);
          break;
        }
      }
    }
    { std::ofstream(file, std::ios::binary | std::ios::trunc) << text; }
    try {
      const Recording r = read_jcamp(file);
      ++read_ok;
      ASSERT_FALSE(r.fids.empty());
      ASSERT_TRUE(r.angles.empty() || r.angles.size() == r.fids.size());
      ASSERT_TRUE(r.dwell > 0 && std::isfinite(r.dwell)) << text;
      for (const auto& row : r.fids) {
        ASSERT_EQ(row.size(), r.fids[0].size());
        for (const Complex& z : row)
          ASSERT_TRUE(std::isfinite(z.real()) && std::isfinite(z.imag())) << text;
      }
      for (double a : r.angles) ASSERT_TRUE(std::isfinite(a));
    } catch (const FormatError& e) {
      ++refused;
      ASSERT_EQ(std::string(e.what()).rfind(file.string(), 0), 0u) << e.what();
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(read_ok + refused, static_cast<std::size_t>(kMutations));
  EXPECT_GT(read_ok, 0u);  // some mutations (in values) still read
  EXPECT_GT(refused, 0u);
  std::printf("fuzz: %zu read, %zu refused, %.2f s\n", read_ok, refused, seconds);
  fs::remove_all(fuzz_dir, ec);
}
