#pragma once
// Small synthetic training sets in io.hdf5's layout for the dl tests: spectra whose targets are
// a fixed function of them (means of 5-bin blocks), so a network can learn them.
#include <cmath>
#include <filesystem>
#include <random>

#include "hdf5_appender.hpp"
#include "spectrum_convention.hpp"

namespace dl_test {

inline std::string convention(std::int64_t roi = 40) {
  return raserflow::fft::convention_json(
      {4096, 5e-4, 20480, "zero", "complex", "minmax", roi, "frequency", 500.0});
}

// images x projections rows of `width` inputs and width/5 targets; epsilon in [2, 50].
inline void write_cnn_set(const std::filesystem::path& path, std::int64_t images,
                          std::int64_t projections = 10, std::int64_t width = 40,
                          bool with_convention = true) {
  raserflow::io::Hdf5Appender out(path);
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(0, 1);
  const auto m = width / 5;
  for (std::int64_t i = 0; i < images; ++i) {
    auto spectra = raserflow::Array::zeros<float>({projections, width});
    auto targets = raserflow::Array::zeros<float>({projections, m});
    auto eps = raserflow::Array::zeros<double>({projections});
    auto s = spectra.mutable_values<float>();
    auto t = targets.mutable_values<float>();
    for (std::int64_t p = 0; p < projections; ++p) {
      const double centre = u(rng) * static_cast<double>(width), spread = 2 + 6 * u(rng);
      for (std::int64_t k = 0; k < width; ++k)
        s[static_cast<std::size_t>(p * width + k)] =
            static_cast<float>(std::exp(-std::pow((static_cast<double>(k) - centre) / spread, 2)));
      for (std::int64_t k = 0; k < m; ++k) {
        double sum = 0;
        for (std::int64_t j = 0; j < 5; ++j)
          sum += s[static_cast<std::size_t>(p * width + 5 * k + j)];
        t[static_cast<std::size_t>(p * m + k)] = static_cast<float>(sum / 5);
      }
      eps.mutable_values<double>()[static_cast<std::size_t>(p)] = 2 + 48 * u(rng);
    }
    out.append(i, {{"spectra", spectra}, {"targets", targets}, {"epsilon", eps}});
  }
  if (with_convention) out.set_attribute("constant_spectrum_convention", convention(width));
  out.set_attribute("seed", std::int64_t{99});
  out.close();
}

}  // namespace dl_test
