#pragma once
// The little of MPI the command uses: under mpirun each rank runs one shard, the ranks agree
// on how the run went, and rank 0 tells the others how the join went. Nothing else crosses
// between ranks; the data stays in each shard's files.

namespace raserflow::cli {

// Whether an MPI launcher started this process (mpirun or mpiexec of Open MPI, MPICH or
// Slurm's srun), read from the environment they set: decided before MPI is initialised, so a
// plain run never calls into MPI.
bool launched_by_mpi();

// MPI for the lifetime of the object: initialised by the constructor, finalised by the
// destructor. Only the thread that made it calls MPI (the runtime's workers never do).
class Mpi {
 public:
  Mpi();
  ~Mpi();
  Mpi(const Mpi&) = delete;
  Mpi& operator=(const Mpi&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }

  // Every rank's exit status, reduced to the one that matters most (a failure before a bad
  // command line before a stop before success) and the lowest rank that had it. Collective.
  struct Worst {
    int status = 0;
    int rank = 0;
  };
  Worst worst(int status) const;
  // Rank 0's `value`, on every rank. Collective.
  int from_rank0(int value) const;

 private:
  int rank_ = 0;
  int size_ = 1;
};

}  // namespace raserflow::cli
