// Entry bans in the engine's month (MODEL.md §6): a banned adult stays away from the banning
// destination until the ban ends, bans re-route departures, an amnesty lifts them, weak
// enforcement lets some banned adults back illegally.

#include <cmath>
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
