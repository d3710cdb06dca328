#ifndef KOCHMON_SIM_ENGINE_SIMULATION_H
#define KOCHMON_SIM_ENGINE_SIMULATION_H

// The monthly loop (MODEL.md §4–§6). Each step:
//  1. reads this month's exogenous conditions and last month's aggregates (network stocks,
//     population, incomes) into one read-only RegionContext per origin;
//  2. lets every rule score every option once per region (the household-independent part);
//  3. processes households in parallel, in fixed chunks laid out within regions: life abroad,
//     the home labour market, income, then the decision (rule scores → combinator
//     probabilities → one keyed draw). A household only writes its own slots; it reads only
//     step-start aggregates, so the order of processing cannot change any result;
//  4. reduces the chunks' partial sums in chunk order (never atomics), giving the step's
//     series and next step's aggregates, and hands them to the recorder on the calling thread.

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

#include "sim/api/registry.h"
#include "sim/api/results.h"
#include "sim/api/run_config.h"
#include "sim/api/state.h"
#include "sim/world/world.h"

namespace kochmon::sim {

struct RunOptions {
  int threads = 0; // 0: all cores
  //! Called on the calling thread after each step with (steps done, total steps).
  std::function<void(int, int)> progress;
  //! Checked at every step boundary; when set, the run stops after the current step.
  const std::atomic<bool>* stop = nullptr;
  //! Called on the calling thread after each step is recorded, with the steps done (for
  //! periodic checkpoints).
  std::function<void(int)> after_step;
  //! A resumed run: re-records the steps done before the checkpoint, after recorder.begin().
  std::function<void(Recorder&)> replay;
};

struct RunOutcome {
  int steps_done = 0;
  bool interrupted = false;
  double wall_seconds = 0;
};

//! The names of every series a run writes, in the engine's order (ResultsLayout's): the
//! order of /series in a file is HDF5's, by name.
std::vector<std::string> series_order();

class Simulation {
public:
  //! Builds the world and the rules from its own copy of `config`.
  Simulation(const RunConfig& config, const Registries& registries);
  //! As above, but starts from a copy of `prototype`, a world drawn for the same scenario
  //! (any `seed`, the same `world_seed`): replicates skip the population's generation and give
  //! the results of the first constructor bit for bit. The caller checks that the scenarios
  //! agree but for `seed` (kochmon.World does, by their resolved text).
  Simulation(const RunConfig& config, const Registries& registries, const World& prototype);
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  const World& world() const { return world_; }
  const RunConfig& config() const { return config_; }
  const ResultsLayout& layout() const { return layout_; }
  RunInfo info(int threads) const;

  //! Runs every remaining step, recording each; calls recorder.begin() first and, if the run
  //! completed, recorder.finish().
  RunOutcome run(Recorder& recorder, const RunOptions& options = {});

  //! Advances one month (for tests and benchmarks); the step's series are then in values().
  void step();
  int steps_done() const { return step_; }
  //! The last step's values of series i (layout order), full-population scale.
  std::span<const double> values(std::size_t i) const { return values_[i]; }
  //! Index of a series by name (for tests).
  std::size_t series_index(const std::string& name) const;

  //! Everything that changes during a run (households and the carried aggregates), for a
  //! checkpoint. restore_state() on a simulation built from the same scenario continues the
  //! run bit-identically.
  void save_state(StateWriter& out) const;
  void restore_state(const StateReader& in);

private:
  void init(const Registries& registries);

  struct Impl;
  const RunConfig config_; // the simulation's own copy: world_ and impl_ refer to it
  World world_;
  ResultsLayout layout_;
  std::vector<std::vector<double>> values_;
  std::unique_ptr<Impl> impl_;
  int step_ = 0;
};

} // namespace kochmon::sim

#endif
