#pragma once
// What io.jcamp, io.bruker and io.spinsolve share: each item's acquisition (the fid contract)
// written to a path from a pattern, kept in the checkpoint folder until the run publishes
// (io::ItemFiles). A writer declares its default pattern and writes one recording.
#include <filesystem>
#include <string>

#include "item_files.hpp"
#include "item_path.hpp"
#include "item_recording.hpp"
#include "raserflow/raserflow.hpp"

namespace raserflow::acquisition {

class RecordingWriter : public Node {
 public:
  static constexpr auto execution = Execution::ordered;
  static constexpr bool resumable = true;

  Param<std::string> path;
  Reads<std::complex<double>, 2> fid{this, "fid", {.doc = "[P x T] FIDs"}};
  Reads<double, 1> angles{this, "angles", {.doc = "[P] degrees"}};
  Reads<double, 0> dwell{this, "dwell", {.doc = "sampling interval, s"}};

  // `what` is "file" or "folder", for the parameter's doc.
  RecordingWriter(std::string default_pattern, const char* what)
      : path{this,
             "path",
             std::move(default_pattern),
             {.doc = what == std::string("file")
                         ? "output file pattern, relative to the run's output folder; {item} "
                           "becomes the zero-padded item index"
                         : "output folder pattern, relative to the run's output folder; {item} "
                           "becomes the zero-padded item index",
              .path = PathKind::output}} {}

  void configure() override { io::check_pattern("path", *path, {"item"}); }
  void start() override { files_.start(checkpoint_dir(), output_dir(), resumed().next_index); }
  void process(Item& s) override {
    write(s.index(), io::in_output_dir(output_dir(), io::fill_pattern(*path, s.index())),
          recording_of(fid.array(s), angles.array(s), dwell.array(s).as_double()));
  }
  void checkpoint(const Progress&) override { files_.checkpoint(); }
  void finish() override { files_.publish(); }
  void abort() noexcept override { files_.discard(); }

 protected:
  // Writes item `item`'s recording, to be published at `final_path`, through files_.
  virtual void write(std::int64_t item, const std::filesystem::path& final_path,
                     const Recording& r) = 0;
  io::ItemFiles files_;
};

}  // namespace raserflow::acquisition
