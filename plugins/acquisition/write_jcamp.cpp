// io.jcamp: each item's acquisition as a JCAMP-DX LINK file of NMR FID blocks with their
// angles (formats.md §2), which acquisition.replay and other JCAMP readers take back.
#include "jcamp.hpp"
#include "recording_writer.hpp"

namespace {

namespace acq = raserflow::acquisition;

struct WriteJcamp final : acq::RecordingWriter {
  static constexpr auto type = "io.jcamp";
  static constexpr auto doc =
      "writes each item's fid, angles and dwell as a JCAMP-DX 5.01 LINK file of NMR FID blocks "
      "(AFFN, %.9g; one block per projection with ##$RASERFLOW ANGLE DEG=); files appear when "
      "the run ends well or is stopped";

  raserflow::Param<double> spectrometer_frequency{
      this,
      "spectrometer_frequency",
      60.0,
      {.doc = "##.OBSERVE FREQUENCY", .unit = "MHz", .min = 1e-6}};

  WriteJcamp() : RecordingWriter("jcamp/acquisition_{item}.dx", "file") {}

 protected:
  void write(std::int64_t item, const std::filesystem::path& final_path,
             const acq::Recording& r) override {
    const auto text = acq::jcamp_text(r.fids, r.angles, r.dwell, *spectrometer_frequency);
    files_.write(item, final_path,
                 {reinterpret_cast<const unsigned char*>(text.data()), text.size()});
  }
};
RASERFLOW_NODE(WriteJcamp);

}  // namespace
