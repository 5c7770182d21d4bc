// io.spinsolve: each item's acquisition as a Spinsolve / Prospa folder (data.2d of float32
// complex rows, acqu.par, angles.txt; formats.md §4), which acquisition.replay and
// acquisition.watch take back.
#include "recording_writer.hpp"
#include "spinsolve.hpp"

namespace {

namespace acq = raserflow::acquisition;

struct WriteSpinsolve final : acq::RecordingWriter {
  static constexpr auto type = "io.spinsolve";
  static constexpr auto doc =
      "writes each item's fid, angles and dwell as a Spinsolve / Prospa folder: a V1.1 type-501 "
      "data.2d (complex float32, one row per projection), acqu.par (bandwidth, dwellTime, "
      "nrPnts), angles.txt; folders appear when the run ends well or is stopped";

  WriteSpinsolve() : RecordingWriter("spinsolve/{item}", "folder") {}

 protected:
  void write(std::int64_t item, const std::filesystem::path& final_path,
             const acq::Recording& r) override {
    files_.write_folder(item, final_path, [&](const std::filesystem::path& folder) {
      acq::write_spinsolve(folder, r.fids, r.angles, r.dwell);
    });
  }
};
RASERFLOW_NODE(WriteSpinsolve);

}  // namespace
