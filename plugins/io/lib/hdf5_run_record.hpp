#pragma once
// What io.hdf5 keeps of the run's manifest (Publication::manifest) inside its file: the
// resolved pipeline, the seed, and the manifest itself, without what differs between two runs
// that compute the same rows. Those (wall time, thread count, time per node, the position a
// resume started from) would otherwise make files of identical runs differ, and io.hdf5
// promises byte-identical files whatever the threads, checkpoints or resumes.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace raserflow::io {

struct RunRecord {
  std::string pipeline;  // JSON text: the manifest's `pipeline` object
  std::string manifest;  // JSON text: the manifest without the run-dependent members
  std::optional<std::int64_t> seed;
  std::int64_t shard_index = 0;
  std::int64_t shard_count = 1;
};

// Empty pipeline and manifest (and no seed) when `manifest` is empty or not a JSON object, as
// for a node driven without the runtime. Paths inside `output_dir` become "<out>/...", as in
// the `run` attribute (hdf5_join.hpp), so files written into different --out folders agree.
RunRecord run_record(const std::string& manifest, const std::filesystem::path& output_dir);

}  // namespace raserflow::io
