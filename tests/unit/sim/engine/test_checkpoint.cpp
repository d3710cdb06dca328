// A run stopped at any step and restored into a fresh simulation continues bit-identically,
// whatever the thread counts before and after.

#include <cstring>
#include <map>

#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include "agents/builtin.h"
#include "sim/engine/simulation.h"
#include "tests/support/configs.h"
#include "tests/support/memory_state.h"
#include "tests/support/round_trip.h"

namespace kochmon::sim {
namespace {

using tests::MemoryState;

RunConfig busy_config() {
  auto c = tests::two_region_config(3000, 30);
  c.regions[0].urban = true;
  c.decision.monthly_rate = 0.1;
  c.decision.internal_move = DecisionConfig::InternalMove::household;
  c.destinations[0].detection_monthly = Series::constant(0.05);
  c.destinations[0].ban_shares = {0.5, 0.3, 0.2};
  RuleSpec nelm;
  nelm.rule = "nelm";
  nelm.params = {
      {"b_nelm", 2.0}, {"rho", 2.0}, {"g", 1.0}, {"asc_internal", -1.0}, {"asc_foreign", 0.0}};
  c.decision.rules.push_back(nelm);
  return c;
}

TEST(Checkpoint, RestoredRunContinuesBitIdentically) {
  const auto c = busy_config();
  for (int stop_at : {1, 7, 19})
    for (auto [before, after] : {std::pair{1, 2}, std::pair{2, 1}})
      tests::expect_round_trip(c, stop_at, before, after);
}

TEST(Checkpoint, StateOfAnotherWorldIsRefused) {
  const auto reg = agents::builtin_registries();
  MemoryState state;
  {
    Simulation sim(busy_config(), reg);
    sim.step();
    sim.save_state(state);
  }
  auto other = busy_config();
  other.regions[0].population *= 2;
  Simulation sim(other, reg);
  EXPECT_THROW(sim.restore_state(state), InputError);
}

} // namespace
} // namespace kochmon::sim
