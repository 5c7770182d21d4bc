// io.spinsolve: each item's acquisition as a Spinsolve / Prospa folder (data.2d of float32
// complex rows, acqu.par, angles.txt; formats.md §4), which acquisition.replay and
// acquisition.watch take back.
#include "item_files.hpp"
#include "item_path.hpp"
#include "item_recording.hpp"
#include "raserflow/raserflow.hpp"
#include "spinsolve.hpp"

namespace {

using raserflow::Param;
namespace acq = raserflow::acquisition;
namespace io = raserflow::io;

struct WriteSpinsolve final : raserflow::Node {
  static constexpr auto type = "io.spinsolve";
  static constexpr auto doc =
      "writes each item's fid, angles and dwell as a Spinsolve / Prospa folder: a V1.1 type-501 "
      "data.2d (complex float32, one row per projection), acqu.par (bandwidth, dwellTime, "
      "nrPnts), angles.txt; folders appear when the run ends well or is stopped";
  static constexpr auto execution = raserflow::Execution::ordered;
  static constexpr bool resumable = true;

  Param<std::string> path{this,
                          "path",
                          "spinsolve/{item}",
                          {.doc = "output folder pattern, relative to the run's output folder; "
                                  "{item} becomes the zero-padded item index",
                           .path = raserflow::PathKind::output}};

  raserflow::Reads<std::complex<double>, 2> fid{this, "fid", {.doc = "[P x T] FIDs"}};
  raserflow::Reads<double, 1> angles{this, "angles", {.doc = "[P] degrees"}};
  raserflow::Reads<double, 0> dwell{this, "dwell", {.doc = "sampling interval, s"}};

  void configure() override { io::check_pattern("path", *path, {"item"}); }
  void start() override { files_.start(checkpoint_dir(), output_dir(), resumed().next_index); }

  void process(raserflow::Item& s) override {
    const auto r = acq::recording_of(fid.array(s), angles.array(s), dwell.array(s).as_double());
    files_.write_folder(s.index(),
                        io::in_output_dir(output_dir(), io::fill_pattern(*path, s.index())),
                        [&](const std::filesystem::path& folder) {
                          acq::write_spinsolve(folder, r.fids, r.angles, r.dwell);
                        });
  }

  void checkpoint(const raserflow::Progress&) override { files_.checkpoint(); }
  void finish() override { files_.publish(); }
  void abort() noexcept override { files_.discard(); }

 private:
  io::ItemFiles files_;
};
RASERFLOW_NODE(WriteSpinsolve);

}  // namespace
