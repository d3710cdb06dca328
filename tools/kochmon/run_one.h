#ifndef KOCHMON_TOOLS_KOCHMON_RUN_ONE_H
#define KOCHMON_TOOLS_KOCHMON_RUN_ONE_H

// One run, scenario to file: shared by `kochmon run` and the sweep drivers.

#include <atomic>
#include <functional>
#include <string>

#include "sim/api/registry.h"
#include "sim/api/run_config.h"
#include "sim/engine/simulation.h"

namespace kochmon::tools {

struct RunOneOptions {
  std::string output;  // final file; written as output + ".tmp" and renamed when complete
  int threads = 0;     // 0: all cores
  std::string run_id;  // empty: a fresh one
  const std::atomic<bool>* stop = nullptr;
  std::function<void(int, int)> progress;
  //! Also sees every step (after the file does), e.g. to print a summary; may be null.
  sim::Recorder* observer = nullptr;
};

//! Simulates `config` and writes its HDF5 file; `simulation` (optional) receives the finished
//! simulation, for summaries. Throws sim::RunError on I/O failure; an
//! interrupted run leaves no file (outcome.interrupted).
sim::RunOutcome run_one(const sim::RunConfig& config, const sim::Registries& registries,
                        const RunOneOptions& options,
                        const std::function<void(const sim::Simulation&)>& finished = {});

}  // namespace kochmon::tools

#endif
