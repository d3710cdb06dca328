// The tallies table (sim/engine/tallies.h): the layout follows the table, and the series it
// reduces agree with each other where the model says they must (a series mapped to the wrong
// sum breaks one of these identities).

#include <cmath>
#include <set>

#include <gtest/gtest.h>

#include "agents/builtin.h"
#include "sim/engine/simulation.h"
#include "sim/engine/tallies.h"
#include "tests/support/configs.h"

namespace kochmon::sim {
namespace {

double total(std::span<const double> v) {
  double s = 0;
  for (double x : v)
    s += x;
  return s;
}

TEST(Tallies, TheLayoutIsTheTableThenTheTrajectories) {
  const auto reg = agents::builtin_registries();
  const RunConfig c = tests::every_feature_config(reg, "logit", 300, 2);
  Simulation sim(c, reg);
  const ResultsLayout& l = sim.layout();
  ASSERT_EQ(l.series.size(), static_cast<std::size_t>(S_COUNT_WITH_TRAJ));
  std::set<std::string> names;
  for (std::size_t i = 0; i < S_COUNT; ++i) {
    const SeriesRow& row = SERIES_TABLE[i];
    EXPECT_EQ(l.series[i].name, row.name);
    EXPECT_EQ(l.series[i].axes, shape_axes(row.shape)) << row.name;
    EXPECT_EQ(l.size(i), shape_extent(row.shape, static_cast<int>(c.regions.size()),
                                      static_cast<int>(c.regions.size() + c.destinations.size())))
        << row.name;
    EXPECT_FALSE(l.series[i].unit.empty()) << row.name;
    EXPECT_FALSE(l.series[i].description.empty()) << row.name;
  }
  for (const auto& s : l.series)
    EXPECT_TRUE(names.insert(s.name).second) << "two series named " << s.name;
  EXPECT_EQ(l.series[S_TRAJ_REGION].name, "household_region");
  EXPECT_EQ(l.series[S_TRAJ_REGION].axes, std::vector<int>{A_HOUSEHOLD});
}

TEST(Tallies, TheOffsetsTileOneBlock) {
  const SumOffsets off = make_offsets(3, 5);
  std::size_t at = 0;
  for (std::size_t s = 0; s < Sum::count; ++s) {
    EXPECT_EQ(off.at[s], at);
    at += shape_extent(SUM_SHAPES[s], 3, 5);
  }
  EXPECT_EQ(off.size, at);
  EXPECT_EQ(shape_extent(Shape::RD_SEX_LEGAL, 3, 5), 60u);
  EXPECT_EQ(shape_extent(Shape::OR, 3, 5), 9u);
}

// Identities between series over 18 months of every feature: each holds up to the rounding of
// summing the same counts in another order (relative 1e-12), or exactly for bounds.
TEST(Tallies, SeriesAgreeWithEachOther) {
  const auto reg = agents::builtin_registries();
  const RunConfig c = tests::every_feature_config(reg, "logit", 3000, 18);
  Simulation sim(c, reg);
  const std::size_t R = c.regions.size(), D = R + c.destinations.size();
  const auto idx = [&](const char* name) { return sim.series_index(name); };
  double stock_seen = 0, remit_seen = 0;
  for (int m = 0; m < 18; ++m) {
    sim.step();
    const auto stock = sim.values(idx("stock"));
    const auto by_sex_legal = sim.values(idx("stock_by_sex_legal"));
    for (std::size_t i = 0; i < R * D; ++i) {
      const double parts = by_sex_legal[i * 4] + by_sex_legal[i * 4 + 1] + by_sex_legal[i * 4 + 2] +
                           by_sex_legal[i * 4 + 3];
      EXPECT_NEAR(parts, stock[i], 1e-12 * (1 + stock[i])) << "month " << m << " cell " << i;
    }
    stock_seen += total(stock);
    // Remittances by source add up to those received (both at the full population's scale).
    const double received = total(sim.values(idx("remittances_som")));
    EXPECT_NEAR(total(sim.values(idx("remittances_by_source_som"))), received,
                1e-9 * (1 + received))
        << "month " << m;
    remit_seen += received;
    // One exchange rate a month: USD over som is the same in every region.
    const auto som = sim.values(idx("remittances_som"));
    const auto usd = sim.values(idx("remittances_usd"));
    for (std::size_t r = 1; r < R; ++r)
      if (som[r] > 0 && som[0] > 0)
        EXPECT_NEAR(usd[r] / som[r], usd[0] / som[0], 1e-12 * usd[0] / som[0]);
    for (const char* rate : {"unemployment_rate", "share_households_abroad", "poverty_rate"})
      for (double v : sim.values(idx(rate))) {
        EXPECT_GE(v, 0.0) << rate;
        EXPECT_LE(v, 1.0) << rate;
      }
    for (const char* count : {"departures", "returns", "expulsions", "population_home"})
      for (double v : sim.values(idx(count)))
        EXPECT_GE(v, 0.0) << count;
    // Expulsions are returns.
    const auto ret = sim.values(idx("returns"));
    const auto exp = sim.values(idx("expulsions"));
    for (std::size_t i = 0; i < R * D; ++i)
      EXPECT_LE(exp[i], ret[i]);
  }
  // The identities were not vacuous.
  EXPECT_GT(stock_seen, 0);
  EXPECT_GT(remit_seen, 0);
}

} // namespace
} // namespace kochmon::sim
