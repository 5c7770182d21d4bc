#include "item_path.hpp"

#include <algorithm>
#include <cstdio>

#include "raserflow/error.hpp"

namespace raserflow::io {

void check_pattern(const std::string& param, std::string_view pattern,
                   const std::vector<std::string_view>& allowed) {
  std::string names;
  for (auto a : allowed) names += (names.empty() ? "{" : ", {") + std::string(a) + "}";
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '}')
      throw ParamError(param, "unmatched '}' in path pattern; placeholders are " + names);
    if (pattern[i] != '{') continue;
    const auto close = pattern.find('}', i);
    if (close == std::string_view::npos)
      throw ParamError(param, "unmatched '{' in path pattern; placeholders are " + names);
    const auto name = pattern.substr(i + 1, close - i - 1);
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end())
      throw ParamError(
          param, "unknown placeholder {" + std::string(name) + "} in path pattern; use " + names);
    i = close;
  }
}

bool has_placeholder(std::string_view pattern, std::string_view name) {
  return pattern.find("{" + std::string(name) + "}") != std::string_view::npos;
}

std::string fill_pattern(std::string_view pattern, std::int64_t item, std::string_view field) {
  char index[32];
  std::snprintf(index, sizeof index, "%0*lld", item_digits, static_cast<long long>(item));
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern.substr(i).starts_with("{item}")) {
      out += index;
      i += 5;
    } else if (pattern.substr(i).starts_with("{field}")) {
      out += field;
      i += 6;
    } else {
      out += pattern[i];
    }
  }
  return out;
}

}  // namespace raserflow::io
