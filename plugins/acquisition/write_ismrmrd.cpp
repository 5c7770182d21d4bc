// io.ismrmrd: acquisitions (simulated, recorded or live) as an ISMRMRD file that
// acquisition.replay, libismrmrd tools and Gadgetron-style readers take back.
#include "ismrmrd_file.hpp"
#include "item_recording.hpp"
#include "physical_constants.hpp"
#include "raserflow/raserflow.hpp"

namespace {

using raserflow::Param;
namespace acq = raserflow::acquisition;

struct WriteIsmrmrd final : raserflow::Node {
  static constexpr auto type = "io.ismrmrd";
  static constexpr auto doc =
      "writes every item's fid, angles and dwell to one ISMRMRD (MRD) HDF5 file: one readout per "
      "projection (complex64: values rounded to float32), the image index in user_int[0], the "
      "angle in user_float[0] and the read direction, an XML header in scaled units "
      "(formats.md §1.4); the file appears under its name when the run ends well or is stopped";
  static constexpr auto execution = raserflow::Execution::ordered;
  static constexpr bool resumable = false;  // one file, written as the items come

  Param<std::string> path{this,
                          "path",
                          "acquisition.h5",
                          {.doc = "output file, relative to the run's output folder",
                           .path = raserflow::PathKind::output}};
  Param<double> gradient{this,
                         "gradient",
                         26e-6,
                         {.doc = "readout gradient, recorded in the header and user_float[1]",
                          .unit = "T/m",
                          .min = 0}};
  Param<double> larmor_frequency{
      this,
      "larmor_frequency",
      60e6,
      {.doc = "1H resonance frequency of the magnet", .unit = "Hz", .min = 1}};

  raserflow::Reads<std::complex<double>, 2> fid{this, "fid", {.doc = "[P x T] FIDs"}};
  raserflow::Reads<double, 1> angles{this, "angles", {.doc = "[P] degrees"}};
  raserflow::Reads<double, 0> dwell{this, "dwell", {.doc = "sampling interval, s"}};

  void start() override {
    writer_ = std::make_unique<acq::IsmrmrdWriter>(
        *path,
        acq::IsmrmrdWriterSettings{.gradient = *gradient, .larmor_frequency = *larmor_frequency});
  }

  void process(raserflow::Item& s) override {
    const auto image = acq::recording_of(fid.array(s), angles.array(s), dwell.array(s).as_double());
    try {
      writer_->append(image, s.index());
    } catch (const std::invalid_argument& e) {
      throw raserflow::Error(std::string("io.ismrmrd: ") + e.what());
    }
  }

  void finish() override {
    if (writer_) writer_->close();
  }
  void abort() noexcept override { writer_.reset(); }  // removes the partial file

 private:
  std::unique_ptr<acq::IsmrmrdWriter> writer_;
};
RASERFLOW_NODE(WriteIsmrmrd);

}  // namespace
