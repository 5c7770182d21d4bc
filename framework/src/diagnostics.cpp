#include "diagnostics.hpp"

#include <algorithm>

namespace raserflow {

std::string format(const Diagnostic& d) {
  std::string out = d.where.file.empty() ? std::string("<pipeline>") : d.where.file;
  if (d.where.line > 0) {
    out += ":" + std::to_string(d.where.line);
    if (d.where.column > 0) out += ":" + std::to_string(d.where.column);
  }
  out += ": error: ";
  if (!d.node.empty()) {
    out += "node '" + d.node + "'";
    if (!d.type.empty()) {
      out += " (" + d.type;
      if (!d.plugin.empty()) out += " from plugin '" + d.plugin + "'";
      out += ")";
    }
    out += ": ";
  }
  if (!d.param.empty()) out += "parameter '" + d.param + "': ";
  return out + d.message;
}

ValidationFailed::ValidationFailed(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(diagnostics.empty() ? "invalid pipeline" : format(diagnostics.front())),
      diagnostics_(std::move(diagnostics)) {}

namespace {
// Edits needed to turn a into b, counting a swap of neighbours as one edit (typing errors
// are often swaps: "egdes").
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min(
          {d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}
}  // namespace

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    auto d = edit_distance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

std::string suggestion(std::string_view word, const std::vector<std::string>& candidates) {
  auto best = did_you_mean(word, candidates);
  return best.empty() ? std::string() : " (did you mean '" + best + "'?)";
}

}  // namespace raserflow
