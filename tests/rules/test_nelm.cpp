// NELM risk diversification (MODEL.md §5, §10): the mean–variance gain by hand, and in small
// simulations: more shock variance → more migration; households with a migrant have a less
// variable income; more relative deprivation → more migration.

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "agents/builtin.h"
#include "agents/rules/nelm.h"
#include "sim/engine/simulation.h"
#include "tests/support/configs.h"

namespace kochmon::agents {
namespace {

struct Case {
  sim::OriginView o;
  sim::OptionView d;
  sim::HouseholdView h;
  Case() {
    o.w_r = 8000;
    o.p_r = 0.9;
    o.income_mean_r = 15000;
    o.sigma2_r = 0.02;
    d.foreign = true;
    d.p_d = 0.95;
    d.net_earnings_d = 20000;
    d.m_d = 0.4;
    d.fee_d = 0.02;
    d.sigma2_d = 0.08;
    h.adults_home = 2;
    h.income_var = 4e6;
  }
};

TEST(Nelm, DeltaUMatchesTheFormula) {
  const auto p = tests::defaults_of<Nelm>();
  const Nelm rule(p);
  Case c;
  const double y = c.o.income_mean_r;
  const double R = c.d.m_d * c.d.p_d * c.d.net_earnings_d * (1 - c.d.fee_d);
  const double dE = R - c.o.p_r * c.o.w_r;
  const double V = std::max(c.h.income_var, c.o.w_r * c.o.w_r * c.o.sigma2_r);
  const double dVar = 0.25 * V + R * R * c.d.sigma2_d - V; // λ = 1/2, no correlation
  const double expected = dE / y - 0.5 * p.at("rho") * dVar / (y * y);
  EXPECT_NEAR(rule.delta_u(c.o, c.d, c.h), expected, 1e-12);
}

TEST(Nelm, MoreHomeRiskMoreGainLessDestinationRiskMoreGainDeprivationAdds) {
  const Nelm rule(tests::defaults_of<Nelm>());
  Case c;
  const double base = rule.delta_u(c.o, c.d, c.h);
  Case risky = c;
  risky.h.income_var *= 4;
  EXPECT_GT(rule.delta_u(risky.o, risky.d, risky.h), base);
  Case safe_dest = c;
  safe_dest.d.sigma2_d /= 4;
  EXPECT_GT(rule.delta_u(safe_dest.o, safe_dest.d, safe_dest.h), base);
  Case correlated = c;
  correlated.d.corr_rd = 0.9; // a destination that fails when home fails diversifies less
  EXPECT_LT(rule.delta_u(correlated.o, correlated.d, correlated.h), base);
  Case deprived = c;
  deprived.h.relative_deprivation = 0.5;
  EXPECT_NEAR(rule.delta_u(deprived.o, deprived.d, deprived.h) - base,
              0.5 * tests::defaults_of<Nelm>().at("g"), 1e-12);
}

sim::RunConfig nelm_config(double shock_sd, double g) {
  auto c = tests::two_region_config(3000, 36);
  c.decision.rules.clear();
  sim::RuleSpec r;
  r.rule = "nelm";
  r.params = tests::defaults_of<Nelm>();
  r.params["g"] = g;
  r.params["asc_foreign"] = -2.0;
  r.params["asc_internal"] = -4.0;
  c.decision.rules.push_back(r);
  for (auto& reg : c.regions)
    reg.shock_sd = shock_sd;
  return c;
}

struct Totals {
  double departures = 0, var_with = 0, var_without = 0;
};

Totals run(const sim::RunConfig& c) {
  const auto reg = builtin_registries();
  sim::Simulation sim(c, reg);
  const std::size_t dep = sim.series_index("departures");
  const std::size_t vw = sim.series_index("income_relvar_with_migrant");
  const std::size_t vo = sim.series_index("income_relvar_without_migrant");
  Totals out;
  for (int t = 0; t < c.n_steps(); ++t) {
    sim.step();
    for (double v : sim.values(dep))
      out.departures += v;
    if (t >= c.n_steps() - 12) { // last year, region 1 (the south)
      out.var_with += sim.values(vw)[1] / 12;
      out.var_without += sim.values(vo)[1] / 12;
    }
  }
  return out;
}

TEST(NelmSimulation, HigherShockVarianceRaisesMigration) {
  const Totals calm = run(nelm_config(0.02, 0.0));
  const Totals shaky = run(nelm_config(0.25, 0.0));
  ASSERT_GT(calm.departures, 50);
  EXPECT_GT(shaky.departures, calm.departures * 1.1);
}

// "Comparable" households: incomes differ in level between the groups (remittances raise them,
// and NELM selects households with large incomes at risk), so the comparison is scale-free,
// variance relative to the squared mean income.
TEST(NelmSimulation, HouseholdsWithAMigrantHaveLowerIncomeVariance) {
  const Totals shaky = run(nelm_config(0.25, 0.0));
  ASSERT_GT(shaky.var_with, 0);
  EXPECT_LT(shaky.var_with, shaky.var_without);
}

TEST(NelmSimulation, RelativeDeprivationRaisesMigration) {
  const Totals none = run(nelm_config(0.05, 0.0));
  const Totals deprived = run(nelm_config(0.05, 2.0));
  EXPECT_GT(deprived.departures, none.departures * 1.1);
}

} // namespace
} // namespace kochmon::agents
