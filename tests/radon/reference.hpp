#pragma once
// Reads tests/radon/reference/skimage_radon_iradon.bin, written by make_reference.py.
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace radon_test {

struct RefArray {
  std::vector<std::int64_t> shape;
  std::vector<double> values;
};

inline const std::map<std::string, RefArray>& skimage_reference() {
  static const std::map<std::string, RefArray> arrays = [] {
    const std::string path =
        std::string(TEST_SOURCE_DIR) + "/radon/reference/skimage_radon_iradon.bin";
    std::ifstream in(path, std::ios::binary);
    if (!in)
      throw std::runtime_error("cannot open " + path + "; run tests/radon/make_reference.py");
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
    std::size_t at = 0;
    auto take = [&](void* dst, std::size_t n) {
      if (at + n > bytes.size()) throw std::runtime_error(path + " is truncated");
      std::memcpy(dst, bytes.data() + at, n);
      at += n;
    };
    std::map<std::string, RefArray> out;
    while (at < bytes.size()) {
      std::uint32_t name_length = 0, rank = 0;
      take(&name_length, 4);
      std::string name(name_length, '\0');
      take(name.data(), name_length);
      take(&rank, 4);
      RefArray a;
      a.shape.resize(rank);
      take(a.shape.data(), 8 * std::size_t{rank});
      std::size_t count = 1;
      for (auto d : a.shape) count *= static_cast<std::size_t>(d);
      a.values.resize(count);
      take(a.values.data(), 8 * count);
      out.emplace(std::move(name), std::move(a));
    }
    return out;
  }();
  return arrays;
}

inline const RefArray& reference(const std::string& name) {
  const auto& all = skimage_reference();
  const auto it = all.find(name);
  if (it == all.end()) throw std::runtime_error("no array '" + name + "' in the skimage reference");
  return it->second;
}

}  // namespace radon_test
