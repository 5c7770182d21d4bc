// io.bruker: each item's acquisition as a Bruker TopSpin pseudo-2D experiment folder (ser,
// acqus, acqu2s, raserflow_angles; float64, formats.md §3.3), which acquisition.replay and
// Bruker readers take back bit for bit.
#include "bruker.hpp"
#include "item_files.hpp"
#include "item_path.hpp"
#include "item_recording.hpp"
#include "raserflow/raserflow.hpp"

namespace {

using raserflow::Param;
namespace acq = raserflow::acquisition;
namespace io = raserflow::io;

struct WriteBruker final : raserflow::Node {
  static constexpr auto type = "io.bruker";
  static constexpr auto doc =
      "writes each item's fid, angles and dwell as a Bruker experiment folder: a pseudo-2D ser "
      "of float64 rows (fid when P = 1), acqus / acqu2s, raserflow_angles; folders appear when "
      "the run ends well or is stopped";
  static constexpr auto execution = raserflow::Execution::ordered;
  static constexpr bool resumable = true;

  Param<std::string> path{this,
                          "path",
                          "bruker/{item}",
                          {.doc = "output folder pattern, relative to the run's output folder; "
                                  "{item} becomes the zero-padded item index",
                           .path = raserflow::PathKind::output}};
  Param<double> spectrometer_frequency{
      this, "spectrometer_frequency", 60.0, {.doc = "BF1 and SFO1", .unit = "MHz", .min = 1e-6}};

  raserflow::Reads<std::complex<double>, 2> fid{this, "fid", {.doc = "[P x T] FIDs"}};
  raserflow::Reads<double, 1> angles{this, "angles", {.doc = "[P] degrees"}};
  raserflow::Reads<double, 0> dwell{this, "dwell", {.doc = "sampling interval, s"}};

  void configure() override { io::check_pattern("path", *path, {"item"}); }
  void start() override { files_.start(checkpoint_dir(), output_dir(), resumed().next_index); }

  void process(raserflow::Item& s) override {
    const auto r = acq::recording_of(fid.array(s), angles.array(s), dwell.array(s).as_double());
    files_.write_folder(
        s.index(), io::in_output_dir(output_dir(), io::fill_pattern(*path, s.index())),
        [&](const std::filesystem::path& folder) {
          acq::write_bruker(folder, r.fids, r.angles, r.dwell, *spectrometer_frequency);
        });
  }

  void checkpoint(const raserflow::Progress&) override { files_.checkpoint(); }
  void finish() override { files_.publish(); }
  void abort() noexcept override { files_.discard(); }

 private:
  io::ItemFiles files_;
};
RASERFLOW_NODE(WriteBruker);

}  // namespace
