// io.jcamp: each item's acquisition as a JCAMP-DX LINK file of NMR FID blocks with their
// angles (formats.md §2), which acquisition.replay and other JCAMP readers take back.
#include <fstream>
#include <iterator>

#include "item_files.hpp"
#include "item_path.hpp"
#include "item_recording.hpp"
#include "jcamp.hpp"
#include "raserflow/raserflow.hpp"

namespace {

using raserflow::Param;
namespace acq = raserflow::acquisition;
namespace io = raserflow::io;

struct WriteJcamp final : raserflow::Node {
  static constexpr auto type = "io.jcamp";
  static constexpr auto doc =
      "writes each item's fid, angles and dwell as a JCAMP-DX 5.01 LINK file of NMR FID blocks "
      "(AFFN, %.9g; one block per projection with ##$RASERFLOW ANGLE DEG=); files appear when "
      "the run ends well or is stopped";
  static constexpr auto execution = raserflow::Execution::ordered;
  static constexpr bool resumable = true;

  Param<std::string> path{this,
                          "path",
                          "jcamp/acquisition_{item}.dx",
                          {.doc = "output file pattern, relative to the run's output folder; "
                                  "{item} becomes the zero-padded item index",
                           .path = raserflow::PathKind::output}};
  Param<double> spectrometer_frequency{this,
                                       "spectrometer_frequency",
                                       60.0,
                                       {.doc = "##.OBSERVE FREQUENCY", .unit = "MHz", .min = 1e-6}};

  raserflow::Reads<std::complex<double>, 2> fid{this, "fid", {.doc = "[P x T] FIDs"}};
  raserflow::Reads<double, 1> angles{this, "angles", {.doc = "[P] degrees"}};
  raserflow::Reads<double, 0> dwell{this, "dwell", {.doc = "sampling interval, s"}};

  void configure() override { io::check_pattern("path", *path, {"item"}); }
  void start() override { files_.start(checkpoint_dir(), output_dir(), resumed().next_index); }

  void process(raserflow::Item& s) override {
    const auto r = acq::recording_of(fid.array(s), angles.array(s), dwell.array(s).as_double());
    const auto final_path = io::in_output_dir(output_dir(), io::fill_pattern(*path, s.index()));
    // The writer renames its file into place; stage it in the checkpoint folder's scratch.
    const auto scratch = checkpoint_dir() / ("jcamp-" + std::to_string(s.index()) + ".dx");
    acq::write_jcamp(scratch, r.fids, r.angles, r.dwell, *spectrometer_frequency);
    std::ifstream in(scratch, std::ios::binary);
    const std::vector<unsigned char> bytes{std::istreambuf_iterator<char>(in), {}};
    in.close();
    std::filesystem::remove(scratch);
    files_.write(s.index(), final_path, bytes);
  }

  void checkpoint(const raserflow::Progress&) override { files_.checkpoint(); }
  void finish() override { files_.publish(); }
  void abort() noexcept override { files_.discard(); }

 private:
  io::ItemFiles files_;
};
RASERFLOW_NODE(WriteJcamp);

}  // namespace
