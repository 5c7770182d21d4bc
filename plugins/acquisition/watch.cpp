// acquisition.watch: a watch folder as the acquisition (formats.md §4.3, the dependable path for
// a Spinsolve today): the spectrometer software writes one sub-folder per image into
// `directory`; each complete one is read as it appears and becomes one item, brought to the
// pipeline's convention exactly as acquisition.replay does.
//
// Completeness: a folder is read once its files' sizes and modification times have not changed
// for `settle` seconds, as seen by this process's own clock (the share's clock may differ), and
// it counts when the read succeeds, nothing changed during it and (with `projections` > 0) it
// holds that many projections. A folder that does not read yet (acqu.par there, data.1d not
// yet) or holds fewer projections (a Spinsolve writing one sub-folder per projection, ~16 s
// apart) stays pending, and is read again when it changes; only when it has not changed for
// `unreadable_after` seconds is it an error (or skipped). A folder still without any file is
// waited for indefinitely. Folders are taken in order of appearance (ties, e.g. those
// present at start under `existing: read`, in natural name order: p2 before p10), each one
// only after the one before it: strict order, as the spectrometer writes them one at a time.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "conform.hpp"
#include "convention_params.hpp"
#include "fid_contract.hpp"
#include "natural_order.hpp"
#include "raserflow/raserflow.hpp"

namespace {

namespace fs = std::filesystem;
namespace acq = raserflow::acquisition;
using raserflow::Param;
using raserflow::ParamError;
using Clock = std::chrono::steady_clock;

// Every regular file under a folder with its size and modification time; `stable` is false
// when something vanished or could not be examined while listing (it is being written).
struct Signature {
  std::vector<std::tuple<std::string, std::uintmax_t, fs::file_time_type>> files;
  bool stable = true;
  bool operator==(const Signature&) const = default;
};

Signature signature_of(const fs::path& folder) {
  Signature s;
  std::error_code ec;
  fs::recursive_directory_iterator it(folder, ec), end;
  if (ec) {
    s.stable = false;
    return s;
  }
  for (; it != end; it.increment(ec)) {
    if (ec) break;
    std::error_code e1, e2, e3;
    if (!it->is_regular_file(e1)) continue;
    const auto size = it->file_size(e2);
    const auto mtime = it->last_write_time(e3);
    if (e1 || e2 || e3) {
      s.stable = false;
      continue;
    }
    s.files.emplace_back(fs::relative(it->path(), folder, e1).generic_string(), size, mtime);
  }
  if (ec) s.stable = false;
  std::sort(s.files.begin(), s.files.end());
  return s;
}

struct Watch final : raserflow::Node {
  static constexpr auto type = "acquisition.watch";
  static constexpr auto doc =
      "a watch folder as the acquisition (live Spinsolve via its data folders, formats.md "
      "§4.3): waits for new sub-folders of `directory`, each one image in any format "
      "acquisition.replay reads, and reads each when complete (no file's size or time changed "
      "for `settle` s, it reads, and it holds `projections` projections if that is set), in "
      "order of appearance (ties: natural name order); a folder that does not read yet, or "
      "holds fewer projections, stays pending until it has not changed for `unreadable_after` "
      "s. One item per image, brought to the convention as acquisition.replay does. "
      "Open-ended: ends at a stop or after `idle_timeout`. " RASERFLOW_FID_CONTRACT;
  static constexpr auto execution = raserflow::Execution::device;

  Param<std::string> directory{
      this,
      "directory",
      raserflow::required,
      {.doc = "the folder the spectrometer software writes its data folders into (one "
              "sub-folder per image; files and names starting with '.' are ignored)",
       .path = raserflow::PathKind::input}};
  Param<std::string> format{this,
                            "format",
                            "auto",
                            {.doc = "format of each data folder; auto: from its files",
                             .choices = {"auto", "ismrmrd", "jcamp", "bruker", "spinsolve"}}};
  acq::ConventionParams convention{this};  // samples, dwell, decimate, frequency_shift, angles
  Param<std::string> existing{
      this,
      "existing",
      "skip",
      {.doc = "folders already present at start (even half-written ones): skip them (only new "
              "ones) or read them first, in natural name order",
       .choices = {"skip", "read"}}};
  Param<double> settle{this,
                       "settle",
                       1.0,
                       {.doc = "a folder is complete once no file in it changed size or time for "
                               "this long and it reads",
                        .unit = "s",
                        .min = 0,
                        .max = 86400}};
  Param<std::int64_t> projections{
      this,
      "projections",
      0,
      {.doc = "projections per image: a folder whose recording holds fewer is still being written "
              "(e.g. a Spinsolve's one sub-folder per projection) and stays pending; more is an "
              "error naming both. 0: any number, the folder counts once it reads",
       .min = 0}};
  Param<double> unreadable_after{
      this,
      "unreadable_after",
      60.0,
      {.doc = "a settled folder that does not read yet (acqu.par there, data.1d not yet), or holds "
              "fewer than `projections` projections, stays pending; once it has not changed for "
              "this long it is an error, or skipped with skip_unreadable (at least `settle`)",
       .unit = "s",
       .min = 0,
       .max = 86400}};
  Param<double> poll{
      this,
      "poll",
      0.2,
      {.doc = "how often the folder is listed", .unit = "s", .min = 1e-3, .max = 60}};
  Param<double> idle_timeout{
      this,
      "idle_timeout",
      0.0,
      {.doc = "end the stream after this long with no new folder, no change in a pending one and "
              "no item; 0: wait until stopped",
       .unit = "s",
       .min = 0}};
  Param<bool> skip_unreadable{
      this,
      "skip_unreadable",
      false,
      {.doc = "a folder that still does not read (or is still short of `projections`) after "
              "`unreadable_after` s without change, or holds more than `projections`: false "
              "stops the run with an error naming the folder and the reason; true skips it with a "
              "warning on stderr (counted in the manifest)"}};
  acq::FidOutputs out{this};  // fid, angles, dwell, recording

  void configure() override {
    if (directory->empty()) return;  // describe / schema
    std::error_code ec;
    if (!fs::is_directory(*directory, ec))
      throw ParamError("directory", *directory + ": not a folder");
  }

  std::optional<std::int64_t> item_count() const override { return raserflow::open_ended; }

  void start() override {
    last_activity_ = Clock::now();
    if (*existing == "skip")
      for (const auto& name : list()) known_.insert(name);
  }

  void process(raserflow::Item& item) override {
    for (;;) {
      if (interrupted()) {
        item.end_stream();
        return;
      }
      if (!ready_.empty()) {
        out.put(item, ready_.front());
        ready_.pop_front();
        ++items_;
        last_activity_ = Clock::now();
        return;
      }
      scan();
      if (take_head()) continue;
      const auto now = Clock::now();
      auto wait = seconds(*poll);
      if (*idle_timeout > 0) {
        const auto left = last_activity_ + seconds(*idle_timeout) - now;
        if (left <= Clock::duration::zero()) {
          item.end_stream();
          return;
        }
        wait = std::min(wait, left);
      }
      std::unique_lock lock(mutex_);
      if (cv_.wait_for(lock, wait, [this] { return interrupted_; })) {
        item.end_stream();
        return;
      }
    }
  }

  void interrupt() noexcept override {
    {
      std::lock_guard lock(mutex_);
      interrupted_ = true;
    }
    cv_.notify_all();
  }

  std::string report() const override {
    return "{\"folders_read\": " + std::to_string(folders_read_) +
           ", \"items\": " + std::to_string(items_) +
           ", \"folders_skipped\": " + std::to_string(skipped_) + "}";
  }

 private:
  struct Pending {
    std::string name;
    Signature signature;
    Clock::time_point changed;
    // Why the last read, at this signature, gave no image (empty: not read at this signature);
    // `short_of` when it read but held too few projections.
    std::string why;
    bool short_of = false;
  };

  static Clock::duration seconds(double s) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
  }

  bool interrupted() {
    std::lock_guard lock(mutex_);
    return interrupted_;
  }

  // Sub-folder names of the directory, in natural order (hidden ones left out).
  std::vector<std::string> list() const {
    std::vector<std::string> names;
    std::error_code ec;
    fs::directory_iterator it(*directory, ec), end;
    if (ec)
      throw raserflow::Error(*directory + ": cannot list the watched folder: " + ec.message());
    for (; it != end; it.increment(ec)) {
      if (ec) break;
      const auto name = it->path().filename().string();
      std::error_code e;
      if (name.empty() || name[0] == '.' || !it->is_directory(e)) continue;
      names.push_back(name);
    }
    if (ec)
      throw raserflow::Error(*directory + ": cannot list the watched folder: " + ec.message());
    std::sort(names.begin(), names.end(), acq::natural_less);
    return names;
  }

  // New folders join the queue (those of one listing in natural order); pending ones that
  // changed restart their settle time; ones that vanished (renamed, deleted) leave it.
  void scan() {
    const auto now = Clock::now();
    for (const auto& name : list())
      if (known_.insert(name).second) {
        pending_.push_back({name, signature_of(fs::path(*directory) / name), now});
        last_activity_ = now;
      }
    for (auto it = pending_.begin(); it != pending_.end();) {
      const auto path = fs::path(*directory) / it->name;
      std::error_code ec;
      if (!fs::is_directory(path, ec)) {
        it = pending_.erase(it);
        continue;
      }
      auto s = signature_of(path);
      if (!s.stable || s != it->signature) {
        it->signature = std::move(s);
        it->changed = now;
        it->why.clear();  // read it again once it settles
        last_activity_ = now;
      }
      ++it;
    }
  }

  // Reads the oldest pending folder if it has settled; true when it left the queue (read into
  // ready_, or skipped) so the caller looks again.
  bool take_head() {
    if (pending_.empty()) return false;
    auto& head = pending_.front();
    if (head.signature.files.empty() || !head.signature.stable) return false;  // not started
    const auto path = fs::path(*directory) / head.name;
    if (Clock::now() - head.changed < seconds(*settle)) return false;
    if (!head.why.empty()) return give_up_if_stale(head, path);  // unchanged since it failed
    std::vector<acq::Recording> images;
    std::string why;
    bool short_of = false;
    try {
      images = acq::read_recording(path, *format);
      if (images.empty()) why = path.string() + ": holds no image";
    } catch (const acq::FormatError& e) {
      why = e.what();
    } catch (const std::exception& e) {  // e.g. std::bad_alloc, filesystem errors
      why = path.string() + ": " + e.what();
    }
    // Written to while we read: not complete after all; wait for it to settle again.
    auto after = signature_of(path);
    if (!after.stable || after != head.signature) {
      head.signature = std::move(after);
      head.changed = Clock::now();
      return false;
    }
    const auto wanted = static_cast<std::size_t>(*projections);
    for (std::size_t i = 0; why.empty() && wanted > 0 && i < images.size(); ++i) {
      const auto held = images[i].fids.size();
      const std::string image =
          images.size() > 1 ? "image " + std::to_string(i) + " holds " : "holds ";
      if (held > wanted) {  // more will not become fewer: no waiting
        fail_or_skip(path.string() + ": " + image + std::to_string(held) +
                     " projections, more than the " + std::to_string(wanted) +
                     " of the `projections` parameter");
        return true;
      }
      if (held < wanted) {
        why = path.string() + ": " + image + std::to_string(held) + " of the " +
              std::to_string(wanted) + " projections (`projections`)";
        short_of = true;
      }
    }
    if (!why.empty()) {
      head.why = std::move(why);
      head.short_of = short_of;
      return give_up_if_stale(head, path);
    }
    pending_.pop_front();
    const auto c = convention.convention();
    for (const auto& image : images) {
      try {
        ready_.push_back(acq::conform(image, c));
      } catch (const acq::FormatError& e) {
        throw raserflow::Error(std::string("acquisition.watch: ") + e.what());
      }
    }
    ++folders_read_;
    return true;
  }

  // The head gave no image (head.why): pending until it has not changed for unreadable_after
  // (at least settle); then an error, or skipped. True when it left the queue.
  bool give_up_if_stale(const Pending& head, const fs::path& path) {
    const double after = std::max(*settle, *unreadable_after);
    if (Clock::now() - head.changed < seconds(after)) return false;
    std::ostringstream message;
    message << path.string()
            << (head.short_of ? " was still short of projections" : " did not read") << " after "
            << after << " s without change: " << head.why;
    fail_or_skip(message.str());
    return true;
  }

  // Stops the run, or (skip_unreadable) drops the head folder with a warning.
  void fail_or_skip(const std::string& what) {
    const std::string message = "acquisition.watch: " + what;
    if (!*skip_unreadable) throw raserflow::Error(message + " (skip_unreadable: true skips it)");
    std::cerr << "warning: " << id() << " (" << message << "); skipped\n";
    pending_.pop_front();
    ++skipped_;
  }

  std::set<std::string> known_;  // every folder seen: queued, read, skipped or present at start
  std::deque<Pending> pending_;  // in order of appearance
  std::deque<acq::Recording> ready_;
  Clock::time_point last_activity_;
  std::int64_t folders_read_ = 0, items_ = 0, skipped_ = 0;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool interrupted_ = false;
};
RASERFLOW_NODE(Watch);

}  // namespace
