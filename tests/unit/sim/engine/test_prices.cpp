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
  const RunConfig flat = tests::two_region_config(2000, 24);
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
    // Nothing but the poverty rate and the real series may differ: prices reach no decision.
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

} // namespace
} // namespace kochmon::sim
