#include "shards.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <string>
#include <system_error>

#include <nlohmann/json.hpp>

#include "node_access.hpp"
#include "raserflow/error.hpp"
#include "raserflow/output_file.hpp"

namespace raserflow {

namespace {

using Json = nlohmann::ordered_json;

Json read_manifest(const std::filesystem::path& dir) {
  const auto path = dir / "manifest.json";
  std::ifstream in(path);
  if (!in)
    throw Error("shard " + dir.filename().string() + " has no manifest (" + path.string() + ")");
  auto m = Json::parse(in, nullptr, false);
  if (m.is_discarded() || !m.is_object())
    throw Error("the manifest of shard " + dir.filename().string() +
                " cannot be read: " + path.string());
  if (m.value("status", "") != "complete")
    throw Error("shard " + dir.filename().string() + " did not complete (manifest status \"" +
                m.value("status", "") + "\")");
  return m;
}

std::int64_t count(const Json& m, const char* key, const std::filesystem::path& dir) {
  const auto& v = m["items"][key];
  if (!v.is_number_integer())
    throw Error("the manifest of shard " + dir.filename().string() + " has no item count '" + key +
                "'");
  return v.get<std::int64_t>();
}

// Shard 0's output paths (parameters resolved into its folder) as the joined run's.
void rebase(Json& j, const std::string& from, const std::string& to) {
  if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    if (s == from || (s.starts_with(from) && s[from.size()] == '/')) j = to + s.substr(from.size());
  } else if (j.is_structured()) {
    for (auto& v : j) rebase(v, from, to);
  }
}

// The manifest of the whole run: shard 0's, with what the shards did summed over all of them.
Json whole_run_manifest(const std::vector<std::filesystem::path>& dirs,
                        const std::filesystem::path& run_dir) {
  std::vector<Json> shards;
  for (const auto& d : dirs) shards.push_back(read_manifest(d));
  Json m = shards.front();
  std::int64_t requested = 0, done = 0, resumed = 0;
  double seconds = 0;
  std::map<std::string, std::vector<std::int64_t>> dropped;
  for (std::size_t k = 0; k < shards.size(); ++k) {
    const auto& s = shards[k];
    requested += count(s, "requested", dirs[k]);
    done += count(s, "done", dirs[k]);
    resumed += count(s, "resumed_from", dirs[k]);
    seconds = std::max(seconds, s.value("seconds", 0.0));
    for (const auto& [id, items] : s["items"]["dropped"].items())
      for (const auto& i : items) dropped[id].push_back(i.get<std::int64_t>());
    if (k == 0) continue;
    for (const auto& [id, stats] : s["nodes"].items()) {
      if (!m["nodes"].contains(id)) continue;
      auto& total = m["nodes"][id];
      total["items"] =
          total.value("items", std::int64_t{0}) + stats.value("items", std::int64_t{0});
      total["seconds"] = total.value("seconds", 0.0) + stats.value("seconds", 0.0);
    }
  }
  for (auto& [id, stats] : m["nodes"].items()) {
    const auto items = stats.value("items", std::int64_t{0});
    stats["ms_per_item"] =
        items ? 1e3 * stats.value("seconds", 0.0) / static_cast<double>(items) : 0.0;
    stats.erase("report");  // each shard's report is about that shard's files
  }
  Json drops = Json::object();
  for (auto& [id, items] : dropped) {
    std::sort(items.begin(), items.end());
    drops[id] = items;
  }
  m["items"]["requested"] = requested;
  m["items"]["done"] = done;
  m["items"]["resumed_from"] = resumed;
  m["items"]["dropped"] = drops;
  m["seconds"] = seconds;
  Json folders = Json::array();
  for (const auto& d : dirs) folders.push_back(d.filename().string());
  m["shard"] = {{"count", static_cast<std::int64_t>(dirs.size())}, {"folders", folders}};
  rebase(m["pipeline"]["nodes"], dirs.front().string(), run_dir.string());
  return m;
}

}  // namespace

std::filesystem::path shard_dir(const std::filesystem::path& run_dir, std::int64_t k,
                                std::int64_t n) {
  return run_dir / ("shard-" + std::to_string(k) + "-of-" + std::to_string(n));
}

std::vector<std::filesystem::path> shard_dirs(const std::filesystem::path& run_dir,
                                              std::int64_t n) {
  std::vector<std::filesystem::path> dirs;
  for (std::int64_t k = 0; k < n; ++k) dirs.push_back(shard_dir(run_dir, k, n));
  return dirs;
}

void join_shards(Pipeline& shard0, const std::filesystem::path& run_dir, std::int64_t n) {
  const auto dirs = shard_dirs(run_dir, n);
  std::error_code ec;
  std::filesystem::remove(run_dir / "manifest.json", ec);
  if (ec)
    throw Error("cannot remove the earlier manifest " + (run_dir / "manifest.json").string() +
                ": " + ec.message());
  const auto manifest = whole_run_manifest(dirs, run_dir);
  for (auto& node : shard0.nodes) {
    detail::NodeAccess::set_output_dir(*node.node, run_dir);
    try {
      node.node->join_shards(dirs);
    } catch (const std::exception& e) {
      throw Error("node '" + node.spec.id + "' (" + node.spec.type + " from plugin '" +
                  node.type.plugin->name + "'): cannot join the shards' outputs: " + e.what());
    }
  }
  OutputFile file(run_dir / "manifest.json");
  {
    std::ofstream f(file.temp_path());
    f << manifest.dump(2) << "\n";
    f.close();
    if (!f) throw Error("cannot write " + file.temp_path().string() + " (disk full?)");
  }
  file.commit();
}

}  // namespace raserflow
