#include "item_files.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <system_error>

#include <opencv2/imgcodecs.hpp>

#include "raserflow/error.hpp"
#include "raserflow/output_file.hpp"

namespace raserflow::io {

namespace {

namespace fs = std::filesystem;

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Writes all of `text` to the end of `p`; throws naming the file and the cause.
void append_to(const fs::path& p, const std::string& text) {
  const int fd = ::open(p.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw Error("cannot open " + p.string() + ": " + std::strerror(errno));
  std::size_t done = 0;
  while (done < text.size()) {
    const auto n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : EIO;
      ::close(fd);
      throw Error("cannot append to " + p.string() + ": " + std::strerror(err));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) < 0) throw Error("cannot append to " + p.string() + ": " + std::strerror(errno));
}

// Renames the folder `from` to `to`, or across file systems copies it under a temporary name
// renamed into place. A folder already at `to` (an earlier run's) is first renamed aside and
// removed after, so `to` never shows a mix of both.
void move_folder(const fs::path& from, const fs::path& to) {
  const auto pid = std::to_string(::getpid());
  const fs::path aside = to.parent_path() / ("." + to.filename().string() + ".replaced-" + pid);
  std::error_code ec;
  if (fs::exists(fs::symlink_status(to, ec))) {
    fs::remove_all(aside, ec);
    fs::rename(to, aside, ec);
    if (ec) throw Error("cannot replace " + to.string() + ": " + ec.message());
  }
  fs::rename(from, to, ec);
  if (ec == std::errc::cross_device_link) {
    const fs::path partial = to.string() + ".partial-" + pid;
    std::error_code ignored;
    fs::remove_all(partial, ignored);
    fs::copy(from, partial, fs::copy_options::recursive, ec);
    if (!ec) fs::rename(partial, to, ec);
    if (ec)
      fs::remove_all(partial, ignored);
    else
      fs::remove_all(from, ec);
  }
  if (ec) {
    std::error_code ignored;  // put the earlier folder back rather than leave none
    if (fs::exists(aside, ignored)) fs::rename(aside, to, ignored);
    throw Error("cannot move " + from.string() + " to " + to.string() + ": " + ec.message());
  }
  fs::remove_all(aside, ec);
  if (ec) throw Error("cannot remove the replaced folder " + aside.string() + ": " + ec.message());
}

// Moves `from` to `to`: a rename, or across file systems a copy under a temporary name
// renamed into place, then the original removed.
void move_file(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  if (to.has_parent_path()) fs::create_directories(to.parent_path(), ec);
  if (ec) throw Error("cannot create folder " + to.parent_path().string() + ": " + ec.message());
  if (fs::is_directory(from, ec)) {
    move_folder(from, to);
    return;
  }
  fs::rename(from, to, ec);
  if (ec == std::errc::cross_device_link) {
    OutputFile out(to);
    fs::copy_file(from, out.temp_path(), fs::copy_options::overwrite_existing, ec);
    if (!ec) {
      out.commit();
      fs::remove(from, ec);
    }
  }
  if (ec) throw Error("cannot move " + from.string() + " to " + to.string() + ": " + ec.message());
}

// "<item> <file name> <final path>"
std::optional<ItemFiles::Entry> parse_line(std::string_view text) {
  const auto a = text.find(' ');
  if (a == text.npos) return std::nullopt;
  const auto b = text.find(' ', a + 1);
  if (b == text.npos || b == a + 1 || b + 1 == text.size()) return std::nullopt;
  ItemFiles::Entry e{};
  const auto [p, err] = std::from_chars(text.data(), text.data() + a, e.item);
  if (err != std::errc() || p != text.data() + a || e.item < 0) return std::nullopt;
  e.name = text.substr(a + 1, b - a - 1);
  e.final_path = text.substr(b + 1);
  return e;
}

std::string padded(std::int64_t item) {
  char s[32];
  std::snprintf(s, sizeof s, "%012lld", static_cast<long long>(item));
  return s;
}

}  // namespace

void ItemFiles::start(const fs::path& checkpoint_dir, const fs::path& output_dir,
                      std::int64_t next_index) {
  if (checkpoint_dir.empty()) throw Error("internal: the node was given no checkpoint folder");
  dir_ = checkpoint_dir;
  output_dir_ = output_dir;
  logged_.clear();
  pending_.clear();
  claimed_.clear();
  last_item_ = -1;
  std::error_code ec;
  fs::create_directories(dir_ / "files", ec);
  if (ec) throw Error("cannot create folder " + (dir_ / "files").string() + ": " + ec.message());

  // Complete lines of items before `next_index`; they are in item order.
  const auto log = read_all(log_path());
  std::size_t kept = 0;
  for (std::size_t line = 0, end; (end = log.find('\n', line)) != std::string::npos;
       line = end + 1) {
    const std::string_view text(log.data() + line, end - line);
    auto e = parse_line(text);
    if (!e)
      throw Error("checkpoint log " + log_path().string() + " is damaged at byte " +
                  std::to_string(line) + ": '" + std::string(text) + "'");
    if (e->item >= next_index) break;
    claim(*e);
    logged_.push_back(std::move(*e));
    kept = end + 1;
  }
  if (kept != log.size()) {
    fs::resize_file(log_path(), kept, ec);
    if (ec) throw Error("cannot truncate " + log_path().string() + ": " + ec.message());
  }

  // Files of later items, and of items whose line never made it into the log.
  std::set<std::string> names;
  for (const auto& e : logged_) names.insert(e.name);
  for (fs::directory_iterator it(dir_ / "files", ec), end; !ec && it != end; it.increment(ec)) {
    if (names.contains(it->path().filename().string())) continue;
    std::error_code rm;
    fs::remove_all(it->path(), rm);
    if (rm) throw Error("cannot remove " + it->path().string() + ": " + rm.message());
  }
  if (ec) throw Error("cannot list " + (dir_ / "files").string() + ": " + ec.message());
}

fs::path ItemFiles::final_path(const Entry& e) const {
  const fs::path p(e.final_path);
  return p.is_relative() ? output_dir_ / p : p;
}

void ItemFiles::claim(const Entry& e) {
  claimed_.emplace(final_path(e).lexically_normal(), e.item);
}

ItemFiles::Entry ItemFiles::next_entry(std::int64_t item, const fs::path& final_path) {
  if (dir_.empty()) throw Error("internal: ItemFiles::start() was not called");
  const auto normal = final_path.lexically_normal();
  if (const auto it = claimed_.find(normal); it != claimed_.end())
    throw Error("output " + final_path.string() + " was already written by item " +
                std::to_string(it->second) +
                "; put {item} in the path pattern so each item gets its own file");
  if (final_path.string().find('\n') != std::string::npos)
    throw Error("output path " + final_path.string() + " holds a line break");
  files_of_last_item_ = item == last_item_ ? files_of_last_item_ + 1 : 0;
  last_item_ = item;
  Entry e{
      item,
      padded(item) + "-" + std::to_string(files_of_last_item_) + final_path.extension().string(),
      final_path.string()};
  const auto rel = normal.lexically_relative(output_dir_.lexically_normal());
  if (!output_dir_.empty() && !rel.empty() && *rel.begin() != "..") e.final_path = rel.string();
  return e;
}

void ItemFiles::write(std::int64_t item, const fs::path& final_path,
                      std::span<const unsigned char> bytes) {
  auto e = next_entry(item, final_path);
  std::ofstream out(staged(e), std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) throw Error("cannot write " + staged(e).string() + " (disk full or no permission?)");
  claim(e);
  pending_.push_back(std::move(e));
}

void ItemFiles::write_folder(std::int64_t item, const fs::path& final_path,
                             const std::function<void(const fs::path&)>& fill) {
  auto e = next_entry(item, final_path);
  // The temporary name is no entry's, so a kill inside `fill` leaves a folder that start()
  // removes.
  const fs::path partial = staged(e).string() + ".partial";
  std::error_code ec;
  fs::remove_all(partial, ec);
  fs::create_directory(partial, ec);
  if (ec) throw Error("cannot create folder " + partial.string() + ": " + ec.message());
  try {
    fill(partial);
    fs::rename(partial, staged(e), ec);
    if (ec) throw Error("cannot rename " + partial.string() + ": " + ec.message());
  } catch (...) {
    fs::remove_all(partial, ec);
    throw;
  }
  claim(e);
  pending_.push_back(std::move(e));
}

void ItemFiles::write_png(std::int64_t item, const fs::path& final_path, const cv::Mat& image) {
  if (image.depth() != CV_8U) throw Error("internal: PNG images must be 8-bit");
  std::vector<unsigned char> png;
  if (!cv::imencode(".png", image, png))
    throw Error("PNG encoding failed for " + final_path.string());
  write(item, final_path, png);
}

void ItemFiles::checkpoint() {
  if (pending_.empty()) return;
  std::string text;
  for (const auto& e : pending_)
    text += std::to_string(e.item) + " " + e.name + " " + e.final_path + "\n";
  append_to(log_path(), text);
  logged_.insert(logged_.end(), std::make_move_iterator(pending_.begin()),
                 std::make_move_iterator(pending_.end()));
  pending_.clear();
}

void ItemFiles::publish() {
  checkpoint();
  for (const auto& e : logged_) {
    std::error_code ec;
    if (fs::exists(staged(e), ec)) {
      move_file(staged(e), final_path(e));
    } else if (!fs::exists(final_path(e), ec)) {
      throw Error("the file of item " + std::to_string(e.item) + " is neither in the checkpoint (" +
                  staged(e).string() + ") nor published (" + final_path(e).string() + ")");
    }
  }
}

void ItemFiles::discard() noexcept {
  for (const auto& e : pending_) {
    std::error_code ec;
    fs::remove_all(staged(e), ec);
    claimed_.erase(final_path(e).lexically_normal());
  }
  pending_.clear();
}

}  // namespace raserflow::io
