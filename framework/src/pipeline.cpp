#include "pipeline.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/depth_first_search.hpp>

#include "node_access.hpp"

namespace raserflow {
namespace {

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS>;

// A field as it flows: its type and the node that wrote it.
struct FlowField {
  FieldSpec spec;
  std::string producer;
};
using Flow = std::map<std::string, FlowField>;

struct CycleFinder : boost::default_dfs_visitor {
  std::vector<std::size_t>* parent;
  std::vector<std::size_t>* cycle;
  void tree_edge(Graph::edge_descriptor e, const Graph& g) const {
    (*parent)[boost::target(e, g)] = boost::source(e, g);
  }
  void back_edge(Graph::edge_descriptor e, const Graph& g) const {
    if (!cycle->empty()) return;
    auto from = boost::source(e, g), to = boost::target(e, g);
    for (auto v = from; v != to; v = (*parent)[v]) cycle->push_back(v);
    cycle->push_back(to);
    std::reverse(cycle->begin(), cycle->end());
  }
};

class Builder {
 public:
  Builder(PipelineSpec spec, const PluginRegistry& plugins, std::filesystem::path out)
      : plugins_(plugins) {
    pipeline_.spec = std::move(spec);
    pipeline_.output_dir = std::move(out);
  }

  Pipeline build() {
    instantiate();
    const auto before_graph = errors_.size();
    order_graph();
    // Field checks need every node and an acyclic graph; they still run after parameter
    // errors, so one pass reports as much as it can.
    const bool all_nodes = std::all_of(pipeline_.nodes.begin(), pipeline_.nodes.end(),
                                       [](auto& n) { return n.node != nullptr; });
    if (all_nodes && errors_.size() == before_graph) {
      check_flow();
      check_item_count();
      check_batches();
    }
    if (!errors_.empty()) throw ValidationFailed(errors_);
    return std::move(pipeline_);
  }

 private:
  Diagnostic diag(const PipelineNode& n, Location where, std::string message,
                  std::string param = {}) {
    return {std::move(where), n.spec.id,
            n.spec.type,      n.type.plugin ? n.type.plugin->name : "",
            std::move(param), std::move(message)};
  }

  void instantiate() {
    for (auto& spec : pipeline_.spec.nodes) {
      PipelineNode n;
      n.spec = spec;
      if (const auto* t = plugins_.find(spec.type)) {
        n.type = *t;
      } else {
        std::string message =
            "unknown node type '" + spec.type + "'" + suggestion(spec.type, plugins_.type_names());
        if (!plugins_.failures().empty()) {
          message += "; plugins that failed to load:";
          for (const auto& f : plugins_.failures())
            message += "\n    " + f.path.string() + ": " + f.reason;
        } else {
          message += "; `raserflow nodes` lists the types available";
        }
        errors_.push_back({spec.type_where, spec.id, {}, {}, {}, message});
        pipeline_.nodes.push_back(std::move(n));
        continue;
      }
      try {
        n.node = n.type.type->make();
      } catch (const std::exception& e) {
        throw SetupFailed(
            format(diag(n, spec.where, std::string("constructor failed: ") + e.what())));
      }
      detail::NodeAccess::bind(*n.node, spec.id, pipeline_.spec.seed, pipeline_.output_dir);
      rejected_ = false;
      set_params(n);
      try {
        n.node->configure();
      } catch (const ParamError& e) {
        auto it = n.spec.params.find(e.param());
        errors_.push_back(diag(n, it != n.spec.params.end() ? it->second.where : spec.type_where,
                               e.what(), e.param()));
        rejected_ = true;
      } catch (const std::exception& e) {
        errors_.push_back(diag(n, spec.type_where, e.what()));
        rejected_ = true;
      }
      // Fields declared from parameters may be missing when those were rejected: such a node's
      // reads and what flows out of it are not checked, to avoid errors that are only echoes.
      if (rejected_) unsure_.insert(spec.id);
      apply_renames(n, n.spec.inputs, detail::NodeAccess::reads(*n.node), "inputs", "reads");
      apply_renames(n, n.spec.outputs, detail::NodeAccess::writes(*n.node), "outputs", "writes");
      pipeline_.nodes.push_back(std::move(n));
    }
  }

  void set_params(PipelineNode& n) {
    std::vector<std::string> names;
    for (const auto* p : n.node->params()) names.push_back(p->name());
    for (const auto& [name, entry] : n.spec.params) {
      auto it = std::find_if(n.node->params().begin(), n.node->params().end(),
                             [&](auto* p) { return p->name() == name; });
      if (it == n.node->params().end()) {
        std::string known;
        for (const auto& k : names) known += (known.empty() ? "" : ", ") + k;
        errors_.push_back(diag(n, entry.where,
                               "unknown parameter" + suggestion(name, names) + "; " + n.spec.type +
                                   " has: " + (known.empty() ? "none" : known),
                               name));
        continue;
      }
      ParamBase& p = **it;
      auto value = entry.value;
      if (p.info().path != PathKind::none && value.is_string()) {
        std::filesystem::path path = value.get<std::string>();
        if (path.is_relative())
          path = (p.info().path == PathKind::input ? entry.base_dir : pipeline_.output_dir) / path;
        value = path.lexically_normal().string();
      }
      try {
        p.assign(value);
      } catch (const std::exception& e) {
        errors_.push_back(diag(n, entry.where, e.what(), name));
        rejected_ = true;
        continue;
      }
      if (p.info().path == PathKind::input && !std::filesystem::exists(value.get<std::string>()))
        errors_.push_back(
            diag(n, entry.where, "file not found: " + value.get<std::string>(), name));
    }
    for (auto* p : n.node->params()) {
      if (!p->has_default() && !p->is_set())
        errors_.push_back(diag(
            n, n.spec.where,
            "required parameter is missing" +
                (p->info().doc.empty() ? std::string() : " (" + std::string(p->info().doc) + ")"),
            p->name()));
      else if (p->info().path == PathKind::output && !p->is_set() && p->has_default()) {
        // Defaults of output paths resolve inside the output folder too.
        auto v = p->value_json();
        if (v.is_string() && std::filesystem::path(v.get<std::string>()).is_relative())
          p->assign((pipeline_.output_dir / v.get<std::string>()).lexically_normal().string());
      }
    }
  }

  void apply_renames(PipelineNode& n, const std::map<std::string, Rename>& renames,
                     std::vector<FieldSpec>& fields, const std::string& key,
                     const std::string& verb) {
    std::vector<std::string> declared;
    for (const auto& f : fields) declared.push_back(f.declared);
    for (const auto& [from, rename] : renames) {
      auto it =
          std::find_if(fields.begin(), fields.end(), [&](auto& f) { return f.declared == from; });
      if (it == fields.end()) {
        std::string known;
        for (const auto& k : declared) known += (known.empty() ? "" : ", ") + k;
        errors_.push_back(diag(n, rename.where,
                               "'" + key + "' renames field '" + from +
                                   "', which this node never " + verb + suggestion(from, declared) +
                                   "; it " + verb + ": " + (known.empty() ? "nothing" : known)));
        continue;
      }
      it->actual = rename.actual;
    }
  }

  void order_graph() {
    auto& nodes = pipeline_.nodes;
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < nodes.size(); ++i) index[nodes[i].spec.id] = i;
    Graph g(nodes.size());
    std::vector<bool> connected(nodes.size(), false);
    for (const auto& e : pipeline_.spec.edges) {
      auto a = index.at(e.from), b = index.at(e.to);
      boost::add_edge(a, b, g);
      connected[a] = connected[b] = true;
    }
    if (nodes.size() > 1)
      for (std::size_t i = 0; i < nodes.size(); ++i)
        if (!connected[i])
          errors_.push_back(diag(
              nodes[i], nodes[i].spec.where,
              "node is not connected: add it to an edge like \"" + nodes[i].spec.id + " -> ...\""));

    std::vector<std::size_t> parent(nodes.size()), cycle;
    CycleFinder finder;
    finder.parent = &parent;
    finder.cycle = &cycle;
    boost::depth_first_search(g, boost::visitor(finder));
    if (!cycle.empty()) {
      std::string path;
      for (auto v : cycle) path += nodes[v].spec.id + " -> ";
      path += nodes[cycle.front()].spec.id;
      Location where = nodes[cycle.front()].spec.where;
      for (const auto& e : pipeline_.spec.edges)
        if (e.from == nodes[cycle.back()].spec.id && e.to == nodes[cycle.front()].spec.id)
          where = e.where;
      errors_.push_back({where, {}, {}, {}, {}, "the edges form a cycle: " + path});
      return;
    }
    // Topological order, stable: among independent nodes keep file order, so messages and
    // manifests are predictable.
    std::vector<std::size_t> order;
    {
      std::vector<int> indegree(nodes.size(), 0);
      for (auto e : boost::make_iterator_range(boost::edges(g))) ++indegree[boost::target(e, g)];
      std::vector<std::size_t> ready, sorted;
      for (std::size_t i = 0; i < nodes.size(); ++i)
        if (indegree[i] == 0) ready.push_back(i);
      while (!ready.empty()) {
        auto it = std::min_element(ready.begin(), ready.end());
        auto v = *it;
        ready.erase(it);
        sorted.push_back(v);
        for (auto e : boost::make_iterator_range(boost::out_edges(v, g)))
          if (--indegree[boost::target(e, g)] == 0) ready.push_back(boost::target(e, g));
      }
      order = sorted;
    }
    std::vector<std::size_t> position(nodes.size());
    for (std::size_t i = 0; i < order.size(); ++i) position[order[i]] = i;
    std::vector<PipelineNode> sorted_nodes;
    for (auto v : order) sorted_nodes.push_back(std::move(nodes[v]));
    for (auto e : boost::make_iterator_range(boost::edges(g))) {
      auto a = position[boost::source(e, g)], b = position[boost::target(e, g)];
      sorted_nodes[a].outputs.push_back(b);
      sorted_nodes[b].inputs.push_back(a);
    }
    for (auto& n : sorted_nodes) {
      std::sort(n.inputs.begin(), n.inputs.end());
      std::sort(n.outputs.begin(), n.outputs.end());
    }
    nodes = std::move(sorted_nodes);
  }

  static bool compatible(const FieldSpec& read, const FieldSpec& have) {
    if (read.text != have.text) return false;
    if (read.text) return true;
    if (read.dtype && have.dtype && *read.dtype != *have.dtype) return false;
    if (read.rank != any_rank && have.rank != any_rank && read.rank != have.rank) return false;
    return true;
  }

  void check_flow() {
    auto& nodes = pipeline_.nodes;
    std::vector<Flow> out(nodes.size());
    std::vector<bool> unsure(nodes.size(), false);
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      auto& n = nodes[i];
      unsure[i] = unsure_.count(n.spec.id) > 0;
      for (auto u : n.inputs) unsure[i] = unsure[i] || unsure[u];
      Flow in;
      for (auto u : n.inputs) {
        for (const auto& [name, f] : out[u]) {
          auto [it, fresh] = in.emplace(name, f);
          if (!fresh && it->second.producer != f.producer)
            errors_.push_back(diag(n, n.spec.where,
                                   "field '" + name + "' arrives from two branches (written by '" +
                                       it->second.producer + "' and by '" + f.producer +
                                       "'); rename one with 'outputs:'"));
        }
      }
      std::vector<std::string> available;
      for (const auto& [name, f] : in) available.push_back(name);
      for (const auto& r : n.node->reads()) {
        auto where = n.spec.type_where;
        if (auto it = n.spec.params.find(r.param); it != n.spec.params.end())
          where = it->second.where;
        if (auto it = n.spec.inputs.find(r.declared); it != n.spec.inputs.end())
          where = it->second.where;
        auto it = in.find(r.actual);
        if (it == in.end()) {
          if (r.optional || unsure[i]) continue;
          std::string list;
          for (const auto& a : available) list += (list.empty() ? "" : ", ") + a;
          const std::string because = r.param.empty()
                                          ? std::string()
                                          : " (a read that parameter '" + r.param + "' asks for)";
          errors_.push_back(diag(n, where,
                                 "reads field '" + r.actual + "' (" + describe_type(r) + ")" +
                                     because + " but no upstream node writes it" +
                                     suggestion(r.actual, available) +
                                     "; upstream fields: " + (list.empty() ? "none" : list)));
          continue;
        }
        if (!compatible(r, it->second.spec))
          errors_.push_back(diag(n, where,
                                 "reads field '" + r.actual + "' as " + describe_type(r) +
                                     " but '" + it->second.producer + "' writes it as " +
                                     describe_type(it->second.spec)));
      }
      Flow& result = out[i];
      if (const auto& keep = n.node->passes()) {
        for (const auto& name : *keep)
          if (auto it = in.find(name); it != in.end()) result.insert(*it);
      } else {
        result = in;
      }
      for (const auto& w : n.node->writes()) result[w.actual] = {w, n.spec.id};
    }
  }

  // Sources that know their count set `items`; an explicit `items:` that disagrees is an error,
  // one inherited from an included file or the default is not. An open-ended source makes the
  // run a stream, which an explicit `items:` caps.
  void check_item_count() {
    auto& spec = pipeline_.spec;
    const PipelineNode* first = nullptr;
    std::int64_t count = 0;
    for (const auto& n : pipeline_.nodes) {
      if (!n.inputs.empty() || unsure_.count(n.spec.id)) continue;
      std::optional<std::int64_t> c;
      try {
        c = n.node->item_count();
      } catch (const std::exception& e) {
        errors_.push_back(
            diag(n, n.spec.type_where, std::string("cannot count its items: ") + e.what()));
        continue;
      }
      if (!c) continue;
      const auto text = [](std::int64_t v) {
        return v == open_ended ? std::string("an open-ended stream") : std::to_string(v) + " items";
      };
      if (first && *c != count) {
        errors_.push_back(diag(n, n.spec.type_where,
                               "offers " + text(*c) + " but source '" + first->spec.id +
                                   "' offers " + text(count) + "; sources must agree"));
        continue;
      }
      if (!first) {
        first = &n;
        count = *c;
      }
    }
    if (!first) return;
    pipeline_.open_ended = count == open_ended;
    if (!spec.items_where) {
      spec.items = count;
      return;
    }
    if (pipeline_.open_ended || spec.items == count) return;
    errors_.push_back({*spec.items_where,
                       {},
                       {},
                       {},
                       "items",
                       "items: " + std::to_string(spec.items) + " conflicts with source '" +
                           first->spec.id + "' (" + first->spec.type + "), which holds " +
                           std::to_string(count) + " items; leave 'items' out to run them all"});
  }

  void check_batches() {
    std::int64_t largest = 1;
    const PipelineNode* widest = nullptr;
    for (const auto& n : pipeline_.nodes) {
      if (n.spec.batch <= 1) continue;
      if (n.type.type->execution == Execution::device)
        errors_.push_back(
            diag(n, n.spec.batch_where, "a device node takes one item at a time; remove 'batch'"));
      if (n.spec.batch > largest) {
        largest = n.spec.batch;
        widest = &n;
      }
    }
    const auto in_flight = pipeline_.spec.in_flight;
    if (widest && in_flight > 0 && in_flight < largest)
      errors_.push_back(diag(*widest, widest->spec.batch_where,
                             "batch " + std::to_string(largest) +
                                 " cannot fill while in_flight is " + std::to_string(in_flight) +
                                 "; raise in_flight to at least " + std::to_string(largest) +
                                 " or lower the batch"));
  }

  const PluginRegistry& plugins_;
  std::set<std::string> unsure_;  // nodes whose declarations may be incomplete
  bool rejected_ = false;         // a value of the node being built was rejected
  Pipeline pipeline_;
  std::vector<Diagnostic> errors_;
};

}  // namespace

std::filesystem::path default_output_dir(const PipelineSpec& spec) {
  return std::filesystem::path("out") / spec.name;
}

Pipeline build_pipeline(PipelineSpec spec, const PluginRegistry& plugins,
                        const std::filesystem::path& output_dir) {
  return Builder(std::move(spec), plugins, std::filesystem::absolute(output_dir)).build();
}

}  // namespace raserflow
