#include "hdf5_run_record.hpp"

#include <algorithm>
#include <limits>

#include <nlohmann/json.hpp>

namespace raserflow::io {

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

void relative_paths(Json& j, const fs::path& out) {
  if (j.is_string()) {
    const fs::path p = j.get<std::string>();
    if (!p.is_absolute() || out.empty()) return;
    const auto rel = p.lexically_normal().lexically_relative(out);
    if (!rel.empty() && *rel.begin() != "..")
      j = rel == "." ? std::string("<out>") : "<out>/" + rel.string();
  } else if (j.is_structured()) {
    for (auto& v : j) relative_paths(v, out);
  }
}

std::int64_t integer_or(const Json& j, const char* key, std::int64_t fallback) {
  return j.is_object() && j.contains(key) && j[key].is_number_integer() ? j[key].get<std::int64_t>()
                                                                        : fallback;
}

}  // namespace

RunRecord run_record(const std::string& manifest, const fs::path& output_dir) {
  RunRecord r;
  if (manifest.empty()) return r;
  auto m = Json::parse(manifest, nullptr, false);
  if (m.is_discarded() || !m.is_object()) return r;
  relative_paths(m, output_dir.lexically_normal());
  for (const char* volatile_member : {"seconds", "threads", "nodes"}) m.erase(volatile_member);
  if (m.contains("items") && m["items"].is_object()) m["items"].erase("resumed_from");

  const auto& pipeline = m.contains("pipeline") ? m["pipeline"] : Json();
  r.pipeline = pipeline.is_object() ? pipeline.dump() : std::string("{}");
  r.manifest = m.dump();
  if (pipeline.is_object() && pipeline.contains("seed")) {
    const auto& seed = pipeline["seed"];
    if (seed.is_number_unsigned() &&
        seed.get<std::uint64_t>() <= std::uint64_t(std::numeric_limits<std::int64_t>::max()))
      r.seed = static_cast<std::int64_t>(seed.get<std::uint64_t>());
    else if (seed.is_number_integer())
      r.seed = seed.get<std::int64_t>();
  }
  if (m.contains("shard")) {
    r.shard_index = integer_or(m["shard"], "index", 0);
    r.shard_count = std::max<std::int64_t>(1, integer_or(m["shard"], "count", 1));
  }
  return r;
}

}  // namespace raserflow::io
