#include "fid_contract.hpp"

#include <cmath>
#include <complex>
#include <cstdio>
#include <string>

#include "raserflow/error.hpp"

namespace raserflow::acquisition {

FidShape check_fid_contract(const Array& fid, const Array& angles, double dwell,
                            std::string_view what) {
  const std::string name(what);
  if (fid.dtype() != DType::complex128 || fid.rank() != 2)
    throw Error("'" + name + "' is " + std::string(dtype_name(fid.dtype())) + " " +
                shape_string(fid.shape()) + "; expected complex128 [projections x samples]");
  const FidShape shape{fid.dim(0), fid.dim(1)};
  if (shape.projections < 1 || shape.samples < 1)
    throw Error("'" + name + "' has shape " + shape_string(fid.shape()) +
                "; it needs at least one projection and one sample");
  const auto values = fid.values<std::complex<double>>();
  for (std::size_t i = 0; i < values.size(); ++i)
    if (!std::isfinite(values[i].real()) || !std::isfinite(values[i].imag()))
      throw Error("'" + name + "' holds a non-finite value at projection " +
                  std::to_string(i / static_cast<std::size_t>(shape.samples)) + ", sample " +
                  std::to_string(i % static_cast<std::size_t>(shape.samples)));
  if (angles.dtype() != DType::float64 || angles.rank() != 1 || angles.dim(0) != shape.projections)
    throw Error("angles is " + std::string(dtype_name(angles.dtype())) + " " +
                shape_string(angles.shape()) + "; expected float64 [" +
                std::to_string(shape.projections) + "], one angle per row of '" + name + "'");
  for (double a : angles.values<double>())
    if (!std::isfinite(a)) throw Error("angles holds a non-finite angle");
  if (!(dwell > 0) || !std::isfinite(dwell)) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%g", dwell);
    throw Error(std::string("dwell is ") + buf +
                " s; it must be a positive, finite sampling interval");
  }
  return shape;
}

}  // namespace raserflow::acquisition
