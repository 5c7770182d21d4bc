// io.bruker: each item's acquisition as a Bruker TopSpin pseudo-2D experiment folder (ser,
// acqus, acqu2s, raserflow_angles; float64, formats.md §3.3), which acquisition.replay and
// Bruker readers take back bit for bit.
#include "bruker.hpp"
#include "recording_writer.hpp"

namespace {

namespace acq = raserflow::acquisition;

struct WriteBruker final : acq::RecordingWriter {
  static constexpr auto type = "io.bruker";
  static constexpr auto doc =
      "writes each item's fid, angles and dwell as a Bruker experiment folder: a pseudo-2D ser "
      "of float64 rows (fid when P = 1), acqus / acqu2s, raserflow_angles; folders appear when "
      "the run ends well or is stopped";

  raserflow::Param<double> spectrometer_frequency{
      this, "spectrometer_frequency", 60.0, {.doc = "BF1 and SFO1", .unit = "MHz", .min = 1e-6}};

  WriteBruker() : RecordingWriter("bruker/{item}", "folder") {}

 protected:
  void write(std::int64_t item, const std::filesystem::path& final_path,
             const acq::Recording& r) override {
    files_.write_folder(item, final_path, [&](const std::filesystem::path& folder) {
      acq::write_bruker(folder, r.fids, r.angles, r.dwell, *spectrometer_frequency);
    });
  }
};
RASERFLOW_NODE(WriteBruker);

}  // namespace
