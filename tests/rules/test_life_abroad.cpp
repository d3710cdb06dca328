// Life abroad and return (MODEL.md §6): bans, re-routing, regimes, return hazards, returnee
// businesses, the liquidity constraint.

#include <cmath>
#include <numeric>
#include <vector>

#include <gtest/gtest.h>

#include "agents/builtin.h"
#include "sim/engine/simulation.h"
#include "tests/support/configs.h"

namespace kochmon::agents {
namespace {

//! two_region_config plus Kazakhstan; Russia detects often and grants legal status rarely.
sim::RunConfig two_destinations(double ban10_share, int months = 60) {
  auto c = tests::two_region_config(3000, months);
  c.currencies.push_back({"kzt", sim::Series::constant(150)});
  auto kz = c.destinations[0];
  kz.id = "kazakhstan";
  kz.currency = "kzt";
  kz.lat_deg = 43.24;
  kz.lon_deg = 76.89;
  kz.wage_local = sim::Series::constant(80000); // 24,000 som: less than Russia's 45,000
  kz.cost_som = sim::Series::constant(15000);
  c.destinations.push_back(kz);
  c.destinations[0].id = "russia";
  c.destinations[0].detection_monthly = sim::Series::constant(0.05);
  c.destinations[0].ban_shares = {0.0, 0.0, ban10_share};
  c.regimes[0].legal_share = sim::Series::constant(0.2);
  c.decision.monthly_rate = 0.05;
  return c;
}

TEST(Bans, ABannedMigrantNeverAppearsAtTheBanningDestinationBeforeTheBanEnds) {
  auto c = two_destinations(0.0);
  c.destinations[0].ban_shares = {1.0, 0.0, 0.0}; // every expelled migrant: 3 years
  c.end = c.start + 95;
  const auto reg = builtin_registries();
  sim::Simulation sim(c, reg);
  const auto& hh = sim.world().households();
  const std::size_t nb = sim.series_index("new_bans");
  double bans = 0;
  int banned_then_went_back = 0;
  for (int t = 0; t < c.n_steps(); ++t) {
    sim.step();
    for (double v : sim.values(nb))
      bans += v;
    for (std::size_t a = 0; a < hh.n_adults_total(); ++a) {
      if (hh.status[a] != sim::AdultStatus::away || hh.ban_dest[a] != hh.dest[a]) continue;
      // Away at the destination that banned them: only if they left once the ban had ended.
      ASSERT_GE(hh.since_step[a], hh.ban_until[a]) << "adult " << a << " at step " << t;
      ++banned_then_went_back;
    }
  }
  EXPECT_GT(bans, 100);
  EXPECT_GT(banned_then_went_back, 0); // the check above was exercised after bans expired
}

struct Shares {
  double kazakhstan = 0; // share of Kazakhstan in the departures to Russia or Kazakhstan
  double n = 0;          // those departures
};

Shares kazakhstan_share(const sim::RunConfig& c) {
  const auto reg = builtin_registries();
  sim::Simulation sim(c, reg);
  const std::size_t dep = sim.series_index("departures");
  const int R = sim.world().n_regions(), D = sim.world().n_destinations();
  double ru = 0, kz = 0;
  for (int t = 0; t < c.n_steps(); ++t) {
    sim.step();
    const auto v = sim.values(dep);
    for (int r = 0; r < R; ++r) {
      ru += v[static_cast<std::size_t>(r * D + D - 2)];
      kz += v[static_cast<std::size_t>(r * D + D - 1)];
    }
  }
  return {kz / (ru + kz), ru + kz};
}

TEST(Bans, BansOnRussiaRaiseKazakhstansShareOfNewDepartures) {
  const Shares without = kazakhstan_share(two_destinations(0.0));
  const Shares with = kazakhstan_share(two_destinations(1.0));
  // n ≈ 12,700 departures per arm, share s ≈ 0.54: binomial sd sqrt(s (1 − s) / n) ≈ 0.0044
  // per arm. The arms share their draws until the first bans, so the difference is much less
  // noisy than two independent shares: measured over 50 seeds its sd is 0.28 × the
  // independent sqrt(Σ s (1 − s) / n) (the effect ≈ 0.026 is 4.1 × it); 4 sd with 0.3.
  const double independent = std::sqrt(without.kazakhstan * (1 - without.kazakhstan) / without.n +
                                       with.kazakhstan * (1 - with.kazakhstan) / with.n);
  EXPECT_GT(with.kazakhstan - without.kazakhstan, 4 * 0.3 * independent)
      << "without bans " << without.kazakhstan << ", with " << with.kazakhstan;
}

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
  c.abroad.business_savings_effect = 0.0;
  const Businesses flat = businesses(c);
  c.abroad.business_savings_effect = 0.2;
  const Businesses saved = businesses(c);
  // The effect exceeds 4 sd of its noise: sd(b − a) ≤ sqrt(a + b) ≈ 15 on a ≈ 52, b ≈ 190
  // (b − a ≈ 8.7 sqrt(a + b) over 50 seeds).
  EXPECT_GT(saved.started - flat.started, 4 * std::sqrt(saved.started + flat.started));
  EXPECT_GT(flat.started, 0);
  // Without the savings term every returnee not expelled starts one with business_base:
  // binomial over n = returns − expulsions (≈ 2,600): sd = sqrt(n p (1 − p)) ≈ 7; 4 sd.
  const double n = flat.returns - flat.expulsions, p = c.abroad.business_base;
  EXPECT_NEAR(flat.started, n * p, 4 * std::sqrt(n * p * (1 - p)));
}

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

} // namespace
} // namespace kochmon::agents

namespace kochmon::agents {
namespace {

TEST(Bans, AnAmnestyLiftsTheActiveBans) {
  auto c = two_destinations(1.0, 48);
  c.events.push_back({c.start + 36, sim::EventConfig::Type::amnesty, 0, 1.0});
  const auto reg = builtin_registries();
  sim::Simulation sim(c, reg);
  const std::size_t bans = sim.series_index("active_bans");
  const std::size_t new_bans = sim.series_index("new_bans");
  const int D = sim.world().n_destinations();
  std::vector<double> russia, russia_new;
  for (int t = 0; t < c.n_steps(); ++t) {
    sim.step();
    russia.push_back(sim.values(bans)[static_cast<std::size_t>(D - 2)]);
    russia_new.push_back(sim.values(new_bans)[static_cast<std::size_t>(D - 2)]);
  }
  EXPECT_GT(russia[35], 50); // bans accumulated
  // The amnesty month ends with only that month's new bans left: a count, no sampling error
  // (10-year bans: none expires in between).
  EXPECT_EQ(russia[36], russia_new[36]);
  EXPECT_LT(russia[36], russia[35]);
}

TEST(Bans, WeakEnforcementLetsSomeBannedAdultsBackIllegally) {
  auto c = two_destinations(1.0, 60);
  c.destinations[0].ban_enforcement = sim::Series::constant(0.3);
  const auto reg = builtin_registries();
  sim::Simulation sim(c, reg);
  const auto& hh = sim.world().households();
  int evaders = 0;
  for (int t = 0; t < c.n_steps(); ++t) {
    sim.step();
    for (std::size_t a = 0; a < hh.n_adults_total(); ++a) {
      if (hh.status[a] != sim::AdultStatus::away || hh.ban_dest[a] != hh.dest[a]) continue;
      if (hh.since_step[a] >= hh.ban_until[a]) continue; // went after the ban ended
      ++evaders;
      EXPECT_EQ(hh.away_flags[a] & sim::AwayFlags::LEGAL, 0)
          << "an evader enters under a new name, illegally";
    }
  }
  EXPECT_GT(evaders, 0);
}

} // namespace
} // namespace kochmon::agents
