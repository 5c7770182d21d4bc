#pragma once
// What every recorded or live acquisition node shares, declared once: the parameters that bring
// FIDs to the pipeline's convention (conform.hpp) and the outputs of the fid contract
// (fid_contract.hpp). As members: `ConventionParams convention{this}; FidOutputs out{this};`.
#include <algorithm>
#include <complex>
#include <cstdint>
#include <string>
#include <vector>

#include "conform.hpp"
#include "raserflow/raserflow.hpp"

namespace raserflow::acquisition {

struct ConventionParams {
  explicit ConventionParams(Node* owner)
      : samples{owner,
                "samples",
                4096,
                {.doc = "complex samples kept per projection, the first ones (the experiment's "
                        "32,768 are cut to 4,096, science.md §2.3)",
                 .min = 1}},
        dwell{owner,
              "dwell",
              0.5e-3,
              {.doc = "sampling interval after decimation; must equal the recording's dwell x "
                      "decimate",
               .unit = "s",
               .min = 1e-12}},
        decimate{owner,
                 "decimate",
                 1,
                 {.doc = "recorded samples per kept sample (averaged: a boxcar low-pass)",
                  .min = 1,
                  .max = 1000000}},
        frequency_shift{owner,
                        "frequency_shift",
                        0.0,
                        {.doc = "added to every frequency, so the recorded band lands where the "
                                "processing expects it (the demo's carrier is at f_s/4 = 500 Hz; "
                                "a band at the spectrometer's own offset near 0 would fold under "
                                "fft.spectrum's combine: real_sum)",
                         .unit = "Hz"}},
        angles{owner,
               "angles",
               std::vector<double>{},
               {.doc = "gradient directions for recordings without them; empty: 180 p / P (as "
                       "radon.project)",
                .unit = "degree"}} {}

  Convention convention() const {
    return {static_cast<std::size_t>(*samples), *dwell, static_cast<std::size_t>(*decimate),
            *frequency_shift, *angles};
  }

  Param<std::int64_t> samples;
  Param<double> dwell;
  Param<std::int64_t> decimate;
  Param<double> frequency_shift;
  Param<std::vector<double>> angles;
};

// The fid contract's outputs: `fid` [P x T] complex, `angles` [P] degrees, `dwell` s, and the
// recording each item came from.
struct FidOutputs {
  explicit FidOutputs(Node* owner)
      : fid{owner, "fid", {.doc = "[P x T] recorded FIDs"}},
        angles{owner, "angles", {.doc = "[P] degrees"}},
        dwell{owner, "dwell", {.doc = "sampling interval, s"}},
        recording{owner, "recording", {.doc = "the file (and image) each item was read from"}} {}

  // One image already brought to the convention (conform()).
  void put(Item& item, const Recording& image) const {
    const auto P = static_cast<std::int64_t>(image.fids.size());
    const auto T = P > 0 ? static_cast<std::int64_t>(image.fids[0].size()) : 0;
    auto a = Array::zeros<std::complex<double>>({P, T});
    auto v = a.mutable_values<std::complex<double>>();
    for (std::int64_t p = 0; p < P; ++p)
      std::copy(image.fids[p].begin(), image.fids[p].end(), v.begin() + p * T);
    fid.put(item, std::move(a));
    angles.put(item, Array::from<double>({P}, image.angles));
    dwell.put(item, Array::scalar(image.dwell));
    recording.put(item, image.source);
  }

  Writes<std::complex<double>, 2> fid;
  Writes<double, 1> angles;
  Writes<double, 0> dwell;
  WritesText recording;
};

}  // namespace raserflow::acquisition
