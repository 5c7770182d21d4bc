// core.checksum: one hash line per item, in item order; what determinism tests compare. The
// lines go to a file in the checkpoint folder, flushed at each checkpoint and cut back to the
// resumed position by a later run; finish() copies it to the output path.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#include "field_hash.hpp"
#include "raserflow/raserflow.hpp"

namespace {

using raserflow::Error;
using raserflow::Param;
namespace fs = std::filesystem;

struct Checksum final : raserflow::Node {
  static constexpr auto type = "core.checksum";
  static constexpr auto doc =
      "writes '<item> <crc64>' per item, in item order, over the chosen fields";
  static constexpr auto execution = raserflow::Execution::ordered;
  static constexpr bool resumable = true;

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
    if (checkpoint_dir().empty()) throw Error("internal: the node was given no checkpoint folder");
    lines_ = checkpoint_dir() / "checksums.txt";
    restore(resumed().next_index);
    out_.open(lines_, std::ios::binary | std::ios::app);
    if (!out_) throw Error("cannot write " + lines_.string());
  }
  void process(raserflow::Item& s) override {
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
  void checkpoint(const raserflow::Progress&) override {
    out_.flush();
    if (!out_) throw Error("writing " + lines_.string() + " failed (disk full?)");
  }
  void finish() override {
    checkpoint(publication().done);
    raserflow::OutputFile file(*path);
    std::error_code ec;
    fs::copy_file(lines_, file.temp_path(), fs::copy_options::overwrite_existing, ec);
    if (ec)
      throw Error("cannot copy " + lines_.string() + " to " + file.temp_path().string() + ": " +
                  ec.message());
    file.commit();
  }
  void abort() noexcept override { out_.close(); }

 private:
  // Keeps the complete lines of items before `next_index` (they are in item order); later
  // lines and a torn last one are cut off.
  void restore(std::int64_t next_index) {
    std::uintmax_t kept = 0;
    {
      std::ifstream in(lines_, std::ios::binary);
      std::string line;
      while (std::getline(in, line) && !in.eof()) {
        long long index = 0;
        if (std::sscanf(line.c_str(), "%lld", &index) != 1)
          throw Error("checkpoint file " + lines_.string() + " is damaged: '" + line + "'");
        if (index >= next_index) break;
        kept += line.size() + 1;
      }
    }
    std::error_code ec;
    if (fs::exists(lines_, ec) && fs::file_size(lines_, ec) != kept)
      fs::resize_file(lines_, kept, ec);
    if (ec) throw Error("cannot restore " + lines_.string() + ": " + ec.message());
  }

  fs::path lines_;
  std::ofstream out_;
};
RASERFLOW_NODE(Checksum);

}  // namespace
