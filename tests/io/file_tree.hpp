#pragma once
// Every file under a folder with its bytes, for comparing what two runs published.
#include <filesystem>
#include <map>
#include <string>

#include "support/cli.hpp"

namespace io_test {

// Relative path -> bytes of every regular file under `dir` (empty when `dir` is missing).
inline std::map<std::string, std::string> files_under(const std::filesystem::path& dir) {
  std::map<std::string, std::string> out;
  if (!std::filesystem::exists(dir)) return out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file())
      out[e.path().lexically_relative(dir).string()] = raserflow::test::slurp(e.path());
  return out;
}

}  // namespace io_test
