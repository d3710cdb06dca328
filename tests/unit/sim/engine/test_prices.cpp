// Prices (currencies.cpi): the home price level indexes the poverty line and deflates the real
// series, and reaches no decision (issue #15 leaves real comparisons over time to the
// recalibration of the base, scenarios/kyrgyzstan/README.md).

#include <gtest/gtest.h>

#include "agents/builtin.h"
#include "sim/engine/simulation.h"
#include "tests/support/configs.h"

namespace kochmon::sim {
namespace {

TEST(Prices, ThePovertyLineFollowsHomePricesAndRealSeriesAreDeflated) {
  const auto reg = agents::builtin_registries();
  RunConfig flat = tests::two_region_config(2000, 24);
  // The one decision prices reach is the return hazard's comparison of the wage abroad with
  // its past (at today's home prices): off here, tested below.
  flat.abroad.return_wage_fall = 0;
  RunConfig priced = flat;
  // Home prices +30% a year from the start (the base month), at mid-year points.
  priced.currencies[0].cpi = Series{{{static_cast<double>((flat.start + 6).index), 1.0},
                                     {static_cast<double>((flat.start + 18).index), 1.3}},
                                    Series::Mode::interpolate,
                                    30.0};
  priced.price_base = flat.start + 6;
  Simulation a(flat, reg), b(priced, reg);
  const std::size_t poverty = a.series_index("poverty_rate");
  double raised = 0;
  for (int m = 0; m < 24; ++m) {
    a.step();
    b.step();
    const double p = b.world().price_level(flat.start + m);
    // Nothing but the poverty rate and the real series may differ.
    for (std::size_t i = 0; i < a.layout().series.size(); ++i) {
      const std::string& name = a.layout().series[i].name;
      if (name == "poverty_rate" || name.find("_real_") != std::string::npos) continue;
      const auto x = a.values(i), y = b.values(i);
      for (std::size_t j = 0; j < x.size(); ++j)
        ASSERT_EQ(x[j], y[j]) << name << " month " << m;
    }
    for (const char* nominal : {"mean_income_som", "remittances_som"}) {
      const std::string real =
          std::string(nominal).replace(std::string(nominal).rfind("_som"), 4, "_real_som");
      const auto x = b.values(b.series_index(nominal)), y = b.values(b.series_index(real));
      const auto z = a.values(a.series_index(real));
      for (std::size_t r = 0; r < x.size(); ++r) {
        EXPECT_DOUBLE_EQ(y[r], x[r] / p) << real << " month " << m;
        EXPECT_EQ(z[r], x[r]) << real << " without prices is nominal, month " << m;
      }
    }
    // A higher line makes at least as many poor, and more once prices have risen.
    for (std::size_t r = 0; r < 2; ++r) {
      if (p >= 1) EXPECT_GE(b.values(poverty)[r], a.values(poverty)[r]) << "month " << m;
      if (p <= 1) EXPECT_LE(b.values(poverty)[r], a.values(poverty)[r]) << "month " << m;
      raised += b.values(poverty)[r] - a.values(poverty)[r];
    }
  }
  EXPECT_GT(raised, 0.05) << "30% a year on the poverty line must show in the poverty rate";
}

// MODEL.md §6 and issue #15: a return hazard that compares the wage abroad with its past
// compares purchasing power at home. A som wage abroad that stays flat while home prices rise
// 30% a year has fallen in real terms, so more return than without prices (common random
// numbers: the same population and draws).
TEST(Prices, AReturnHazardComparesWagesAtTodaysHomePrices) {
  const auto reg = agents::builtin_registries();
  RunConfig flat = tests::two_region_config(3000, 36);
  flat.abroad.return_wage_fall = 0.5;
  RunConfig priced = flat;
  priced.currencies[0].cpi = Series{{{static_cast<double>(flat.start.index), 1.0},
                                     {static_cast<double>((flat.start + 12).index), 1.3}},
                                    Series::Mode::interpolate,
                                    30.0};
  Simulation a(flat, reg), b(priced, reg);
  const std::size_t returns = a.series_index("returns");
  double ra = 0, rb = 0;
  for (int m = 0; m < 36; ++m) {
    a.step();
    b.step();
    for (double v : a.values(returns))
      ra += v;
    for (double v : b.values(returns))
      rb += v;
  }
  // Inflation of 30% a year against a 12-month mean is a real fall of about 13%: 0.5 × 0.13
  // ≈ +0.065 a month on a base hazard of 0.02 (when the wage abroad is flat in som). More
  // than 10% more returns is far outside the noise of a few thousand returns (the sd of a
  // difference of two counts of ~3,000 is at most √6,000 ≈ 80, under 3%).
  EXPECT_GT(rb, 1.1 * ra) << ra << " vs " << rb;
}

} // namespace
} // namespace kochmon::sim
