#include "recording.hpp"

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

}  // namespace raserflow::acquisition
