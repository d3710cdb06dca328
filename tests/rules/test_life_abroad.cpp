// Life abroad and return (MODEL.md §6): bans, re-routing, regimes, return hazards, returnee
// businesses, the liquidity constraint.

#include <numeric>

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

double kazakhstan_share(const sim::RunConfig& c) {
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
  return kz / (ru + kz);
}

TEST(Bans, BansOnRussiaRaiseKazakhstansShareOfNewDepartures) {
  const double without = kazakhstan_share(two_destinations(0.0));
  const double with = kazakhstan_share(two_destinations(1.0));
  EXPECT_GT(with, without + 0.02) << "without bans " << without << ", with " << with;
}

double returns_in(const sim::RunConfig& c, int from, int to) {
  const auto reg = builtin_registries();
  sim::Simulation sim(c, reg);
  const std::size_t ret = sim.series_index("returns");
  double total = 0;
  for (int t = 0; t < to; ++t) {
    sim.step();
    if (t >= from)
      for (double v : sim.values(ret))
        total += v;
  }
  return total;
}

TEST(Returns, AFallOfTheDestinationWageInSomRaisesReturns) {
  auto c = tests::two_region_config(3000, 48);
  c.abroad.return_wage_fall = 1.0;
  const double calm = returns_in(c, 24, 36);
  // The rouble loses 40% against the som from month 24 (a rouble crisis).
  c.currencies[1].per_usd = sim::Series{{{static_cast<double>((c.start + 23).index), 30.0},
                                         {static_cast<double>((c.start + 24).index), 50.0}},
                                        sim::Series::Mode::hold,
                                        0.0};
  const double crisis = returns_in(c, 24, 36);
  EXPECT_GT(crisis, calm * 1.1);
}

TEST(Returns, AReturnGrantRaisesReturns) {
  auto c = tests::two_region_config(3000, 36);
  const double none = returns_in(c, 12, 36);
  c.abroad.return_grant_som = sim::Series::constant(50000);
  EXPECT_GT(returns_in(c, 12, 36), none * 1.1);
}

double businesses(const sim::RunConfig& c) {
  const auto reg = builtin_registries();
  sim::Simulation sim(c, reg);
  const std::size_t b = sim.series_index("returnee_businesses");
  double total = 0;
  for (int t = 0; t < c.n_steps(); ++t) {
    sim.step();
    for (double v : sim.values(b))
      total += v;
  }
  return total;
}

TEST(Returns, ReturneesWithSavingsStartMoreBusinesses) {
  auto c = tests::two_region_config(3000, 36);
  c.abroad.business_savings_effect = 0.0;
  const double flat = businesses(c);
  c.abroad.business_savings_effect = 0.2;
  EXPECT_GT(businesses(c), flat * 1.2);
  EXPECT_GT(flat, 0);
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
    return legal / all;
  };
  const double before = legal_share(c);
  c.destinations[0].regimes = {{c.start, sim::Regime::pre_eaeu}, {c.start + 24, sim::Regime::eaeu}};
  const double after = legal_share(c);
  EXPECT_GT(after, before + 0.1);
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
  const int D = sim.world().n_destinations();
  std::vector<double> russia;
  for (int t = 0; t < c.n_steps(); ++t) {
    sim.step();
    russia.push_back(sim.values(bans)[static_cast<std::size_t>(D - 2)]);
  }
  EXPECT_GT(russia[35], 50); // bans accumulated
  // The amnesty month ends with only that month's new bans left.
  EXPECT_LT(russia[36], 0.1 * russia[35]);
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
