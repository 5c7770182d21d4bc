#include "dataset_info.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <optional>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "dataset_samples.hpp"
#include "dataset_stats.hpp"
#include "hdf5_reader.hpp"
#include "raserflow/error.hpp"
#include "raserflow/output_file.hpp"

namespace raserflow::io {

namespace {

namespace fs = std::filesystem;

constexpr auto usage =
    "usage: raserflow dataset info FILE.h5 [--png [OUT.png]] [--seed N]\n"
    "\n"
    "Prints what an HDF5 file written by io.hdf5 holds: the rows held, the items done and\n"
    "requested, whether the run was complete, the range of item_index, the items dropped\n"
    "upstream (attribute dropped), the value counts of class-like fields (counts_<field>\n"
    "attributes, or an integer field named class), each dataset's name, dtype and shape, and\n"
    "min, max and mean of every numeric field (of |z| for complex ones). The file is read\n"
    "block by block, so memory stays flat however many items it holds.\n"
    "\n"
    "  --png [OUT.png]  also draw a random item per class (or one item when there is no class\n"
    "                   field): its image, one projection's spectrum and that projection's\n"
    "                   target; default <FILE>_samples.png beside the file\n"
    "  --seed N         which items and projections the figure shows (default 0)\n";

// How many dropped items are listed by index; the rest are counted.
constexpr std::int64_t dropped_shown = 10;

struct Options {
  fs::path file;
  std::optional<fs::path> png;
  std::uint64_t seed = 0;
};

std::string shape_of(const std::vector<std::int64_t>& dims) {
  std::string s = "[";
  for (std::size_t i = 0; i < dims.size(); ++i) s += (i ? " x " : "") + std::to_string(dims[i]);
  return s + "]";
}

std::string number(double v) {
  char s[32];
  std::snprintf(s, sizeof s, "%.6g", v);
  return s;
}

std::string padded(const std::string& s, std::size_t width) {
  return s + std::string(s.size() < width ? width - s.size() : 1, ' ');
}

std::string count(const Hdf5Reader& r, const std::string& name) {
  if (!r.has_attribute(name)) return "unknown (no attribute " + name + ")";
  const auto v = r.int64(name);
  if (name == "items_requested" && v < 0) return "open-ended";
  if (name == "complete") return v ? "yes" : "no, the run stopped early";
  return std::to_string(v);
}

std::string item_range(const Hdf5Reader& r) {
  if (!r.has_dataset("item_index")) return "none (no item_index dataset)";
  const auto dims = r.dims("item_index");
  if (dims.size() != 1 || r.dtype("item_index") != "int64") return "not an int64 list";
  if (dims[0] == 0) return "empty";
  const Column c{"item_index", DType::int64, {}};
  std::int64_t first = 0, last = 0;
  r.read_rows(c, 0, 1, &first);
  r.read_rows(c, dims[0] - 1, 1, &last);
  return std::to_string(first) + " .. " + std::to_string(last) + " (" + std::to_string(dims[0]) +
         " rows)";
}

// The count, then the first few indices: the list can be as long as the run.
std::string dropped(const Hdf5Reader& r) {
  if (!r.has_attribute("dropped")) return "unknown (no attribute dropped)";
  nlohmann::json list;
  try {
    const auto text = r.strings("dropped");
    list = nlohmann::json::parse(text.empty() ? std::string() : text.front(), nullptr, false);
  } catch (const Error&) {
  }
  if (!list.is_array() ||
      !std::all_of(list.begin(), list.end(), [](auto& v) { return v.is_number_integer(); }))
    return "not a JSON list of item indices";
  const auto n = static_cast<std::int64_t>(list.size());
  if (n == 0) return "none";
  std::string s = std::to_string(n) + ":";
  for (std::int64_t i = 0; i < std::min(n, dropped_shown); ++i)
    s += (i ? ", " : " ") + std::to_string(list[static_cast<std::size_t>(i)].get<std::int64_t>());
  if (n > dropped_shown) s += ", ... (" + std::to_string(n - dropped_shown) + " more)";
  return s;
}

// The column of a dataset holding rows of a raserflow dtype, or nothing (a foreign dataset).
std::optional<Column> column_of(const Hdf5Reader& r, const std::string& name) {
  try {
    return r.column(name);
  } catch (const Error&) {
    return std::nullopt;
  }
}

// counts_<field> attributes, and a class field that has none, counted now.
std::vector<std::pair<std::string, ValueCounts>> class_counts(const Hdf5Reader& r,
                                                              std::int64_t rows) {
  std::vector<std::pair<std::string, ValueCounts>> out;
  for (const auto& a : r.attributes())
    if (a.starts_with("counts_") && a.size() > 7) {
      try {
        const auto text = r.strings(a);
        out.emplace_back(a.substr(7), parse_counts(text.empty() ? std::string() : text.front()));
      } catch (const Error&) {
        // Another writer's attribute of that name: not counts this command can show.
      }
    }
  const bool listed =
      std::any_of(out.begin(), out.end(), [](auto& c) { return c.first == "class"; });
  if (!listed && r.has_dataset("class"))
    if (const auto c = column_of(r, "class"); c && countable(*c) && r.dims("class").at(0) == rows) {
      ValueCounts counts;
      count_values(r, *c, rows, counts);
      out.emplace_back("class", counts);
    }
  return out;
}

void print(const Hdf5Reader& r, std::ostream& out) {
  out << r.path().string() << "\n";
  for (const char* name : {"items_held", "items_done", "items_requested", "complete"})
    out << "  " << padded(name, 17) << count(r, name) << "\n";
  out << "  item_index       " << item_range(r) << "\n";
  out << "  dropped          " << dropped(r) << "\n";
  if (r.has_attribute("seed")) out << "  seed             " << r.int64("seed") << "\n";

  const auto names = r.datasets();
  std::size_t width = 4;
  for (const auto& n : names) width = std::max(width, n.size());
  out << "\n  " << padded("name", width + 2) << "dtype       shape\n";
  for (const auto& n : names)
    out << "  " << padded(n, width + 2) << padded(r.dtype(n), 12) << shape_of(r.dims(n)) << "\n";

  const auto rows = r.has_dataset("item_index") ? r.dims("item_index").at(0) : 0;
  if (const auto counts = class_counts(r, rows); !counts.empty()) {
    out << "\n";
    for (const auto& [field, values] : counts) {
      out << "  counts of " << field << ":";
      std::string sep = " ";
      for (const auto& [value, n] : values) {
        out << sep << value << ": " << n;
        sep = ", ";
      }
      out << (values.empty() ? " none" : "") << "\n";
    }
  }

  bool header = false;
  for (const auto& n : names) {
    if (n == "item_index") continue;
    const auto c = column_of(r, n);
    if (!c || r.dims(n).at(0) == 0) continue;
    if (!header) {
      out << "\n  " << padded("range", width + 2) << padded("min", 14) << padded("max", 14)
          << "mean\n";
      header = true;
    }
    const auto range = value_range(r, *c, r.dims(n).at(0));
    out << "  " << padded(n, width + 2);
    if (range.values == 0)
      out << "no finite values";
    else
      out << padded(number(range.min), 14) << padded(number(range.max), 14) << number(range.mean);
    const bool complex = c->dtype == DType::complex64 || c->dtype == DType::complex128;
    if (complex) out << "  (of |z|)";
    if (range.nonfinite > 0)
      out << "  (" << range.nonfinite << " non-finite value" << (range.nonfinite > 1 ? "s" : "")
          << " left out)";
    out << "\n";
  }
}

void write_png(const Hdf5Reader& r, const fs::path& path, std::uint64_t seed, std::ostream& out) {
  const auto samples = pick_samples(r, seed);
  const auto grid = draw_samples(r, samples, seed);
  std::vector<unsigned char> bytes;
  if (!cv::imencode(".png", grid, bytes)) throw Error("cannot encode " + path.string());
  OutputFile file(path);
  {
    std::ofstream f(file.temp_path(), std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
    f.close();
    if (!f) throw Error("cannot write " + file.temp_path().string());
  }
  file.commit();
  out << "\n  samples          " << path.string() << " (" << samples.size() << " row"
      << (samples.size() == 1 ? "" : "s") << ", seed " << seed << ")\n";
}

// Parses the arguments after `info`; an error message on bad usage.
std::optional<std::string> parse(const std::vector<std::string>& args, Options& o) {
  std::vector<std::string> files;
  bool png = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    if (a == "--png") {
      png = true;
      if (i + 1 < args.size() && args[i + 1].ends_with(".png") && !args[i + 1].starts_with("-"))
        o.png = args[++i];
    } else if (a.starts_with("--png=")) {
      png = true;
      o.png = a.substr(6);
      if (o.png->empty()) return "--png= names no file";
    } else if (a == "--seed" || a.starts_with("--seed=")) {
      const auto value = a == "--seed" ? (i + 1 < args.size() ? args[++i] : "") : a.substr(7);
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), o.seed);
      if (value.empty() || ec != std::errc() || end != value.data() + value.size())
        return "--seed takes a non-negative integer, got '" + value + "'";
    } else if (a.starts_with("-") && a != "-") {
      return "unknown option '" + a + "'";
    } else {
      files.push_back(a);
    }
  }
  if (files.empty()) return "name one HDF5 file";
  if (files.size() > 1)
    return "takes one HDF5 file, got " + std::to_string(files.size()) + " arguments";
  o.file = files.front();
  if (png && !o.png) o.png = o.file.parent_path() / (o.file.stem().string() + "_samples.png");
  return std::nullopt;
}

}  // namespace

int dataset_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    out << usage;
    return 0;
  }
  if (args.empty() || args[0] != "info") {
    err << "raserflow dataset: "
        << (args.empty() ? std::string("missing subcommand")
                         : "unknown subcommand '" + args[0] + "'")
        << "\n"
        << usage;
    return 2;
  }
  if (std::find(args.begin(), args.end(), "--help") != args.end() ||
      std::find(args.begin(), args.end(), "-h") != args.end()) {
    out << usage;
    return 0;
  }
  Options o;
  if (const auto problem = parse({args.begin() + 1, args.end()}, o)) {
    err << "raserflow dataset info: " << *problem << "\n" << usage;
    return 2;
  }
  try {
    const Hdf5Reader r(o.file);
    print(r, out);
    if (o.png) write_png(r, *o.png, o.seed, out);
    return 0;
  } catch (const Error& e) {
    err << "raserflow dataset info: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace raserflow::io
