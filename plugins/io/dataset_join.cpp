// `raserflow dataset join OUT.h5 SHARD.h5...`: the union of the io.hdf5 files of a run's
// shards, made where the shards ran apart (a Slurm job array, `--shard K/N` by hand); under
// mpirun the run joins its shards itself. The work is lib/hdf5_join.hpp's.
#include "dataset_join.hpp"

#include <algorithm>
#include <filesystem>

#include "hdf5_join.hpp"
#include "raserflow/error.hpp"

namespace raserflow::io {

const char* const dataset_join_usage =
    "usage: raserflow dataset join [--overwrite] OUT.h5 SHARD.h5...\n"
    "\n"
    "Writes OUT.h5, the union of the io.hdf5 files that the shards of one run wrote (`raserflow\n"
    "run --shard K/N`, e.g. one per Slurm array task): every field and item_index in item order,\n"
    "as one process running the whole run would have written them. Refuses files of different\n"
    "runs (pipeline, parameters, seed, items, versions), a shard given twice or missing,\n"
    "different fields, dtypes or shapes, and items held by two files. OUT.h5 must not exist\n"
    "unless --overwrite is given. (`mpirun -n N raserflow run` joins its shards itself.)\n";

int dataset_join(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (std::find(args.begin(), args.end(), "--help") != args.end() ||
      std::find(args.begin(), args.end(), "-h") != args.end()) {
    out << dataset_join_usage;
    return 0;
  }
  bool overwrite = false;
  std::vector<std::filesystem::path> files;
  for (const auto& a : args) {
    if (a == "--overwrite") {
      overwrite = true;
    } else if (a.starts_with("-")) {
      err << "raserflow dataset join: unknown option '" << a << "'\n" << dataset_join_usage;
      return 2;
    } else {
      files.emplace_back(a);
    }
  }
  if (files.size() < 2) {
    err << "raserflow dataset join: "
        << (files.empty() ? "name the union file and the shard files"
                          : "name the shard files after the union file " + files[0].string())
        << "\n"
        << dataset_join_usage;
    return 2;
  }
  const auto target = files.front();
  files.erase(files.begin());
  std::error_code ec;
  if (!overwrite && std::filesystem::exists(target, ec)) {
    err << "raserflow dataset join: " << target.string()
        << " exists; the union file comes first (OUT.h5 SHARD.h5...), and --overwrite replaces "
           "an earlier union\n";
    return 2;
  }
  try {
    const auto joined = join_shard_files(files, target);
    out << target.string() << ": " << joined.rows << " rows of " << joined.shards
        << " shards in item order\n";
    if (!joined.complete)
      err << "raserflow dataset join: warning: some shards were stopped early; " << target.string()
          << " says complete = 0\n";
    return 0;
  } catch (const Error& e) {
    err << "raserflow dataset join: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace raserflow::io
