#include "hdf5_pieces.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <memory>
#include <system_error>

#include "hdf5_reader.hpp"
#include "raserflow/error.hpp"

namespace raserflow::io {

namespace {

namespace fs = std::filesystem;

std::string padded(std::int64_t v) {
  char s[32];
  std::snprintf(s, sizeof s, "%012lld", static_cast<long long>(v));
  return s;
}

// Reads a number at the front of `s` and drops it; false when there is none.
bool take_number(std::string_view& s, std::int64_t& v) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end == s.data() || v < 0) return false;
  s.remove_prefix(static_cast<std::size_t>(end - s.data()));
  return true;
}

struct Name {
  std::int64_t from = 0, to = 0;
  bool open = false;
};

std::optional<Name> parse(std::string_view s) {
  Name n;
  if (!s.starts_with("piece-")) return std::nullopt;
  s.remove_prefix(6);
  if (!take_number(s, n.from)) return std::nullopt;
  if (s == ".h5.tmp") {
    n.open = true;
    return n;
  }
  if (!s.starts_with("-")) return std::nullopt;
  s.remove_prefix(1);
  if (!take_number(s, n.to) || s != ".h5" || n.to < n.from) return std::nullopt;
  return n;
}

std::int64_t rows_of(const Hdf5Reader& r) {
  return r.has_dataset("item_index") ? r.dims("item_index").at(0) : 0;
}

std::string describe(const Column& c) {
  return std::string(dtype_name(c.dtype)) + " " + shape_string(c.shape);
}

std::vector<Column> columns_of(const Hdf5Reader& r, const std::vector<std::string>& fields,
                               std::int64_t rows) {
  std::vector<Column> out;
  for (const auto& f : fields) {
    if (!r.has_dataset(f))
      throw Error("checkpoint piece " + r.path().string() + " has no dataset '" + f + "'");
    if (r.dims(f).at(0) != rows)
      throw Error("checkpoint piece " + r.path().string() + ": dataset '" + f + "' has " +
                  std::to_string(r.dims(f).at(0)) + " rows but item_index " + std::to_string(rows));
    out.push_back(r.column(f));
  }
  return out;
}

struct Source {
  const Piece* piece;
  std::int64_t rows;
};

}  // namespace

std::int64_t block_rows(const std::vector<std::size_t>& row_bytes) {
  std::size_t total = 0;
  for (auto b : row_bytes) total += b;
  constexpr std::size_t budget = 8u << 20;
  std::int64_t g = 1;
  while (static_cast<std::size_t>(2 * g) * total <= budget) g *= 2;
  return g;
}

fs::path open_piece_path(const fs::path& dir, std::int64_t from) {
  return dir / ("piece-" + padded(from) + ".h5.tmp");
}

fs::path piece_path(const fs::path& dir, std::int64_t from, std::int64_t to) {
  return dir / ("piece-" + padded(from) + "-" + padded(to) + ".h5");
}

std::vector<Piece> restore_pieces(const fs::path& dir, std::int64_t items) {
  if (dir.empty()) throw Error("internal: the node was given no checkpoint folder");
  std::vector<Piece> pieces;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return pieces;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const auto name = parse(it->path().filename().string());
    if (!name) continue;
    if (name->open || name->to > items) {
      std::error_code rm;
      fs::remove(it->path(), rm);
      if (rm) throw Error("cannot remove " + it->path().string() + ": " + rm.message());
    } else {
      pieces.push_back({name->from, name->to, it->path()});
    }
  }
  if (ec) throw Error("cannot list " + dir.string() + ": " + ec.message());
  std::sort(pieces.begin(), pieces.end(), [](auto& a, auto& b) { return a.from < b.from; });
  for (std::size_t i = 1; i < pieces.size(); ++i)
    if (pieces[i].from < pieces[i - 1].to)
      throw Error("checkpoint pieces " + pieces[i - 1].path.string() + " and " +
                  pieces[i].path.string() + " overlap");
  return pieces;
}

std::optional<std::vector<Column>> piece_columns(const std::vector<Piece>& pieces,
                                                 const std::vector<std::string>& fields) {
  for (const auto& p : pieces) {
    Hdf5Reader r(p.path);
    if (const auto rows = rows_of(r); rows > 0) return columns_of(r, fields, rows);
  }
  return std::nullopt;
}

std::int64_t join_pieces(const std::vector<Piece>& pieces, const std::vector<std::string>& fields,
                         Hdf5Appender& out) {
  std::vector<Source> sources;
  std::optional<std::vector<Column>> layout;
  std::int64_t total = 0;
  for (const auto& p : pieces) {
    Hdf5Reader r(p.path);
    const auto rows = rows_of(r);
    if (rows == 0) continue;
    auto columns = columns_of(r, fields, rows);
    if (!layout) layout = columns;
    for (std::size_t f = 0; f < columns.size(); ++f)
      if (columns[f] != (*layout)[f])
        throw Error("checkpoint piece " + p.path.string() + " stores '" + fields[f] + "' as " +
                    describe(columns[f]) + " but earlier pieces as " + describe((*layout)[f]));
    sources.push_back({&p, rows});
    total += rows;
  }
  if (!layout) return 0;

  out.define(*layout);
  auto all = *layout;
  all.push_back({"item_index", DType::int64, {}});
  std::vector<std::size_t> row_bytes;
  for (const auto& c : all)
    row_bytes.push_back(static_cast<std::size_t>(Array::element_count(c.shape)) *
                        dtype_size(c.dtype));
  const auto block = block_rows(row_bytes);
  std::vector<std::vector<char>> buffers(all.size());
  std::size_t piece = 0;
  std::int64_t row = 0, previous_item = -1;
  std::unique_ptr<Hdf5Reader> reader;
  for (std::int64_t written = 0; written < total;) {
    const auto n = std::min(block, total - written);
    for (std::size_t d = 0; d < all.size(); ++d)
      buffers[d].resize(static_cast<std::size_t>(n) * row_bytes[d]);
    for (std::int64_t filled = 0; filled < n;) {
      const auto& s = sources[piece];
      if (!reader || reader->path() != s.piece->path)
        reader = std::make_unique<Hdf5Reader>(s.piece->path);
      const auto take = std::min(n - filled, s.rows - row);
      for (std::size_t d = 0; d < all.size(); ++d)
        reader->read_rows(all[d], row, take,
                          buffers[d].data() + static_cast<std::size_t>(filled) * row_bytes[d]);
      const auto* items = reinterpret_cast<const std::int64_t*>(buffers.back().data()) + filled;
      for (std::int64_t k = 0; k < take; previous_item = items[k++])
        if (items[k] <= previous_item)
          throw Error("checkpoint piece " + s.piece->path.string() + " holds item " +
                      std::to_string(items[k]) + " after item " + std::to_string(previous_item));
      filled += take;
      row += take;
      if (row == s.rows) {
        ++piece;
        row = 0;
      }
    }
    for (std::size_t d = 0; d < all.size(); ++d) out.append_rows(d, n, buffers[d].data());
    written += n;
  }
  return total;
}

}  // namespace raserflow::io
