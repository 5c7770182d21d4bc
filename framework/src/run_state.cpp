#include "run_state.hpp"

#include <signal.h>
#include <cerrno>
#include <fstream>
#include <regex>
#include <set>

#include "pipeline.hpp"
#include "plugin_loader.hpp"
#include "raserflow/error.hpp"
#include "raserflow/output_file.hpp"

namespace raserflow {
namespace {

constexpr const char* kFolder = ".raserflow";

nlohmann::json read_json(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return nullptr;
  try {
    return nlohmann::json::parse(in);
  } catch (const std::exception&) {
    return nullptr;
  }
}

void write_json(const std::filesystem::path& file, const nlohmann::json& j) {
  OutputFile out(file);
  {
    std::ofstream f(out.temp_path());
    f << j.dump(1) << "\n";
    f.close();
    if (!f) throw Error("cannot write " + out.temp_path().string() + " (disk full?)");
  }
  out.commit();
}

// state.json as RunState writes it; anything else (a hand edit, a foreign file) is ignored.
bool well_formed(const nlohmann::json& s) {
  if (!s.is_object()) return false;
  const auto counts = [](const nlohmann::json& m) {
    return std::all_of(m.begin(), m.end(), [](const auto& v) { return v.is_number_integer(); });
  };
  if (s.contains("done") && !(s["done"].is_object() && counts(s["done"]))) return false;
  if (s.contains("dropped")) {
    if (!s["dropped"].is_object()) return false;
    for (const auto& [node, list] : s["dropped"].items())
      if (!list.is_array() || !counts(list)) return false;
  }
  if (s.contains("published")) {
    const auto& p = s["published"];
    if (!p.is_object() || !p.value("items", nlohmann::json()).is_number_integer() ||
        !p.value("complete", nlohmann::json()).is_boolean())
      return false;
  }
  return true;
}

// A parameter path inside the output folder is written relative to it, so --out is not part
// of a run's identity.
nlohmann::json relative_to(const nlohmann::json& value, const std::filesystem::path& out) {
  if (!value.is_string()) return value;
  const std::filesystem::path p = value.get<std::string>();
  if (!p.is_absolute()) return value;
  const auto rel = p.lexically_relative(out);
  if (rel.empty() || *rel.begin() == "..") return value;
  return "<out>/" + rel.string();
}

std::string describe_difference(const nlohmann::json& before, const nlohmann::json& now) {
  const auto patch = nlohmann::json::diff(before, now);
  std::string text;
  int shown = 0;
  for (const auto& op : patch) {
    if (++shown > 6) {
      text += "\n    ... and " + std::to_string(patch.size() - 6) + " more";
      break;
    }
    const auto path = op["path"].get<std::string>();
    const nlohmann::json::json_pointer ptr(path);
    const auto was = before.contains(ptr) ? before[ptr].dump() : std::string("(absent)");
    const auto is = now.contains(ptr) ? now[ptr].dump() : std::string("(absent)");
    text += "\n    " + path.substr(1) + ": was " + was + ", now " + is;
  }
  return text;
}

}  // namespace

nlohmann::ordered_json run_identity(const Pipeline& pipeline, const PluginRegistry& plugins,
                                    std::int64_t shard_index, std::int64_t shard_count) {
  nlohmann::ordered_json nodes = nlohmann::ordered_json::object();
  std::set<std::string> used;
  for (const auto& n : pipeline.nodes) {
    nlohmann::ordered_json params = nlohmann::ordered_json::object();
    for (const auto* p : n.node->params())
      params[p->name()] = relative_to(p->value_json(), pipeline.output_dir);
    nlohmann::ordered_json j{{"type", n.spec.type}, {"params", params}};
    for (const auto& [k, v] : n.spec.inputs) j["inputs"][k] = v.actual;
    for (const auto& [k, v] : n.spec.outputs) j["outputs"][k] = v.actual;
    if (n.spec.batch > 1) j["batch"] = n.spec.batch;
    nodes[n.spec.id] = j;
    used.insert(n.type.plugin->name);
  }
  nlohmann::ordered_json edges = nlohmann::ordered_json::array();
  for (const auto& e : pipeline.spec.edges) edges.push_back(e.from + " -> " + e.to);
  nlohmann::ordered_json versions = nlohmann::ordered_json::object();
  for (const auto& p : plugins.plugins())
    if (used.count(p->name)) versions[p->name] = p->version;
  return {{"seed", pipeline.spec.seed},
          {"shard", std::to_string(shard_index) + "/" + std::to_string(shard_count)},
          {"plugins", versions},
          {"nodes", nodes},
          {"edges", edges}};
}

RunState::RunState(const std::filesystem::path& output_dir, const nlohmann::ordered_json& identity,
                   bool fresh)
    : dir_(output_dir / kFolder) {
  std::error_code ec;
  if (fresh) std::filesystem::remove_all(dir_, ec);
  const auto before = read_json(dir_ / "run.json");
  if (!before.is_null()) {
    const nlohmann::json now = identity;
    if (before != now)
      throw ResumeRefused("the output folder " + output_dir.string() +
                          " holds a run of another pipeline, seed, shard or plugin version:" +
                          describe_difference(before, now) +
                          "\n  use another --out, or --fresh to discard that run and start over");
    state_ = read_json(dir_ / "state.json");
    earlier_ = true;
  } else {
    std::filesystem::remove_all(dir_, ec);  // a folder without run.json is from a run killed early
  }
  if (!well_formed(state_)) state_ = nlohmann::json::object();  // nothing to resume from
  std::filesystem::create_directories(dir_ / "nodes", ec);
  if (ec) throw Error("cannot create " + (dir_ / "nodes").string() + ": " + ec.message());
  write_json(dir_ / "run.json", identity);
  std::lock_guard lock(mutex_);
  save();
}

std::int64_t RunState::resume_items(const std::vector<std::string>& checkpointing) const {
  std::lock_guard lock(mutex_);
  const auto count = [&](const std::string& key) -> std::int64_t {
    const auto done = state_.find("done");
    if (done == state_.end() || !done->is_object() || !done->contains(key)) return 0;
    return (*done)[key].get<std::int64_t>();
  };
  if (checkpointing.empty()) return count("");
  std::int64_t least = std::numeric_limits<std::int64_t>::max();
  for (const auto& id : checkpointing) least = std::min(least, count(id));
  return least;
}

std::int64_t RunState::published_items() const {
  std::lock_guard lock(mutex_);
  const auto p = state_.find("published");
  return p != state_.end() ? p->value("items", std::int64_t{-1}) : -1;
}

bool RunState::published_complete() const {
  std::lock_guard lock(mutex_);
  const auto p = state_.find("published");
  return p != state_.end() && p->value("complete", false);
}

std::filesystem::path RunState::node_dir(const std::string& node_id) const {
  return dir_ / "nodes" / node_id;
}

void RunState::restart() {
  std::lock_guard lock(mutex_);
  state_ = nlohmann::json::object();
  save();
}

void RunState::record(const std::string& node, std::int64_t items) {
  std::lock_guard lock(mutex_);
  state_["done"][node] = items;
  save();
}

void RunState::record_publication(std::int64_t items, std::int64_t requested, bool complete) {
  std::lock_guard lock(mutex_);
  state_["published"] = {{"items", items}, {"requested", requested}, {"complete", complete}};
  save();
}

void RunState::add_dropped(const std::string& node, std::int64_t index) {
  std::lock_guard lock(mutex_);
  state_["dropped"][node].push_back(index);
}

std::map<std::string, std::vector<std::int64_t>> RunState::dropped_before(std::int64_t next_index) {
  std::lock_guard lock(mutex_);
  std::map<std::string, std::vector<std::int64_t>> kept;
  if (!state_["dropped"].is_object()) state_["dropped"] = nlohmann::json::object();
  for (auto& [node, list] : state_["dropped"].items()) {
    std::vector<std::int64_t> before;
    for (const auto& v : list)
      if (v.get<std::int64_t>() < next_index) before.push_back(v.get<std::int64_t>());
    list = before;
    if (!before.empty()) kept[node] = before;
  }
  return kept;
}

void RunState::save() {
  write_json(dir_ / "state.json", state_);
}

void remove_stale_temporaries(const std::filesystem::path& output_dir) {
  static const std::regex partial(R"(.*\.partial-([0-9]+)$)");
  std::error_code ec;
  std::vector<std::filesystem::path> stale;
  for (auto it = std::filesystem::recursive_directory_iterator(output_dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    const auto name = it->path().filename().string();
    std::smatch m;
    if (name.find(".partial-") == std::string::npos || !std::regex_match(name, m, partial))
      continue;
    const auto pid = static_cast<pid_t>(std::stoll(m[1].str()));
    if (::kill(pid, 0) == -1 && errno == ESRCH) stale.push_back(it->path());
  }
  for (const auto& p : stale) std::filesystem::remove_all(p, ec);
}

}  // namespace raserflow
