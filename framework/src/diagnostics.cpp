#include "diagnostics.hpp"

#include <algorithm>
#include <numeric>

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
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), 0);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
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
