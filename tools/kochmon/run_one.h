#ifndef KOCHMON_TOOLS_KOCHMON_RUN_ONE_H
#define KOCHMON_TOOLS_KOCHMON_RUN_ONE_H

// One run, scenario to file: shared by `kochmon run`, `kochmon resume` and the sweep drivers.
// A run interrupted (stop flag) after at least one month writes a checkpoint; with
// checkpoint_every it also writes one every N months. `resume` finishes the run from it with a
// result file bit-identical (in every series) to an uninterrupted run.

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "sim/api/registry.h"
#include "sim/api/run_config.h"
#include "sim/engine/simulation.h"

namespace kochmon::tools {

struct RunOneOptions {
  std::string output; // final file; written as output + ".tmp" and renamed when complete
  int threads = 0;    // 0: all cores
  std::string run_id; // empty: a fresh one
  const std::atomic<bool>* stop = nullptr;
  std::function<void(int, int)> progress;
  //! Also sees every step (after the file does), e.g. to print a summary; may be null.
  sim::Recorder* observer = nullptr;
  //! Checkpoints: written to `checkpoint` (default: output + ".ckpt") every `checkpoint_every`
  //! months (0: only when interrupted) and removed when the run completes.
  int checkpoint_every = 0;
  std::string checkpoint;
  // What a checkpoint needs to reload the same scenario on resume.
  std::vector<std::string> overrides;
  bool seed_given = false;
};

struct RunOneResult {
  sim::RunOutcome outcome;
  std::string checkpoint; // written when interrupted, else empty
};

//! Simulates `config` and writes its HDF5 file; `finished` (optional) receives the finished
//! simulation, for summaries. Throws sim::RunError on I/O failure; an interrupted run leaves
//! no result file, only its checkpoint.
RunOneResult run_one(const sim::RunConfig& config, const sim::Registries& registries,
                     const RunOneOptions& options,
                     const std::function<void(const sim::Simulation&)>& finished = {});

//! Finishes the run of a checkpoint. The scenario is reloaded from its file with the same
//! --set and --seed, and must resolve to the same text (else sim::InputError).
//! `options.output` empty: the original result path.
RunOneResult resume_one(const std::string& checkpoint, const sim::Registries& registries,
                        RunOneOptions options,
                        const std::function<void(const sim::Simulation&)>& finished = {});

} // namespace kochmon::tools

#endif
