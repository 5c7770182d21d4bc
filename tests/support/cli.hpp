#pragma once
// Runs the raserflow CLI in a child process, as a user would, and captures what it says.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <csignal>

namespace raserflow::test {

struct CliResult {
  int status = -1;  // exit code, or 128 + signal
  std::string out;
  std::string err;
  long peak_rss_kb = 0;
};

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::filesystem::path scratch_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("raserflow-test-" + std::to_string(::getpid())) / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

struct CliOptions {
  std::vector<std::string> env;  // "NAME=VALUE" added to the environment
  int interrupt_after_ms = -1;   // send `signal` after this long
  // Or send it once this holds (polled every 10 ms for up to a minute), e.g. once a run has
  // checkpointed something, whatever the speed of the build.
  std::function<bool()> interrupt_when;
  int signal = SIGINT;
  int second_signal_after_ms = -1;  // send `signal` again this long after the first
  long file_size_limit = -1;        // RLIMIT_FSIZE in bytes (SIGXFSZ ignored: writes fail)
  // A command the CLI is started through, found in PATH, e.g. {"mpirun", "-n", "2"}: it gets
  // the raserflow executable and `args` after its own arguments, and `signal` goes to it.
  std::vector<std::string> launcher;
};

inline CliResult run_cli(const std::vector<std::string>& args, const CliOptions& options = {}) {
  const auto dir = std::filesystem::temp_directory_path();
  const auto tag = std::to_string(::getpid()) + "-" +
                   std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  const auto out_path = dir / ("rf-out-" + tag), err_path = dir / ("rf-err-" + tag);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(out, 1);
    ::dup2(err, 2);
    for (const auto& e : options.env) ::putenv(const_cast<char*>(e.c_str()));
    if (options.file_size_limit >= 0) {
      ::signal(SIGXFSZ, SIG_IGN);
      const rlim_t limit = static_cast<rlim_t>(options.file_size_limit);
      struct rlimit rl {
        limit, limit
      };
      ::setrlimit(RLIMIT_FSIZE, &rl);
    }
    std::vector<char*> argv;
    for (const auto& a : options.launcher) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(const_cast<char*>(RASERFLOW_EXE));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  CliResult r;
  int status = 0;
  struct rusage usage {};
  // Polls for the child's exit, so a signal planned for later is not sent to a finished run.
  const auto exited_within = [&](int ms) {
    for (int waited = 0; waited < ms; waited += 10) {
      if (::wait4(pid, &status, WNOHANG, &usage) == pid) return true;
      ::usleep(10000);
    }
    return false;
  };
  bool exited = false;
  if (options.interrupt_when) {
    for (int i = 0; i < 6000 && !exited && !options.interrupt_when(); ++i)
      exited = exited_within(10);
  } else if (options.interrupt_after_ms >= 0) {
    exited = exited_within(options.interrupt_after_ms);
  }
  if (!exited && (options.interrupt_when || options.interrupt_after_ms >= 0)) {
    ::kill(pid, options.signal);
    if (options.second_signal_after_ms >= 0) {
      exited = exited_within(options.second_signal_after_ms);
      if (!exited) ::kill(pid, options.signal);
    }
  }
  if (!exited) ::wait4(pid, &status, 0, &usage);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.peak_rss_kb = usage.ru_maxrss;
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  std::filesystem::remove(out_path);
  std::filesystem::remove(err_path);
  return r;
}

// The rows of a core.checksum file: (item index, hash).
inline std::vector<std::pair<long, std::string>> checksums(const std::filesystem::path& file) {
  std::vector<std::pair<long, std::string>> rows;
  std::ifstream in(file);
  long index;
  std::string hash;
  while (in >> index >> hash) rows.emplace_back(index, hash);
  return rows;
}

// For CliOptions::interrupt_when: true once the run in `out` has been under way for `ms` (its
// run.json, written just before the graph starts, has existed that long), however slowly the
// process started on a loaded machine.
inline std::function<bool()> running_for(const std::filesystem::path& out, int ms) {
  auto seen = std::make_shared<std::optional<std::chrono::steady_clock::time_point>>();
  return [out, ms, seen] {
    const auto now = std::chrono::steady_clock::now();
    if (!*seen && std::filesystem::exists(out / ".raserflow" / "run.json")) *seen = now;
    return *seen && now - **seen > std::chrono::milliseconds(ms);
  };
}

// True once the run in `out` has checkpointed at least one item (its state file says so).
inline bool checkpointed_something(const std::filesystem::path& out) {
  const auto text = slurp(out / ".raserflow" / "state.json");
  const auto done = text.find("\"done\"");
  if (done == std::string::npos) return false;
  const auto close = text.find('}', done);
  for (auto colon = text.find(':', done + 6); colon < close; colon = text.find(':', colon + 1)) {
    auto digit = text.find_first_not_of(" \n", colon + 1);
    if (digit < close && text[digit] >= '1' && text[digit] <= '9') return true;
  }
  return false;
}

// Writes a pipeline file into `dir` and returns its path.
inline std::filesystem::path write_pipeline(const std::filesystem::path& dir,
                                            const std::string& name, const std::string& yaml) {
  auto path = dir / name;
  std::ofstream(path) << yaml;
  return path;
}

}  // namespace raserflow::test
