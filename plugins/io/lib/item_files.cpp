#include "item_files.hpp"

#include <fstream>
#include <vector>

#include <opencv2/imgcodecs.hpp>

#include "raserflow/error.hpp"

namespace raserflow::io {

void ItemFiles::write(const std::filesystem::path& final_path,
                      std::span<const unsigned char> bytes) {
  if (files_.contains(final_path))
    throw Error("output " + final_path.string() +
                " was already written by an earlier item; put {item} in the path pattern so each "
                "item gets its own file");
  OutputFile file(final_path);
  std::ofstream out(file.temp_path(), std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out)
    throw Error("cannot write " + file.temp_path().string() + " (disk full or no permission?)");
  files_.emplace(final_path, std::move(file));
}

void ItemFiles::write_png(const std::filesystem::path& final_path, const cv::Mat& image) {
  if (image.depth() != CV_8U) throw Error("internal: PNG images must be 8-bit");
  std::vector<unsigned char> png;
  if (!cv::imencode(".png", image, png))
    throw Error("PNG encoding failed for " + final_path.string());
  write(final_path, png);
}

void ItemFiles::commit_all() {
  for (auto& [path, file] : files_) file.commit();
  files_.clear();
}

void ItemFiles::discard_all() noexcept {
  files_.clear();
}

}  // namespace raserflow::io
