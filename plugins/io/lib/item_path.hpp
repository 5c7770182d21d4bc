#pragma once
// Output path patterns of the per-item sinks: "png/item_{item}.png" -> "png/item_000012.png".
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace raserflow::io {

// Digits of the zero-padded item index: file names sort in item order up to a million items.
inline constexpr int item_digits = 6;

// Throws ParamError(param, ...) when the pattern holds a {placeholder} other than `allowed`,
// or an unbalanced brace, so a typo such as {itme} is caught before the run.
void check_pattern(const std::string& param, std::string_view pattern,
                   const std::vector<std::string_view>& allowed);

bool has_placeholder(std::string_view pattern, std::string_view name);

// The pattern with {item} replaced by the zero-padded index and {field} by `field`.
std::string fill_pattern(std::string_view pattern, std::int64_t item, std::string_view field = {});

// A path parameter made absolute in the run's output folder. The pipeline loader already
// does this; nodes driven another way (tests, embedding programs) may pass relative paths.
inline std::filesystem::path in_output_dir(const std::filesystem::path& output_dir,
                                           const std::string& path) {
  const std::filesystem::path p(path);
  return p.is_relative() && !output_dir.empty() ? output_dir / p : p;
}

}  // namespace raserflow::io
