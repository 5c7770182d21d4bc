#pragma once
// The union of the io.hdf5 files that the shards of one run wrote (ranks of mpirun, tasks of a
// Slurm job array): one file in item order, laid out as one process running the whole run
// would have written it, so every reader of io.hdf5 files reads it unchanged.
//
// Why a copy and not an HDF5 virtual dataset (VDS) mapping the shards' rows: item order
// interleaves the shards, so a VDS needs a strided mapping per shard, and every dropped item
// breaks all of them (8 shards, 21,000 items, 5 % dropped: 5,950 mappings per field). HDF5
// 1.10 (Debian 12) intersects each read with every mapping: a single row then cost 8-10 ms
// against 0.2 ms in a plain file, which a training loader reading items at random pays per
// item. A VDS also reads a moved or missing shard file as zeros, silently. The copy costs disk
// space and one pass over the data (shards can be removed afterwards); it is checked, whole,
// and the fastest thing to read.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace raserflow::io {

// The `run` attribute of an io.hdf5 file: which run and which shard of it the file holds, as
// JSON text made from the run's manifest (Publication::manifest): pipeline name, items, seed,
// raserflow and plugin versions, nodes with their parameters, edges, and the shard
// {index, count}. Parameters naming files in `output_dir` are made relative to it, so shards
// run into different folders agree. Empty when `manifest` is (a node driven without the
// runtime).
std::string run_attribute(const std::string& manifest, const std::filesystem::path& output_dir);

struct JoinSummary {
  std::int64_t shards = 0;
  std::int64_t rows = 0;
  bool complete = true;  // every shard's run ended normally
};

// Writes `out` as the union of `shards` (io.hdf5 files, in any order), under a temporary name
// renamed into place: each field's rows and item_index in item order, chunked and compressed
// as the shards are, with the attributes of the whole run (items_* summed, `complete` when
// every shard is, `run` with shard 0 of 1) and `joined_from`, the shard files relative to
// `out`'s folder. Refuses, with an Error naming the files and what differs: a missing or
// unreadable file, a file without a `run` attribute, files of different runs (pipeline,
// parameters, seed, items, versions), a shard given twice or missing, different fields,
// dtypes or shapes, and an item held by two files.
JoinSummary join_shard_files(const std::vector<std::filesystem::path>& shards,
                             const std::filesystem::path& out);

}  // namespace raserflow::io
