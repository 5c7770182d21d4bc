#pragma once
// The rows of one io.hdf5 node between checkpoints: written to the open piece, which each
// checkpoint closes and names with its range of positions (hdf5_pieces.hpp).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hdf5_appender.hpp"
#include "hdf5_pieces.hpp"

namespace raserflow::io {

class PieceWriter {
 public:
  // Restores the pieces in `dir` to position `items` (restore_pieces()); the first piece with
  // rows fixes the columns later rows must match.
  PieceWriter(std::filesystem::path dir, std::int64_t items, std::vector<std::string> fields,
              int deflate_level);
  // Closes the open piece without naming it: what a kill leaves.
  ~PieceWriter();
  PieceWriter(const PieceWriter&) = delete;
  PieceWriter& operator=(const PieceWriter&) = delete;

  // Appends one item's row, opening a piece when none is open.
  void append(std::int64_t item, const std::vector<std::pair<std::string, Array>>& row);
  // Everything up to position `items` is done: the open piece becomes piece-<from>-<items>.h5
  // (or goes, without rows).
  void checkpoint(std::int64_t items);
  // Closes and removes the open piece; the finished ones stay.
  void discard() noexcept;

  const std::vector<Piece>& pieces() const { return pieces_; }
  const std::vector<std::string>& fields() const { return fields_; }

 private:
  void open();

  std::filesystem::path dir_;
  std::vector<std::string> fields_;
  int deflate_level_;
  std::vector<Piece> pieces_;           // finished, in order
  std::unique_ptr<Hdf5Appender> open_;  // or null until the next row
  std::int64_t from_ = 0;               // position of the last checkpoint
  std::optional<std::vector<Column>> columns_;
};

}  // namespace raserflow::io
