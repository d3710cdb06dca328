// Push–pull (MODEL.md §5 and §10): the rule's theory, checked by hand-built contexts and by
// small simulations with common random numbers (the same keyed draws in both arms).

#include <cmath>
#include <numeric>
#include <vector>

#include <gtest/gtest.h>

#include "agents/builtin.h"
#include "agents/rules/push_pull.h"
#include "sim/engine/simulation.h"
#include "tests/support/configs.h"

namespace kochmon::agents {
namespace {

sim::Params defaults() {
  sim::Params p;
  for (const auto& q : PushPull::info().params)
    p[q.name] = q.default_value;
  return p;
}

struct Fixture {
  sim::OriginView origin;
  std::vector<sim::OptionView> options;
  Fixture() {
    origin.w_r = 10000;
    origin.u_r = 0.1;
    origin.P_r = 1e5;
    origin.poverty_r = 0.3;
    options.resize(2);
    auto& d = options[1];
    d.foreign = true;
    d.w_d = 30000;
    d.fx_d = 0.5;
    d.u_d = 0.05;
    d.c_d = 20000;
    d.dist_km = 3000;
    d.N_rd = 1000;
    d.net_earnings_d = 0.8 * d.w_d * d.fx_d; // keeps 80% of the wage (tax, permit, expulsion)
  }
  double score(const PushPull& rule) const {
    std::vector<double> s(options.size());
    const sim::RegionContext ctx{sim::Month::of(2010, 1), 0, origin, options};
    rule.score_region(ctx, s);
    return s[1];
  }
};

TEST(PushPull, ScoreRisesWithWageRatioAndNetworkFallsWithCostAndDistance) {
  const PushPull rule(defaults());
  Fixture f;
  const double base = f.score(rule);
  Fixture g = f;
  g.options[1].w_d *= 1.2;
  g.options[1].net_earnings_d *= 1.2; // the same share of a higher wage is kept
  EXPECT_GT(g.score(rule), base);
  g = f;
  g.options[1].N_rd *= 3;
  EXPECT_GT(g.score(rule), base);
  g = f;
  g.options[1].c_d *= 2;
  EXPECT_LT(g.score(rule), base);
  g = f;
  g.options[1].dist_km *= 2;
  EXPECT_LT(g.score(rule), base);
  g = f;
  g.origin.u_r = 0.2;
  EXPECT_GT(g.score(rule), base);
}

TEST(PushPull, ScoreMatchesTheFormula) {
  auto p = defaults();
  const PushPull rule(p);
  Fixture f;
  const auto& d = f.options[1];
  const auto& o = f.origin;
  const double expected =
      p["b_wage"] * std::log(d.w_d * d.fx_d / o.w_r) + p["b_unemp"] * (o.u_r - d.u_d) +
      p["b_network"] * std::log1p(p["k_network"] * d.N_rd / o.P_r) - p["b_cost"] * d.c_d / o.w_r -
      p["b_dist"] * d.dist_km / 1000 + p["b_poverty"] * o.poverty_r + p["asc_foreign"] +
      p["b_policy"] * std::log(0.8);
  EXPECT_NEAR(f.score(rule), expected, 1e-12);
}

// MODEL.md §5: taxes, permits, legality and expulsion reach push–pull through the policy term,
// and the regime's entry costs through c_d; b_policy = 0 leaves the gross-wage form.
TEST(PushPull, PolicyTermLowersTheScoreAsLessOfTheWageIsKept) {
  auto p = defaults();
  Fixture f;
  const double wage = f.options[1].w_d * f.options[1].fx_d;
  const PushPull rule(p);
  const double at80 = f.score(rule);
  f.options[1].net_earnings_d = 0.5 * wage; // a dearer patent, or stricter detection
  EXPECT_NEAR(at80 - f.score(rule), p["b_policy"] * std::log(0.8 / 0.5), 1e-12);
  f.options[1].net_earnings_d = 0; // all of it taken: a floor, not -inf
  EXPECT_TRUE(std::isfinite(f.score(rule)));
  p["b_policy"] = 0;
  const PushPull gross(p);
  f.options[1].net_earnings_d = 0.5 * wage;
  const double a = f.score(gross);
  f.options[1].net_earnings_d = 0.9 * wage;
  EXPECT_EQ(a, f.score(gross));
  // internal moves have no policy term
  f.options[1].foreign = false;
  const double internal = f.score(rule);
  f.options[1].net_earnings_d = 0.1 * wage;
  EXPECT_EQ(internal, f.score(rule));
}

TEST(PushPull, NoDifferentialLeavesOnlyTheConstants) {
  auto p = defaults();
  p["b_poverty"] = 0;
  const PushPull rule(p);
  Fixture f;
  auto& d = f.options[1];
  d.w_d = f.origin.w_r;
  d.fx_d = 1;
  d.u_d = f.origin.u_r;
  d.c_d = 0;
  d.dist_km = 0;
  d.N_rd = 0;
  d.net_earnings_d = d.w_d; // keeps the whole wage
  EXPECT_DOUBLE_EQ(f.score(rule), p["asc_foreign"]);
}

TEST(PushPull, LandShortagePushesOnlyWhenShort) {
  const PushPull rule(defaults());
  Fixture f;
  const sim::RegionContext ctx{sim::Month::of(2010, 1), 0, f.origin, f.options};
  std::vector<double> base(2), s(2);
  rule.score_region(ctx, base);
  sim::HouseholdView rich, poor;
  rich.land_ha = 2.0;
  poor.land_ha = 0.0;
  rule.score(sim::DecisionContext{ctx, rich}, base, s);
  EXPECT_DOUBLE_EQ(s[1], base[1]);
  rule.score(sim::DecisionContext{ctx, poor}, base, s);
  EXPECT_GT(s[1], base[1]);
}

TEST(PushPull, MembersAwayHoldTheHouseholdOnlyWithBAway) {
  Fixture f;
  const sim::RegionContext ctx{sim::Month::of(2010, 1), 0, f.origin, f.options};
  sim::HouseholdView none, two;
  none.land_ha = two.land_ha = 2.0;
  two.adults_away = 2;
  std::vector<double> base(2), s_none(2), s_two(2);
  const PushPull off(defaults()); // b_away 0 by default: who is away does not matter
  off.score_region(ctx, base);
  off.score(sim::DecisionContext{ctx, none}, base, s_none);
  off.score(sim::DecisionContext{ctx, two}, base, s_two);
  EXPECT_DOUBLE_EQ(s_two[1], s_none[1]);
  auto p = defaults();
  p["b_away"] = 0.5;
  const PushPull on(p);
  EXPECT_TRUE(on.uses_household());
  on.score_region(ctx, base);
  on.score(sim::DecisionContext{ctx, none}, base, s_none);
  on.score(sim::DecisionContext{ctx, two}, base, s_two);
  EXPECT_DOUBLE_EQ(s_two[1], s_none[1] - 2 * 0.5); // b_away per member away
  EXPECT_DOUBLE_EQ(s_two[0], s_none[0]);           // stay is not moved
}

// --- in a simulation

struct Departures {
  double abroad = 0, internal = 0; // from every region
};

Departures departures(const sim::RunConfig& c) {
  const auto reg = builtin_registries();
  sim::Simulation sim(c, reg);
  Departures total;
  const std::size_t dep = sim.series_index("departures");
  const int R = sim.world().n_regions(), D = sim.world().n_destinations();
  for (int t = 0; t < c.n_steps(); ++t) {
    sim.step();
    const auto v = sim.values(dep);
    for (int r = 0; r < R; ++r) {
      total.abroad += v[static_cast<std::size_t>(r * D + D - 1)];
      for (int d = 0; d < R; ++d)
        if (d != r) total.internal += v[static_cast<std::size_t>(r * D + d)];
    }
  }
  return total;
}

TEST(PushPullSimulation, MoreMigrationWithLargerWageRatioLowerCostLargerNetwork) {
  const auto base_cfg = tests::two_region_config(3000, 12);
  const Departures base = departures(base_cfg);
  ASSERT_GT(base.abroad, 100); // enough departures for the comparisons to mean something
  // Each arm differs from base in one parameter, with the same keyed draws. For counts a, b
  // (≈ 2,400 each) sd(b − a) ≤ sqrt(a + b) ≈ 70, but that bound is about the size of the
  // effects; the common draws make the noise much smaller: measured over 50 seeds, sd(b − a)
  // = f·sqrt(a + b) with f = 0.23 (wage), 0.17 (cost), 0.33 (network), 0.23 (b_away), rounded
  // up below. Each effect must exceed 4 sd.
  auto noise = [&](double f, const Departures& arm) {
    return 4 * f * std::sqrt(arm.abroad + base.abroad);
  };

  auto c = base_cfg;
  c.destinations[0].wage_local = sim::Series::constant(45000);
  const Departures wage = departures(c);
  EXPECT_GT(wage.abroad - base.abroad, noise(0.25, wage)); // b − a ≈ 3.8 sqrt(a + b)
  // Its size: b_wage·ln(45/30) on the foreign score multiplies, for every household, the odds
  // of going abroad against moving within the country by 1.5^b_wage. sd of the log odds
  // ratio ≤ sqrt(Σ 1/count) over the four counts (≈ 0.085: the ≈ 370 internal moves
  // dominate; 0.034 measured, mean 0.436, the network adding a little); 4 sd.
  const double b_wage = base_cfg.decision.rules[0].params.at("b_wage");
  EXPECT_NEAR(
      std::log((wage.abroad / wage.internal) / (base.abroad / base.internal)),
      b_wage * std::log(45000.0 / 30000.0),
      4 * std::sqrt(1 / wage.abroad + 1 / wage.internal + 1 / base.abroad + 1 / base.internal));

  c = base_cfg;
  c.destinations[0].cost_som = sim::Series::constant(5000);
  const Departures cost = departures(c);
  EXPECT_GT(cost.abroad - base.abroad, noise(0.2, cost)); // b − a ≈ 2.6 sqrt(a + b)

  c = base_cfg;
  c.decision.rules[0].params["b_network"] = 3.0;
  const Departures network = departures(c);
  EXPECT_GT(network.abroad - base.abroad, noise(0.35, network)); // ≈ 6.3 sqrt(a + b)

  // A household with a member away sends another less readily.
  c = base_cfg;
  c.decision.rules[0].params["b_away"] = 2.0;
  const Departures away = departures(c);
  EXPECT_LT(away.abroad - base.abroad, -noise(0.25, away)); // ≈ −2.5 sqrt(a + b)
}

TEST(PushPullSimulation, NoNetFlowWithoutDifferentials) {
  // Two identical regions and no foreign destination: people move both ways (idiosyncratic
  // random utility), but the flows balance within sampling error.
  auto c = tests::two_region_config(5000, 24);
  c.destinations.clear();
  c.regions[1].wage_som = c.regions[0].wage_som;
  c.decision.monthly_rate = 0.05;
  c.decision.rules[0].params["asc_internal"] = 0.0;
  const auto reg = builtin_registries();
  sim::Simulation sim(c, reg);
  const std::size_t moves = sim.series_index("internal_moves");
  double ns = 0, sn = 0;
  for (int t = 0; t < c.n_steps(); ++t) {
    sim.step();
    ns += sim.values(moves)[1]; // origin north → south
    sn += sim.values(moves)[2]; // origin south → north
  }
  ASSERT_GT(ns + sn, 1000);
  // Independent Bernoulli counts: sd(ns − sn) ≈ sqrt(ns + sn); allow 4 sd.
  EXPECT_LT(std::abs(ns - sn), 4 * std::sqrt(ns + sn));

  // With a wage differential the flow turns one way.
  c.regions[0].wage_som = sim::Series::constant(16000);
  sim::Simulation sim2(c, reg);
  ns = sn = 0;
  for (int t = 0; t < c.n_steps(); ++t) {
    sim2.step();
    ns += sim2.values(moves)[1];
    sn += sim2.values(moves)[2];
  }
  EXPECT_GT(sn - ns, 4 * std::sqrt(ns + sn));
}

} // namespace
} // namespace kochmon::agents
