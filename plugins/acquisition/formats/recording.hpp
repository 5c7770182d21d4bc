#pragma once
// What every recorded-data reader returns: the projections of one image as they are in the
// file (before conversion to the pipeline's samples, dwell and band), and how readers fail.
#include <complex>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace raserflow::acquisition {

using Complex = std::complex<double>;

struct Recording {
  std::vector<std::vector<Complex>> fids;  // P rows of T samples each, in acquisition order
  std::vector<double> angles;              // degrees, one per row; empty: the file has none
  double dwell = 0;                        // s between complex samples
  std::string source;                      // the file or folder, for messages
};

// A file that cannot be read as its format: the message names the file and, where it helps,
// the byte offset or line, and what was expected.
class FormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "<file>: <what>" and "<file>, byte <offset>: <what>" / "<file>, line <n>: <what>".
std::string at_file(const std::filesystem::path& file, const std::string& what);
std::string at_byte(const std::filesystem::path& file, std::uint64_t offset,
                    const std::string& what);
std::string at_line(const std::filesystem::path& file, std::size_t line, const std::string& what);

// Writes `bytes` to a temporary name beside `file` and renames it into place, so `file` is never
// seen half written; FormatError naming the file when it cannot be.
void write_file_replacing(const std::filesystem::path& file, const std::string& bytes);

}  // namespace raserflow::acquisition
