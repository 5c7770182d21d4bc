#pragma once
// A complex FFTW transform of one size that many threads may execute at once.
#include <complex>
#include <cstdint>
#include <span>

namespace raserflow::radon {

// Unnormalised in-place DFT of `size` points; sign -1 forward, +1 backward (FFTW's
// convention). Planned once with FFTW_ESTIMATE (deterministic, no timing runs) and
// FFTW_UNALIGNED, so execute() may run concurrently on any caller-owned buffer.
class ComplexDft {
 public:
  ComplexDft(std::int64_t size, int sign);
  ~ComplexDft();
  ComplexDft(const ComplexDft&) = delete;
  ComplexDft& operator=(const ComplexDft&) = delete;

  std::int64_t size() const { return size_; }
  void execute(std::span<std::complex<double>> data) const;

 private:
  std::int64_t size_;
  void* plan_;  // fftw_plan, kept out of this header so users need not include fftw3.h
};

}  // namespace raserflow::radon
