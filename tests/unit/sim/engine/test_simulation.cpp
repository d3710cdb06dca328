#include <cmath>
#include <cstring>
#include <numeric>

#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include "agents/builtin.h"
#include "sim/engine/simulation.h"
#include "tests/support/configs.h"

namespace kochmon::sim {
namespace {

using tests::two_region_config;

double sum(std::span<const double> v) {
  return std::accumulate(v.begin(), v.end(), 0.0);
}

//! Every value of every series over every step, concatenated.
std::vector<double> run_all(const RunConfig& c, int threads) {
  tbb::global_control gc(tbb::global_control::max_allowed_parallelism,
                         static_cast<std::size_t>(threads));
  const auto reg = agents::builtin_registries();
  Simulation sim(c, reg);
  std::vector<double> all;
  for (int t = 0; t < c.n_steps(); ++t) {
    sim.step();
    for (std::size_t i = 0; i < sim.layout().series.size(); ++i) {
      auto v = sim.values(i);
      all.insert(all.end(), v.begin(), v.end());
    }
  }
  return all;
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

TEST(Determinism, ThreadCountsGiveBitIdenticalSeries) {
  auto c = two_region_config(6000, 18);
  c.decision.monthly_rate = 0.1;
  const auto one = run_all(c, 1);
  const auto two = run_all(c, 2);
  const auto four = run_all(c, 4);
  ASSERT_EQ(one.size(), two.size());
  EXPECT_TRUE(std::memcmp(one.data(), two.data(), one.size() * sizeof(double)) == 0);
  EXPECT_TRUE(std::memcmp(one.data(), four.data(), one.size() * sizeof(double)) == 0);
  // And the run is not trivially empty.
  EXPECT_GT(std::accumulate(one.begin(), one.end(), 0.0), 0.0);
}

//! Every rule, the logit combinator, bans, regimes, shocks, an urban labour market, household
//! moves, the regional constants of internal moves, push-pull's hold of members away, the
//! liquidity constraint with credit, and trajectories.
RunConfig everything_config(const std::string& combine) {
  auto c = two_region_config(4000, 30);
  c.regions[0].internal_exit = 0.5;
  c.regions[1].attractiveness = -0.3;
  c.decision.rules[0].params["b_away"] = 0.5;
  c.regions[0].urban = true;
  c.regions[0].jobs_growth_pct = 1.0;
  c.regions[1].shock_sd = 0.1;
  c.decision.combine = combine;
  c.decision.monthly_rate = 0.08;
  c.decision.internal_move = DecisionConfig::InternalMove::household;
  c.decision.liquidity_constraint = true;
  c.decision.credit_som = Series::constant(10000);
  if (combine == "sequential") c.decision.combine_params = {{"whether", 2}, {"where", 0}};
  RuleSpec ht, nelm;
  ht.rule = "harris_todaro";
  ht.params = {{"b_ht", 0.2},
               {"horizon_months", 24},
               {"discount_monthly", 0.99},
               {"asc_internal", 0.0},
               {"asc_foreign", 0.0}};
  nelm.rule = "nelm";
  nelm.params = {
      {"b_nelm", 2.0}, {"rho", 2.0}, {"g", 1.0}, {"asc_internal", -1.0}, {"asc_foreign", 0.0}};
  c.decision.rules.push_back(ht);
  c.decision.rules.push_back(nelm);
  c.destinations[0].detection_monthly = Series::constant(0.05);
  c.destinations[0].ban_shares = {0.5, 0.3, 0.2};
  c.destinations[0].regimes = {{c.start, Regime::pre_eaeu}, {c.start + 12, Regime::eaeu}};
  c.regimes[1].legalise_monthly = Series::constant(0.1);
  c.abroad.training_share = Series::constant(0.3);
  c.abroad.return_grant_som = Series::constant(5000);
  c.output.trajectories_sample = 0.05;
  return c;
}

TEST(Determinism, AllRulesAndFeaturesBitIdenticalAcrossThreadCounts) {
  for (const std::string combine : {"logit", "weighted", "any", "all", "sequential"}) {
    const auto c = everything_config(combine);
    const auto one = run_all(c, 1);
    const auto two = run_all(c, 2);
    ASSERT_EQ(one.size(), two.size());
    EXPECT_TRUE(std::memcmp(one.data(), two.data(), one.size() * sizeof(double)) == 0) << combine;
    EXPECT_GT(std::accumulate(one.begin(), one.end(), 0.0), 0.0);
  }
}

// Small enough for ThreadSanitizer (about 30x slower): every feature, two combinators, a
// checkpoint round trip, at 1, 2 and 4 threads. tools/dev/sanitizers.sh runs Sanitizer*.
TEST(DeterminismSanitizer, SmallWorldAllFeatures) {
  for (const std::string combine : {"logit", "sequential"}) {
    auto c = everything_config(combine);
    for (auto& r : c.regions)
      r.population = 500 * r.household_size;
    c.end = c.start + 7;
    const auto one = run_all(c, 1);
    const auto two = run_all(c, 2);
    const auto four = run_all(c, 4);
    ASSERT_EQ(one.size(), two.size());
    EXPECT_EQ(std::memcmp(one.data(), two.data(), one.size() * sizeof(double)), 0) << combine;
    EXPECT_EQ(std::memcmp(one.data(), four.data(), one.size() * sizeof(double)), 0) << combine;
  }
}

TEST(Determinism, SameSeedSameResultDifferentSeedDifferentResult) {
  auto c = two_region_config(2000, 6);
  const auto a = run_all(c, 2);
  const auto b = run_all(c, 2);
  EXPECT_EQ(a, b);
  c.seed = 8;
  const auto d = run_all(c, 2);
  EXPECT_NE(a, d);
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
