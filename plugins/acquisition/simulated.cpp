// acquisition.simulated: the receiver that turns simulated RASER signals into a `fid`.
#include <cmath>
#include <complex>
#include <limits>
#include <numbers>

#include "fid_contract.hpp"
#include "raserflow/raserflow.hpp"
#include "receiver.hpp"

namespace {

using raserflow::Array;
using raserflow::Param;
using raserflow::ParamError;
using Complex = std::complex<double>;
namespace acq = raserflow::acquisition;

struct Simulated final : raserflow::Node {
  static constexpr auto type = "acquisition.simulated";
  static constexpr auto doc =
      "simulated receiver: fid = signals * e^{i*phase} + complex Gaussian noise, the noise of each "
      "channel (re, im) N(0, sigma^2) with sigma = peak |signal| of that projection / snr, drawn "
      "from the item's random stream. " RASERFLOW_FID_CONTRACT;

  Param<double> snr{this,
                    "snr",
                    std::numeric_limits<double>::infinity(),
                    {.doc = "peak |signal| of each projection over the noise standard deviation "
                            "of each channel (re and im); .inf adds no noise; must be > 0",
                     .min = 0}};
  Param<double> phase{
      this,
      "phase",
      0.0,
      {.doc = "receiver phase: every sample is multiplied by e^{i*phase}", .unit = "degree"}};

  raserflow::Reads<Complex, 2> signals{
      this,
      "signals",
      {.doc = "[P x T] noiseless complex signal Σα at t_k = k·dwell (from raser.simulate)"}};
  raserflow::Reads<double, 1> angles{
      this, "angles", {.doc = "[P] gradient direction of each row, degrees"}};
  raserflow::Reads<double, 0> dwell{this, "dwell", {.doc = "sampling interval, s"}};
  raserflow::Writes<Complex, 2> fid{
      this, "fid", {.doc = "[P x T] received FIDs, the acquisition contract (see the node's doc)"}};

  void configure() override {
    if (!(*snr > 0)) throw ParamError("snr", "must be > 0 (use .inf for a noiseless receiver)");
    if (!std::isfinite(*phase)) throw ParamError("phase", "must be a finite angle in degrees");
  }

  void process(raserflow::Item& s) override {
    const Array& in = signals.array(s);
    const auto shape =
        acq::check_fid_contract(in, angles.array(s), dwell.values(s)[0], signals.name());
    if (*phase == 0 && std::isinf(*snr)) {
      fid.put(s, in);  // an ideal receiver: the same buffer, bit for bit, without a copy
      return;
    }
    auto out = Array::zeros<Complex>(in.shape());
    auto gen = rng(s);
    acq::receive(in.values<Complex>(), shape.samples,
                 {.phase = *phase * std::numbers::pi / 180.0, .snr = *snr}, gen,
                 out.mutable_values<Complex>());
    fid.put(s, std::move(out));
  }
};
RASERFLOW_NODE(Simulated);

}  // namespace
