// acquisition.replay: recorded FIDs (ISMRMRD, JCAMP-DX, Bruker, Spinsolve) in place of the
// simulated acquisition, one item per recorded image, brought to the pipeline's convention.
#include "conform.hpp"
#include "convention_params.hpp"
#include "fid_contract.hpp"
#include "raserflow/raserflow.hpp"

namespace {

using raserflow::Array;
using raserflow::Param;
using raserflow::ParamError;
namespace acq = raserflow::acquisition;

struct Replay final : raserflow::Node {
  static constexpr auto type = "acquisition.replay";
  static constexpr auto doc =
      "recorded projections as the acquisition: ISMRMRD (.h5), JCAMP-DX (.dx, LINK files of "
      "several FIDs), Bruker (fid / ser folders) or Spinsolve (data.1d / data.2d folders); one "
      "item per recorded image, as many items as the recording holds; decimated, cut to the "
      "first `samples` and frequency-shifted to the pipeline's convention. " RASERFLOW_FID_CONTRACT;
  static constexpr auto execution = raserflow::Execution::ordered;

  Param<std::string> path{this,
                          "path",
                          raserflow::required,
                          {.doc = "the recording: a file (ISMRMRD, JCAMP-DX) or a folder (Bruker, "
                                  "Spinsolve)",
                           .path = raserflow::PathKind::input}};
  Param<std::string> format{this,
                            "format",
                            "auto",
                            {.doc = "auto: from the extension or the folder's files",
                             .choices = {"auto", "ismrmrd", "jcamp", "bruker", "spinsolve"}}};
  acq::ConventionParams convention{this};  // samples, dwell, decimate, frequency_shift, angles
  acq::FidOutputs out{this};               // fid, angles, dwell, recording

  void configure() override {
    if (path->empty()) return;  // describe / schema: nothing to read
    try {
      images_ = acq::read_recording(*path, *format);
    } catch (const acq::FormatError& e) {
      throw ParamError("path", e.what());
    }
    // Brought to the convention here, so a recording that does not fit it is refused before
    // the run starts (and only the kept samples stay in memory).
    for (auto& image : images_) {
      try {
        image = acq::conform(image, convention.convention());
      } catch (const acq::FormatError& e) {
        throw ParamError("path", e.what());
      }
    }
  }

  std::optional<std::int64_t> item_count() const override {
    return static_cast<std::int64_t>(images_.size());
  }

  void process(raserflow::Item& item) override {
    const auto index = static_cast<std::size_t>(item.index());
    if (index >= images_.size())
      throw raserflow::Error("item " + std::to_string(index) + ": the recording holds " +
                             std::to_string(images_.size()) + " images");
    out.put(item, images_[index]);  // conformed in configure()
  }

 private:
  std::vector<acq::Recording> images_;
};
RASERFLOW_NODE(Replay);

}  // namespace
