// The places of a run (sim/world/world.h): indexing of regions and destinations, distances,
// and the conditions of a month (MonthEnv, wage_som), against values worked out by hand from
// tests/unit/sim/world/tiny_world.h.

#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sim/world/world.h"
#include "tests/unit/sim/world/tiny_world.h"

namespace kochmon::sim {
namespace {

using tests::tiny_world_config;

constexpr double EARTH_KM = 6371.0;
constexpr double PI = 3.14159265358979323846;
//! Arc length of a central angle given in degrees, on the engine's spherical Earth.
double arc_km(double degrees) {
  return EARTH_KM * degrees * PI / 180.0;
}

TEST(World, IndexesRegionsFirstThenForeignDestinations) {
  const RunConfig c = tiny_world_config();
  const World w(c);
  EXPECT_EQ(w.n_regions(), 3);
  EXPECT_EQ(w.n_foreign(), 2);
  EXPECT_EQ(w.n_destinations(), 5);
  for (int d = 0; d < 5; ++d)
    EXPECT_EQ(w.is_foreign(d), d >= 3) << "destination " << d;
  EXPECT_EQ(w.region_ids(), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(w.destination_ids(), (std::vector<std::string>{"a", "b", "c", "ru", "kz"}));
  EXPECT_EQ(&w.config(), &c); // the world reads the caller's config, it does not copy it
}

// The points lie on the equator and the zero meridian, so every distance is a simple arc:
// a–b 10° of latitude, a–ru a quarter of the equator, b–ru a quarter circle too (cos d =
// sin 10°·sin 0° + cos 10°·cos 0°·cos 90° = 0), a–kz 45°, b–kz 35°. Tolerance: rounding of
// the trigonometry at a few thousand km.
TEST(World, DistancesAreGreatCircleArcsFromEachRegionToEachDestination) {
  const RunConfig c = tiny_world_config();
  const World w(c);
  const double tol = 1e-6;
  EXPECT_NEAR(w.dist_km(0, 0), 0.0, tol);
  EXPECT_NEAR(w.dist_km(0, 1), arc_km(10), tol);
  EXPECT_NEAR(w.dist_km(1, 0), arc_km(10), tol);
  EXPECT_NEAR(w.dist_km(0, 2), 0.0, tol); // c sits where a does
  EXPECT_NEAR(w.dist_km(2, 1), arc_km(10), tol);
  EXPECT_NEAR(w.dist_km(0, 3), arc_km(90), tol);
  EXPECT_NEAR(w.dist_km(1, 3), arc_km(90), tol);
  EXPECT_NEAR(w.dist_km(0, 4), arc_km(45), tol);
  EXPECT_NEAR(w.dist_km(1, 4), arc_km(35), tol);
  EXPECT_NEAR(w.dist_km(2, 4), arc_km(45), tol);
}

// February 2015 is half-way along every January–March ramp of tiny_world.h.
TEST(World, MonthEnvHoldsThatMonthsConditionsPerRegionAndDestination) {
  const RunConfig c = tiny_world_config();
  const World w(c);
  MonthEnv env;
  // Wrong sizes and stale values in: month_env sizes the vectors and overwrites every entry.
  env.w_r.assign(7, -1.0);
  env.fee_d.assign(1, -1.0);
  env.detect_d.assign(9, -1.0);
  const Month feb = Month::of(2015, 2);
  w.month_env(feb, env);
  EXPECT_EQ(env.month, feb);
  EXPECT_DOUBLE_EQ(env.som_per_usd, 80.0);
  for (auto* v : {&env.w_r, &env.u_r, &env.poverty_r, &env.farm_som_per_ha, &env.move_cost_som})
    EXPECT_EQ(v->size(), 3u);
  for (auto* v : {&env.w_d, &env.fx_d, &env.u_d, &env.c_d, &env.fee_d, &env.detect_d})
    EXPECT_EQ(v->size(), 5u);
  const double w_r[] = {11000, 12000, 13000}, u_r[] = {0.05, 0.10, 0.15};
  const double poverty[] = {0.2, 0.3, 0.4}, farm[] = {1000, 1500, 2000};
  const double move[] = {4000, 4500, 5000};
  for (std::size_t r = 0; r < 3; ++r) {
    EXPECT_DOUBLE_EQ(env.w_r[r], w_r[r]) << "region " << r;
    EXPECT_DOUBLE_EQ(env.u_r[r], u_r[r]) << "region " << r;
    EXPECT_DOUBLE_EQ(env.poverty_r[r], poverty[r]) << "region " << r;
    EXPECT_DOUBLE_EQ(env.farm_som_per_ha[r], farm[r]) << "region " << r;
    EXPECT_DOUBLE_EQ(env.move_cost_som[r], move[r]) << "region " << r;
    // A region as a destination: its own market in som, no fee, no detection.
    EXPECT_DOUBLE_EQ(env.w_d[r], w_r[r]) << "region " << r;
    EXPECT_DOUBLE_EQ(env.fx_d[r], 1.0) << "region " << r;
    EXPECT_DOUBLE_EQ(env.u_d[r], u_r[r]) << "region " << r;
    EXPECT_DOUBLE_EQ(env.c_d[r], move[r]) << "region " << r;
    EXPECT_EQ(env.fee_d[r], 0.0) << "region " << r;
    EXPECT_EQ(env.detect_d[r], 0.0) << "region " << r;
  }
  // ru: 50,000 roubles at 80 som / 65 roubles; kz: 200,000 tenge at 80 som / 400 tenge.
  EXPECT_DOUBLE_EQ(env.w_d[3], 50000);
  EXPECT_DOUBLE_EQ(env.fx_d[3], 80.0 / 65.0);
  EXPECT_DOUBLE_EQ(env.u_d[3], 0.06);
  EXPECT_DOUBLE_EQ(env.c_d[3], 30000);
  EXPECT_DOUBLE_EQ(env.fee_d[3], 0.02);
  EXPECT_DOUBLE_EQ(env.detect_d[3], 0.01);
  EXPECT_DOUBLE_EQ(env.w_d[4], 200000);
  EXPECT_DOUBLE_EQ(env.fx_d[4], 0.2);
  EXPECT_DOUBLE_EQ(env.u_d[4], 0.06);
  EXPECT_DOUBLE_EQ(env.c_d[4], 15000);
  EXPECT_DOUBLE_EQ(env.fee_d[4], 0.015);
  EXPECT_DOUBLE_EQ(env.detect_d[4], 0.03);

  // The same env reused for another month: every value moves to that month's.
  const Month later = Month::of(2016, 6); // after the ramps: their last values held
  w.month_env(later, env);
  EXPECT_EQ(env.month, later);
  EXPECT_DOUBLE_EQ(env.w_r[0], 12000);
  EXPECT_DOUBLE_EQ(env.w_d[2], 14000);
  EXPECT_DOUBLE_EQ(env.c_d[1], 6000);
  EXPECT_DOUBLE_EQ(env.fx_d[3], 80.0 / 70.0);
  EXPECT_DOUBLE_EQ(env.u_d[3], 0.08);
  EXPECT_DOUBLE_EQ(env.w_d[4], 220000);
}

TEST(World, WageSomIsTheRegionsWageOrTheForeignWageAtThatMonthsRates) {
  const RunConfig c = tiny_world_config();
  const World w(c);
  const Month jan = Month::of(2015, 1), feb = Month::of(2015, 2), mar = Month::of(2015, 3);
  EXPECT_DOUBLE_EQ(w.wage_som(0, jan), 10000);
  EXPECT_DOUBLE_EQ(w.wage_som(1, feb), 12000);
  EXPECT_DOUBLE_EQ(w.wage_som(2, mar), 14000);
  // The rouble weakens from 60 to 70 per USD: the same rouble wage is worth less in som.
  EXPECT_DOUBLE_EQ(w.wage_som(3, jan), 50000 * 80.0 / 60.0);
  EXPECT_DOUBLE_EQ(w.wage_som(3, feb), 50000 * 80.0 / 65.0);
  EXPECT_DOUBLE_EQ(w.wage_som(3, mar), 50000 * 80.0 / 70.0);
  // The tenge wage rises at a fixed rate.
  EXPECT_DOUBLE_EQ(w.wage_som(4, jan), 180000 * 0.2);
  EXPECT_DOUBLE_EQ(w.wage_som(4, feb), 200000 * 0.2);
  EXPECT_DOUBLE_EQ(w.wage_som(4, Month::of(2020, 1)), 220000 * 0.2);
  // And it agrees with the month's env, w_d · fx_d, for every destination.
  MonthEnv env;
  w.month_env(feb, env);
  for (int d = 0; d < w.n_destinations(); ++d)
    EXPECT_DOUBLE_EQ(w.wage_som(d, feb),
                     env.w_d[static_cast<std::size_t>(d)] * env.fx_d[static_cast<std::size_t>(d)])
        << "destination " << d;
}

// The home currency need not be listed first: the rates are read by id.
TEST(World, TheHomeCurrencyIsFoundByIdWhereverItIsListed) {
  RunConfig c = tiny_world_config();
  std::swap(c.currencies[0], c.currencies[2]); // kzt, rub, som
  const World w(c);
  MonthEnv env;
  w.month_env(Month::of(2015, 2), env);
  EXPECT_DOUBLE_EQ(env.som_per_usd, 80.0);
  EXPECT_DOUBLE_EQ(env.fx_d[3], 80.0 / 65.0);
  EXPECT_DOUBLE_EQ(env.fx_d[4], 0.2);
  EXPECT_DOUBLE_EQ(w.wage_som(4, Month::of(2015, 2)), 40000);
}

// The price level P = cpi(m) / cpi(price_base) of the home currency: 1 at the base month,
// the ratio elsewhere; a foreign currency's CPI does not enter; no CPI means P = 1.
TEST(World, PriceLevelIsTheHomeCpiRelativeToThePriceBase) {
  using tests::JAN_2015;
  using tests::MAR_2015;
  RunConfig c = tiny_world_config();
  {
    const World w(c);
    EXPECT_EQ(w.price_level(JAN_2015), 1.0);
    EXPECT_EQ(w.price_level(MAR_2015 + 5), 1.0);
  }
  c.currencies[0].cpi = tests::ramp(JAN_2015, 2.0, MAR_2015, 3.0); // som: +50% over two months
  c.currencies[1].cpi = sim::Series::constant(7.0);                // roubles: never read
  c.price_base = JAN_2015 + 1;                                     // P = 1 in February (2.5)
  const World w(c);
  EXPECT_DOUBLE_EQ(w.price_level(JAN_2015 + 1), 1.0);
  EXPECT_DOUBLE_EQ(w.price_level(JAN_2015), 2.0 / 2.5);
  EXPECT_DOUBLE_EQ(w.price_level(MAR_2015), 3.0 / 2.5);
  MonthEnv env;
  w.month_env(MAR_2015, env);
  EXPECT_DOUBLE_EQ(env.price_level, 3.0 / 2.5);
}

} // namespace
} // namespace kochmon::sim
