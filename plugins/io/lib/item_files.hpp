#pragma once
// The files a per-item sink writes, kept in its checkpoint folder until the run is published:
//   files/<item, 12 digits>-<n><extension>   each file (n counts the files of one item)
//   files.log                                "<item> <file name> <final path>\n" per file
// process() writes the file; checkpoint() appends its line to the log; a later run restores
// both to the position it resumes from; publish() moves the files to their final paths.
// An entry may also be a folder (write_folder()), published whole by one rename.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace raserflow::io {

class ItemFiles {
 public:
  // Binds to a node's checkpoint and output folders and keeps exactly the files of items with
  // an index below `next_index`: later log lines (and a torn last line) and files that no kept
  // line names are removed.
  void start(const std::filesystem::path& checkpoint_dir, const std::filesystem::path& output_dir,
             std::int64_t next_index);
  // Writes the file that item `item` publishes at `final_path`. Throws when another item
  // already claimed `final_path` (a pattern without {item}), naming the pattern's fix.
  void write(std::int64_t item, const std::filesystem::path& final_path,
             std::span<const unsigned char> bytes);
  // Encodes an 8-bit BGR (or grey) image as PNG and writes it as above.
  void write_png(std::int64_t item, const std::filesystem::path& final_path, const cv::Mat& image);
  // Writes the folder that item `item` publishes at `final_path`: `fill` writes its files into
  // an empty folder under a temporary name, which becomes an entry only once `fill` returns,
  // so neither the checkpoint nor the published folder is ever half written. A folder
  // already at `final_path` when the run publishes is replaced.
  void write_folder(std::int64_t item, const std::filesystem::path& final_path,
                    const std::function<void(const std::filesystem::path&)>& fill);
  // Logs the files written since the last checkpoint, so they survive a kill.
  void checkpoint();
  // Moves every logged file to its final path (renamed, or copied across file systems);
  // files an earlier, stopped run already published are skipped.
  void publish();
  // Removes the files written since the last checkpoint.
  void discard() noexcept;
  // Files logged or written since.
  std::size_t size() const { return logged_.size() + pending_.size(); }

  // One line of the log.
  struct Entry {
    std::int64_t item;
    std::string name;        // in files/
    std::string final_path;  // relative to the output folder when inside it
  };

 private:
  std::filesystem::path staged(const Entry& e) const { return dir_ / "files" / e.name; }
  std::filesystem::path final_path(const Entry& e) const;
  std::filesystem::path log_path() const { return dir_ / "files.log"; }
  void claim(const Entry& e);
  // The entry `item` would publish at `final_path`, after checking that the path is free.
  Entry next_entry(std::int64_t item, const std::filesystem::path& final_path);

  std::filesystem::path dir_, output_dir_;
  std::vector<Entry> logged_, pending_;
  std::map<std::filesystem::path, std::int64_t> claimed_;  // final path -> item
  std::int64_t last_item_ = -1;
  int files_of_last_item_ = 0;
};

}  // namespace raserflow::io
