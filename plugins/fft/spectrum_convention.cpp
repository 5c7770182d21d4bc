#include "spectrum_convention.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

#include "raserflow/error.hpp"

namespace raserflow::fft {

using Json = nlohmann::ordered_json;

std::string convention_json(const SpectrumConvention& c) {
  Json j{{"samples", c.samples},
         {"dwell", c.dwell},
         {"padded_length", c.padded_length},
         {"hz_per_bin", 1.0 / (static_cast<double>(c.padded_length) * c.dwell)},
         {"pad_with", c.pad_with},
         {"combine", c.combine},
         {"normalize", c.normalize},
         {"roi", c.roi},
         {"roi_at", c.roi_at}};
  if (c.roi_at == "frequency") j["roi_frequency"] = c.roi_frequency;
  return j.dump();
}

namespace {

Json parse(const std::string& text, const char* which) {
  auto j = Json::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains("hz_per_bin") || !j.contains("roi_at"))
    throw Error(std::string("the ") + which + " spectrum convention is not one fft.spectrum " +
                "writes: '" + text.substr(0, 120) + "'");
  return j;
}

bool same(const Json& a, const Json& b) {
  if (a.is_number() && b.is_number()) {
    const double x = a.get<double>(), y = b.get<double>();
    return std::abs(x - y) <= 1e-9 * std::max(std::abs(x), std::abs(y));
  }
  return a == b;
}

}  // namespace

std::string convention_difference(const std::string& expected, const std::string& got) {
  const auto e = parse(expected, "expected"), g = parse(got, "given");
  std::string out;
  for (const auto& [key, value] : e.items()) {
    if (key == "roi_frequency" && (e["roi_at"] != "frequency" || g["roi_at"] != "frequency"))
      continue;
    const bool has = g.contains(key);
    if (has && same(value, g[key])) continue;
    if (!out.empty()) out += "; ";
    out += key + ": expected " + value.dump() + ", got " + (has ? g[key].dump() : "nothing");
  }
  return out;
}

}  // namespace raserflow::fft
