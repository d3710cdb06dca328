#ifndef KOCHMON_TESTS_SUPPORT_CONFIGS_H
#define KOCHMON_TESTS_SUPPORT_CONFIGS_H

// Small worlds built in code, for engine and rule tests that must not depend on the loader.

#include "agents/rules/push_pull.h"
#include "sim/api/registry.h"
#include "sim/api/run_config.h"
#include "tests/bench/bench_world.h"

namespace kochmon::tests {

//! Two regions ("north", "south") and one foreign destination ("abroad", currency "rub"),
//! push_pull + logit with the rule's defaults. `households` per region (at scale 1).
inline sim::RunConfig two_region_config(double households_per_region = 2000, int months = 24) {
  sim::RunConfig c;
  c.name = "two_region";
  c.seed = 7;
  c.world_seed = 7;
  c.start = sim::Month::of(2010, 1);
  c.end = c.start + (months - 1);
  c.currencies = {{"som", sim::Series::constant(45.0)}, {"rub", sim::Series::constant(30.0)}};
  for (int i = 0; i < 2; ++i) {
    sim::RegionConfig r;
    r.id = i == 0 ? "north" : "south";
    r.name = r.id;
    r.household_size = 4.0;
    r.population = households_per_region * r.household_size;
    r.lat_deg = 42.0 - 2.0 * i;
    r.lon_deg = 74.0 + 0.5 * i;
    r.wage_som = sim::Series::constant(i == 0 ? 12000 : 8000);
    r.unemployment = sim::Series::constant(0.08);
    r.poverty_rate = sim::Series::constant(0.3);
    r.farm_income_som_per_ha = sim::Series::constant(2000);
    c.regions.push_back(r);
  }
  sim::DestinationConfig d;
  d.id = "abroad";
  d.name = "Abroad";
  d.currency = "rub";
  d.lat_deg = 55.75;
  d.lon_deg = 37.6;
  d.wage_local = sim::Series::constant(30000);
  d.unemployment = sim::Series::constant(0.05);
  d.cost_som = sim::Series::constant(30000);
  d.detection_monthly = sim::Series::constant(0.01);
  d.remittance_fee = sim::Series::constant(0.02);
  c.destinations.push_back(d);
  c.decision.monthly_rate = 0.05;
  sim::RuleSpec pp;
  pp.rule = "push_pull";
  for (const auto& q : agents::PushPull::info().params)
    pp.params[q.name] = q.default_value;
  pp.params["asc_internal"] = -1.0;
  pp.params["asc_foreign"] = 0.0;
  c.decision.rules.push_back(pp);
  c.shocks.household_sd = 0.05;
  c.destinations[0].regimes = {{c.start, sim::Regime::pre_eaeu}};
  c.regimes[0].legal_share = sim::Series::constant(0.7);
  return c;
}

//! Every parameter of a plug-in at its default.
template <class Plugin> sim::Params defaults_of() {
  sim::Params p;
  for (const auto& q : Plugin::info().params)
    p[q.name] = q.default_value;
  return p;
}

//! MODEL.md §10: a closed economy of a rural region and an urban region with a fixed stock of
//! jobs; Harris–Todaro alone. Analytic equilibrium u* = 1 − w_rural / w_urban.
inline sim::RunConfig closed_ht_config(double w_rural, double w_urban, int months) {
  sim::RunConfig c = two_region_config(3000, months);
  c.name = "closed_ht";
  c.destinations.clear();
  c.regions[0].id = "rural";
  c.regions[0].wage_som = sim::Series::constant(w_rural);
  c.regions[0].unemployment = sim::Series::constant(0.0);
  c.regions[0].rural_share = 0.0; // no farm income: earnings are wages only
  c.regions[1].id = "urban";
  c.regions[1].urban = true;
  c.regions[1].population = 1000 * c.regions[1].household_size;
  c.regions[1].wage_som = sim::Series::constant(w_urban);
  c.regions[1].unemployment = sim::Series::constant(0.10);
  c.regions[1].rural_share = 0.0;
  c.regions[1].jobs_growth_pct = sim::Series::constant(0.0);
  for (auto& r : c.regions) {
    r.move_cost_som = sim::Series::constant(0);
    r.shock_sd = 0;
  }
  c.shocks.household_sd = 0;
  // A low decision rate keeps each month's arrivals small against the urban labour force, so
  // the market does not overshoot the equilibrium by a month's wave of migrants.
  c.decision.monthly_rate = 0.01;
  c.decision.rules.clear();
  sim::RuleSpec ht;
  ht.rule = "harris_todaro";
  ht.params = {{"b_ht", 20.0},           {"horizon_months", 24}, {"discount_monthly", 0.99},
               {"remittance_view", 0.0}, {"asc_internal", 0.0},  {"asc_foreign", 0.0}};
  c.decision.rules.push_back(ht);
  // A strong response (b_ht = 20 per month of home wage over a 24-month horizon) makes the
  // logit noise negligible, so flows stop where the expected wages meet, as in the theory.
  // Classic Harris–Todaro: migrants wait for urban jobs rather than go home.
  c.abroad.return_monthly = 0.01;
  c.abroad.return_unemployed_monthly = 0;
  c.abroad.return_target_monthly = 0;
  c.abroad.business_base = sim::Series::constant(0);
  c.abroad.business_savings_effect = sim::Series::constant(0);
  return c;
}

//! Every feature of the engine at once, for the determinism, checkpoint and sanitizer tests:
//! the benchmark country (nine regions, two urban; Russia, Kazakhstan and "other", so banned
//! migrants re-route) with all three rules under `combine`, entry bans enforced with
//! probability 0.7 then 0.95 (the evasion path), regime switches in months 5 and 8, an amnesty
//! in month 9, household moves with regional constants, push-pull's hold of members away, the
//! liquidity constraint with credit, training, return grants, trajectories, an initial
//! stock abroad at every destination, and demography (births, deaths, ageing, new households,
//! who goes by sex and age). `households_per_region` households in each region (at
//! scale 1), so a region holds several chunks of the parallel step when it is large.
inline sim::RunConfig every_feature_config(const sim::Registries& reg, const std::string& combine,
                                           double households_per_region, int months) {
  bench::CountryOptions o;
  o.months = months;
  o.all_rules = true;
  o.combine = combine;
  o.every_feature = true;
  sim::RunConfig c = bench::country_config(reg, o);
  double persons = 0;
  for (auto& r : c.regions) {
    r.population = households_per_region * r.household_size;
    persons += r.population;
  }
  c.regions[0].internal_exit = 0.5;
  c.regions[1].attractiveness = -0.3;
  c.decision.rules[0].params["b_away"] = 0.5;
  const double initial_share[] = {0.03, 0.01, 0.003}; // of all persons, per destination
  for (std::size_t d = 0; d < c.destinations.size(); ++d)
    c.destinations[d].initial_stock = initial_share[d] * persons;
  c.output.trajectories_sample = 0.02;
  // Demography (issue #14): births, deaths, ageing and new households (appended to the
  // regions' reserves while the run goes), who goes by sex and age, returns by age.
  c.demography.enabled = true;
  c.demography.formation_monthly = 0.004;
  c.decision.who_goes[0] = {1.0, 1.6, 1.5, 1.0, 0.8, 0.6, 0.5, 0.35, 0.2, 0.1};
  c.decision.who_goes[1] = {0.3, 0.5, 0.45, 0.3, 0.25, 0.2, 0.15, 0.1, 0.06, 0.03};
  c.abroad.return_age_gradient = 0.4;
  return c;
}

} // namespace kochmon::tests

#endif
