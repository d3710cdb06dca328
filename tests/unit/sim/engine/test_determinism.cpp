// Results are bit-identical for any thread count (MODEL.md §9), with every feature on, over
// worlds large enough that every region holds several chunks of the parallel step (so 2 and 4
// threads really share regions), and across a checkpoint round trip with the thread count
// changed.

#include <cstring>
#include <numeric>

#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include "agents/builtin.h"
#include "sim/engine/simulation.h"
#include "tests/support/configs.h"
#include "tests/support/round_trip.h"

namespace kochmon::sim {
namespace {

using tests::every_feature_config;
using tests::expect_round_trip;
using tests::run_steps;
using tests::same_bits;
using tests::two_region_config;

std::vector<double> run_all(const RunConfig& c, int threads) {
  tbb::global_control gc(tbb::global_control::max_allowed_parallelism,
                         static_cast<std::size_t>(threads));
  const auto reg = agents::builtin_registries();
  Simulation sim(c, reg);
  return run_steps(sim, c.n_steps());
}

//! The features the configuration is meant to exercise did happen (a configuration that
//! silently turned one off would make the comparison weaker than it claims).
void expect_features_happened(const RunConfig& c) {
  tbb::global_control gc(tbb::global_control::max_allowed_parallelism, 2);
  const auto reg = agents::builtin_registries();
  Simulation sim(c, reg);
  const std::size_t uR = c.regions.size(), uD = uR + c.destinations.size();
  std::vector<double> departures(uD, 0.0);
  double bans = 0, expulsions = 0, moves = 0, returns = 0, first_stock = -1, peak_bans = 0,
         last_bans = 0, births = 0, deaths = 0, formed = 0;
  for (int t = 0; t < c.n_steps(); ++t) {
    sim.step();
    const auto dep = sim.values(sim.series_index("departures")); // region × destination
    for (std::size_t i = 0; i < dep.size(); ++i)
      departures[i % uD] += dep[i];
    auto total = [&](const char* name) {
      const auto v = sim.values(sim.series_index(name));
      return std::accumulate(v.begin(), v.end(), 0.0);
    };
    bans += total("new_bans");
    expulsions += total("expulsions");
    moves += total("internal_moves");
    returns += total("returns");
    births += total("births");
    deaths += total("deaths");
    formed += total("new_households");
    last_bans = total("active_bans");
    peak_bans = std::max(peak_bans, last_bans);
    if (first_stock < 0) first_stock = total("stock");
  }
  for (std::size_t d = uR; d < uD; ++d)
    EXPECT_GT(departures[d], 0) << "no departures to " << c.destinations[d - uR].id;
  EXPECT_GT(first_stock, 0.5 * (c.destinations[0].initial_stock)); // the initial stock is there
  EXPECT_GT(bans, 0);
  EXPECT_GT(expulsions, 0);
  EXPECT_GT(moves, 0);
  EXPECT_GT(returns, 0);
  EXPECT_LT(last_bans, peak_bans); // bans were lifted (the amnesty) or expired
  EXPECT_GT(births, 0);
  EXPECT_GT(deaths, 0);
  EXPECT_GT(formed, 0); // new households took slots of the reserve
}

TEST(Determinism, ThreadCountsGiveBitIdenticalSeries) {
  auto c = two_region_config(20000, 18);
  c.decision.monthly_rate = 0.1;
  const auto one = run_all(c, 1);
  EXPECT_TRUE(same_bits(one, run_all(c, 2)));
  EXPECT_TRUE(same_bits(one, run_all(c, 4)));
  EXPECT_GT(std::accumulate(one.begin(), one.end(), 0.0), 0.0);
}

// 20,000 households in each of nine regions (three chunks of 8,192 each), three foreign
// destinations, every feature, 40 months: past the regime switches (months 5 and 8), the
// amnesty (month 9) and the first expiries of 3-year bans; every combinator.
class DeterminismEveryFeature : public ::testing::TestWithParam<const char*> {};

TEST_P(DeterminismEveryFeature, OneTwoAndFourThreadsAreBitIdentical) {
  const auto reg = agents::builtin_registries();
  const auto c = every_feature_config(reg, GetParam(), 20000, 40);
  const auto one = run_all(c, 1);
  EXPECT_TRUE(same_bits(one, run_all(c, 2))) << GetParam();
  EXPECT_TRUE(same_bits(one, run_all(c, 4))) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Combinators, DeterminismEveryFeature,
                         ::testing::Values("logit", "weighted", "sequential", "any", "all"),
                         [](const auto& info) { return std::string(info.param); });

TEST(Determinism, TheEveryFeatureConfigurationExercisesEveryFeature) {
  const auto reg = agents::builtin_registries();
  expect_features_happened(every_feature_config(reg, "logit", 20000, 40));
}

// Checkpoints with every feature (Harris–Todaro, the liquidity constraint, trajectories, the
// regime switches and the amnesty): stopped before the first switch, between the switches and
// the amnesty, just after the amnesty, and late, with the thread count changed each time.
TEST(DeterminismCheckpoint, EveryFeatureRoundTripsAtSeveralPoints) {
  const auto reg = agents::builtin_registries();
  const auto c = every_feature_config(reg, "logit", 4000, 40);
  for (int stop_at : {3, 7, 10, 31})
    expect_round_trip(c, stop_at, stop_at % 2 ? 1 : 2, stop_at % 2 ? 2 : 1);
}

// Small enough for ThreadSanitizer (several times slower with an instrumented oneTBB): every
// feature and two combinators at 1, 2 and 4 threads over 14 months (past both regime switches
// and the amnesty), 9,000 households per region (two chunks each, so one region's tallies are
// made by two tasks), and a checkpoint round trip with the thread count changed.
// tools/dev/sanitizers.sh runs DeterminismSanitizer.* under TSan (ctest tsan.determinism).
TEST(DeterminismSanitizer, SmallWorldAllFeatures) {
  const auto reg = agents::builtin_registries();
  for (const std::string combine : {"logit", "sequential"}) {
    const auto c = every_feature_config(reg, combine, 9000, 14);
    const auto one = run_all(c, 1);
    EXPECT_TRUE(same_bits(one, run_all(c, 2))) << combine;
    EXPECT_TRUE(same_bits(one, run_all(c, 4))) << combine;
  }
  expect_round_trip(every_feature_config(reg, "logit", 9000, 14), 9, 4, 2);
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

} // namespace
} // namespace kochmon::sim
