// Entry regimes in the engine's month (MODEL.md §2, §6): EAEU accession raises the legal
// share of the stock abroad.

#include <algorithm>
#include <cmath>
#include <utility>

#include <gtest/gtest.h>

#include "agents/builtin.h"
#include "sim/engine/simulation.h"
#include "tests/support/configs.h"

namespace kochmon::agents {
namespace {

TEST(Regimes, EaeuAccessionRaisesTheLegalShareOfTheStock) {
  auto c = tests::two_region_config(3000, 48);
  c.regimes[1].legal_share = sim::Series::constant(0.95);
  c.regimes[1].legalise_monthly = sim::Series::constant(0.2);
  struct Legal {
    double share = 0, n = 0; // legal share of the stock abroad at the end, and that stock
  };
  auto legal_share = [](const sim::RunConfig& cfg) {
    const auto reg = builtin_registries();
    sim::Simulation sim(cfg, reg);
    for (int t = 0; t < cfg.n_steps(); ++t)
      sim.step();
    const auto v = sim.values(sim.series_index("stock_by_sex_legal"));
    double legal = 0, all = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
      all += v[i];
      if (i % 2 == 0) legal += v[i];
    }
    return Legal{legal / all, all};
  };
  const Legal before = legal_share(c);
  c.destinations[0].regimes = {{c.start, sim::Regime::pre_eaeu}, {c.start + 24, sim::Regime::eaeu}};
  const Legal after = legal_share(c);
  // n ≈ 5,600 members abroad: binomial sd sqrt(s (1 − s) / n) ≈ 0.0055 before (s ≈ 0.78),
  // 0.0011 after; the paths part at month 24, so the sd of the difference ≤ sqrt of the sum
  // (0.0054 measured over 20 seeds); the effect exceeds 4 sd.
  EXPECT_GT(after.share - before.share, 4 * std::sqrt(before.share * (1 - before.share) / before.n +
                                                      after.share * (1 - after.share) / after.n));
  // Its size: after 24 months of EAEU at most 1 − 0.95 of the arrivals came illegally, and
  // of the illegal ones from before at most (1 − 0.2)^24 ≈ 0.5% have not regularised, so the
  // legal share is at least 0.95 − 0.005 less 4 binomial sd (≈ 0.003).
  const auto& eaeu = c.regimes[static_cast<std::size_t>(sim::Regime::eaeu)];
  const double least =
      eaeu.legal_share.at(c.start) - std::pow(1 - eaeu.legalise_monthly.at(c.start), 24);
  EXPECT_GT(after.share, least - 4 * std::sqrt(least * (1 - least) / after.n));
}

//! Sums of a series over months [from, to) for the foreign destinations (region × destination
//! series), and whether months before `from` were bit-identical between two runs.
struct Paired {
  double a = 0, b = 0;
  bool same_before = true;
};

Paired paired(const sim::RunConfig& ca, const sim::RunConfig& cb, const char* series, int from) {
  const auto reg = builtin_registries();
  sim::Simulation sa(ca, reg), sb(cb, reg);
  const std::size_t i = sa.series_index(series);
  const std::size_t uR = ca.regions.size(), uD = uR + ca.destinations.size();
  Paired out;
  for (int t = 0; t < ca.n_steps(); ++t) {
    sa.step();
    sb.step();
    const auto va = sa.values(i), vb = sb.values(i);
    if (t < from) {
      out.same_before = out.same_before && std::equal(va.begin(), va.end(), vb.begin());
      continue;
    }
    for (std::size_t k = 0; k < va.size(); ++k)
      if (k % uD >= uR) {
        out.a += va[k];
        out.b += vb[k];
      }
  }
  return out;
}

// MODEL.md §5: the cost of going is travel plus the entry costs of the regime in force, so a
// regime switch changes who goes. Dearer entry under the regime that starts in month 12 lowers
// departures abroad from then on, and changes nothing before.
TEST(Regimes, TheRegimeInForceSetsTheCostOfGoing) {
  auto cheap = tests::two_region_config(3000, 36);
  cheap.destinations[0].regimes = {{cheap.start, sim::Regime::pre_eaeu},
                                   {cheap.start + 12, sim::Regime::eaeu}};
  auto dear = cheap;
  dear.regimes[static_cast<std::size_t>(sim::Regime::eaeu)].entry_cost_som =
      sim::Series::constant(60000);
  const Paired p = paired(cheap, dear, "departures", 12);
  EXPECT_TRUE(p.same_before);
  // The legal share (0.7) pays 60,000 som, 3.5–5 months of the home wages: b_cost 0.1 lowers
  // the score by 0.35–0.5, but the choice is near saturation in this small world, so the
  // departures fall by less (measured: 4,318 against 3,737, −13%). With ~4,000 departures in
  // each arm the sd of the difference is at most √(4,000 + 4,000) ≈ 90 (2%; less with common
  // random numbers), so a fall of more than 7% is more than 3 sd from no effect.
  EXPECT_LT(p.b, 0.93 * p.a) << p.a << " vs " << p.b;
  EXPECT_GT(p.b, 0.5 * p.a); // a cost, not a ban
}

// MODEL.md §5: a dearer permit deters going legal (legal_cost_elasticity) and lowers what a
// legal migrant keeps: fewer legal migrants abroad, and a larger illegal share of the stock.
TEST(Regimes, ADearerPermitLowersLegalMigrantsAndRaisesTheIllegalShare) {
  auto cheap = tests::two_region_config(3000, 36);
  auto& pre = cheap.regimes[static_cast<std::size_t>(sim::Regime::pre_eaeu)];
  pre.legal_share = sim::Series::constant(0.8);
  pre.legal_cost_elasticity = 2;
  pre.permit_cost_som = sim::Series::constant(500);
  auto dear = cheap;
  dear.regimes[0].permit_cost_som = sim::Series::constant(6000);
  const auto reg = builtin_registries();
  auto legal_illegal = [&](const sim::RunConfig& c) {
    sim::Simulation sim(c, reg);
    for (int t = 0; t < c.n_steps(); ++t)
      sim.step();
    const auto v = sim.values(sim.series_index("stock_by_sex_legal")); // … × sex × legal
    double legal = 0, illegal = 0;
    for (std::size_t k = 0; k < v.size(); ++k)
      (k % 2 == 0 ? legal : illegal) += v[k];
    return std::pair{legal, illegal};
  };
  const auto [legal_a, illegal_a] = legal_illegal(cheap);
  const auto [legal_b, illegal_b] = legal_illegal(dear);
  // The share who go legal: 0.8·(1 − 500/(0.87·w))² against 0.8·(1 − 6000/(0.87·w))², with
  // w = 30,000 som: 0.77 against 0.50. The stock's illegal share moves by about as much
  // (a fifth of the stock); its binomial sd over ~2,000 members is about 0.01.
  const double share_a = illegal_a / (legal_a + illegal_a);
  const double share_b = illegal_b / (legal_b + illegal_b);
  EXPECT_GT(share_b - share_a, 0.1) << share_a << " vs " << share_b;
  EXPECT_LT(legal_b, 0.8 * legal_a);
}

// MODEL.md §6: regime parameters can differ by destination; a destination's own permit moves
// only its own migrants' legality.
TEST(Regimes, ADestinationsOwnRegimeParametersApplyOnlyThere) {
  const auto reg = builtin_registries();
  auto shared = tests::every_feature_config(reg, "logit", 2000, 12);
  for (auto& d : shared.destinations) {
    d.regimes = {{shared.start, sim::Regime::pre_eaeu}};
    d.regime_params = {};
  }
  auto own = shared;
  sim::RegimeConfig dear = own.regimes[0];
  dear.permit_cost_som = sim::Series::constant(20000);
  dear.legal_cost_elasticity = 3;
  own.destinations[1].regime_params[0] = dear;
  EXPECT_EQ(&own.regime_config(0, own.start), &own.regimes[0]);
  EXPECT_DOUBLE_EQ(own.regime_config(1, own.start).permit_cost_som.at(own.start), 20000);
  EXPECT_LT(own.regime_config(1, own.start).legal_share_at(own.start, 40000),
            shared.regime_config(1, shared.start).legal_share_at(shared.start, 40000));
}

} // namespace
} // namespace kochmon::agents
