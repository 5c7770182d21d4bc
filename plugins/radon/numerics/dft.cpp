#include "numerics/dft.hpp"

#include <fftw3.h>

#include <mutex>
#include <string>
#include <vector>

#include "fftw_planner.hpp"
#include "raserflow/error.hpp"

namespace raserflow::radon {
namespace {

// Also serialises this library's own planning, in case FFTW's lock is ever unavailable.
std::mutex& planner_mutex() {
  static std::mutex m;
  return m;
}

}  // namespace

ComplexDft::ComplexDft(std::int64_t size, int sign) : size_(size), plan_(nullptr) {
  if (size < 1 || size > (std::int64_t{1} << 30))
    throw Error("FFT size " + std::to_string(size) + " is out of range");
  fftw::make_planner_thread_safe();
  std::vector<std::complex<double>> scratch(static_cast<std::size_t>(size));
  auto* buffer = reinterpret_cast<fftw_complex*>(scratch.data());
  const std::lock_guard lock(planner_mutex());
  plan_ = fftw_plan_dft_1d(static_cast<int>(size), buffer, buffer,
                           sign < 0 ? FFTW_FORWARD : FFTW_BACKWARD, FFTW_ESTIMATE | FFTW_UNALIGNED);
  if (!plan_) throw Error("FFTW could not plan a transform of " + std::to_string(size) + " points");
}

ComplexDft::~ComplexDft() {
  const std::lock_guard lock(planner_mutex());
  fftw_destroy_plan(static_cast<fftw_plan>(plan_));
}

void ComplexDft::execute(std::span<std::complex<double>> data) const {
  if (static_cast<std::int64_t>(data.size()) != size_)
    throw Error("FFT buffer has " + std::to_string(data.size()) + " points, the plan " +
                std::to_string(size_));
  auto* buffer = reinterpret_cast<fftw_complex*>(data.data());
  fftw_execute_dft(static_cast<fftw_plan>(plan_), buffer, buffer);
}

}  // namespace raserflow::radon
