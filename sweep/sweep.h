#ifndef KOCHMON_SWEEP_SWEEP_H
#define KOCHMON_SWEEP_SWEEP_H

// Scenario sweeps (issue #5): the drivers behind `kochmon sweep`. Every driver runs the same
// runs into the same files (a run's file depends only on its scenario and seed), skips runs
// whose files are complete, and builds the summary from the files alone, so local, MPI and
// SLURM-shard sweeps give identical tables.

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/api/registry.h"
#include "sim/api/run_config.h"

namespace kochmon::sweep {

//! One run to perform: simulate `config` into `output` (written as output.tmp and renamed when
//! complete), with `threads` worker threads. Returns false when interrupted by `stop`.
struct RunRequest {
  const sim::RunConfig& config;
  std::string output;
  std::string run_id;
  int threads = 1;
  const std::atomic<bool>* stop = nullptr;
};
using RunFn = std::function<bool(const RunRequest&)>;

struct SweepOptions {
  std::string spec;
  std::string dir;
  //! `--set key.path=value` overrides of every run, after the spec's `set:` and before the
  //! parameters; part of the sweep's identity (Spec::command_line_set).
  std::vector<std::string> overrides;
  int jobs = 0;    // runs at once in this process (0: one per core, local sweeps)
  int threads = 1; // threads within each run
  std::optional<std::pair<int, int>> shard; // (I, N), 1 <= I <= N
  bool quiet = false;
  RunFn run; // performs one run (tools/kochmon: run_one)
  const std::atomic<bool>* stop = nullptr;
  //! Called with (runs finished, runs to do) from one thread at a time.
  std::function<void(std::uint64_t, std::uint64_t)> progress;
};

//! What a sweep did in this process (for the closing line and exit code).
struct SweepResult {
  std::uint64_t total = 0;   // runs in the sweep
  std::uint64_t skipped = 0; // already complete
  std::uint64_t done = 0;    // completed now
  std::uint64_t failed = 0;
  bool interrupted = false;
  bool summary_written = false;
  std::uint64_t summary_not_ok = 0; // rows whose status is not ok
  double seconds = 0;
};

//! Runs the sweep on this machine (or one shard of it), loading scenarios with `registries`
//! (the caller's plug-ins: the library knows none itself). Throws sim::InputError for a bad
//! spec or a directory started by another spec.
SweepResult run_local(const SweepOptions& options, const sim::Registries& registries);

//! Builds DIR/summary.{csv,h5} from DIR/sweep.yaml and the run files.
SweepResult merge(const std::string& dir);

//! True when this process was started by an MPI launcher (mpirun, srun --mpi) with more than
//! one rank, and this kochmon was built with MPI.
bool mpi_launched();

//! The MPI driver: rank 0 hands out run indices one at a time (and runs some itself between
//! requests, in a second thread's absence of work); every rank writes its own run files.
SweepResult run_mpi(const SweepOptions& options, const sim::Registries& registries, int& rank);

//! For drivers that share their work through files rather than messages (`kochmon calibrate`
//! under mpirun: each rank is one shard of the calibration's evaluation log). mpi_begin
//! initialises MPI and gives this rank and the number of ranks; mpi_end waits for every rank
//! and finalises. Without MPI (or not launched by it): rank 0 of 1, and mpi_end does nothing.
struct MpiWorld {
  int rank = 0, size = 1;
};
MpiWorld mpi_begin();
void mpi_end();

} // namespace kochmon::sweep

#endif
