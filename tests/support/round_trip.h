#ifndef KOCHMON_TESTS_SUPPORT_ROUND_TRIP_H
#define KOCHMON_TESTS_SUPPORT_ROUND_TRIP_H

// Running a simulation step by step, and a checkpoint round trip that must continue it bit
// for bit (the determinism and checkpoint tests).

#include <cstring>
#include <vector>

#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include "agents/builtin.h"
#include "sim/engine/simulation.h"
#include "tests/support/memory_state.h"

namespace kochmon::tests {

//! Every value of every series (trajectories included) over `steps` steps, concatenated.
inline std::vector<double> run_steps(sim::Simulation& sim, int steps) {
  std::vector<double> all;
  for (int t = 0; t < steps; ++t) {
    sim.step();
    for (std::size_t i = 0; i < sim.layout().series.size(); ++i) {
      auto v = sim.values(i);
      all.insert(all.end(), v.begin(), v.end());
    }
  }
  return all;
}

inline bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

//! Runs `c` straight with 2 threads, and again stopped after `stop_at` steps with `before`
//! threads, saved, restored into a fresh simulation and finished with `after` threads: the
//! two must agree bit for bit.
inline void expect_round_trip(const sim::RunConfig& c, int stop_at, int before, int after) {
  const auto reg = agents::builtin_registries();
  std::vector<double> straight, resumed;
  MemoryState state;
  {
    tbb::global_control gc(tbb::global_control::max_allowed_parallelism, 2);
    sim::Simulation sim(c, reg);
    run_steps(sim, stop_at);
    straight = run_steps(sim, c.n_steps() - stop_at);
  }
  {
    tbb::global_control gc(tbb::global_control::max_allowed_parallelism,
                           static_cast<std::size_t>(before));
    sim::Simulation sim(c, reg);
    run_steps(sim, stop_at);
    sim.save_state(state);
  }
  {
    tbb::global_control gc(tbb::global_control::max_allowed_parallelism,
                           static_cast<std::size_t>(after));
    sim::Simulation sim(c, reg);
    sim.restore_state(state);
    EXPECT_EQ(sim.steps_done(), stop_at);
    resumed = run_steps(sim, c.n_steps() - stop_at);
  }
  EXPECT_TRUE(same_bits(straight, resumed))
      << "stopped at " << stop_at << ", threads " << before << " then " << after;
}

} // namespace kochmon::tests

#endif
