#pragma once
// Natural name order, as people number files and folders: p2 before p10. Shared by the
// Spinsolve reader (one sub-folder per projection) and acquisition.watch (folders present at
// start, and folders of one listing).
#include <string>
#include <string_view>

namespace raserflow::acquisition {

// Runs of digits compare as numbers (leading zeros do not count), everything else byte by byte
// (as unsigned char); a strict weak order: names equal but for leading zeros fall back to a < b.
inline bool natural_less(const std::string& a, const std::string& b) {
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() && j < b.size()) {
    if (digit(a[i]) && digit(b[j])) {
      std::size_t i_end = i;
      std::size_t j_end = j;
      while (i_end < a.size() && digit(a[i_end])) ++i_end;
      while (j_end < b.size() && digit(b[j_end])) ++j_end;
      while (i < i_end - 1 && a[i] == '0') ++i;  // leading zeros do not count
      while (j < j_end - 1 && b[j] == '0') ++j;
      const auto da = std::string_view(a).substr(i, i_end - i);
      const auto db = std::string_view(b).substr(j, j_end - j);
      if (da.size() != db.size()) return da.size() < db.size();
      if (da != db) return da < db;
      i = i_end;
      j = j_end;
    } else {
      if (a[i] != b[j]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]);
      ++i;
      ++j;
    }
  }
  if ((i < a.size()) != (j < b.size())) return j < b.size();
  return a < b;  // equal but for leading zeros: still a strict weak order
}

}  // namespace raserflow::acquisition
