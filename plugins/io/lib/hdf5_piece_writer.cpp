#include "hdf5_piece_writer.hpp"

#include <system_error>

#include "raserflow/error.hpp"

namespace raserflow::io {

namespace fs = std::filesystem;

PieceWriter::PieceWriter(fs::path dir, std::int64_t items, std::vector<std::string> fields,
                         int deflate_level)
    : dir_(std::move(dir)),
      fields_(std::move(fields)),
      deflate_level_(deflate_level),
      pieces_(restore_pieces(dir_, items)),
      from_(items),
      columns_(piece_columns(pieces_, fields_)) {}

PieceWriter::~PieceWriter() = default;

void PieceWriter::open() {
  const auto path = open_piece_path(dir_, from_);
  try {
    auto piece = std::make_unique<Hdf5Appender>(path, deflate_level_);
    if (columns_) piece->define(*columns_);
    open_ = std::move(piece);
  } catch (...) {
    std::error_code ec;
    fs::remove(path, ec);
    throw;
  }
}

void PieceWriter::append(std::int64_t item, const std::vector<std::pair<std::string, Array>>& row) {
  if (!open_) open();
  open_->append(item, row);
  if (!columns_) columns_ = open_->columns();
}

void PieceWriter::checkpoint(std::int64_t items) {
  if (open_) {
    const auto path = open_->path();
    const auto rows = open_->rows();
    try {
      open_->close();
    } catch (...) {
      discard();
      throw;
    }
    open_.reset();
    std::error_code ec;
    if (rows == 0) {
      fs::remove(path, ec);
    } else {
      const auto done = piece_path(dir_, from_, items);
      fs::rename(path, done, ec);
      if (ec)
        throw Error("cannot rename checkpoint piece " + path.string() + " to " +
                    done.filename().string() + ": " + ec.message());
      pieces_.push_back({from_, items, done});
    }
  }
  from_ = items;
}

void PieceWriter::discard() noexcept {
  if (!open_) return;
  const auto path = open_->path();
  open_.reset();  // closes every HDF5 object first
  std::error_code ec;
  fs::remove(path, ec);
}

}  // namespace raserflow::io
