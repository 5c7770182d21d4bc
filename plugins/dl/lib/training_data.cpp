#include "training_data.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>
#include <numeric>

#include "hdf5_reader.hpp"
#include "raserflow/error.hpp"

namespace raserflow::dl {

std::int64_t TrainingData::row_size(bool target) const {
  const auto& s = target ? target_shape : input_shape;
  return std::accumulate(s.begin(), s.end(), std::int64_t{1}, std::multiplies<>());
}

namespace {

// Rows [0, n) of a real field as float32, in blocks so a float64 field is never held twice.
std::vector<float> read_floats(const io::Hdf5Reader& r, const io::Column& c, std::int64_t n) {
  std::int64_t per_row = 1;
  for (auto d : c.shape) per_row *= d;
  std::vector<float> out(static_cast<std::size_t>(n * per_row));
  if (c.dtype == DType::float32) {
    r.read_rows(c, 0, n, out.data());
    return out;
  }
  if (c.dtype != DType::float64)
    throw Error(r.path().string() + ": field '" + c.name + "' is " +
                std::string(dtype_name(c.dtype)) + "; a network reads real numbers");
  const std::int64_t block = std::max<std::int64_t>(1, (std::int64_t{1} << 20) / per_row);
  std::vector<double> buffer;
  for (std::int64_t first = 0; first < n; first += block) {
    const auto count = std::min(block, n - first);
    buffer.resize(static_cast<std::size_t>(count * per_row));
    r.read_rows(c, first, count, buffer.data());
    std::transform(buffer.begin(), buffer.end(), out.begin() + first * per_row,
                   [](double v) { return static_cast<float>(v); });
  }
  return out;
}

void hash_into(std::uint64_t& h, const std::vector<float>& v) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(v.data());
  for (std::size_t i = 0; i < v.size() * sizeof(float); ++i) {
    h ^= bytes[i];
    h *= 0x100000001b3ULL;
  }
}

}  // namespace

TrainingData read_training_data(const std::filesystem::path& path, const std::string& input,
                                const std::string& target, bool per_projection,
                                std::int64_t max_images) {
  const io::Hdf5Reader r(path);
  for (const auto& name : {input, target})
    if (!r.has_dataset(name))
      throw Error(path.string() + " has no field '" + name + "' (it holds: " + [&] {
        std::string s;
        for (const auto& d : r.datasets()) s += (s.empty() ? "" : ", ") + d;
        return s;
      }() + ")");
  const auto in = r.column(input), out = r.column(target);
  const auto n_file = r.dims(input).at(0);
  if (r.dims(target).at(0) != n_file)
    throw Error(path.string() + ": '" + input + "' and '" + target +
                "' hold different numbers of items");
  const auto n = max_images > 0 ? std::min(max_images, n_file) : n_file;
  if (n < 2)
    throw Error(path.string() + " holds " + std::to_string(n) +
                " items; training needs at least 2");
  TrainingData d;
  d.images = n;
  if (per_projection) {
    if (in.shape.size() != 2 || out.shape.size() != 2 || in.shape[0] != out.shape[0])
      throw Error(path.string() + ": '" + input + "' and '" + target +
                  "' must be [items x projections x values] with the same projections");
    d.rows_per_image = in.shape[0];
    d.input_shape = {in.shape[1]};
    d.target_shape = {out.shape[1]};
  } else {
    if (in.shape.size() != 2 || out.shape.size() != 2)
      throw Error(path.string() + ": '" + input + "' and '" + target +
                  "' must be images [items x H x W]");
    d.input_shape = in.shape;
    d.target_shape = out.shape;
  }
  d.rows = n * d.rows_per_image;
  d.inputs = read_floats(r, in, n);
  d.targets = read_floats(r, out, n);
  for (const auto* v : {&d.inputs, &d.targets})
    for (std::size_t i = 0; i < v->size(); ++i)
      if (!std::isfinite((*v)[i]))
        throw Error(path.string() + ": a non-finite value in row " +
                    std::to_string(i / static_cast<std::size_t>(
                                           v == &d.inputs ? d.row_size(false) : d.row_size(true))));
  std::uint64_t h = 0xcbf29ce484222325ULL;
  hash_into(h, d.inputs);
  hash_into(h, d.targets);
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  d.content_hash = hex;
  if (r.has_attribute("constant_spectrum_convention"))
    d.convention = r.strings("constant_spectrum_convention").at(0);
  if (r.has_attribute("seed")) d.seed = std::to_string(r.int64("seed"));
  for (const char* eps : {"epsilon", "epsilon_image"}) {
    if (!r.has_dataset(eps)) continue;
    const auto c = r.column(eps);
    const auto v = read_floats(r, c, n);
    const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
    d.epsilon_low = *lo;
    d.epsilon_high = *hi;
    break;
  }
  return d;
}

}  // namespace raserflow::dl
