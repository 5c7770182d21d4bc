// core.checksum: one hash line per item, in item order; what determinism tests compare.
#include <cstdio>
#include <fstream>

#include "field_hash.hpp"
#include "raserflow/raserflow.hpp"

namespace {

using raserflow::Param;

struct Checksum final : raserflow::Node {
  static constexpr auto type = "core.checksum";
  static constexpr auto doc =
      "writes '<item> <crc64>' per item, in item order, over the chosen fields";
  static constexpr auto execution = raserflow::Execution::ordered;

  Param<std::string> path{this,
                          "path",
                          "checksums.txt",
                          {.doc = "output text file, relative to the run's output folder",
                           .path = raserflow::PathKind::output}};
  Param<std::vector<std::string>> fields{
      this, "fields", std::vector<std::string>{}, {.doc = "fields to hash; empty: every field"}};

  void configure() override {
    for (const auto& f : *fields) read_field({.declared = f, .param = "fields"});
  }
  void start() override {
    file_ = raserflow::OutputFile(*path);
    out_.open(file_.temp_path());
    if (!out_) throw raserflow::Error("cannot write " + file_.temp_path().string());
  }
  void process(raserflow::Sample& s) override {
    raserflow::core::Crc64 crc;
    if (fields->empty()) {
      for (const auto& [name, value] : s.fields()) raserflow::core::hash_field(crc, name, value);
    } else {
      for (const auto& r : reads()) raserflow::core::hash_field(crc, r.actual, *s.find(r.actual));
    }
    char line[64];
    std::snprintf(line, sizeof line, "%lld %016llx\n", static_cast<long long>(s.index()),
                  static_cast<unsigned long long>(crc.checksum()));
    out_ << line;
  }
  void finish() override {
    out_.close();
    if (!out_) throw raserflow::Error("writing " + file_.temp_path().string() + " failed");
    file_.commit();
  }
  void abort() noexcept override {
    out_.close();
    file_.discard();
  }

 private:
  raserflow::OutputFile file_;
  std::ofstream out_;
};
RASERFLOW_NODE(Checksum);

}  // namespace
