#include "fftw_plans.hpp"

#include <climits>
#include <string>

#include "fftw_planner.hpp"
#include "raserflow/error.hpp"

namespace raserflow::fft {

ComplexBuffer complex_buffer(std::int64_t n) {
  auto* p = static_cast<std::complex<double>*>(
      fftw_malloc(sizeof(std::complex<double>) * static_cast<std::size_t>(n)));
  if (!p) throw Error("out of memory for an FFT buffer of " + std::to_string(n) + " points");
  return ComplexBuffer(p);
}

ForwardPlans::ForwardPlans() {
  fftw::make_planner_thread_safe();
}

ForwardPlans::~ForwardPlans() {
  for (auto& [n, plan] : plans_) fftw_destroy_plan(plan);
}

fftw_plan ForwardPlans::plan_for(std::int64_t n) {
  if (n < 1 || n > INT_MAX)
    throw Error("FFT length " + std::to_string(n) + " is outside FFTW's range [1, " +
                std::to_string(INT_MAX) + "]");
  std::lock_guard lock(mutex_);
  if (auto it = plans_.find(n); it != plans_.end()) return it->second;
  // Planned on fftw_malloc buffers like the ones it will run on; ESTIMATE leaves them untouched.
  auto in = complex_buffer(n), out = complex_buffer(n);
  fftw_plan plan =
      fftw_plan_dft_1d(static_cast<int>(n), reinterpret_cast<fftw_complex*>(in.get()),
                       reinterpret_cast<fftw_complex*>(out.get()), FFTW_FORWARD, FFTW_ESTIMATE);
  if (!plan) throw Error("FFTW could not plan a transform of " + std::to_string(n) + " points");
  plans_.emplace(n, plan);
  return plan;
}

void ForwardPlans::execute(std::int64_t n, std::complex<double>* in, std::complex<double>* out) {
  fftw_execute_dft(plan_for(n), reinterpret_cast<fftw_complex*>(in),
                   reinterpret_cast<fftw_complex*>(out));
}

}  // namespace raserflow::fft
