#include "dataset_samples.hpp"

#include <algorithm>
#include <complex>
#include <cstring>
#include <map>
#include <optional>
#include <random>

#include "dataset_stats.hpp"
#include "draw.hpp"
#include "figure.hpp"
#include "line_plot.hpp"
#include "raserflow/error.hpp"

namespace raserflow::io {

namespace {

// Pixels: a 44 x 44 image at scale 4 is 176 wide, and the plots match its figure's height.
constexpr int image_pixels = 176;
constexpr int plot_width = 380;
constexpr int plot_height = 240;
constexpr int label_width = 150;
constexpr int title_height = 34;

std::int64_t rows_of(const Hdf5Reader& r) {
  return r.has_dataset("item_index") ? r.dims("item_index").at(0) : 0;
}

// A dataset written as rows of a raserflow dtype whose items have rank in [low, high].
std::optional<Column> drawable(const Hdf5Reader& r, const std::string& name, std::size_t low,
                               std::size_t high) {
  if (!r.has_dataset(name)) return std::nullopt;
  try {
    auto c = r.column(name);
    if (c.shape.size() < low || c.shape.size() > high) return std::nullopt;
    return c;
  } catch (const Error&) {
    return std::nullopt;
  }
}

// One row of a field as doubles (|z| for complex values).
std::vector<double> read_row(const Hdf5Reader& r, const Column& c, std::int64_t row) {
  const auto n = static_cast<std::size_t>(Array::element_count(c.shape));
  std::vector<char> bytes(n * dtype_size(c.dtype));
  r.read_rows(c, row, 1, bytes.data());
  std::vector<double> out(n);
  visit_dtype(c.dtype, [&](auto zero) {
    using T = decltype(zero);
    for (std::size_t k = 0; k < n; ++k) {
      T v;
      std::memcpy(&v, bytes.data() + k * sizeof(T), sizeof(T));
      if constexpr (requires { v.imag(); })
        out[k] = static_cast<double>(std::abs(v));
      else
        out[k] = static_cast<double>(v);
    }
  });
  return out;
}

// Row `projection` of an item [P x S] (or the whole item [S]); a field with fewer rows than
// the projection drawn wraps around.
std::vector<double> projection_row(const Hdf5Reader& r, const Column& c, std::int64_t row,
                                   std::int64_t projection) {
  auto values = read_row(r, c, row);
  if (c.shape.size() == 1) return values;
  const auto width = static_cast<std::size_t>(c.shape[1]);
  const auto p = static_cast<std::size_t>(projection % c.shape[0]);
  return {values.begin() + static_cast<std::ptrdiff_t>(p * width),
          values.begin() + static_cast<std::ptrdiff_t>((p + 1) * width)};
}

cv::Mat pad(const cv::Mat& m, int width, int height) {
  cv::Mat out(std::max(height, m.rows), std::max(width, m.cols), CV_8UC3, white);
  m.copyTo(out(cv::Rect(0, 0, m.cols, m.rows)));
  return out;
}

cv::Mat plot(const std::string& field, const std::vector<double>& y, const Sample& s,
             bool per_projection) {
  PlotStyle style;
  style.size = {plot_width, plot_height};
  style.title = per_projection ? field + ", projection " + std::to_string(s.projection) : field;
  style.x_label = "bin";
  return draw_line_plot({{field, y}}, style);
}

}  // namespace

std::vector<Sample> pick_samples(const Hdf5Reader& r, std::uint64_t seed) {
  const auto rows = rows_of(r);
  if (rows == 0) throw Error(r.path().string() + " holds no rows to draw");
  const auto spectra = drawable(r, "spectra", 1, 2), targets = drawable(r, "targets", 1, 2);
  if (!drawable(r, "image", 2, 2) && !spectra && !targets)
    throw Error(r.path().string() +
                " has none of the fields the sample figure shows: image [rows x cols], spectra "
                "[P x S] and targets [P x M]");
  std::mt19937_64 gen(seed);
  const auto uniform = [&](std::int64_t n) {
    return std::uniform_int_distribution<std::int64_t>(0, n - 1)(gen);
  };
  std::vector<Sample> out;
  const auto label = drawable(r, "class", 0, 0);
  if (label && countable(*label)) {
    // Reservoir sampling: after the k-th row of a class, each of its rows is chosen with
    // probability 1/k, in one pass however many rows there are.
    std::map<std::int64_t, std::pair<std::int64_t, std::int64_t>> chosen;  // seen, row
    std::int64_t row = 0;
    const auto size = dtype_size(label->dtype);
    for_each_block(r, *label, rows, [&](const char* data, std::int64_t n) {
      for (std::int64_t k = 0; k < n; ++k, ++row) {
        std::int64_t value = 0;
        visit_dtype(label->dtype, [&](auto zero) {
          using T = decltype(zero);
          if constexpr (std::is_integral_v<T>) {
            T v;
            std::memcpy(&v, data + static_cast<std::size_t>(k) * size, sizeof v);
            value = static_cast<std::int64_t>(v);
          }
        });
        auto& [seen, pick] = chosen[value];
        if (uniform(++seen) == 0) pick = row;
      }
    });
    for (const auto& [value, pick] : chosen)
      out.push_back({"class " + std::to_string(value), pick.second, 0, 0});
  } else {
    out.push_back({"all items", uniform(rows), 0, 0});
  }
  const auto& per_projection = spectra && spectra->shape.size() == 2   ? spectra
                               : targets && targets->shape.size() == 2 ? targets
                                                                       : std::nullopt;
  const Column index{"item_index", DType::int64, {}};
  for (auto& s : out) {
    s.projection = per_projection ? uniform(per_projection->shape[0]) : 0;
    r.read_rows(index, s.row, 1, &s.item);
  }
  return out;
}

cv::Mat draw_samples(const Hdf5Reader& r, const std::vector<Sample>& samples, std::uint64_t seed) {
  const auto image = drawable(r, "image", 2, 2);
  const auto spectra = drawable(r, "spectra", 1, 2), targets = drawable(r, "targets", 1, 2);
  const bool per_projection =
      (spectra && spectra->shape.size() == 2) || (targets && targets->shape.size() == 2);
  std::vector<cv::Mat> rows;
  for (const auto& s : samples) {
    std::vector<cv::Mat> parts;
    if (image) {
      const auto values = read_row(r, *image, s.row);
      cv::Mat m(static_cast<int>(image->shape[0]), static_cast<int>(image->shape[1]), CV_64F);
      std::copy(values.begin(), values.end(), m.ptr<double>());
      FigureStyle style;
      style.scale = static_cast<int>(
          std::max<std::int64_t>(1, image_pixels / std::max(image->shape[0], image->shape[1])));
      parts.push_back(draw_figure({{"image", "image", m}}, style));
    }
    if (spectra)
      parts.push_back(plot("spectra", projection_row(r, *spectra, s.row, s.projection), s,
                           spectra->shape.size() == 2));
    if (targets)
      parts.push_back(plot("targets", projection_row(r, *targets, s.row, s.projection), s,
                           targets->shape.size() == 2));
    int height = 0;
    for (const auto& p : parts) height = std::max(height, p.rows);
    cv::Mat label(height, label_width, CV_8UC3, white);
    put_text(label, s.label, {12, 40}, 0.6, Align::start, Align::centre);
    put_text(label, "item " + std::to_string(s.item), {12, 68}, 0.5, Align::start, Align::centre);
    if (per_projection)
      put_text(label, "projection " + std::to_string(s.projection), {12, 92}, 0.5, Align::start,
               Align::centre);
    cv::Mat row = label;
    for (const auto& p : parts) cv::hconcat(row, pad(p, p.cols, height), row);
    rows.push_back(row);
  }
  int width = 0;
  for (const auto& row : rows) width = std::max(width, row.cols);
  cv::Mat grid(title_height, width, CV_8UC3, white);
  put_text(
      grid,
      r.path().filename().string() + ": a random item per row (seed " + std::to_string(seed) + ")",
      {12, title_height / 2}, 0.6, Align::start, Align::centre);
  for (const auto& row : rows) cv::vconcat(grid, pad(row, width, row.rows), grid);
  return grid;
}

}  // namespace raserflow::io
