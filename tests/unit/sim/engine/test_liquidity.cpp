// The liquidity constraint in the engine's month (MODEL.md §6): no departure without the cost
// in savings, unless credit covers it.

#include <gtest/gtest.h>

#include "agents/builtin.h"
#include "sim/engine/simulation.h"
#include "tests/support/configs.h"

namespace kochmon::agents {
namespace {

TEST(Liquidity, NoDepartureWithoutTheCostUnlessCredit) {
  auto c = tests::two_region_config(2000, 6);
  c.destinations[0].cost_som = sim::Series::constant(4e5); // more than anyone has saved
  c.regions[0].move_cost_som = sim::Series::constant(4e5);
  c.regions[1].move_cost_som = sim::Series::constant(4e5);
  c.decision.liquidity_constraint = true;
  const auto reg = builtin_registries();
  auto departures = [&](const sim::RunConfig& cfg) {
    sim::Simulation sim(cfg, reg);
    double total = 0;
    for (int t = 0; t < cfg.n_steps(); ++t) {
      sim.step();
      for (double v : sim.values(sim.series_index("departures")))
        total += v;
    }
    return total;
  };
  EXPECT_EQ(departures(c), 0.0);
  c.decision.credit_som = sim::Series::constant(4e5);
  EXPECT_GT(departures(c), 0.0);
}

} // namespace
} // namespace kochmon::agents
