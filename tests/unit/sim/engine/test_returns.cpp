// Returns in the engine's month (MODEL.md §6): a fall of the destination wage in som and a
// return grant raise returns (the default return model's table applied to the members
// abroad); returnees with savings start more businesses.

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "agents/builtin.h"
#include "sim/engine/simulation.h"
#include "tests/support/configs.h"

namespace kochmon::agents {
namespace {

//! Per month: returns, the stock at the month's end and expulsions, by origin region over every
//! destination, and (foreign_*) over the foreign destinations from every region.
struct Flows {
  struct Step {
    double returns[2] = {0, 0}, stock[2] = {0, 0}, expulsions[2] = {0, 0};
    double foreign_returns = 0, foreign_stock = 0, foreign_expulsions = 0;
  };
  std::vector<Step> month;
  double returns(int from, int to) const {
    double n = 0;
    for (int t = from; t < to; ++t)
      n += month[static_cast<std::size_t>(t)].returns[0] +
           month[static_cast<std::size_t>(t)].returns[1];
    return n;
  }
};

Flows flows(const sim::RunConfig& c, int months) {
  const auto reg = builtin_registries();
  sim::Simulation sim(c, reg);
  const int R = sim.world().n_regions(), D = sim.world().n_destinations();
  EXPECT_EQ(R, 2);
  Flows f;
  for (int t = 0; t < months; ++t) {
    sim.step();
    Flows::Step m;
    for (int r = 0; r < R; ++r)
      for (int d = 0; d < D; ++d) {
        const auto i = static_cast<std::size_t>(r * D + d);
        const double ret = sim.values(sim.series_index("returns"))[i];
        const double stock = sim.values(sim.series_index("stock"))[i];
        const double exp = sim.values(sim.series_index("expulsions"))[i];
        m.returns[r] += ret;
        m.stock[r] += stock;
        m.expulsions[r] += exp;
        if (sim.world().is_foreign(d)) {
          m.foreign_returns += ret;
          m.foreign_stock += stock;
          m.foreign_expulsions += exp;
        }
      }
    f.month.push_back(m);
  }
  return f;
}

TEST(Returns, AFallOfTheDestinationWageInSomRaisesReturns) {
  auto c = tests::two_region_config(3000, 48);
  c.abroad.return_wage_fall = 1.0;
  const Flows calm = flows(c, 36);
  // The rouble loses 40% against the som from month 24 (a rouble crisis).
  c.currencies[1].per_usd = sim::Series{{{static_cast<double>((c.start + 23).index), 30.0},
                                         {static_cast<double>((c.start + 24).index), 50.0}},
                                        sim::Series::Mode::hold,
                                        0.0};
  const Flows crisis = flows(c, 36);
  // Over months 24–35 the effect exceeds 4 sd of its noise: sd(b − a) ≤ sqrt(a + b) ≈ 78 on
  // a ≈ 1,400, b ≈ 4,700 (b − a ≈ 42 sqrt(a + b)).
  const double a = calm.returns(24, 36), b = crisis.returns(24, 36);
  EXPECT_GT(b - a, 4 * std::sqrt(a + b));
  // Its size in month 24, where both arms start from the same members abroad with the same
  // draws: each member not expelled gains the hazard return_wage_fall·(1 − 30/50) = 0.4 (the
  // 12-month mean is still the old rate), so the extra returns are binomial over n = members
  // abroad at the end of month 23 less month 24's expulsions (≈ 3,400): sd =
  // sqrt(n·0.4·0.6) ≈ 29; 4 sd.
  const auto& before = calm.month[23];
  const auto& c24 = calm.month[24];
  const auto& x24 = crisis.month[24];
  const double dh = c.abroad.return_wage_fall * (1.0 - 30.0 / 50.0);
  const double n = before.foreign_stock - c24.foreign_expulsions;
  EXPECT_NEAR(x24.foreign_returns - c24.foreign_returns, n * dh, 4 * std::sqrt(n * dh * (1 - dh)));
}

TEST(Returns, AReturnGrantRaisesReturns) {
  auto c = tests::two_region_config(3000, 36);
  const Flows none = flows(c, 36);
  // A grant of 50,000 som from month 12 (the arms are identical until then).
  c.abroad.return_grant_som = sim::Series{{{static_cast<double>((c.start + 11).index), 0.0},
                                           {static_cast<double>((c.start + 12).index), 50000.0}},
                                          sim::Series::Mode::hold,
                                          0.0};
  const Flows grant = flows(c, 36);
  // Over months 12–35 the effect exceeds 4 sd of its noise: sd(b − a) ≤ sqrt(a + b) ≈ 91 on
  // a ≈ 2,400, b ≈ 6,000 (b − a ≈ 40 sqrt(a + b)).
  const double a = none.returns(12, 36), b = grant.returns(12, 36);
  EXPECT_GT(b - a, 4 * std::sqrt(a + b));
  // Its size in month 12, from the same members away with the same draws: each member not
  // expelled gains the hazard return_grant_effect·grant / w_r (0.083 in the north, 0.125 in
  // the south), so the extra returns are binomial over n_r = members away at the end of month
  // 11 less month 12's expulsions: sd = sqrt(Σ_r n_r dh_r (1 − dh_r)) ≈ 14; 4 sd.
  double expected = 0, var = 0, extra = 0;
  for (int r = 0; r < 2; ++r) {
    const double dh = c.abroad.return_grant_effect * 50000.0 /
                      c.regions[static_cast<std::size_t>(r)].wage_som.at(c.start + 12);
    const double n = none.month[11].stock[r] - none.month[12].expulsions[r];
    expected += n * dh;
    var += n * dh * (1 - dh);
    extra += grant.month[12].returns[r] - none.month[12].returns[r];
  }
  EXPECT_NEAR(extra, expected, 4 * std::sqrt(var));
}

struct Businesses {
  double started = 0, returns = 0, expulsions = 0;
};

Businesses businesses(const sim::RunConfig& c) {
  const auto reg = builtin_registries();
  sim::Simulation sim(c, reg);
  Businesses total;
  for (int t = 0; t < c.n_steps(); ++t) {
    sim.step();
    for (double v : sim.values(sim.series_index("returnee_businesses")))
      total.started += v;
    for (double v : sim.values(sim.series_index("returns")))
      total.returns += v;
    for (double v : sim.values(sim.series_index("expulsions")))
      total.expulsions += v;
  }
  return total;
}

TEST(Returns, ReturneesWithSavingsStartMoreBusinesses) {
  auto c = tests::two_region_config(3000, 36);
  c.abroad.business_savings_effect = sim::Series::constant(0.0);
  const Businesses flat = businesses(c);
  c.abroad.business_savings_effect = sim::Series::constant(0.2);
  const Businesses saved = businesses(c);
  // The effect exceeds 4 sd of its noise: sd(b − a) ≤ sqrt(a + b) ≈ 15 on a ≈ 52, b ≈ 190
  // (b − a ≈ 8.7 sqrt(a + b) over 50 seeds).
  EXPECT_GT(saved.started - flat.started, 4 * std::sqrt(saved.started + flat.started));
  EXPECT_GT(flat.started, 0);
  // Without the savings term every returnee not expelled starts one with business_base:
  // binomial over n = returns − expulsions (≈ 2,600): sd = sqrt(n p (1 − p)) ≈ 7; 4 sd.
  const double n = flat.returns - flat.expulsions, p = c.abroad.business_base.at(c.start);
  EXPECT_NEAR(flat.started, n * p, 4 * std::sqrt(n * p * (1 - p)));
}

} // namespace
} // namespace kochmon::agents
