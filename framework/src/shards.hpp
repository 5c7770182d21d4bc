#pragma once
// A run split over the ranks of mpirun: each rank runs one shard into a folder of its own
// inside the run's output folder, and once every shard has published, shard 0's nodes join
// their outputs into the run's folder (Node::join_shards), so the run reads as one.
#include <cstdint>
#include <filesystem>
#include <vector>

#include "pipeline.hpp"

namespace raserflow {

// The output folder of shard `k` of `n` inside the run's folder: shard-<k>-of-<n>.
std::filesystem::path shard_dir(const std::filesystem::path& run_dir, std::int64_t k,
                                std::int64_t n);
std::vector<std::filesystem::path> shard_dirs(const std::filesystem::path& run_dir, std::int64_t n);

// After every shard of `n` published: calls join_shards() on each node of `shard0` (the
// pipeline shard 0 ran, whose output folder is shard_dir(run_dir, 0, n)) with its output
// folder set to `run_dir`, then writes run_dir/manifest.json, the manifest of the whole run
// made from the shards' manifests (item counts, drops and node statistics summed over them).
// An earlier run_dir/manifest.json is removed first, so a manifest there with status
// "complete" always means the joined outputs beside it are whole. Throws raserflow::Error
// naming the node or the shard when anything fails.
void join_shards(Pipeline& shard0, const std::filesystem::path& run_dir, std::int64_t n);

}  // namespace raserflow
