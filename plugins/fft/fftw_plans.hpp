#pragma once
// FFTW plans shared by every thread of a parallel node.
#include <complex>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>

#include <fftw3.h>

namespace raserflow::fft {

// A buffer from fftw_malloc: every buffer then has the alignment its plan was made with,
// which fftw_execute_dft with new arrays requires.
struct FftwFree {
  void operator()(void* p) const { fftw_free(p); }
};
using ComplexBuffer = std::unique_ptr<std::complex<double>[], FftwFree>;
ComplexBuffer complex_buffer(std::int64_t n);

// Forward complex DFTs planned once per length with FFTW_ESTIMATE (deterministic plan choice,
// so results never depend on timing) and then executed concurrently: fftw_execute_dft on a
// shared plan is thread-safe, planning is serialised here and in FFTW.
class ForwardPlans {
 public:
  ForwardPlans();
  ~ForwardPlans();
  ForwardPlans(const ForwardPlans&) = delete;
  ForwardPlans& operator=(const ForwardPlans&) = delete;

  // out = DFT(in), unnormalised, e^{-i2πkn/n} (numpy's convention). Both buffers hold n values
  // and come from complex_buffer(); in and out must differ.
  void execute(std::int64_t n, std::complex<double>* in, std::complex<double>* out);

 private:
  fftw_plan plan_for(std::int64_t n);

  std::mutex mutex_;
  std::map<std::int64_t, fftw_plan> plans_;
};

}  // namespace raserflow::fft
