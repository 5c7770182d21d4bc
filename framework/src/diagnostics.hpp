#pragma once
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace raserflow {

// Where something was written: a pipeline file position (line and column 1-based; 0 when
// unknown) or a command-line override ("--set raser.q_factor=80").
struct Location {
  std::string file;
  int line = 0;
  int column = 0;
};

// One problem found before a run, with everything a user needs to find and fix it.
struct Diagnostic {
  Location where;
  std::string node;    // node id, if the problem belongs to one
  std::string type;    // its node type
  std::string plugin;  // the plugin offering that type
  std::string param;   // parameter name, if any
  std::string message;
};

std::string format(const Diagnostic& d);

// Thrown when validation finds problems: the pipeline is bad (exit status 2).
class ValidationFailed : public std::runtime_error {
 public:
  explicit ValidationFailed(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

// Thrown when a node cannot be set up (constructor or start() threw): exit status 1.
class SetupFailed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The closest candidate by edit distance, if close enough to be a likely typo.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);
// " (did you mean 'x'?)" or "".
std::string suggestion(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace raserflow
