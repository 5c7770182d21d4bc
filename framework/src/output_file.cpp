#include "raserflow/output_file.hpp"

#include <unistd.h>
#include <system_error>

#include "raserflow/error.hpp"

namespace raserflow {

OutputFile::OutputFile(std::filesystem::path final_path) : final_(std::move(final_path)) {
  // The process id keeps two runs writing into one folder from sharing a temporary.
  temp_ = final_;
  temp_ += ".partial-" + std::to_string(::getpid());
  std::error_code ec;
  if (final_.has_parent_path()) std::filesystem::create_directories(final_.parent_path(), ec);
  if (ec)
    throw Error("cannot create folder " + final_.parent_path().string() + ": " + ec.message());
}

OutputFile::~OutputFile() {
  discard();
}

OutputFile::OutputFile(OutputFile&& other) noexcept
    : final_(std::move(other.final_)), temp_(std::move(other.temp_)) {
  other.temp_.clear();
}

OutputFile& OutputFile::operator=(OutputFile&& other) noexcept {
  if (this != &other) {
    discard();
    final_ = std::move(other.final_);
    temp_ = std::move(other.temp_);
    other.temp_.clear();
  }
  return *this;
}

void OutputFile::commit() {
  if (temp_.empty()) return;
  std::error_code ec;
  std::filesystem::rename(temp_, final_, ec);
  if (ec)
    throw Error("cannot move " + temp_.string() + " to " + final_.string() + ": " + ec.message());
  temp_.clear();
}

void OutputFile::discard() noexcept {
  if (temp_.empty()) return;
  std::error_code ec;
  std::filesystem::remove(temp_, ec);
  temp_.clear();
}

}  // namespace raserflow
