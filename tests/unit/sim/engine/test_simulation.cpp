#include <cmath>
#include <cstring>
#include <numeric>

#include <gtest/gtest.h>

#include "agents/builtin.h"
#include "sim/engine/simulation.h"
#include "tests/support/configs.h"

namespace kochmon::sim {
namespace {

using tests::two_region_config;

double sum(std::span<const double> v) {
  return std::accumulate(v.begin(), v.end(), 0.0);
}

TEST(Population, RegionalTotalsMatchInputsWithinSamplingError) {
  auto c = two_region_config(20000, 1);
  c.regions[1].household_size = 5.5;
  c.regions[1].population = 20000 * 5.5;
  const auto reg = agents::builtin_registries();
  Simulation sim(c, reg);
  const auto& hh = sim.world().households();
  std::vector<double> persons(2, 0), count(2, 0), adults(2, 0);
  for (std::size_t h = 0; h < hh.n_households(); ++h) {
    persons[hh.region[h]] += hh.size[h];
    adults[hh.region[h]] += hh.n_adults[h];
    count[hh.region[h]] += 1;
  }
  for (int r = 0; r < 2; ++r) {
    const double target = c.regions[static_cast<std::size_t>(r)].population;
    // Sizes are 1 + Poisson(m − 1): sd per household sqrt(m − 1); 4 sd of the total.
    const double sd = std::sqrt(count[static_cast<std::size_t>(r)] *
                                (c.regions[static_cast<std::size_t>(r)].household_size - 1));
    EXPECT_NEAR(persons[static_cast<std::size_t>(r)], target, 4 * sd) << "region " << r;
    EXPECT_DOUBLE_EQ(count[static_cast<std::size_t>(r)],
                     std::llround(target / c.regions[static_cast<std::size_t>(r)].household_size));
  }
  // Scaled back: a 10% sample reports the same population (within sampling error).
  auto c10 = c;
  c10.scale = 0.1;
  Simulation sim10(c10, reg);
  sim10.step();
  const auto pop = sim10.values(sim10.series_index("population_home"));
  const auto stock = sim10.values(sim10.series_index("stock"));
  const double total = sum(pop) + sum(stock);
  const double target = c.regions[0].population + c.regions[1].population;
  EXPECT_NEAR(total, target, 0.02 * target);
}

TEST(Population, EmploymentMatchesRegionalUnemployment) {
  auto c = two_region_config(20000, 1);
  c.regions[0].unemployment = Series::constant(0.20);
  const auto reg = agents::builtin_registries();
  Simulation sim(c, reg);
  sim.step();
  const auto u = sim.values(sim.series_index("unemployment_rate"));
  // ~40,000 active adults per region: binomial sd of a rate about 0.002.
  EXPECT_NEAR(u[0], 0.20, 0.01);
  EXPECT_NEAR(u[1], 0.08, 0.01);
}

TEST(Determinism, WorldSeedFixesThePopulationAcrossDynamicsSeeds) {
  auto c = two_region_config(2000, 1);
  const auto reg = agents::builtin_registries();
  Simulation s1(c, reg);
  c.seed = 99; // world_seed unchanged
  Simulation s2(c, reg);
  EXPECT_EQ(s1.world().households().size, s2.world().households().size);
  EXPECT_EQ(s1.world().households().wage_factor, s2.world().households().wage_factor);
}

} // namespace
} // namespace kochmon::sim

namespace kochmon::sim {
namespace {

TEST(Population, InitialStockAbroadMatchesTheScenario) {
  auto c = two_region_config(20000, 1);
  c.destinations[0].initial_stock = 5000;
  const auto reg = agents::builtin_registries();
  Simulation sim(c, reg);
  const auto& hh = sim.world().households();
  double away = 0;
  for (std::size_t a = 0; a < hh.n_adults_total(); ++a)
    away += hh.status[a] == AdultStatus::away;
  // Binomial over ~96,000 adults with p ≈ 0.05: sd ≈ 68; 4 sd.
  EXPECT_NEAR(away, 5000, 4 * std::sqrt(5000.0));
  sim.step();
  const auto stock = sim.values(sim.series_index("stock"));
  EXPECT_GT(sum(stock), 4500); // they are still there after one month (returns ~2-10%)
  EXPECT_GT(sum(sim.values(sim.series_index("remittances_som"))), 0); // and they remit at once
}

TEST(Decision, AttractivenessRaisesADestinationsShare) {
  auto c = two_region_config(5000, 6);
  const auto reg = agents::builtin_registries();
  auto departures_abroad = [&](const RunConfig& cfg) {
    Simulation sim(cfg, reg);
    double n = 0;
    const std::size_t dep = sim.series_index("departures");
    for (int t = 0; t < cfg.n_steps(); ++t) {
      sim.step();
      const auto v = sim.values(dep);
      n += v[2] + v[5]; // the foreign destination, from both regions
    }
    return n;
  };
  const double base = departures_abroad(c);
  c.destinations[0].attractiveness = 1.0;
  EXPECT_GT(departures_abroad(c), base * 1.15); // same draws in both arms
}

// regions[].internal_exit raises the moves out of that region to other regions, and only those.
TEST(Simulation, InternalExitRaisesMovesOutOfThatRegionOnly) {
  RunConfig c = two_region_config(5000, 24);
  c.decision.internal_move = DecisionConfig::InternalMove::household;
  const auto reg = agents::builtin_registries();
  struct Moves {
    double out_of_0 = 0, out_of_1 = 0;
  };
  auto moves = [&](const RunConfig& cfg) {
    Simulation sim(cfg, reg);
    Moves m;
    const std::size_t mv = sim.series_index("internal_moves"); // region × region, persons
    for (int t = 0; t < cfg.n_steps(); ++t) {
      sim.step();
      const auto v = sim.values(mv);
      m.out_of_0 += v[0 * 2 + 1];
      m.out_of_1 += v[1 * 2 + 0];
    }
    return m;
  };
  const Moves base = moves(c);
  ASSERT_GT(base.out_of_0, 0);
  ASSERT_GT(base.out_of_1, 0);
  c.regions[0].internal_exit = 1.0;
  const Moves more = moves(c);
  EXPECT_GT(more.out_of_0, base.out_of_0 * 1.5); // e^1 ≈ 2.7 times the odds
  // Region 1's households see no change in their options' scores; the counts differ only by
  // the households that moved into region 1 from region 0 (their draws, their choices).
  EXPECT_NEAR(more.out_of_1, base.out_of_1, 0.25 * base.out_of_1);
}

} // namespace
} // namespace kochmon::sim
