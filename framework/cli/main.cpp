// raserflow: run, check and inspect dataflow pipelines.
// Exit status: 0 success, 1 failure while running, 2 bad pipeline or usage.
#include <unistd.h>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>

#include "diagnostics.hpp"
#include "executor.hpp"
#include "introspect.hpp"
#include "pipeline.hpp"
#include "plugin_loader.hpp"
#include "raserflow/output_file.hpp"

namespace rf = raserflow;

namespace {

constexpr int kOk = 0, kFailed = 1, kBad = 2, kInterrupted = 130;

struct Common {
  std::vector<std::string> plugin_paths;
  std::vector<std::string> sets;
};

rf::PluginRegistry load_plugins(const Common& c, bool quiet_failures = false) {
  rf::PluginRegistry plugins;
  std::vector<std::filesystem::path> extra(c.plugin_paths.begin(), c.plugin_paths.end());
  plugins.load_default(extra);
  if (!quiet_failures)
    for (const auto& f : plugins.failures())
      std::cerr << "raserflow: warning: plugin " << f.path.string() << ": " << f.reason << "\n";
  return plugins;
}

int report(const rf::ValidationFailed& e) {
  for (const auto& d : e.diagnostics()) std::cerr << rf::format(d) << "\n";
  std::cerr << "raserflow: " << e.diagnostics().size() << " problem"
            << (e.diagnostics().size() == 1 ? "" : "s") << " found; nothing was run\n";
  return kBad;
}

// Reads, builds and validates; returns an exit status when that fails.
std::optional<int> prepare(const std::string& file, const Common& c,
                           const rf::PluginRegistry& plugins, const std::string& out,
                           rf::Pipeline& pipeline) {
  try {
    auto spec = rf::read_pipeline(file, c.sets);
    const auto dir = out.empty() ? rf::default_output_dir(spec) : std::filesystem::path(out);
    pipeline = rf::build_pipeline(std::move(spec), plugins, dir);
  } catch (const rf::ValidationFailed& e) {
    return report(e);
  } catch (const rf::SetupFailed& e) {
    std::cerr << e.what() << "\n";
    return kFailed;
  }
  return std::nullopt;
}

int run(const std::string& file, const Common& c, const std::string& out, int threads,
        const std::string& shard, const std::string& trace) {
  rf::RunOptions options;
  options.threads = threads;
  if (!shard.empty()) {
    long long k = -1, n = 0;
    char slash = 0;
    std::istringstream in(shard);
    if (!(in >> k >> slash >> n) || slash != '/' || !in.eof() || n < 1 || k < 0 || k >= n) {
      std::cerr << "raserflow: error: --shard expects K/N with 0 <= K < N, e.g. 0/4; got '" << shard
                << "'\n";
      return kBad;
    }
    options.shard_index = k;
    options.shard_count = n;
  }
  options.trace_file = trace;
  options.progress = ::isatty(STDERR_FILENO) && !std::getenv("CI");

  // Before anything slow: a Ctrl-C while plugins load or the pipeline is checked must still
  // end in a clean, reported interruption.
  rf::install_interrupt_handler();
  auto plugins = load_plugins(c);
  rf::Pipeline pipeline;
  if (auto status = prepare(file, c, plugins, out, pipeline)) return *status;

  std::error_code ec;
  std::filesystem::create_directories(pipeline.output_dir, ec);
  if (ec) {
    std::cerr << "raserflow: error: cannot create output folder " << pipeline.output_dir.string()
              << ": " << ec.message() << "\n";
    return kFailed;
  }
  const auto result = rf::execute(pipeline, options);

  // The manifest is written last, and renamed into place, so its presence with status
  // "complete" means every output beside it is whole.
  try {
    rf::OutputFile manifest(pipeline.output_dir / "manifest.json");
    {
      std::ofstream f(manifest.temp_path());
      f << rf::run_manifest(pipeline, plugins, options, result).dump(2) << "\n";
      if (!f) throw rf::Error("cannot write " + manifest.temp_path().string());
    }
    manifest.commit();
  } catch (const std::exception& e) {
    std::cerr << "raserflow: error: " << e.what() << "\n";
    return kFailed;
  }

  switch (result.status) {
    case rf::RunStatus::ok:
      std::cerr << "raserflow: " << pipeline.spec.name << ": " << result.items_done << " item"
                << (result.items_done == 1 ? "" : "s") << " in " << result.seconds
                << " s; outputs in " << pipeline.output_dir.string() << "\n";
      return kOk;
    case rf::RunStatus::failed:
      std::cerr << "raserflow: error: " << result.error << "\nraserflow: run cancelled after "
                << result.items_done << " of " << result.items_total
                << " items; no output was committed\n";
      return kFailed;
    case rf::RunStatus::interrupted:
      std::cerr << "raserflow: interrupted after " << result.items_done << " of "
                << result.items_total << " items; no output was committed\n";
      return kInterrupted;
  }
  return kFailed;
}

int validate(const std::string& file, const Common& c) {
  auto plugins = load_plugins(c);
  rf::Pipeline pipeline;
  if (auto status = prepare(file, c, plugins, "", pipeline)) return *status;
  std::cout << file << ": valid (" << pipeline.nodes.size() << " nodes, " << pipeline.spec.items
            << " items)\n";
  return kOk;
}

int nodes(const Common& c) {
  auto plugins = load_plugins(c, true);
  for (const auto& name : plugins.type_names()) {
    const auto* t = plugins.find(name);
    // One line per type; `describe` has the whole text.
    std::string doc = t->type->doc;
    if (doc.size() > 90) doc = doc.substr(0, doc.rfind(' ', 87)) + " ...";
    std::printf("%-26s %-18s %s\n", name.c_str(), t->plugin->name.c_str(), doc.c_str());
  }
  for (const auto& f : plugins.failures())
    std::cerr << "raserflow: plugin failed to load: " << f.path.string() << ": " << f.reason
              << "\n";
  return kOk;
}

int describe(const std::string& type, bool json, const Common& c) {
  auto plugins = load_plugins(c);
  const auto* t = plugins.find(type);
  if (!t) {
    std::cerr << "raserflow: error: unknown node type '" << type << "'"
              << rf::suggestion(type, plugins.type_names()) << "; `raserflow nodes` lists them\n";
    return kBad;
  }
  try {
    if (json)
      std::cout << rf::describe_json(*t).dump(2) << "\n";
    else
      std::cout << rf::describe_text(*t);
  } catch (const std::exception& e) {
    std::cerr << "raserflow: error: node type '" << type
              << "' could not be constructed: " << e.what() << "\n";
    return kFailed;
  }
  return kOk;
}

int graph(const std::string& file, const Common& c) {
  auto plugins = load_plugins(c);
  rf::Pipeline pipeline;
  if (auto status = prepare(file, c, plugins, "", pipeline)) return *status;
  std::cout << rf::graph_dot(pipeline);
  return kOk;
}

int schema(const Common& c) {
  auto plugins = load_plugins(c);
  std::cout << rf::pipeline_schema(plugins).dump(2) << "\n";
  return kOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"raserflow: dataflow pipelines for hyperpolarized MR and RASER MRI"};
  app.require_subcommand(1);
  Common c;
  std::string file, out, shard, trace, type;
  int threads = 0;
  bool json = false;

  auto add_plugin_path = [&](CLI::App* sub) {
    sub->add_option("--plugin-path", c.plugin_paths, "extra plugin folder or library (repeatable)");
  };
  auto add_sets = [&](CLI::App* sub) {
    sub->add_option("--set", c.sets, "override: items=N, seed=S or NODE.PARAM=VALUE (repeatable)");
  };

  auto* run_cmd = app.add_subcommand("run", "run a pipeline");
  run_cmd->add_option("file", file, "pipeline YAML file")->required();
  add_sets(run_cmd);
  run_cmd->add_option("--threads", threads, "worker threads (default: all cores)")
      ->check(CLI::Range(1, 1024));
  run_cmd->add_option("--out", out, "output folder (default: out/<pipeline name>)");
  run_cmd->add_option("--shard", shard, "run items K, K+N, K+2N, ... (K from 0)");
  run_cmd->add_option("--trace", trace, "write a Chrome trace (JSON) of node spans");
  add_plugin_path(run_cmd);

  auto* validate_cmd = app.add_subcommand("validate", "check a pipeline without running it");
  validate_cmd->add_option("file", file, "pipeline YAML file")->required();
  add_sets(validate_cmd);
  add_plugin_path(validate_cmd);

  auto* nodes_cmd = app.add_subcommand("nodes", "list node types and the plugins offering them");
  add_plugin_path(nodes_cmd);

  auto* describe_cmd = app.add_subcommand("describe", "parameters, fields and docs of a node type");
  describe_cmd->add_option("type", type, "node type, e.g. core.generate")->required();
  describe_cmd->add_flag("--json", json, "machine-readable output");
  add_plugin_path(describe_cmd);

  auto* graph_cmd = app.add_subcommand("graph", "Graphviz dot of a pipeline");
  graph_cmd->add_option("file", file, "pipeline YAML file")->required();
  add_sets(graph_cmd);
  add_plugin_path(graph_cmd);

  auto* schema_cmd =
      app.add_subcommand("schema", "JSON Schema of pipeline files for all node types");
  add_plugin_path(schema_cmd);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int status = app.exit(e);
    return status == 0 ? kOk : kBad;
  }
  try {
    if (*run_cmd) return run(file, c, out, threads, shard, trace);
    if (*validate_cmd) return validate(file, c);
    if (*nodes_cmd) return nodes(c);
    if (*describe_cmd) return describe(type, json, c);
    if (*graph_cmd) return graph(file, c);
    if (*schema_cmd) return schema(c);
  } catch (const std::exception& e) {
    std::cerr << "raserflow: error: " << e.what() << "\n";
    return kFailed;
  }
  return kBad;
}
