#include "recording.hpp"

#include <unistd.h>

#include <fstream>

namespace raserflow::acquisition {

std::string at_file(const std::filesystem::path& file, const std::string& what) {
  return file.string() + ": " + what;
}

std::string at_byte(const std::filesystem::path& file, std::uint64_t offset,
                    const std::string& what) {
  return file.string() + ", byte " + std::to_string(offset) + ": " + what;
}

std::string at_line(const std::filesystem::path& file, std::size_t line, const std::string& what) {
  return file.string() + ", line " + std::to_string(line) + ": " + what;
}

void write_file_replacing(const std::filesystem::path& file, const std::string& bytes) {
  namespace fs = std::filesystem;
  auto temporary = file;
  temporary += ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) throw FormatError(at_file(temporary, "cannot create the file"));
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
      std::error_code ignored;
      fs::remove(temporary, ignored);
      throw FormatError(at_file(temporary, "cannot write the file"));
    }
  }
  std::error_code ec;
  fs::rename(temporary, file, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw FormatError(at_file(file, "cannot rename " + temporary.string() + ": " + ec.message()));
  }
}

}  // namespace raserflow::acquisition
