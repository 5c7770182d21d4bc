#pragma once
// The files a per-item sink has written in this run, held under temporary names until the
// run succeeds: commit_all() in finish(), discard_all() in abort().
#include <filesystem>
#include <map>
#include <span>

#include <opencv2/core.hpp>

#include "raserflow/output_file.hpp"

namespace raserflow::io {

class ItemFiles {
 public:
  // Writes `bytes` to a temporary beside `final_path`. Throws when another item of this run
  // already claimed `final_path` (a pattern without {item}), naming the pattern's fix.
  void write(const std::filesystem::path& final_path, std::span<const unsigned char> bytes);
  // Encodes an 8-bit BGR (or grey) image as PNG and writes it as above. cv::imwrite cannot be
  // used: it picks the encoder from the extension, and the temporary's is ".partial-<pid>".
  void write_png(const std::filesystem::path& final_path, const cv::Mat& image);
  void commit_all();
  void discard_all() noexcept;
  std::size_t size() const { return files_.size(); }

 private:
  std::map<std::filesystem::path, OutputFile> files_;
};

}  // namespace raserflow::io
