#ifndef KOCHMON_TESTS_BENCH_BENCH_WORLD_H
#define KOCHMON_TESTS_BENCH_BENCH_WORLD_H

// A country built in code for the micro-benchmarks and the allocation test: the shape of the
// Kyrgyzstan base scenario (nine regions, two of them urban, three foreign destinations, so
// 13 options), any number of households, and a choice of rules. It does not read the scenario
// files, so the benchmarks measure the engine and not the loader.

#include <string>
#include <vector>

#include "sim/api/plugin_info.h"
#include "sim/api/registry.h"
#include "sim/api/run_config.h"

namespace kochmon::bench {

//! Every parameter of a registered plug-in at its default.
inline sim::Params plugin_defaults(const sim::PluginInfo& info) {
  sim::Params p;
  for (const auto& q : info.params)
    p[q.name] = q.default_value;
  return p;
}

struct CountryOptions {
  double households = 1e5; // simulated households (scale 1)
  int months = 24;
  bool all_rules = true; // push_pull + harris_todaro + nelm; else push_pull only
  std::string combine = "logit";
  bool every_feature = false; // bans, regime switch, amnesty, household moves, trajectories,
                              // liquidity constraint, training, return grants
};

inline sim::RunConfig country_config(const sim::Registries& reg, const CountryOptions& o) {
  using sim::Series;
  sim::RunConfig c;
  c.name = "bench_country";
  c.seed = 20100101;
  c.world_seed = 20100101;
  c.start = sim::Month::of(2010, 1);
  c.end = c.start + (o.months - 1);
  c.home_currency = "som";
  c.currencies = {{"som", Series::constant(45.0)},
                  {"rub", Series::constant(30.0)},
                  {"kzt", Series::constant(150.0)},
                  {"usd", Series::constant(1.0)}};
  // Nine regions with roughly the base scenario's shares of the population.
  const char* ids[] = {"batken", "jalal_abad", "issyk_kul", "naryn",   "osh_oblast",
                       "talas",  "chui",       "bishkek",   "osh_city"};
  const double share[] = {0.08, 0.19, 0.08, 0.045, 0.21, 0.04, 0.15, 0.16, 0.045};
  const double hsize[] = {4.6, 4.5, 3.9, 4.3, 4.6, 4.2, 3.6, 3.2, 4.0};
  const double wage[] = {9000, 10000, 11000, 9500, 8500, 9000, 13000, 18000, 12000};
  for (int i = 0; i < 9; ++i) {
    sim::RegionConfig r;
    r.id = ids[i];
    r.name = ids[i];
    r.household_size = hsize[i];
    r.population = o.households * share[i] * hsize[i];
    r.lat_deg = 40.0 + 0.3 * i;
    r.lon_deg = 71.0 + 0.8 * i;
    r.wage_som = Series::constant(wage[i]);
    r.unemployment = Series::constant(0.06 + 0.005 * i);
    r.poverty_rate = Series::constant(0.25);
    r.farm_income_som_per_ha = Series::constant(3000);
    r.rural_share = i == 7 || i == 8 ? 0.0 : 0.7;
    r.land_ha_mean = i == 7 || i == 8 ? 0.0 : 0.4;
    r.urban = i == 6 || i == 7;
    r.jobs_growth_pct = Series::constant(r.urban ? 2.0 : 0.0);
    r.shock_sd = i % 2 ? 0.08 : 0.05;
    c.regions.push_back(r);
  }
  struct Dest {
    const char* id;
    const char* cur;
    double wage, cost, lat, lon;
  };
  const Dest dests[] = {{"russia", "rub", 40000, 40000, 55.75, 37.62},
                        {"kazakhstan", "kzt", 150000, 15000, 43.24, 76.89},
                        {"other", "usd", 700, 100000, 41.01, 28.98}};
  for (const auto& x : dests) {
    sim::DestinationConfig d;
    d.id = x.id;
    d.name = x.id;
    d.currency = x.cur;
    d.lat_deg = x.lat;
    d.lon_deg = x.lon;
    d.wage_local = Series::constant(x.wage);
    d.unemployment = Series::constant(0.055);
    d.cost_som = Series::constant(x.cost);
    d.detection_monthly = Series::constant(0.01);
    d.remittance_fee = Series::constant(0.015);
    d.regimes = {{c.start, sim::Regime::pre_eaeu}};
    d.fx_volatility = 0.15;
    d.shock_correlation = 0.3;
    c.destinations.push_back(d);
  }
  c.shocks.household_sd = 0.1;
  c.decision.combine = o.combine;
  c.decision.combine_params = plugin_defaults(*reg.combinators.find(o.combine));
  c.decision.monthly_rate = 0.02;
  const std::vector<std::string> rules =
      o.all_rules ? std::vector<std::string>{"push_pull", "harris_todaro", "nelm"}
                  : std::vector<std::string>{"push_pull"};
  for (const auto& name : rules) {
    sim::RuleSpec s;
    s.rule = name;
    s.params = plugin_defaults(*reg.rules.find(name));
    c.decision.rules.push_back(s);
  }
  if (o.every_feature) {
    // Switches and events fall inside the first 15 months (the allocation test's window).
    for (auto& d : c.destinations) {
      d.ban_shares = {0.6, 0.3, 0.1};
      d.detection_monthly = Series::constant(0.05);
      d.ban_enforcement =
          Series{{{sim::Month::of(2010, 1).index, 0.7}, {sim::Month::of(2010, 6).index, 0.95}},
                 Series::Mode::hold,
                 0.0};
    }
    c.destinations[0].regimes = {{c.start, sim::Regime::pre_eaeu},
                                 {c.start + 5, sim::Regime::eaeu}};
    c.destinations[1].regimes = {{c.start, sim::Regime::pre_eaeu},
                                 {c.start + 8, sim::Regime::eaeu}};
    c.regimes[0].legal_share = Series::constant(0.5);
    c.regimes[0].legalise_monthly = Series::constant(0.01);
    c.regimes[1].legal_share = Series::constant(0.9);
    c.events.push_back({c.start + 9, sim::EventConfig::Type::amnesty, 0, 0.4});
    c.decision.internal_move = sim::DecisionConfig::InternalMove::household;
    c.decision.liquidity_constraint = true;
    c.decision.credit_som = Series::constant(10000);
    c.decision.monthly_rate = 0.05;
    c.output.trajectories_sample = 0.01;
    c.abroad.training_share = Series::constant(0.2);
    c.abroad.return_grant_som = Series::constant(5000);
    // Costs and legality by regime (issue #15): entry costs and a prepaid permit, legality
    // deterred by the permit's weight, one destination with its own pre-EAEU permit, and
    // Harris–Todaro half in the household's view (remittances net of fees).
    auto& pre = c.regimes[static_cast<std::size_t>(sim::Regime::pre_eaeu)];
    pre.permit_cost_som = Series::constant(1500);
    pre.entry_cost_som = Series::constant(4000);
    pre.prepaid_months = 1;
    pre.legal_cost_elasticity = 1.5;
    c.regimes[static_cast<std::size_t>(sim::Regime::eaeu)].entry_cost_som = Series::constant(2000);
    sim::RegimeConfig own = pre;
    own.permit_cost_som = Series::constant(600);
    c.destinations[1].regime_params[static_cast<std::size_t>(sim::Regime::pre_eaeu)] = own;
    for (auto& rule : c.decision.rules)
      if (rule.rule == "harris_todaro") rule.params["remittance_view"] = 0.5;
  }
  return c;
}

} // namespace kochmon::bench

#endif
