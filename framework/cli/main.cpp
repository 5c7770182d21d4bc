// raserflow: run, check and inspect dataflow pipelines.
// Exit status: 0 success, 1 failure while running, 2 bad pipeline or usage.
#include <unistd.h>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>

#include "diagnostics.hpp"
#include "executor.hpp"
#include "introspect.hpp"
#include "mpi.hpp"
#include "node_access.hpp"
#include "pipeline.hpp"
#include "plugin_loader.hpp"
#include "raserflow/output_file.hpp"
#include "run_state.hpp"
#include "shards.hpp"

namespace rf = raserflow;

namespace {

constexpr int kOk = 0, kFailed = 1, kBad = 2, kInterrupted = 130;

struct Common {
  std::vector<std::string> plugin_paths;
  std::vector<std::string> sets;
};

// The names of raserflow's own commands, which plugin commands may not take.
const std::vector<std::string> kBuiltinCommands{"run",   "validate", "nodes", "describe",
                                                "graph", "schema",   "help"};

// Plugins are loaded once, before the command line is parsed, since plugins add commands.
// --plugin-path is therefore read from the raw arguments first.
rf::PluginRegistry& registry() {
  static rf::PluginRegistry plugins;
  return plugins;
}

void load_all_plugins(int argc, char** argv) {
  std::vector<std::filesystem::path> extra;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--plugin-path" && i + 1 < argc)
      extra.emplace_back(argv[++i]);
    else if (a.rfind("--plugin-path=", 0) == 0)
      extra.emplace_back(a.substr(14));
  }
  registry().reserve_command_names(kBuiltinCommands);
  registry().load_default(extra);
}

// A plugin command's arguments, less the --plugin-path options raserflow already used.
std::vector<std::string> without_plugin_paths(const std::vector<std::string>& args) {
  std::vector<std::string> rest;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--plugin-path") {
      ++i;
      continue;
    }
    if (args[i].rfind("--plugin-path=", 0) != 0) rest.push_back(args[i]);
  }
  return rest;
}

const rf::PluginRegistry& load_plugins(const Common&, bool quiet_failures = false) {
  const auto& plugins = registry();
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

// Reads, builds and validates; returns an exit status when that fails. The output folder is
// `out` (or the pipeline's default), and `subfolder` inside it when one is given.
std::optional<int> prepare(const std::string& file, const Common& c,
                           const rf::PluginRegistry& plugins, const std::string& out,
                           rf::Pipeline& pipeline, const std::string& subfolder = {}) {
  try {
    auto spec = rf::read_pipeline(file, c.sets);
    auto dir = out.empty() ? rf::default_output_dir(spec) : std::filesystem::path(out);
    if (!subfolder.empty()) dir /= subfolder;
    pipeline = rf::build_pipeline(std::move(spec), plugins, dir);
  } catch (const rf::ValidationFailed& e) {
    return report(e);
  } catch (const rf::SetupFailed& e) {
    std::cerr << e.what() << "\n";
    return kFailed;
  }
  return std::nullopt;
}

// Whether the output folder's manifest says its run completed (a kill can land after the
// outputs were published and before the manifest was written).
bool manifest_says_complete(const std::filesystem::path& out) {
  std::ifstream in(out / "manifest.json");
  if (!in) return false;
  try {
    return nlohmann::json::parse(in).value("status", "") == "complete";
  } catch (const std::exception&) {
    return false;
  }
}

// Refusals that concern the output folder's earlier run, before any work.
std::optional<std::string> resume_problem(const rf::Pipeline& pipeline, const rf::RunState& state,
                                          std::int64_t resume, std::int64_t requested) {
  if (pipeline.open_ended && state.continues_earlier_run())
    return "the output folder holds an earlier run of this pipeline, and a pipeline with an "
           "open-ended source cannot continue one; use another --out, or --fresh to start over";
  if (resume == 0) return std::nullopt;
  for (const auto& n : pipeline.nodes)
    if (!n.type.type->resumable)
      return "the output folder holds " + std::to_string(resume) +
             " items of an earlier run, but node '" + n.spec.id + "' (" + n.spec.type +
             ") keeps state across items that a checkpoint does not hold, so the run cannot "
             "continue; use --fresh to start over";
  if (resume > requested)
    return "the output folder holds a run of " + std::to_string(resume) + " items, more than the " +
           std::to_string(requested) +
           " asked for now; ask for at least as many, or use --fresh to start over";
  return std::nullopt;
}

struct RunArgs {
  std::string file, out, shard, trace;
  int threads = 0;
  bool fresh = false;
  // Under mpirun: the rank's shard (K/N) and its folder inside the output folder.
  std::string subfolder;
};

// Runs the pipeline (or this shard of it) into `pipeline`, which stays built for the caller.
int run(const RunArgs& a, const Common& c, rf::Pipeline& pipeline) {
  const auto& [file, out, shard, trace, threads, fresh, subfolder] = a;
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
  // end in a clean, reported stop.
  rf::install_interrupt_handler();
  const auto& plugins = load_plugins(c);
  if (auto status = prepare(file, c, plugins, out, pipeline, subfolder)) return *status;
  if (pipeline.open_ended && options.shard_count > 1) {
    std::cerr << "raserflow: error: --shard splits a known number of items, but a source of "
                 "this pipeline produces items until its stream ends; run it unsharded\n";
    return kBad;
  }

  // Every place the run writes is checked before the first item.
  std::error_code ec;
  std::filesystem::create_directories(pipeline.output_dir, ec);
  if (ec) {
    std::cerr << "raserflow: error: cannot create output folder " << pipeline.output_dir.string()
              << ": " << ec.message() << "\n";
    return kFailed;
  }
  if (!trace.empty()) {
    const bool existed = std::filesystem::exists(trace);
    std::ofstream probe(trace, std::ios::app);
    if (!probe) {
      std::cerr << "raserflow: error: cannot write the trace file " << trace << ": "
                << std::strerror(errno) << "\n";
      return kFailed;
    }
    probe.close();
    if (!existed) std::filesystem::remove(trace, ec);
  }

  const auto requested =
      rf::shard_positions(pipeline.spec.items, options.shard_index, options.shard_count);
  std::unique_ptr<rf::RunState> state;
  try {
    state = std::make_unique<rf::RunState>(
        pipeline.output_dir,
        rf::run_identity(pipeline, plugins, options.shard_index, options.shard_count), fresh);
  } catch (const rf::ResumeRefused& e) {
    std::cerr << "raserflow: error: " << e.what() << "\n";
    return kBad;
  } catch (const std::exception& e) {
    std::cerr << "raserflow: error: the output folder cannot be written: " << e.what() << "\n";
    return kFailed;
  }
  std::vector<std::string> checkpointing;
  for (const auto& n : pipeline.nodes)
    if (rf::checkpoints(n)) checkpointing.push_back(n.spec.id);
  const auto resume = state->resume_items(checkpointing);
  if (resume == requested && state->published_items() == requested && state->published_complete() &&
      manifest_says_complete(pipeline.output_dir)) {
    std::cerr << "raserflow: " << pipeline.spec.name << ": all " << requested
              << " items are already done and published in " << pipeline.output_dir.string()
              << "; --fresh runs them again\n";
    return kOk;
  }
  if (auto problem = resume_problem(pipeline, *state, resume, requested)) {
    std::cerr << "raserflow: error: " << *problem << "\n";
    return kBad;
  }
  rf::remove_stale_temporaries(pipeline.output_dir);
  // Starting from the first item, what some node got to in an earlier run means nothing: its
  // checkpoint folder is emptied below.
  if (resume == 0) state->restart();
  for (auto& n : pipeline.nodes) {
    const auto dir = state->node_dir(n.spec.id);
    if (resume == 0) std::filesystem::remove_all(dir, ec);
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      std::cerr << "raserflow: error: cannot create " << dir.string() << ": " << ec.message()
                << "\n";
      return kFailed;
    }
    rf::detail::NodeAccess::set_checkpoint_dir(*n.node, dir);
  }
  if (resume > 0)
    std::cerr << "raserflow: " << pipeline.spec.name << ": continuing after the " << resume
              << " items an earlier run checkpointed in " << pipeline.output_dir.string() << "\n";
  options.resume_items = resume;
  options.state = state.get();
  options.manifest = [&](const rf::RunResult& now) {
    return rf::run_manifest(pipeline, plugins, options, now).dump();
  };
  const auto result = rf::execute(pipeline, options);

  // The manifest is written last, and renamed into place, so its presence with status
  // "complete" means every output beside it is whole.
  try {
    rf::OutputFile manifest(pipeline.output_dir / "manifest.json");
    {
      std::ofstream f(manifest.temp_path());
      f << rf::run_manifest(pipeline, plugins, options, result).dump(2) << "\n";
      f.close();
      if (!f) throw rf::Error("cannot write " + manifest.temp_path().string() + " (disk full?)");
    }
    manifest.commit();
  } catch (const std::exception& e) {
    std::cerr << "raserflow: error: " << e.what() << "\n";
    return kFailed;
  }

  const auto plural = [](std::int64_t n) { return n == 1 ? " item" : " items"; };
  switch (result.status) {
    case rf::RunStatus::ok:
      std::cerr << "raserflow: " << pipeline.spec.name << ": " << result.items_done
                << plural(result.items_done) << " in " << result.seconds << " s; outputs in "
                << pipeline.output_dir.string() << "\n";
      return kOk;
    case rf::RunStatus::failed:
      std::cerr << "raserflow: error: " << result.error
                << "\nraserflow: run cancelled; nothing was published (checkpoints of "
                << "earlier items stay in " << pipeline.output_dir.string() << "/.raserflow)\n";
      return kFailed;
    case rf::RunStatus::stopped: {
      const auto of = result.items_total == rf::open_ended
                          ? std::string()
                          : " of " + std::to_string(result.items_total);
      std::cerr << "raserflow: stopped after " << result.items_done << of
                << plural(result.items_done) << "; they are published in "
                << pipeline.output_dir.string() << " (manifest status \"stopped\")";
      if (!pipeline.open_ended) std::cerr << "; the same command continues the run";
      std::cerr << "\n";
      return kInterrupted;
    }
  }
  return kFailed;
}

// `mpirun -n N raserflow run ...`: rank K runs shard K/N into <out>/shard-K-of-N (so the same
// command resumes each shard in its folder), the ranks agree on how that went, and only when
// every shard succeeded do shard 0's nodes join the shards' outputs into <out>.
int run_under_mpi(RunArgs a, const Common& c) {
  if (!a.shard.empty()) {
    std::cerr << "raserflow: error: --shard " << a.shard
              << " under mpirun: each rank already runs shard <rank>/<ranks>; drop --shard, or "
                 "run the shards without mpirun (e.g. one per Slurm array task, then `raserflow "
                 "dataset join`)\n";
    return kBad;
  }
  rf::cli::Mpi mpi;
  rf::Pipeline pipeline;
  const int k = mpi.rank(), n = mpi.size();
  if (n == 1) return run(a, c, pipeline);  // one rank: a plain run

  a.shard = std::to_string(k) + "/" + std::to_string(n);
  a.subfolder = rf::shard_dir("", k, n).string();
  if (!a.trace.empty()) {
    const std::filesystem::path t(a.trace);
    a.trace = (t.parent_path() / (t.stem().string() + "-" + a.subfolder + t.extension().string()))
                  .string();
  }
  int status = kFailed;
  try {
    status = run(a, c, pipeline);
  } catch (const std::exception& e) {
    std::cerr << "raserflow: error: " << e.what() << "\n";
  }
  // Collective on every path: a rank that returned early (bad pipeline, refused resume) still
  // takes part, so no rank waits for ever and every rank learns the worst outcome.
  const auto worst = mpi.worst(status);
  if (worst.status != kOk) {
    // Said once, by rank 0; a rank that failed has said why itself.
    if (status == kOk && k == 0)
      std::cerr << "raserflow: error: rank " << worst.rank << " (shard " << worst.rank << "/" << n
                << ") ended with status " << worst.status
                << ", so the shards were not joined; the same command continues the run\n";
    return status != kOk ? status : worst.status == kInterrupted ? kInterrupted : kFailed;
  }
  int joined = kOk;
  if (k == 0) {
    const auto run_dir = pipeline.output_dir.parent_path();
    try {
      rf::join_shards(pipeline, run_dir, n);
      std::cerr << "raserflow: " << pipeline.spec.name << ": the " << n << " shards are joined in "
                << run_dir.string() << "\n";
    } catch (const std::exception& e) {
      std::cerr << "raserflow: error: " << e.what() << "\n";
      joined = kFailed;
    }
  }
  return mpi.from_rank0(joined);
}

int validate(const std::string& file, const Common& c) {
  const auto& plugins = load_plugins(c);
  rf::Pipeline pipeline;
  if (auto status = prepare(file, c, plugins, "", pipeline)) return *status;
  std::cout << file << ": valid (" << pipeline.nodes.size() << " nodes, "
            << (pipeline.open_ended ? std::string("an open-ended stream of")
                                    : std::to_string(pipeline.spec.items))
            << " items)\n";
  return kOk;
}

int nodes(const Common& c) {
  const auto& plugins = load_plugins(c, true);
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
  const auto& plugins = load_plugins(c);
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
  const auto& plugins = load_plugins(c);
  rf::Pipeline pipeline;
  if (auto status = prepare(file, c, plugins, "", pipeline)) return *status;
  std::cout << rf::graph_dot(pipeline);
  return kOk;
}

int schema(const Common& c) {
  const auto& plugins = load_plugins(c);
  std::cout << rf::pipeline_schema(plugins).dump(2) << "\n";
  return kOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"raserflow: dataflow pipelines for hyperpolarized MR and RASER MRI"};
  app.require_subcommand(1);
  load_all_plugins(argc, argv);
  Common c;
  RunArgs r;
  std::string file, type;
  bool json = false;

  auto add_plugin_path = [&](CLI::App* sub) {
    sub->add_option("--plugin-path", c.plugin_paths, "extra plugin folder or library (repeatable)");
  };
  auto add_sets = [&](CLI::App* sub) {
    sub->add_option("--set", c.sets, "override: items=N, seed=S or NODE.PARAM=VALUE (repeatable)");
  };

  auto* run_cmd = app.add_subcommand("run", "run a pipeline");
  run_cmd->add_option("file", r.file, "pipeline YAML file")->required();
  add_sets(run_cmd);
  run_cmd->add_option("--threads", r.threads, "worker threads (default: all cores)")
      ->check(CLI::Range(1, 1024));
  run_cmd->add_option("--out", r.out, "output folder (default: out/<pipeline name>)");
  run_cmd->add_option("--shard", r.shard,
                      "run items K, K+N, K+2N, ... (K from 0); under mpirun each rank is a "
                      "shard of its own");
  run_cmd->add_option("--trace", r.trace, "write a Chrome trace (JSON) of node spans");
  run_cmd->add_flag("--fresh", r.fresh,
                    "start over: forget the run checkpointed in the output folder (by default "
                    "the same command continues it)");
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

  // Commands that plugins offer: everything after the name goes to the plugin, --help too.
  std::vector<std::pair<CLI::App*, const rf::LoadedCommand*>> plugin_cmds;
  for (const auto& [name, command] : registry().commands()) {
    auto* sub = app.add_subcommand(
        name, command.command->summary + " [plugin " + command.plugin->name + "]");
    sub->prefix_command();
    sub->set_help_flag();
    plugin_cmds.emplace_back(sub, &command);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int status = app.exit(e);
    return status == 0 ? kOk : kBad;
  }
  try {
    if (*run_cmd) {
      if (rf::cli::launched_by_mpi()) return run_under_mpi(r, c);
      rf::Pipeline pipeline;
      return run(r, c, pipeline);
    }
    for (const auto& [sub, command] : plugin_cmds)
      if (*sub) return command->command->run(without_plugin_paths(sub->remaining()));
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
