#pragma once
// io.hdf5's checkpoint: rows kept in piece files in the node's checkpoint folder. A piece holds
// the rows of the items at positions [from, to) of the run (dropped items count as positions
// but have no row). The piece being written is `piece-<from>.h5.tmp`; a checkpoint closes it
// and renames it `piece-<from>-<to>.h5` (12 digits each), so a finished piece is never partial.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "hdf5_appender.hpp"

namespace raserflow::io {

struct Piece {
  std::int64_t from = 0;
  std::int64_t to = 0;
  std::filesystem::path path;
};

std::filesystem::path open_piece_path(const std::filesystem::path& dir, std::int64_t from);
std::filesystem::path piece_path(const std::filesystem::path& dir, std::int64_t from,
                                 std::int64_t to);

// Restores `dir` to position `items`: removes open pieces and pieces that end past `items`,
// and returns the others in order. Throws when two of them overlap.
std::vector<Piece> restore_pieces(const std::filesystem::path& dir, std::int64_t items);

// The field columns of the first piece that has rows; nullopt when none has.
std::optional<std::vector<Column>> piece_columns(const std::vector<Piece>& pieces,
                                                 const std::vector<std::string>& fields);

// Rows per block when rows of these sizes (bytes per row of each dataset) are copied between
// files: a power of two, as many as fit in 8 MiB over all datasets (at least one). It depends
// on the layout alone, so copies of the same rows write the same blocks.
std::int64_t block_rows(const std::vector<std::size_t>& row_bytes);

// Appends the rows of every piece, in order, to `out` (a new file without datasets), and
// returns how many. The rows are copied in blocks of a size fixed by the columns alone, so the
// file does not depend on where the pieces were cut. Throws naming the piece when one is
// missing, lacks a field, has another layout, or breaks item order.
std::int64_t join_pieces(const std::vector<Piece>& pieces, const std::vector<std::string>& fields,
                         Hdf5Appender& out);

}  // namespace raserflow::io
