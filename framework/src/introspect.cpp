#include "introspect.hpp"

#include "build_info.hpp"
#include "pipeline_keys.hpp"

#include <array>
#include <cstdio>
#include <memory>
#include <set>
#include <sstream>

#include "raserflow/dtype.hpp"

namespace raserflow {
namespace {

nlohmann::ordered_json field_json(const FieldSpec& f) {
  nlohmann::ordered_json j{{"name", f.declared}, {"type", describe_type(f)}};
  if (f.text)
    j["dtype"] = "text";
  else
    j["dtype"] = f.dtype ? std::string(dtype_name(*f.dtype)) : "any";
  j["rank"] = f.rank == any_rank ? nlohmann::ordered_json("any") : nlohmann::ordered_json(f.rank);
  j["doc"] = f.doc;
  if (f.optional) j["optional"] = true;
  return j;
}

std::string path_kind(PathKind k) {
  return k == PathKind::input ? "input file" : k == PathKind::output ? "output file" : "";
}

std::string git_revision(const std::filesystem::path& dir) {
  const std::string command = "git -C '" + dir.string() + "' rev-parse --short HEAD 2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  if (!pipe) return "unknown";
  std::array<char, 128> buffer{};
  std::string out;
  while (std::fgets(buffer.data(), buffer.size(), pipe.get())) out += buffer.data();
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out.empty() ? "unknown" : out;
}

}  // namespace

nlohmann::ordered_json describe_json(const LoadedType& type) {
  auto node = type.type->make();
  try {
    node->configure();  // fields declared from default parameters show up too
  } catch (const std::exception&) {
    // A node whose configure needs required parameters still describes its declarations.
  }
  nlohmann::ordered_json params = nlohmann::ordered_json::array();
  for (const auto* p : node->params()) {
    nlohmann::ordered_json j{{"name", p->name()}, {"type", p->json_type()}};
    if (!p->item_json_type().empty()) j["items"] = p->item_json_type();
    if (p->has_default())
      j["default"] = p->value_json();
    else
      j["required"] = true;
    if (!p->info().unit.empty()) j["unit"] = p->info().unit;
    if (p->info().min) j["minimum"] = *p->info().min;
    if (p->info().max) j["maximum"] = *p->info().max;
    if (!p->info().choices.empty()) j["choices"] = p->info().choices;
    if (p->info().path != PathKind::none) j["path"] = path_kind(p->info().path);
    j["doc"] = p->info().doc;
    params.push_back(j);
  }
  nlohmann::ordered_json reads = nlohmann::ordered_json::array(),
                         writes = nlohmann::ordered_json::array();
  for (const auto& f : node->reads()) reads.push_back(field_json(f));
  for (const auto& f : node->writes()) writes.push_back(field_json(f));
  return {{"type", type.type->type},
          {"plugin", type.plugin->name},
          {"plugin_version", type.plugin->version},
          {"doc", type.type->doc},
          {"execution", execution_name(type.type->execution)},
          {"params", params},
          {"reads", reads},
          {"writes", writes}};
}

std::string describe_text(const LoadedType& type) {
  const auto j = describe_json(type);
  std::ostringstream out;
  out << j["type"].get<std::string>() << "  (plugin " << j["plugin"].get<std::string>() << " "
      << j["plugin_version"].get<std::string>() << ", " << j["execution"].get<std::string>()
      << ")\n  " << j["doc"].get<std::string>() << "\n\nParameters:\n";
  if (j["params"].empty()) out << "  (none)\n";
  for (const auto& p : j["params"]) {
    out << "  " << p["name"].get<std::string>() << " (" << p["type"].get<std::string>();
    if (p.contains("items")) out << " of " << p["items"].get<std::string>();
    if (p.contains("unit")) out << ", " << p["unit"].get<std::string>();
    out << ")";
    if (p.contains("default"))
      out << " = " << p["default"].dump();
    else
      out << " required";
    if (p.contains("minimum") || p.contains("maximum"))
      out << "  range [" << (p.contains("minimum") ? p["minimum"].dump() : "-inf") << ", "
          << (p.contains("maximum") ? p["maximum"].dump() : "inf") << "]";
    if (p.contains("choices")) {
      out << "  one of:";
      for (const auto& c : p["choices"]) out << " " << c.get<std::string>();
    }
    if (p.contains("path")) out << "  [" << p["path"].get<std::string>() << "]";
    out << "\n      " << p["doc"].get<std::string>() << "\n";
  }
  for (const char* kind : {"reads", "writes"}) {
    out << "\n" << (std::string(kind) == "reads" ? "Reads" : "Writes") << ":\n";
    if (j[kind].empty()) out << "  (nothing declared)\n";
    for (const auto& f : j[kind])
      out << "  " << f["name"].get<std::string>() << " : " << f["type"].get<std::string>()
          << (f.contains("optional") ? " (optional)" : "") << "  " << f["doc"].get<std::string>()
          << "\n";
  }
  return out.str();
}

nlohmann::ordered_json pipeline_schema(const PluginRegistry& plugins) {
  // Values may also be ${var} references, resolved before validation.
  const nlohmann::ordered_json var_ref{{"type", "string"},
                                       {"pattern", "^\\$\\{[A-Za-z_][A-Za-z0-9_]*\\}$"}};
  auto with_var = [&](nlohmann::ordered_json s) {
    return nlohmann::ordered_json{{"anyOf", {s, var_ref}}};
  };
  const nlohmann::ordered_json renames{{"type", "object"},
                                       {"additionalProperties", {{"type", "string"}}}};

  nlohmann::ordered_json node_schemas = nlohmann::ordered_json::array();
  for (const auto& name : plugins.type_names()) {
    const auto* type = plugins.find(name);
    const auto d = describe_json(*type);
    nlohmann::ordered_json props = nlohmann::ordered_json::object();
    nlohmann::ordered_json required_params = nlohmann::ordered_json::array();
    for (const auto& p : d["params"]) {
      nlohmann::ordered_json s{{"description", p["doc"]}};
      const auto t = p["type"].get<std::string>();
      if (t == "number") {
        s["anyOf"] = {{{"type", "number"}},
                      {{"type", "string"}, {"enum", {".inf", "-.inf", ".nan"}}}};
      } else {
        s["type"] = t;
      }
      if (p.contains("items")) s["items"] = {{"type", p["items"]}};
      if (p.contains("minimum")) s["minimum"] = p["minimum"];
      if (p.contains("maximum")) s["maximum"] = p["maximum"];
      if (p.contains("choices")) {
        if (t == "array")
          s["items"]["enum"] = p["choices"];
        else
          s["enum"] = p["choices"];
      }
      if (p.contains("default")) s["default"] = p["default"];
      props[p["name"].get<std::string>()] = with_var(s);
      if (p.contains("required")) required_params.push_back(p["name"]);
    }
    nlohmann::ordered_json params{
        {"type", "object"}, {"properties", props}, {"additionalProperties", false}};
    if (!required_params.empty()) params["required"] = required_params;
    nlohmann::ordered_json node{{"if", {{"properties", {{"type", {{"const", name}}}}}}},
                                {"then", {{"properties", {{"params", params}}}}}};
    if (!required_params.empty()) node["then"]["required"] = {"params"};
    node_schemas.push_back(node);
  }
  using J = nlohmann::ordered_json;
  J node_props;
  for (const auto& k : kNodeKeys) {
    const std::string name(k.name);
    J p{{"description", std::string(k.doc)}};
    if (name == "type") {
      p["type"] = "string";
      p["enum"] = plugins.type_names();
    } else if (name == "description") {
      p["type"] = "string";
    } else if (name == "params") {
      p["type"] = "object";
    } else if (name == "inputs" || name == "outputs") {
      p.update(renames);
    } else if (name == "batch") {
      p = with_var(J{{"type", "integer"}, {"minimum", 1}, {"description", std::string(k.doc)}});
    } else if (name == "batch_wait") {
      p = with_var(
          J{{"type", "number"}, {"exclusiveMinimum", 0}, {"description", std::string(k.doc)}});
    }
    node_props[name] = p;
  }
  const J node{{"type", "object"},
               {"required", {"type"}},
               {"additionalProperties", false},
               {"properties", node_props},
               {"allOf", node_schemas}};
  J include;
  include["anyOf"] =
      J::array({J{{"type", "string"}}, J{{"type", "array"}, {"items", J{{"type", "string"}}}}});
  J nodes{{"type", "object"}, {"additionalProperties", node}};
  nodes["propertyNames"] = J{{"pattern", "^[A-Za-z_][A-Za-z0-9_]*$"}};
  J edge{{"type", "string"},
         {"pattern", "^\\s*[A-Za-z_][A-Za-z0-9_]*(\\s*->\\s*[A-Za-z_][A-Za-z0-9_]*)+\\s*$"}};
  J props;
  for (const auto& k : kPipelineKeys) {
    const std::string name(k.name);
    J p;
    if (k.integer)
      p = with_var(J{{"type", "integer"}, {"minimum", k.min}});
    else if (name == "include")
      p = include;
    else if (name == "vars")
      p = J{{"type", "object"}};
    else if (name == "nodes")
      p = nodes;
    else if (name == "edges")
      p = J{{"type", "array"}, {"items", edge}};
    else
      p = J{{"type", "string"}};
    p["description"] = std::string(k.doc);
    props[name] = p;
  }
  J schema;
  schema["$schema"] = "http://json-schema.org/draft-07/schema#";
  schema["title"] = "raserflow pipeline";
  schema["description"] = "Generated by `raserflow schema`; do not edit by hand.";
  schema["type"] = "object";
  schema["required"] = J::array({"nodes", "edges"});
  schema["additionalProperties"] = false;
  schema["properties"] = props;
  return schema;
}

std::string graph_dot(const Pipeline& pipeline) {
  std::ostringstream out;
  out << "digraph \"" << pipeline.spec.name
      << "\" {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n";
  for (const auto& n : pipeline.nodes)
    out << "  \"" << n.spec.id << "\" [label=\"" << n.spec.id << "\\n" << n.spec.type << "\"];\n";
  for (const auto& n : pipeline.nodes)
    for (auto v : n.outputs) {
      std::set<std::string> used;
      for (const auto& r : pipeline.nodes[v].node->reads()) used.insert(r.actual);
      std::string label;
      for (const auto& w : n.node->writes())
        if (used.count(w.actual)) label += (label.empty() ? "" : "\\n") + w.actual;
      out << "  \"" << n.spec.id << "\" -> \"" << pipeline.nodes[v].spec.id << "\"";
      if (!label.empty()) out << " [label=\"" << label << "\"]";
      out << ";\n";
    }
  out << "}\n";
  return out.str();
}

nlohmann::ordered_json run_manifest(const Pipeline& pipeline, const PluginRegistry& plugins,
                                    const RunOptions& options, const RunResult& result) {
  nlohmann::ordered_json nodes = nlohmann::ordered_json::object();
  for (const auto& n : pipeline.nodes) {
    nlohmann::ordered_json params = nlohmann::ordered_json::object();
    for (const auto* p : n.node->params()) params[p->name()] = p->value_json();
    nlohmann::ordered_json inputs = nlohmann::ordered_json::object(),
                           outputs = nlohmann::ordered_json::object();
    for (const auto& [k, v] : n.spec.inputs) inputs[k] = v.actual;
    for (const auto& [k, v] : n.spec.outputs) outputs[k] = v.actual;
    nodes[n.spec.id] = {{"type", n.spec.type}, {"plugin", n.type.plugin->name}, {"params", params}};
    if (!inputs.empty()) nodes[n.spec.id]["inputs"] = inputs;
    if (!outputs.empty()) nodes[n.spec.id]["outputs"] = outputs;
  }
  nlohmann::ordered_json edges = nlohmann::ordered_json::array();
  for (const auto& e : pipeline.spec.edges) edges.push_back(e.from + " -> " + e.to);
  nlohmann::ordered_json used_plugins = nlohmann::ordered_json::array();
  std::set<std::string> names;
  for (const auto& n : pipeline.nodes) names.insert(n.type.plugin->name);
  for (const auto& p : plugins.plugins())
    if (names.count(p->name))
      used_plugins.push_back(
          {{"name", p->name}, {"version", p->version}, {"path", p->path.string()}});
  nlohmann::ordered_json timing = nlohmann::ordered_json::object();
  for (const auto& s : result.nodes)
    timing[s.id] = {
        {"items", s.items},
        {"seconds", s.seconds},
        {"ms_per_item", s.items ? 1e3 * s.seconds / static_cast<double>(s.items) : 0.0}};
  if (result.status != RunStatus::failed)
    for (const auto& n : pipeline.nodes)
      if (const auto text = n.node->report(); !text.empty() && timing.contains(n.spec.id)) {
        auto report = nlohmann::ordered_json::parse(text, nullptr, false);
        timing[n.spec.id]["report"] = report.is_discarded() ? nlohmann::ordered_json(text) : report;
      }
  const char* status = result.status == RunStatus::ok       ? "complete"
                       : result.status == RunStatus::failed ? "failed"
                                                            : "stopped";
  const auto count = [](std::int64_t n) {
    return n == open_ended ? nlohmann::ordered_json("open-ended") : nlohmann::ordered_json(n);
  };
  nlohmann::ordered_json dropped = nlohmann::ordered_json::object();
  for (const auto& [id, indices] : result.dropped) dropped[id] = indices;
  nlohmann::ordered_json m{
      {"raserflow_manifest", 2},
      {"status", status},
      {"raserflow", {{"version", raserflow_version()}, {"build_revision", build_revision()}}},
      {"pipeline",
       {{"name", pipeline.spec.name},
        {"file", std::filesystem::absolute(pipeline.spec.file).string()},
        {"git_revision", git_revision(std::filesystem::absolute(pipeline.spec.file).parent_path())},
        {"items", count(pipeline.spec.items)},
        {"seed", pipeline.spec.seed},
        {"in_flight", pipeline.spec.in_flight},
        {"checkpoint_every", pipeline.spec.checkpoint_every},
        {"vars", pipeline.spec.vars},
        {"nodes", nodes},
        {"edges", edges}}},
      {"overrides", pipeline.spec.overrides},
      {"seeds",
       {{"pipeline", pipeline.spec.seed},
        {"per_item",
         "SplitMix64 of (pipeline seed, FNV-1a of node id, item index); see Node::item_seed"}}},
      {"shard", {{"index", options.shard_index}, {"count", options.shard_count}}},
      {"threads", options.threads},
      {"plugins", used_plugins},
      {"items",
       {{"requested", count(result.items_total)},
        {"done", result.items_done},
        {"resumed_from", result.resumed_from},
        {"dropped", dropped}}},
      {"seconds", result.seconds},
      {"nodes", timing}};
  if (!result.error.empty()) m["error"] = result.error;
  return m;
}

}  // namespace raserflow
