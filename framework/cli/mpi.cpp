// Open MPI's mpi.h pulls in its deprecated C++ bindings (and their library) unless told not to.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include "mpi.hpp"

#include <mpi.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>

namespace raserflow::cli {

namespace {

// Open MPI's mpirun, PMIx launchers (Open MPI 4+, srun --mpi=pmix), and PMI-1/2 launchers
// (MPICH's Hydra, srun --mpi=pmi2).
constexpr const char* kLauncherVariables[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE"};

void check(int code, const char* what) {
  if (code != MPI_SUCCESS) throw std::runtime_error(std::string("MPI: ") + what + " failed");
}

// Waits for a nonblocking collective by testing it every few milliseconds. A rank that ended
// its shard early waits here for the slowest one, possibly for hours; the blocking call would
// spin a core at 100 % all that time, a core other ranks on the same node could use.
void wait(MPI_Request& request, const char* what) {
  for (int done = 0;;) {
    check(MPI_Test(&request, &done, MPI_STATUS_IGNORE), what);
    if (done) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

// Failure first: a rank that failed says more about the run than one that was stopped.
int severity(int status) {
  switch (status) {
    case 0:
      return 0;
    case 130:
      return 1;
    case 2:
      return 2;
    default:
      return 3;
  }
}

}  // namespace

bool launched_by_mpi() {
  for (const char* name : kLauncherVariables)
    if (const char* value = std::getenv(name); value && *value) return true;
  return false;
}

Mpi::Mpi() {
  int provided = 0;
  check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  // Errors come back as codes (check() throws) instead of aborting the whole job at once.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  check(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "MPI_Comm_rank");
  check(MPI_Comm_size(MPI_COMM_WORLD, &size_), "MPI_Comm_size");
}

Mpi::~Mpi() {
  MPI_Finalize();
}

Mpi::Worst Mpi::worst(int status) const {
  // MAXLOC on (severity, status) packed in one int, with the rank as the location: ties go
  // to the lowest rank.
  int local[2] = {severity(status) * 256 + (status & 255), rank_};
  int global[2] = {0, 0};
  MPI_Request request;
  check(MPI_Iallreduce(local, global, 1, MPI_2INT, MPI_MAXLOC, MPI_COMM_WORLD, &request),
        "MPI_Iallreduce");
  wait(request, "MPI_Iallreduce");
  return {global[0] & 255, global[1]};
}

int Mpi::from_rank0(int value) const {
  MPI_Request request;
  check(MPI_Ibcast(&value, 1, MPI_INT, 0, MPI_COMM_WORLD, &request), "MPI_Ibcast");
  wait(request, "MPI_Ibcast");
  return value;
}

}  // namespace raserflow::cli
