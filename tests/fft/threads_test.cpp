// fft.spectrum runs on many items at once: results from concurrent calls, with transform
// lengths planned for the first time while other threads plan or execute, must equal a
// single-threaded run bit for bit.
#include <gtest/gtest.h>

#include <complex>
#include <random>
#include <thread>
#include <vector>

#include "support/harness.hpp"

namespace rf = raserflow;
using rf::Array;
using Complex = std::complex<double>;

namespace {

rf::Item item(std::int64_t index) {
  // Lengths differ between items so several plans are made concurrently.
  const std::int64_t lengths[] = {4096, 3000, 2048, 1000};
  const std::int64_t p = 3, t = lengths[index % 4];
  auto fid = Array::zeros<Complex>({p, t});
  auto v = fid.mutable_values<Complex>();
  std::mt19937_64 gen(static_cast<std::uint64_t>(index));
  std::normal_distribution<double> normal;
  for (auto& x : v) x = {normal(gen), normal(gen)};
  auto modes = Array::zeros<double>({p, 67});
  auto m = modes.mutable_values<double>();
  for (std::size_t k = 0; k < m.size(); ++k) m[k] = 480.0 + 0.12227 * static_cast<double>(k % 67);
  return rf::test::item_with(
      index, {{"fid", fid}, {"dwell", Array::scalar(0.5e-3)}, {"mode_frequencies", modes}});
}

std::vector<std::vector<std::byte>> outputs(const rf::Item& s) {
  std::vector<std::vector<std::byte>> out;
  for (const char* name : {"spectra", "spectrum_peak", "spectrum_clamped", "raser_projections"}) {
    const auto b = s.array(name).bytes();
    out.emplace_back(b.begin(), b.end());
  }
  return out;
}

}  // namespace

TEST(SpectrumThreads, ConcurrentItemsEqualSerialBitForBit) {
  constexpr int items = 16;
  std::vector<std::vector<std::vector<std::byte>>> serial(items), parallel(items);
  {
    rf::test::NodeHarness node("fft.spectrum", {{"pad_with", "last_mean"}});
    for (int i = 0; i < items; ++i)
      serial[static_cast<std::size_t>(i)] = outputs(node.run(item(i)));
  }
  for (int round = 0; round < 2; ++round) {
    rf::test::NodeHarness node("fft.spectrum", {{"pad_with", "last_mean"}});  // plans made afresh
    std::vector<std::thread> threads;
    for (int i = 0; i < items; ++i)
      threads.emplace_back(
          [&, i] { parallel[static_cast<std::size_t>(i)] = outputs(node.run(item(i))); });
    for (auto& th : threads) th.join();
    for (int i = 0; i < items; ++i)
      EXPECT_EQ(parallel[static_cast<std::size_t>(i)], serial[static_cast<std::size_t>(i)])
          << "item " << i;
  }
}
