#ifndef KOCHMON_TESTS_UNIT_SIM_WORLD_TINY_WORLD_H
#define KOCHMON_TESTS_UNIT_SIM_WORLD_TINY_WORLD_H

// A world small enough to compute by hand, for the World tests: three regions and two foreign
// destinations in three currencies, with series that change between January and March 2015
// so that a month's values are distinguishable. Built in code (no loader, no plug-ins): the
// world area links the engine only.

#include "sim/api/run_config.h"

namespace kochmon::tests {

//! Two points, at months a and b, read linearly in between (Series::Mode::interpolate).
inline sim::Series ramp(sim::Month a, double va, sim::Month b, double vb) {
  return sim::Series{{{static_cast<double>(a.index), va}, {static_cast<double>(b.index), vb}},
                     sim::Series::Mode::interpolate,
                     0.0};
}

inline constexpr sim::Month JAN_2015 = sim::Month::of(2015, 1);
inline constexpr sim::Month MAR_2015 = sim::Month::of(2015, 3);

//! Regions "a" (0°N 0°E), "b" (10°N 0°E), "c" (0°N 0°E, a hamlet of two persons); "ru" (0°N
//! 90°E, roubles) and "kz" (45°N 0°E, tenge). Som 80 per USD throughout; the rouble from 60 to
//! 70 per USD over January–March 2015; the tenge 400.
inline sim::RunConfig tiny_world_config() {
  sim::RunConfig c;
  c.name = "tiny_world";
  c.seed = 11;
  c.world_seed = 11;
  c.start = JAN_2015;
  c.end = c.start + 11;
  c.home_currency = "som";
  c.currencies = {{"som", sim::Series::constant(80)},
                  {"rub", ramp(JAN_2015, 60, MAR_2015, 70)},
                  {"kzt", sim::Series::constant(400)}};
  const char* ids[] = {"a", "b", "c"};
  const double lat[] = {0, 10, 0};
  const double population[] = {40000, 11000, 2};
  const double household_size[] = {4.0, 5.5, 4.0};
  for (int i = 0; i < 3; ++i) {
    sim::RegionConfig r;
    r.id = ids[i];
    r.name = ids[i];
    r.population = population[i];
    r.household_size = household_size[i];
    r.lat_deg = lat[i];
    r.lon_deg = 0;
    r.wage_som = ramp(JAN_2015, 10000 + 1000 * i, MAR_2015, 12000 + 1000 * i);
    r.unemployment = sim::Series::constant(0.05 + 0.05 * i);
    r.poverty_rate = sim::Series::constant(0.2 + 0.1 * i);
    r.farm_income_som_per_ha = sim::Series::constant(1000 + 500 * i);
    r.move_cost_som = ramp(JAN_2015, 3000, MAR_2015, 5000 + 1000 * i);
    c.regions.push_back(r);
  }
  sim::DestinationConfig ru;
  ru.id = "ru";
  ru.name = "Russia";
  ru.currency = "rub";
  ru.lat_deg = 0;
  ru.lon_deg = 90;
  ru.wage_local = sim::Series::constant(50000);
  ru.unemployment = ramp(JAN_2015, 0.04, MAR_2015, 0.08);
  ru.cost_som = sim::Series::constant(30000);
  ru.detection_monthly = sim::Series::constant(0.01);
  ru.remittance_fee = sim::Series::constant(0.02);
  ru.regimes = {{c.start, sim::Regime::eaeu}};
  auto kz = ru;
  kz.id = "kz";
  kz.name = "Kazakhstan";
  kz.currency = "kzt";
  kz.lat_deg = 45;
  kz.lon_deg = 0;
  kz.wage_local = ramp(JAN_2015, 180000, MAR_2015, 220000);
  kz.unemployment = sim::Series::constant(0.06);
  kz.cost_som = sim::Series::constant(15000);
  kz.detection_monthly = sim::Series::constant(0.03);
  kz.remittance_fee = sim::Series::constant(0.015);
  kz.regimes = {{c.start, sim::Regime::pre_eaeu}};
  c.destinations = {ru, kz};
  return c;
}

} // namespace kochmon::tests

#endif
