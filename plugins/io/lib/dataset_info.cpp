#include "dataset_info.hpp"

#include <algorithm>
#include <cstdint>

#include "hdf5_reader.hpp"
#include "raserflow/error.hpp"

namespace raserflow::io {

namespace {

constexpr auto usage =
    "usage: raserflow dataset info FILE.h5\n"
    "\n"
    "Prints what an HDF5 file written by io.hdf5 holds: each dataset's name, dtype and shape,\n"
    "the rows held, the items done and requested, whether the run was complete, and the\n"
    "range of item_index.\n";

std::string shape_of(const std::vector<std::int64_t>& dims) {
  std::string s = "[";
  for (std::size_t i = 0; i < dims.size(); ++i) s += (i ? " x " : "") + std::to_string(dims[i]);
  return s + "]";
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

void print(const Hdf5Reader& r, std::ostream& out) {
  out << r.path().string() << "\n";
  for (const char* name : {"items_held", "items_done", "items_requested", "complete"})
    out << "  " << name << std::string(17 - std::string_view(name).size(), ' ') << count(r, name)
        << "\n";
  out << "  item_index       " << item_range(r) << "\n";
  const auto names = r.datasets();
  std::size_t width = 4;
  for (const auto& n : names) width = std::max(width, n.size());
  out << "\n  "
      << "name" << std::string(width - 4 + 2, ' ') << "dtype       shape\n";
  for (const auto& n : names) {
    const auto dtype = r.dtype(n);
    out << "  " << n << std::string(width - n.size() + 2, ' ') << dtype
        << std::string(dtype.size() < 12 ? 12 - dtype.size() : 1, ' ') << shape_of(r.dims(n))
        << "\n";
  }
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
  if (args.size() != 2 || (args[1].starts_with("-") && args[1] != "-")) {
    err << "raserflow dataset info: "
        << (args.size() < 2   ? std::string("name one HDF5 file")
            : args.size() > 2 ? std::string("takes one HDF5 file, got ") +
                                    std::to_string(args.size() - 1) + " arguments"
                              : "unknown option '" + args[1] + "'")
        << "\n"
        << usage;
    return 2;
  }
  try {
    const Hdf5Reader r(args[1]);
    print(r, out);
    return 0;
  } catch (const Error& e) {
    err << "raserflow dataset info: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace raserflow::io
