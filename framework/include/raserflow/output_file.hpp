#pragma once
#include <filesystem>

#include "raserflow/export.hpp"

namespace raserflow {

// An output written under a temporary name and renamed into place by commit(), so a run that
// fails or is interrupted never leaves a file that looks complete. Destroying an uncommitted
// OutputFile removes the temporary.
class RASERFLOW_API OutputFile {
 public:
  OutputFile() = default;
  explicit OutputFile(std::filesystem::path final_path);
  ~OutputFile();
  OutputFile(OutputFile&&) noexcept;
  OutputFile& operator=(OutputFile&&) noexcept;

  const std::filesystem::path& temp_path() const { return temp_; }
  const std::filesystem::path& final_path() const { return final_; }
  void commit();
  void discard() noexcept;

 private:
  std::filesystem::path final_;
  std::filesystem::path temp_;
};

}  // namespace raserflow
