#include "item_recording.hpp"

#include "fid_contract.hpp"

namespace raserflow::acquisition {

Recording recording_of(const Array& fid, const Array& angles, double dwell) {
  const auto shape = check_fid_contract(fid, angles, dwell);
  Recording r;
  r.dwell = dwell;
  const auto values = fid.values<std::complex<double>>();
  for (std::int64_t p = 0; p < shape.projections; ++p) {
    const auto start = values.begin() + p * shape.samples;
    r.fids.emplace_back(start, start + shape.samples);
  }
  const auto a = angles.values<double>();
  r.angles.assign(a.begin(), a.end());
  return r;
}

}  // namespace raserflow::acquisition
