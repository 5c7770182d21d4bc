#include "pipeline_file.hpp"

#include "pipeline_keys.hpp"

#include <charconv>
#include <regex>
#include <set>

#include <yaml-cpp/yaml.h>

namespace raserflow {
namespace {

template <class Table>
std::vector<std::string> key_names(const Table& table) {
  std::vector<std::string> names;
  for (const auto& k : table) names.emplace_back(k.name);
  return names;
}
const std::vector<std::string> kTopKeys = key_names(kPipelineKeys);
const std::vector<std::string> kNodeKeyNames = key_names(kNodeKeys);

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// YAML aliases share nodes, so a short file can name an enormous tree (`b: [*a, *a, ...]`
// nested a few levels). Values become JSON element by element; past this many elements the
// file is refused instead of exhausting memory.
constexpr std::size_t kMaxValueElements = 200000;

class Reader {
 public:
  explicit Reader(std::vector<std::string> overrides) : overrides_(std::move(overrides)) {}

  PipelineSpec read(const std::filesystem::path& file) {
    spec_.file = file;
    spec_.name = file.stem().string();
    read_file(file, true);
    if (spec_.nodes.empty() && errors_.empty())
      error(top_where_, "the pipeline has no 'nodes:' (neither here nor in the files it includes)");
    check_edges();
    apply_overrides();
    if (!errors_.empty()) throw ValidationFailed(errors_);
    return std::move(spec_);
  }

 private:
  Location at(const YAML::Node& n) const {
    const auto m = n.Mark();
    return {file_, m.line + 1, m.column + 1};
  }
  void error(Location where, std::string message) {
    errors_.push_back({std::move(where), {}, {}, {}, {}, std::move(message)});
  }
  void node_error(Location where, const std::string& node, std::string message) {
    errors_.push_back({std::move(where), node, {}, {}, {}, std::move(message)});
  }

  void read_file(const std::filesystem::path& file, bool top) {
    auto canonical = std::filesystem::weakly_canonical(file);
    if (std::find(stack_.begin(), stack_.end(), canonical) != stack_.end()) {
      error({file_, 0, 0}, "include cycle: " + file.string() + " includes itself");
      return;
    }
    const std::string saved_file = file_;
    file_ = file.string();
    YAML::Node root;
    try {
      if (!std::filesystem::exists(file)) {
        error({file_, 0, 0}, "pipeline file not found");
        file_ = saved_file;
        return;
      }
      root = YAML::LoadFile(file.string());
    } catch (const YAML::ParserException& e) {
      error({file_, e.mark.line + 1, e.mark.column + 1}, "YAML syntax error: " + e.msg);
      file_ = saved_file;
      return;
    } catch (const YAML::Exception& e) {
      error({file_, 0, 0}, std::string("cannot read pipeline: ") + e.what());
      file_ = saved_file;
      return;
    }
    stack_.push_back(canonical);
    const auto dir = file.parent_path();
    if (!root.IsMap()) {
      error(root.IsDefined() && !root.IsNull() ? at(root) : Location{file_, 1, 1},
            "a pipeline file is a map with 'nodes:' and 'edges:'");
    } else {
      for (auto kv : root) {
        auto key = kv.first.as<std::string>();
        if (std::find(kTopKeys.begin(), kTopKeys.end(), key) == kTopKeys.end())
          error(at(kv.first), "unknown key '" + key + "'" + suggestion(key, kTopKeys) +
                                  "; a pipeline has: " + joined(kTopKeys));
      }
      // Vars before includes: the first definition wins, so an including file's vars
      // override those of the files it includes.
      if (auto vars = root["vars"]) read_vars(vars);
      // items and seed likewise: an included pipeline supplies them unless the includer does.
      if (auto name = root["name"]; name && top) spec_.name = scalar_text(name);
      if (auto items = root["items"]; items && !items_set_) {
        spec_.items = read_count(items, "items", 1);
        items_set_ = true;
        if (top) spec_.items_where = at(items);
      }
      if (auto n = root["in_flight"]; n && !in_flight_set_) {
        spec_.in_flight = read_count(n, "in_flight", 1);
        in_flight_set_ = true;
      }
      if (auto n = root["checkpoint_every"]; n && !checkpoint_set_) {
        spec_.checkpoint_every = read_count(n, "checkpoint_every", 1);
        checkpoint_set_ = true;
      }
      if (auto seed = root["seed"]; seed && !seed_set_) {
        spec_.seed = static_cast<std::uint64_t>(read_count(seed, "seed", 0));
        seed_set_ = true;
      }
      if (auto inc = root["include"]) read_includes(inc, dir);
      if (auto nodes = root["nodes"]) read_nodes(nodes, dir);
      if (auto edges = root["edges"]) read_edges(edges);
      if (top) top_where_ = at(root);
    }
    stack_.pop_back();
    file_ = saved_file;
  }

  std::string scalar_text(const YAML::Node& n) {
    if (!n.IsScalar()) {
      error(at(n), "expected a single value");
      return {};
    }
    return substitute_text(n);
  }

  std::int64_t read_count(const YAML::Node& n, const std::string& what, std::int64_t min) {
    auto j = to_json(n);
    if (!(j.is_number_integer() || j.is_number_unsigned()) || j.get<std::int64_t>() < min) {
      error(at(n), "'" + what + "' must be an integer >= " + std::to_string(min));
      return min;
    }
    return j.get<std::int64_t>();
  }

  void read_includes(const YAML::Node& inc, const std::filesystem::path& dir) {
    std::vector<YAML::Node> list;
    if (inc.IsSequence())
      for (auto e : inc) list.push_back(e);
    else
      list.push_back(inc);
    for (const auto& e : list) {
      if (!e.IsScalar()) {
        error(at(e), "'include' lists pipeline files");
        continue;
      }
      auto path = dir / e.as<std::string>();
      if (!std::filesystem::exists(path)) {
        error(at(e), "included file not found: " + path.string());
        continue;
      }
      read_file(path, false);
    }
  }

  void read_vars(const YAML::Node& vars) {
    if (!vars.IsMap()) {
      error(at(vars), "'vars' is a map of name: value");
      return;
    }
    for (auto kv : vars) {
      auto name = kv.first.as<std::string>();
      if (!spec_.vars.contains(name)) spec_.vars[name] = to_json(kv.second);
    }
  }

  // Plain scalars get YAML's types; quoted scalars stay text.
  static nlohmann::json scalar_json(const std::string& text, bool quoted) {
    if (quoted) return text;
    if (text.empty() || text == "~" || text == "null") return nullptr;
    if (text == "true" || text == "True") return true;
    if (text == "false" || text == "False") return false;
    if (text == ".inf" || text == ".Inf" || text == "+.inf" || text == "inf")
      return std::numeric_limits<double>::infinity();
    if (text == "-.inf" || text == "-.Inf" || text == "-inf")
      return -std::numeric_limits<double>::infinity();
    if (text == ".nan" || text == ".NaN" || text == "nan")
      return std::numeric_limits<double>::quiet_NaN();
    const char* first = text.data() + (text[0] == '+' ? 1 : 0);
    const char* last = text.data() + text.size();
    std::int64_t i = 0;
    if (auto r = std::from_chars(first, last, i); r.ec == std::errc() && r.ptr == last) return i;
    double d = 0;
    if (auto r = std::from_chars(first, last, d); r.ec == std::errc() && r.ptr == last) return d;
    return text;
  }

  std::string substitute_text(const YAML::Node& n) {
    static const std::regex var(R"(\$\{([A-Za-z_][A-Za-z0-9_]*)\})");
    const std::string& text = n.Scalar();
    std::string out;
    auto begin = std::sregex_iterator(text.begin(), text.end(), var);
    std::size_t last = 0;
    for (auto it = begin; it != std::sregex_iterator(); ++it) {
      out += text.substr(last, static_cast<std::size_t>(it->position()) - last);
      const auto name = (*it)[1].str();
      if (!spec_.vars.contains(name)) {
        std::vector<std::string> names;
        for (const auto& [k, v] : spec_.vars.items()) names.push_back(k);
        error(at(n), "unknown variable '${" + name + "}'" + suggestion(name, names));
      } else {
        const auto& v = spec_.vars[name];
        out += v.is_string() ? v.get<std::string>() : v.dump();
      }
      last = static_cast<std::size_t>(it->position() + it->length());
    }
    return out + text.substr(last);
  }

  nlohmann::json to_json(const YAML::Node& n) {
    if (++elements_ > kMaxValueElements) {
      if (!too_large_reported_)
        error(at(n), "values expand to more than " + std::to_string(kMaxValueElements) +
                         " elements (YAML aliases nested too deep?); refusing the file");
      too_large_reported_ = true;
      return nullptr;
    }
    if (n.IsScalar()) {
      static const std::regex whole(R"(^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$)");
      std::smatch m;
      const bool quoted = n.Tag() == "!";
      if (std::regex_match(n.Scalar(), m, whole) && spec_.vars.contains(m[1].str()))
        return spec_.vars[m[1].str()];  // a whole-value variable keeps its type
      return scalar_json(substitute_text(n), quoted);
    }
    if (n.IsSequence()) {
      auto out = nlohmann::json::array();
      for (auto e : n) out.push_back(to_json(e));
      return out;
    }
    if (n.IsMap()) {
      auto out = nlohmann::json::object();
      for (auto kv : n) out[kv.first.as<std::string>()] = to_json(kv.second);
      return out;
    }
    return nullptr;
  }

  void read_nodes(const YAML::Node& nodes, const std::filesystem::path& dir) {
    if (!nodes.IsMap()) {
      error(at(nodes), "'nodes' is a map of node id: {type: ..., params: {...}}");
      return;
    }
    static const std::regex id_form(R"(^[A-Za-z_][A-Za-z0-9_]*$)");
    for (auto kv : nodes) {
      NodeSpec node;
      node.id = kv.first.as<std::string>();
      node.where = at(kv.first);
      if (!std::regex_match(node.id, id_form)) {
        error(node.where, "node id '" + node.id +
                              "' must be letters, digits and '_', not starting with a digit");
        continue;
      }
      if (const auto* previous = spec_.node(node.id)) {
        error(node.where, "node '" + node.id + "' is defined twice (first at " +
                              previous->where.file + ":" + std::to_string(previous->where.line) +
                              ")");
        continue;
      }
      const auto& body = kv.second;
      if (!body.IsMap()) {
        node_error(at(body), node.id,
                   "a node is a map with 'type:' and optional 'params:', 'inputs:', 'outputs:'");
        continue;
      }
      for (auto field : body) {
        auto key = field.first.as<std::string>();
        if (std::find(kNodeKeyNames.begin(), kNodeKeyNames.end(), key) == kNodeKeyNames.end())
          node_error(at(field.first), node.id,
                     "unknown key '" + key + "'" + suggestion(key, kNodeKeyNames) +
                         "; a node has: " + joined(kNodeKeyNames));
      }
      if (auto type = body["type"]) {
        node.type = scalar_text(type);
        node.type_where = at(type);
      } else {
        node_error(node.where, node.id,
                   "missing 'type:' (see `raserflow nodes` for the types available)");
        node.type_where = node.where;
      }
      if (auto params = body["params"]) {
        if (!params.IsMap()) {
          if (!params.IsNull()) node_error(at(params), node.id, "'params' is a map of name: value");
        } else {
          for (auto p : params)
            node.params[p.first.as<std::string>()] = {to_json(p.second), at(p.second), dir};
        }
      }
      if (auto batch = body["batch"]) {
        node.batch = read_count(batch, "batch", 1);
        node.batch_where = at(batch);
      }
      if (auto wait = body["batch_wait"]) {
        auto j = to_json(wait);
        if (!j.is_number() || j.get<double>() <= 0)
          node_error(at(wait), node.id, "'batch_wait' is a number of seconds > 0");
        else
          node.batch_wait = j.get<double>();
      }
      read_renames(body["inputs"], node, node.inputs, "inputs");
      read_renames(body["outputs"], node, node.outputs, "outputs");
      spec_.nodes.push_back(std::move(node));
    }
  }

  void read_renames(const YAML::Node& map, NodeSpec& node, std::map<std::string, Rename>& out,
                    const std::string& what) {
    if (!map) return;
    if (!map.IsMap()) {
      node_error(at(map), node.id, "'" + what + "' maps a declared field name to the field to use");
      return;
    }
    for (auto kv : map) {
      if (!kv.second.IsScalar()) {
        node_error(at(kv.second), node.id, "'" + what + "' values are field names");
        continue;
      }
      out[kv.first.as<std::string>()] = {substitute_text(kv.second), at(kv.first)};
    }
  }

  void read_edges(const YAML::Node& edges) {
    if (!edges.IsSequence()) {
      error(at(edges), "'edges' is a list of chains like \"a -> b -> c\"");
      return;
    }
    for (auto e : edges) {
      if (!e.IsScalar()) {
        error(at(e), "an edge is a chain like \"a -> b -> c\"");
        continue;
      }
      const auto text = substitute_text(e);
      std::vector<std::string> ids;
      std::size_t start = 0;
      while (true) {
        auto arrow = text.find("->", start);
        auto part =
            text.substr(start, arrow == std::string::npos ? std::string::npos : arrow - start);
        part.erase(0, part.find_first_not_of(" \t"));
        part.erase(part.find_last_not_of(" \t") + 1);
        ids.push_back(part);
        if (arrow == std::string::npos) break;
        start = arrow + 2;
      }
      if (ids.size() < 2 ||
          std::any_of(ids.begin(), ids.end(), [](auto& s) { return s.empty(); })) {
        error(at(e), "malformed edge '" + text + "': write a chain like \"a -> b -> c\"");
        continue;
      }
      for (std::size_t i = 0; i + 1 < ids.size(); ++i)
        spec_.edges.push_back({ids[i], ids[i + 1], at(e)});
    }
  }

  void check_edges() {
    std::vector<std::string> ids;
    for (const auto& n : spec_.nodes) ids.push_back(n.id);
    std::set<std::pair<std::string, std::string>> seen;
    for (const auto& e : spec_.edges) {
      for (const auto* id : {&e.from, &e.to})
        if (!spec_.node(*id))
          error(e.where, "edge names unknown node '" + *id + "'" + suggestion(*id, ids));
      if (e.from == e.to) error(e.where, "edge from node '" + e.from + "' to itself");
      if (!seen.insert({e.from, e.to}).second)
        error(e.where, "edge '" + e.from + " -> " + e.to + "' is listed twice");
    }
  }

  void apply_overrides() {
    std::vector<std::string> ids;
    for (const auto& n : spec_.nodes) ids.push_back(n.id);
    for (const auto& o : overrides_) {
      Location where{"--set " + o, 0, 0};
      auto eq = o.find('=');
      if (eq == std::string::npos || eq == 0) {
        error(where, "expected KEY=VALUE, e.g. items=10, seed=3 or node.param=value");
        continue;
      }
      const auto key = o.substr(0, eq);
      nlohmann::json value;
      try {
        auto parsed = YAML::Load(o.substr(eq + 1));
        value = parsed.IsScalar() || parsed.IsNull()
                    ? scalar_json(parsed.IsNull() ? "" : parsed.Scalar(), parsed.Tag() == "!")
                    : to_json(parsed);
      } catch (const YAML::Exception& e) {
        error(where, std::string("cannot parse the value: ") + e.what());
        continue;
      }
      spec_.overrides.push_back(o);
      const auto top = std::find_if(kPipelineKeys.begin(), kPipelineKeys.end(),
                                    [&](const auto& k) { return k.name == key; });
      if (top != kPipelineKeys.end() && top->settable) {
        if (!value.is_number_integer() || value.get<std::int64_t>() < top->min) {
          error(where, "'" + key + "' must be an integer >= " + std::to_string(top->min));
          continue;
        }
        const auto v = value.get<std::int64_t>();
        if (key == "items") {
          spec_.items = v;
          spec_.items_where = where;
        } else if (key == "seed") {
          spec_.seed = static_cast<std::uint64_t>(v);
        } else if (key == "in_flight") {
          spec_.in_flight = v;
        } else if (key == "checkpoint_every") {
          spec_.checkpoint_every = v;
        }
        continue;
      }
      auto dot = key.find('.');
      if (dot == std::string::npos) {
        std::vector<std::string> settable;
        for (const auto& k : kPipelineKeys)
          if (k.settable) settable.emplace_back(k.name);
        error(where, "unknown setting '" + key + "'" + suggestion(key, settable) + "; use " +
                         joined(settable) + " (=N) or node.param=value");
        continue;
      }
      const auto id = key.substr(0, dot);
      auto it =
          std::find_if(spec_.nodes.begin(), spec_.nodes.end(), [&](auto& n) { return n.id == id; });
      if (it == spec_.nodes.end()) {
        error(where, "no node '" + id + "' in the pipeline" + suggestion(id, ids));
        continue;
      }
      const auto param = key.substr(dot + 1);
      if (param == "batch") {  // the node key, not a parameter
        if (!value.is_number_integer() || value.get<std::int64_t>() < 1)
          error(where, "'batch' must be an integer >= 1");
        else
          it->batch = value.get<std::int64_t>();
        it->batch_where = where;
        continue;
      }
      it->params[param] = {value, where, std::filesystem::current_path()};
    }
  }

  std::vector<std::string> overrides_;
  PipelineSpec spec_;
  std::vector<Diagnostic> errors_;
  std::vector<std::filesystem::path> stack_;
  std::string file_;
  Location top_where_;
  bool items_set_ = false;
  bool seed_set_ = false;
  bool in_flight_set_ = false;
  bool checkpoint_set_ = false;
  std::size_t elements_ = 0;
  bool too_large_reported_ = false;
};

}  // namespace

const NodeSpec* PipelineSpec::node(const std::string& id) const {
  for (const auto& n : nodes)
    if (n.id == id) return &n;
  return nullptr;
}

PipelineSpec read_pipeline(const std::filesystem::path& file,
                           const std::vector<std::string>& overrides) {
  return Reader(overrides).read(file);
}

}  // namespace raserflow
