#include <cmath>
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "agents/builtin.h"
#include "scenarios/load/loader.h"
#include "tests/unit/scenarios/fake_registry.h"

namespace kochmon::scenarios {
namespace {

using testing::fake_registries;
using ::testing::HasSubstr;
using testing::TempDir;

const char* MINIMAL = R"(name: tiny
description: two places
seed: 7
scale: 0.5
time:
  start: 2011-03
  end: 2012-02
  annual_series: hold
currencies:
  home: som
  per_usd:
    som: {values: {2010: 45.96, 2015-08: 64.0}}
    rub: 30.0
regions:
  - id: batken
    name: Batken oblast
    population: 503500
    household_size: 5.0
    working_age_share: 0.55
    activity_rate: 0.7
    rural_share: 0.8
    land_ha_mean: 0.3
    urban: true
    south: true
    lat: 40.06
    lon: 70.82
    wage_som: 9000
    unemployment: {values: {2010: 8.0, 2012: 9.0}, factor: 0.01}
    poverty_rate: 0.3
    farm_income_som_per_ha: 1500
    move_cost_som: 6000
    shock_sd: 0.08
    jobs_growth_pct: 2.5
destinations:
  - id: russia
    currency: rub
    lat: 55.75
    lon: 37.62
    wage_local: {values: {2010: 21000}, growth_after_pct: 5, mode: interpolate}
    unemployment: 0.06
    cost_som: 15000
    detection_monthly: 0.01
    remittance_fee: 0.03
    regimes:
      - {from: 2009-01, regime: pre_eaeu}
      - {from: 2015-08, regime: eaeu}
      - {from: 2020-01, regime: visa}
    fx_volatility: 0.15
    shock_correlation: -0.3
    ban_shares: [0.5, 0.3, 0.2]
regimes:
  pre_eaeu:
    legal_share: 0.55
    permit_cost_som: {values: {2010: 3000, 2014: 5000}}
    income_tax: 0.12
    legalise_monthly: 0.02
  eaeu:
    legal_share: 0.95
  visa: {income_tax: 0.25}
population:
  women_share: 0.45
  age_shares: [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.05, 0.04, 0.03, 0.03, 0.02, 0.02, 0.01]
  skill_shares: [0.6, 0.3, 0.1]
  skill_wage_factor: [0.7, 1.0, 2.0]
  wage_sigma: 0.6
  max_household_size: 10
  savings_rate: 0.15
  initial_savings_months: 3
  poverty_line_som: {values: {2010: 2000, 2012: 2400}}
home_labour:
  job_finding_monthly: 0.2
shocks:
  persistence: 0.7
  household_sd: 0.12
decision:
  combine: logit
  combine_params: {beta: 2}
  monthly_rate: 0.05
  internal_move: household
  liquidity_constraint: true
  credit_som: 20000
  rules:
    - rule: push_pull
      weight: 2.5
      params: {b_wage: 1.2}
abroad:
  job_finding_monthly: 0.5
  job_loss_monthly: 0.04
  remit_share: 0.3
  return_monthly: 0.01
  return_unemployed_monthly: 0.2
  long_unemployed_months: 6
  network_job_effect: 0.25
  network_scale: 20
  illegal_job_factor: 0.6
  training_share: 0.1
  training_job_effect: 0.4
  savings_target_months: 36
  return_target_monthly: 0.04
  return_wage_fall: 0.3
  return_grant_som: 50000
  return_grant_effect: 0.03
  business_base: 0.03
  business_savings_effect: 0.06
  business_income_factor: 1.5
output:
  compression: 6
  chunk_months: 24
  trajectories: {sample: 0.25}
)";

TEST(LoadScenario, EveryFieldLands) {
  TempDir dir("fields");
  const std::string path = dir.write("tiny.yaml", MINIMAL);
  const sim::RunConfig c = load_scenario(path, fake_registries());
  EXPECT_EQ(c.name, "tiny");
  EXPECT_EQ(c.description, "two places");
  EXPECT_EQ(c.source_path, path);
  EXPECT_EQ(c.seed, 7u);
  EXPECT_DOUBLE_EQ(c.scale, 0.5);
  EXPECT_EQ(c.start, sim::Month::of(2011, 3));
  EXPECT_EQ(c.end, sim::Month::of(2012, 2));
  EXPECT_EQ(c.home_currency, "som");
  ASSERT_EQ(c.currencies.size(), 2u);
  EXPECT_EQ(c.currencies[0].id, "som");
  ASSERT_EQ(c.currencies[0].per_usd.points.size(), 2u);
  EXPECT_EQ(c.currencies[0].per_usd.mode, sim::Series::Mode::hold);
  EXPECT_DOUBLE_EQ(c.currencies[0].per_usd.points[0].t, 2010 * 12); // hold: January
  EXPECT_DOUBLE_EQ(c.currencies[0].per_usd.points[1].t, sim::Month::of(2015, 8).index);
  EXPECT_DOUBLE_EQ(c.currencies[0].per_usd.points[1].value, 64.0);
  EXPECT_EQ(c.currencies[1].id, "rub");
  EXPECT_DOUBLE_EQ(c.currencies[1].per_usd.points[0].value, 30.0);

  ASSERT_EQ(c.regions.size(), 1u);
  const auto& r = c.regions[0];
  EXPECT_EQ(r.id, "batken");
  EXPECT_EQ(r.name, "Batken oblast");
  EXPECT_DOUBLE_EQ(r.population, 503500);
  EXPECT_DOUBLE_EQ(r.household_size, 5.0);
  EXPECT_DOUBLE_EQ(r.working_age_share, 0.55);
  EXPECT_DOUBLE_EQ(r.activity_rate, 0.7);
  EXPECT_DOUBLE_EQ(r.rural_share, 0.8);
  EXPECT_DOUBLE_EQ(r.land_ha_mean, 0.3);
  EXPECT_TRUE(r.urban);
  EXPECT_TRUE(r.south);
  EXPECT_DOUBLE_EQ(r.lat_deg, 40.06);
  EXPECT_DOUBLE_EQ(r.lon_deg, 70.82);
  EXPECT_DOUBLE_EQ(r.wage_som.points[0].value, 9000);
  ASSERT_EQ(r.unemployment.points.size(), 2u);
  EXPECT_DOUBLE_EQ(r.unemployment.points[0].value, 0.08);
  EXPECT_DOUBLE_EQ(r.unemployment.points[1].value, 0.09);
  EXPECT_DOUBLE_EQ(r.poverty_rate.points[0].value, 0.3);
  EXPECT_DOUBLE_EQ(r.farm_income_som_per_ha.points[0].value, 1500);
  EXPECT_DOUBLE_EQ(r.move_cost_som.points[0].value, 6000);
  EXPECT_DOUBLE_EQ(r.shock_sd, 0.08);
  EXPECT_DOUBLE_EQ(r.jobs_growth_pct.at(sim::Month::of(2012, 1)), 2.5);

  ASSERT_EQ(c.destinations.size(), 1u);
  const auto& d = c.destinations[0];
  EXPECT_EQ(d.id, "russia");
  EXPECT_EQ(d.name, "russia"); // defaults to the id
  EXPECT_EQ(d.currency, "rub");
  EXPECT_DOUBLE_EQ(d.lat_deg, 55.75);
  EXPECT_DOUBLE_EQ(d.lon_deg, 37.62);
  EXPECT_EQ(d.wage_local.mode, sim::Series::Mode::interpolate);
  EXPECT_DOUBLE_EQ(d.wage_local.points[0].t, 2010 * 12 + 6); // interpolate: mid-year
  EXPECT_DOUBLE_EQ(d.wage_local.growth_after, 0.05);
  EXPECT_DOUBLE_EQ(d.unemployment.points[0].value, 0.06);
  EXPECT_DOUBLE_EQ(d.cost_som.points[0].value, 15000);
  EXPECT_DOUBLE_EQ(d.detection_monthly.points[0].value, 0.01);
  EXPECT_DOUBLE_EQ(d.remittance_fee.points[0].value, 0.03);
  ASSERT_EQ(d.regimes.size(), 3u);
  EXPECT_EQ(d.regimes[0].from, sim::Month::of(2009, 1));
  EXPECT_EQ(d.regimes[0].regime, sim::Regime::pre_eaeu);
  EXPECT_EQ(d.regimes[1].from, sim::Month::of(2015, 8));
  EXPECT_EQ(d.regimes[1].regime, sim::Regime::eaeu);
  EXPECT_EQ(d.regimes[2].from, sim::Month::of(2020, 1));
  EXPECT_EQ(d.regimes[2].regime, sim::Regime::visa);
  EXPECT_EQ(d.regime_at(sim::Month::of(2011, 3)), sim::Regime::pre_eaeu);
  EXPECT_EQ(d.regime_at(sim::Month::of(2015, 8)), sim::Regime::eaeu);
  EXPECT_DOUBLE_EQ(d.fx_volatility, 0.15);
  EXPECT_DOUBLE_EQ(d.shock_correlation, -0.3);
  EXPECT_EQ(d.ban_shares, (std::array<double, 3>{0.5, 0.3, 0.2}));

  const auto& pre = c.regimes[static_cast<int>(sim::Regime::pre_eaeu)];
  EXPECT_DOUBLE_EQ(pre.legal_share.points[0].value, 0.55);
  ASSERT_EQ(pre.permit_cost_som.points.size(), 2u);
  EXPECT_DOUBLE_EQ(pre.permit_cost_som.points[1].value, 5000);
  EXPECT_DOUBLE_EQ(pre.income_tax.points[0].value, 0.12);
  EXPECT_DOUBLE_EQ(pre.legalise_monthly.points[0].value, 0.02);
  const auto& eaeu = c.regimes[static_cast<int>(sim::Regime::eaeu)];
  EXPECT_DOUBLE_EQ(eaeu.legal_share.points[0].value, 0.95);
  EXPECT_DOUBLE_EQ(eaeu.permit_cost_som.points[0].value, 0);    // schema default
  EXPECT_DOUBLE_EQ(eaeu.legalise_monthly.points[0].value, 0.1); // schema default
  const auto& visa = c.regimes[static_cast<int>(sim::Regime::visa)];
  EXPECT_DOUBLE_EQ(visa.income_tax.points[0].value, 0.25);
  EXPECT_DOUBLE_EQ(visa.legal_share.points[0].value, 0.8); // schema default

  EXPECT_DOUBLE_EQ(c.population.women_share, 0.45);
  EXPECT_EQ(c.population.age_shares[6], 0.05);
  EXPECT_EQ(c.population.age_shares.size(), 17u);
  EXPECT_EQ(c.population.skill_shares, (std::vector<double>{0.6, 0.3, 0.1}));
  EXPECT_EQ(c.population.skill_wage_factor, (std::vector<double>{0.7, 1.0, 2.0}));
  EXPECT_DOUBLE_EQ(c.population.wage_sigma, 0.6);
  EXPECT_DOUBLE_EQ(c.population.max_household_size, 10);
  EXPECT_DOUBLE_EQ(c.population.savings_rate, 0.15);
  EXPECT_DOUBLE_EQ(c.population.initial_savings_months, 3);
  ASSERT_EQ(c.population.poverty_line_som.points.size(), 2u);
  EXPECT_DOUBLE_EQ(c.population.poverty_line_som.points[1].value, 2400);
  EXPECT_DOUBLE_EQ(c.home_labour.job_finding_monthly, 0.2);
  EXPECT_DOUBLE_EQ(c.shocks.persistence, 0.7);
  EXPECT_DOUBLE_EQ(c.shocks.household_sd, 0.12);

  EXPECT_EQ(c.decision.combine, "logit");
  EXPECT_EQ(c.decision.combine_params, (std::map<std::string, double>{{"beta", 2}}));
  EXPECT_DOUBLE_EQ(c.decision.monthly_rate, 0.05);
  EXPECT_EQ(c.decision.internal_move, sim::DecisionConfig::InternalMove::household);
  EXPECT_TRUE(c.decision.liquidity_constraint);
  EXPECT_DOUBLE_EQ(c.decision.credit_som.points[0].value, 20000);
  ASSERT_EQ(c.decision.rules.size(), 1u);
  EXPECT_EQ(c.decision.rules[0].rule, "push_pull");
  EXPECT_DOUBLE_EQ(c.decision.rules[0].weight, 2.5);
  EXPECT_EQ(c.decision.rules[0].params,
            (std::map<std::string, double>{{"b_wage", 1.2}, {"b_cost", 0.5}}));

  EXPECT_DOUBLE_EQ(c.abroad.job_finding_monthly, 0.5);
  EXPECT_DOUBLE_EQ(c.abroad.job_loss_monthly, 0.04);
  EXPECT_DOUBLE_EQ(c.abroad.remit_share, 0.3);
  EXPECT_DOUBLE_EQ(c.abroad.return_monthly, 0.01);
  EXPECT_DOUBLE_EQ(c.abroad.return_unemployed_monthly, 0.2);
  EXPECT_EQ(c.abroad.long_unemployed_months, 6);
  EXPECT_DOUBLE_EQ(c.abroad.network_job_effect, 0.25);
  EXPECT_DOUBLE_EQ(c.abroad.network_scale, 20);
  EXPECT_DOUBLE_EQ(c.abroad.illegal_job_factor, 0.6);
  EXPECT_DOUBLE_EQ(c.abroad.training_share.points[0].value, 0.1);
  EXPECT_DOUBLE_EQ(c.abroad.training_job_effect, 0.4);
  EXPECT_DOUBLE_EQ(c.abroad.savings_target_months, 36);
  EXPECT_DOUBLE_EQ(c.abroad.return_target_monthly, 0.04);
  EXPECT_DOUBLE_EQ(c.abroad.return_wage_fall, 0.3);
  EXPECT_DOUBLE_EQ(c.abroad.return_grant_som.points[0].value, 50000);
  EXPECT_DOUBLE_EQ(c.abroad.return_grant_effect, 0.03);
  EXPECT_DOUBLE_EQ(c.abroad.business_base.at(c.start), 0.03);
  EXPECT_DOUBLE_EQ(c.abroad.business_savings_effect.at(c.start), 0.06);
  EXPECT_DOUBLE_EQ(c.abroad.business_income_factor.at(c.start), 1.5);
  EXPECT_EQ(c.output.compression, 6);
  EXPECT_EQ(c.output.chunk_months, 24);
  EXPECT_DOUBLE_EQ(c.output.trajectories_sample, 0.25);
  EXPECT_EQ(c.world_seed, 7u); // defaults to seed
}

std::string error_of(const std::string& path, const LoadOptions& options = {}) {
  try {
    load_scenario(path, fake_registries(), options);
  } catch (const sim::InputError& e) {
    return e.what();
  }
  return "(no error)";
}

const char* SMALL = R"(name: small
currencies:
  per_usd: {som: 45.0}
regions:
  - id: north
    population: 1000
    lat: 42
    lon: 74
    wage_som: 9000
    unemployment: 0.08
  - id: south
    population: 2000
    lat: 40
    lon: 72
    wage_som: 7000
    unemployment: 0.1
decision:
  rules:
    - rule: push_pull
)";

TEST(LoadScenario, DefaultsFilledIn) {
  TempDir dir("defaults");
  const sim::RunConfig c = load_scenario(dir.write("s.yaml", SMALL), fake_registries());
  const sim::RunConfig defaults;
  EXPECT_EQ(c.seed, 1u);
  EXPECT_EQ(c.start, defaults.start);
  EXPECT_EQ(c.end, defaults.end);
  EXPECT_EQ(c.regions[1].name, "south");
  EXPECT_DOUBLE_EQ(c.regions[0].household_size, 4.2);
  EXPECT_DOUBLE_EQ(c.regions[0].poverty_rate.points[0].value, 0.2);
  EXPECT_DOUBLE_EQ(c.regions[0].farm_income_som_per_ha.points[0].value, 2000);
  EXPECT_EQ(c.population.age_shares, defaults.population.age_shares);
  EXPECT_EQ(c.population.skill_wage_factor, defaults.population.skill_wage_factor);
  EXPECT_DOUBLE_EQ(c.population.max_household_size, 12);
  EXPECT_EQ(c.decision.combine, "logit");
  EXPECT_EQ(c.decision.combine_params, (std::map<std::string, double>{{"beta", 1.0}}));
  EXPECT_EQ(c.decision.rules[0].params,
            (std::map<std::string, double>{{"b_wage", 1.0}, {"b_cost", 0.5}}));
  EXPECT_DOUBLE_EQ(c.abroad.return_unemployed_monthly, 0.1);
  EXPECT_EQ(c.abroad.long_unemployed_months, defaults.abroad.long_unemployed_months);
  EXPECT_DOUBLE_EQ(c.abroad.business_income_factor.at(c.start),
                   defaults.abroad.business_income_factor.at(c.start));
  EXPECT_DOUBLE_EQ(c.regions[0].shock_sd, sim::RegionConfig{}.shock_sd);
  EXPECT_DOUBLE_EQ(c.regions[0].jobs_growth_pct.at(c.start), 0);
  EXPECT_DOUBLE_EQ(c.population.savings_rate, defaults.population.savings_rate);
  EXPECT_DOUBLE_EQ(c.population.poverty_line_som.points[0].value, 2500);
  EXPECT_DOUBLE_EQ(c.shocks.persistence, defaults.shocks.persistence);
  EXPECT_DOUBLE_EQ(c.shocks.household_sd, defaults.shocks.household_sd);
  EXPECT_FALSE(c.decision.liquidity_constraint);
  EXPECT_DOUBLE_EQ(c.decision.credit_som.points[0].value, 0);
  EXPECT_DOUBLE_EQ(c.output.trajectories_sample, 0);
  EXPECT_EQ(c.output.compression, 4);
  EXPECT_TRUE(c.destinations.empty());
  // Each regime has its own defaults.
  const auto share = [&](sim::Regime r) {
    return c.regimes[static_cast<int>(r)].legal_share.points[0].value;
  };
  EXPECT_DOUBLE_EQ(share(sim::Regime::pre_eaeu), 0.6);
  EXPECT_DOUBLE_EQ(share(sim::Regime::eaeu), 0.9);
  EXPECT_DOUBLE_EQ(share(sim::Regime::visa), 0.8);
  EXPECT_DOUBLE_EQ(
      c.regimes[static_cast<int>(sim::Regime::pre_eaeu)].permit_cost_som.points[0].value, 4000);
  EXPECT_DOUBLE_EQ(c.regimes[static_cast<int>(sim::Regime::visa)].income_tax.points[0].value, 0.2);
}

TEST(LoadScenario, DestinationDefaults) {
  TempDir dir("destination_defaults");
  LoadOptions options;
  options.overrides = {"currencies.per_usd.rub=30",
                       "destinations=[{id: russia, currency: rub, lat: 55, lon: 37, wage_local: "
                       "20000, unemployment: 0.05, cost_som: 1000}]"};
  const sim::RunConfig c = load_scenario(dir.write("s.yaml", SMALL), fake_registries(), options);
  ASSERT_EQ(c.destinations.size(), 1u);
  const auto& d = c.destinations[0];
  ASSERT_EQ(d.regimes.size(), 1u); // one visa regime, from before any start
  EXPECT_EQ(d.regimes[0].regime, sim::Regime::visa);
  EXPECT_LT(d.regimes[0].from, c.start);
  EXPECT_EQ(d.ban_shares, (std::array<double, 3>{0, 0, 0}));
  EXPECT_DOUBLE_EQ(d.fx_volatility, 0.1);
  EXPECT_DOUBLE_EQ(d.shock_correlation, 0);
  EXPECT_THAT(c.resolved_yaml, HasSubstr("    regimes:\n      - from: 1000-01\n"));
}

// Regime parameters by destination (issue #15): a destination's regime_params replace the
// shared regimes.<regime> keys they name and keep the others; other destinations and regimes
// keep the shared values.
TEST(LoadScenario, RegimeParamsOverrideTheSharedValuesKeyByKey) {
  TempDir dir("regime_params");
  LoadOptions options;
  options.overrides = {
      "currencies.per_usd.rub=30",
      "regimes.pre_eaeu={legal_share: 0.6, permit_cost_som: 2000, entry_cost_som: 5000, "
      "prepaid_months: 1, legal_cost_elasticity: 1.5}",
      "destinations=[{id: russia, currency: rub, lat: 55, lon: 37, wage_local: 20000, "
      "unemployment: 0.05, cost_som: 1000, regimes: [{from: 2000-01, regime: pre_eaeu}]}, "
      "{id: kazakhstan, currency: rub, lat: 43, lon: 76, wage_local: 15000, unemployment: "
      "0.05, cost_som: 500, regimes: [{from: 2000-01, regime: pre_eaeu}], regime_params: "
      "{pre_eaeu: {permit_cost_som: 800, prepaid_months: 0}}}]"};
  const sim::RunConfig c = load_scenario(dir.write("s.yaml", SMALL), fake_registries(), options);
  ASSERT_EQ(c.destinations.size(), 2u);
  const sim::Month m = c.start;
  const auto& shared = c.regime_config(0, m);
  const auto& own = c.regime_config(1, m);
  EXPECT_EQ(&shared, &c.regimes[0]); // Russia: the shared section itself
  EXPECT_FALSE(c.destinations[0].regime_params[0].has_value());
  EXPECT_DOUBLE_EQ(shared.permit_cost_som.at(m), 2000);
  EXPECT_DOUBLE_EQ(own.permit_cost_som.at(m), 800); // Kazakhstan's own
  EXPECT_DOUBLE_EQ(own.prepaid_months, 0);
  EXPECT_DOUBLE_EQ(own.legal_share.at(m), 0.6); // the rest: the shared values
  EXPECT_DOUBLE_EQ(own.entry_cost_som.at(m), 5000);
  EXPECT_DOUBLE_EQ(own.legal_cost_elasticity, 1.5);
  EXPECT_DOUBLE_EQ(shared.entry_cost_at(m), 5000 + 2000);
  EXPECT_DOUBLE_EQ(own.entry_cost_at(m), 5000);
  // legal = 0.6 · (1 − permit / ((1 − tax)·wage))^1.5, tax 0.13 by default
  EXPECT_NEAR(shared.legal_share_at(m, 30000), 0.6 * std::pow(1 - 2000 / (0.87 * 30000), 1.5),
              1e-15);
  EXPECT_DOUBLE_EQ(shared.legal_share_at(m, 1000), 0.0); // the permit takes the whole wage
  EXPECT_THAT(c.resolved_yaml, HasSubstr("regime_params:\n      pre_eaeu:\n"));
}

TEST(LoadScenario, BanSharesMaySumBelowOne) {
  TempDir dir("bans");
  LoadOptions options;
  options.overrides = {"currencies.per_usd.rub=30",
                       "destinations=[{id: russia, currency: rub, lat: 55, lon: 37, wage_local: "
                       "20000, unemployment: 0.05, cost_som: 1000, ban_shares: [0.6, 0.3, 0.1]}]"};
  const sim::RunConfig c = load_scenario(dir.write("s.yaml", SMALL), fake_registries(), options);
  const auto& bans = c.destinations[0].ban_shares;
  EXPECT_NEAR(bans[0] + bans[1] + bans[2], 1.0, 1e-12);
  options.overrides.back() =
      "destinations=[{id: russia, currency: rub, lat: 55, lon: 37, wage_local: 20000, "
      "unemployment: 0.05, cost_som: 1000, ban_shares: [0.2, 0.1, 0.1]}]";
  const sim::RunConfig below =
      load_scenario(dir.write("s.yaml", SMALL), fake_registries(), options);
  EXPECT_NEAR(below.destinations[0].ban_shares[0] + below.destinations[0].ban_shares[1] +
                  below.destinations[0].ban_shares[2],
              0.4, 1e-12);
}

TEST(LoadScenario, WorldSeedDefaultsToTheFinalSeed) {
  TempDir dir("world_seed");
  const std::string path = dir.write("s.yaml", SMALL);
  EXPECT_EQ(load_scenario(path, fake_registries()).world_seed, 1u);
  LoadOptions seed;
  seed.seed = 99;
  const sim::RunConfig c = load_scenario(path, fake_registries(), seed);
  EXPECT_EQ(c.seed, 99u);
  EXPECT_EQ(c.world_seed, 99u);
  EXPECT_THAT(c.resolved_yaml, ::testing::Not(HasSubstr("world_seed")));

  // Fixed: one population, replicate dynamics.
  const std::string fixed = dir.write("fixed.yaml", std::string(SMALL) + "world_seed: 5\n");
  const sim::RunConfig f = load_scenario(fixed, fake_registries(), seed);
  EXPECT_EQ(f.seed, 99u);
  EXPECT_EQ(f.world_seed, 5u);
  EXPECT_THAT(f.resolved_yaml, HasSubstr("world_seed: 5\n"));
  EXPECT_THAT(error_of(dir.write("neg.yaml", std::string(SMALL) + "world_seed: -1\n")),
              HasSubstr("world_seed: expected an integer >= 0, got -1"));
}

TEST(CrossChecks, JobsGrowthOnlyInUrbanRegions) {
  TempDir dir("jobs_growth");
  LoadOptions options;
  options.overrides = {"regions[0].jobs_growth_pct=2"};
  const std::string e = error_of(dir.write("s.yaml", SMALL), options);
  EXPECT_THAT(e, HasSubstr("regions[0].jobs_growth_pct: only an urban region has a stock of "
                           "jobs that grows"));
  options.overrides.push_back("regions[0].urban=true");
  EXPECT_DOUBLE_EQ(load_scenario(dir.write("s.yaml", SMALL), fake_registries(), options)
                       .regions[0]
                       .jobs_growth_pct.at(sim::Month::of(2012, 1)),
                   2.0);
}

TEST(CrossChecks, AtMost254Places) {
  TempDir dir("places");
  std::string text = R"(name: many
currencies:
  per_usd: {som: 45.0, rub: 30}
decision:
  rules:
    - rule: push_pull
regions:
)";
  for (int i = 0; i < 250; ++i)
    text += "  - {id: r" + std::to_string(i) +
            ", population: 100, lat: 40, lon: 70, wage_som: 100, unemployment: 0.1}\n";
  std::string places = text + "destinations:\n";
  for (int i = 0; i < 5; ++i)
    places += "  - {id: d" + std::to_string(i) +
              ", currency: rub, lat: 55, lon: 37, wage_local: 1, unemployment: 0, cost_som: 0}\n";
  EXPECT_THAT(error_of(dir.write("s.yaml", places)),
              HasSubstr("destinations: regions and destinations together number 255, more than "
                        "254"));
  std::string fewer = text + "destinations:\n";
  for (int i = 0; i < 4; ++i)
    fewer += "  - {id: d" + std::to_string(i) +
             ", currency: rub, lat: 55, lon: 37, wage_local: 1, unemployment: 0, cost_som: 0}\n";
  EXPECT_EQ(load_scenario(dir.write("t.yaml", fewer), fake_registries()).destinations.size(), 4u);
}

TEST(CrossChecks, SequentialRuleIndicesBelowTheNumberOfRules) {
  TempDir dir("sequential");
  LoadOptions options;
  options.overrides = {"decision.combine=sequential",
                       "decision.rules=[{rule: push_pull}, {rule: push_pull}]"};
  const std::string path = dir.write("s.yaml", SMALL);
  const sim::RunConfig c = load_scenario(path, fake_registries(), options);
  EXPECT_EQ(c.decision.combine_params,
            (std::map<std::string, double>{{"whether", 0}, {"where", 1}}));
  options.overrides.push_back("decision.combine_params={whether: 2, where: 0.5}");
  const std::string e = error_of(path, options);
  EXPECT_THAT(e, HasSubstr("decision.combine_params.whether: expected a rule index, a whole "
                           "number below 2 (the number of decision.rules), got 2"));
  EXPECT_THAT(e, HasSubstr("decision.combine_params.where: expected a rule index"));
}

TEST(LoadScenario, SeedOptionOverridesScenario) {
  TempDir dir("seed");
  LoadOptions options;
  options.seed = 99;
  const sim::RunConfig c = load_scenario(dir.write("s.yaml", SMALL), fake_registries(), options);
  EXPECT_EQ(c.seed, 99u);
  EXPECT_THAT(c.resolved_yaml, HasSubstr("seed: 99"));
}

TEST(Inheritance, DeepMergesMapsAppendsNewPlacesAndReplacesOtherLists) {
  TempDir dir("inherit");
  dir.write("base/base.yaml", SMALL);
  const std::string variant = dir.write("variant.yaml", R"(base: base/base.yaml
name: variant
time: {end: 2015-12}
regions:
  - id: only
    population: 10
    lat: 1
    lon: 2
    wage_som: 1
    unemployment: 0
decision:
  monthly_rate: 0.5
)");
  const sim::RunConfig c = load_scenario(variant, fake_registries());
  EXPECT_EQ(c.name, "variant");
  EXPECT_EQ(c.start, sim::Month::of(2010, 1)); // time: merged key by key
  EXPECT_EQ(c.end, sim::Month::of(2015, 12));
  const sim::RunConfig b = load_scenario(dir.path() + "/base/base.yaml", fake_registries());
  ASSERT_EQ(c.regions.size(), b.regions.size() + 1); // places merge by id: a new one is appended
  EXPECT_EQ(c.regions.back().id, "only");
  EXPECT_DOUBLE_EQ(c.decision.monthly_rate, 0.5);
  ASSERT_EQ(c.decision.rules.size(), 1u); // from the base
  EXPECT_DOUBLE_EQ(c.currencies[0].per_usd.points[0].value, 45.0);
  EXPECT_THAT(c.resolved_yaml, ::testing::Not(::testing::StartsWith("base:")));
  EXPECT_THAT(c.resolved_yaml, ::testing::Not(HasSubstr("\nbase:")));
}

// `from:` in a variant keeps the base's series before that month (issue #15): inherited from
// the base file, or the key's default when the base does not set it; the resolved scenario
// spells `before:` out, so it loads alone to the same series.
TEST(Inheritance, ASeriesFromADateKeepsTheBasesBeforeIt) {
  TempDir dir("from");
  dir.write("base.yaml", SMALL);
  const std::string variant = dir.write("variant.yaml", R"(base: base.yaml
name: v
regions:
  - id: north
    wage_som: {from: 2020-01, values: {2020: 12000}}
abroad:
  business_base: {from: 2020-01, values: {2020-01: 0.05}}
)");
  const sim::RunConfig c = load_scenario(variant, fake_registries());
  const auto& w = c.regions[0].wage_som;
  EXPECT_EQ(w.at(sim::Month::of(2019, 12)), 9000.0);
  EXPECT_EQ(w.at(sim::Month::of(2020, 1)), 12000.0);
  EXPECT_EQ(c.regions[1].wage_som.at(sim::Month::of(2025, 1)), 7000.0);
  EXPECT_EQ(c.abroad.business_base.at(sim::Month::of(2019, 12)), 0.02); // the default
  EXPECT_EQ(c.abroad.business_base.at(sim::Month::of(2020, 1)), 0.05);
  EXPECT_THAT(c.resolved_yaml, HasSubstr("before:"));
  const sim::RunConfig again =
      load_scenario(dir.write("resolved.yaml", c.resolved_yaml), fake_registries());
  EXPECT_EQ(again.regions[0].wage_som.at(sim::Month::of(2019, 12)), 9000.0);
  EXPECT_EQ(again.abroad.business_base.at(sim::Month::of(2020, 1)), 0.05);
  // Without a base and without a default there is nothing to keep.
  const std::string alone =
      std::string(SMALL).replace(std::string(SMALL).find("wage_som: 9000"), 14,
                                 "wage_som: {from: 2020-01, values: {2020: 1}}");
  EXPECT_THAT(error_of(dir.write("alone.yaml", alone)),
              HasSubstr("regions[0].wage_som.from: nothing to keep before 2020-01"));
  const std::string orphan = std::string(SMALL).replace(
      std::string(SMALL).find("wage_som: 9000"), 14, "wage_som: {values: {2020: 1}, before: 3}");
  EXPECT_THAT(error_of(dir.write("orphan.yaml", orphan)),
              HasSubstr("regions[0].wage_som.before: before: goes with from:"));
}

TEST(Inheritance, ErrorsInBaseNameTheBaseFile) {
  TempDir dir("inherit_err");
  dir.write("base.yaml", std::string(SMALL) + "scael: 1\n");
  const std::string variant = dir.write("variant.yaml", "base: base.yaml\nname: v\n");
  EXPECT_THAT(error_of(variant),
              HasSubstr(dir.path() + "/base.yaml:20:1: error: scael: unknown key"));
}

TEST(Inheritance, CycleIsAnErrorNamingTheChain) {
  TempDir dir("cycle");
  dir.write("a.yaml", "base: b.yaml\nname: a\n");
  dir.write("b.yaml", "base: c.yaml\n");
  dir.write("c.yaml", "base: a.yaml\n");
  const std::string a = dir.path() + "/a.yaml";
  const std::string b = dir.path() + "/b.yaml";
  const std::string c = dir.path() + "/c.yaml";
  EXPECT_THAT(error_of(a), HasSubstr(c + ":1:7: error: base: inheritance cycle: " + a + " -> " + b +
                                     " -> " + c + " -> " + a));
}

TEST(Overrides, SetNumberNestedListAndNewKey) {
  TempDir dir("set");
  LoadOptions options;
  options.overrides = {"decision.rules[0].params.b_wage=1.5",
                       "regions[1].population=5e3",
                       "decision.monthly_rate=0.1",
                       "destinations=[]",
                       "regions[0].wage_som={values: {2010: 100, 2011: 200}}",
                       "population.wage_sigma=0.25"};
  const sim::RunConfig c = load_scenario(dir.write("s.yaml", SMALL), fake_registries(), options);
  EXPECT_DOUBLE_EQ(c.decision.rules[0].params.at("b_wage"), 1.5);
  EXPECT_DOUBLE_EQ(c.regions[1].population, 5000);
  EXPECT_DOUBLE_EQ(c.decision.monthly_rate, 0.1);
  EXPECT_EQ(c.regions[0].wage_som.points.size(), 2u);
  EXPECT_DOUBLE_EQ(c.population.wage_sigma, 0.25);
}

TEST(Overrides, ErrorsAreLocatedAtTheOverride) {
  TempDir dir("set_err");
  const std::string path = dir.write("s.yaml", SMALL);
  LoadOptions bad_value;
  bad_value.overrides = {"decision.monthly_rate=abc"};
  EXPECT_THAT(error_of(path, bad_value),
              HasSubstr("--set decision.monthly_rate=abc: error: decision.monthly_rate: "
                        "expected a number, got 'abc'"));
  LoadOptions unknown;
  unknown.overrides = {"tiem.start=2011-01"};
  const std::string e = error_of(path, unknown);
  EXPECT_THAT(e, HasSubstr("--set tiem.start=2011-01: error: tiem: unknown key"));
  EXPECT_THAT(e, HasSubstr("hint: did you mean 'time'?"));
  LoadOptions index;
  index.overrides = {"regions[5].population=1"};
  EXPECT_THAT(error_of(path, index),
              HasSubstr("--set regions[5].population=1: error: regions[5]: index out of range: "
                        "the list has 2 entries"));
  LoadOptions syntax;
  syntax.overrides = {"decision.rules"};
  EXPECT_THAT(error_of(path, syntax), HasSubstr("error: expected key.path=value"));
}

const std::string SERIES_CSV =
    testing::source_dir() + "/scenarios/kyrgyzstan/data/external_series.csv";

TEST(Series, CsvFactorGrowthAndModes) {
  TempDir dir("csv");
  std::string text = SMALL;
  text += "destinations:\n  - id: russia\n    currency: rub\n    lat: 55\n    lon: 37\n"
          "    wage_local: {csv: " +
          SERIES_CSV +
          ", id: russia, variable: "
          "wage_avg_nominal_month, growth_after_pct: 2.0}\n"
          "    unemployment: 0.05\n    cost_som: 1000\n";
  // rub per USD, held from January, as a fraction of a thousand.
  text += "time: {annual_series: hold}\n";
  const std::string path = dir.write("s.yaml", text);
  LoadOptions options;
  options.overrides = {
      "currencies.per_usd.rub={csv: " + SERIES_CSV +
      ", id: russia, variable: rub_per_usd_avg, factor: 0.001, mode: interpolate}"};
  const sim::RunConfig c = load_scenario(path, fake_registries(), options);
  ASSERT_EQ(c.currencies.size(), 2u);
  const sim::Series& rub = c.currencies[1].per_usd;
  EXPECT_EQ(rub.mode, sim::Series::Mode::interpolate);
  ASSERT_GE(rub.points.size(), 10u);
  EXPECT_DOUBLE_EQ(rub.points[0].t, 2010 * 12 + 6);
  EXPECT_DOUBLE_EQ(rub.points[0].value, 30.37 * 0.001);
  EXPECT_DOUBLE_EQ(rub.points[5].value, 60.96 * 0.001); // 2015
  const sim::Series& wage = c.destinations[0].wage_local;
  EXPECT_EQ(wage.mode, sim::Series::Mode::hold); // time.annual_series
  EXPECT_DOUBLE_EQ(wage.growth_after, 0.02);
  ASSERT_FALSE(wage.points.empty());
  EXPECT_EQ(static_cast<int>(wage.points[0].t) % 12, 0); // hold: January
  for (std::size_t i = 1; i < wage.points.size(); ++i)
    EXPECT_LT(wage.points[i - 1].t, wage.points[i].t);
}

TEST(Series, CsvErrorsNameTheFileAndLine) {
  TempDir dir("csv_err");
  dir.write("data/d.csv", "region,year,variable,value,source\n"
                          "north,2010,wage,100,T1\n"
                          "north,2011,wage,abc,T1\n"
                          "north,2010,wage,120,T2\n"
                          "north,2012,wage,\"1,5\",T1,extra\n");
  std::string text = SMALL;
  const std::string path = dir.write("s.yaml", text);
  LoadOptions options;
  options.overrides = {"regions[0].wage_som={csv: data/d.csv, id: north, variable: wage}"};
  const std::string e = error_of(path, options);
  const std::string csv = dir.path() + "/data/d.csv";
  EXPECT_THAT(e, HasSubstr(csv + ":5: error: expected 5 fields, got 6"));
}

TEST(Series, DuplicateCsvYearsNeedASource) {
  TempDir dir("csv_dup");
  dir.write("d.csv", "region,year,variable,value,source\n"
                     "north,2010,wage,100,T1\n"
                     "north,2010,wage,120,T2\n"
                     "north,2011,wage,abc,T3\n");
  const std::string path = dir.write("s.yaml", SMALL);
  const std::string csv = dir.path() + "/d.csv";
  LoadOptions options;
  options.overrides = {"regions[0].wage_som={csv: d.csv, id: north, variable: wage}"};
  std::string e = error_of(path, options);
  EXPECT_THAT(e,
              HasSubstr(csv + ":3: error: two rows for north, wage, 2010 (the other on line 2)"));
  EXPECT_THAT(e, HasSubstr("hint: add source: to regions[0].wage_som; sources of this "
                           "variable: T1, T2, T3"));
  EXPECT_THAT(e, HasSubstr(csv + ":4: error: value: expected a number, got 'abc'"));
  options.overrides = {"regions[0].wage_som={csv: d.csv, id: north, variable: wage, source: T2}",
                       "regions[1].wage_som={csv: d.csv, id: nort, variable: wage}"};
  e = error_of(path, options);
  EXPECT_THAT(e, HasSubstr("regions[1].wage_som: no rows in " + csv +
                           " for region 'nort', variable 'wage'"));
  EXPECT_THAT(e, HasSubstr("hint: did you mean 'north'?"));
  EXPECT_THAT(e, ::testing::Not(HasSubstr("regions[0]")));
}

TEST(Resolved, RoundTripGivesAnEqualConfig) {
  TempDir dir("roundtrip");
  dir.write("base/data/d.csv",
            "country,year,variable,value\nrussia,2010,w,100\nrussia,2012,w,130\n");
  dir.write("base/base.yaml", std::string(MINIMAL) + "");
  const std::string top = dir.write("variant.yaml", R"(base: base/base.yaml
name: variant
destinations:
  - id: russia
    currency: rub
    lat: 55.75
    lon: 37.62
    wage_local: {csv: base/data/d.csv, id: russia, variable: w, growth_after_pct: 3}
    unemployment: 0.06
    cost_som: 15000
)");
  LoadOptions options;
  options.overrides = {"decision.rules[0].params.b_cost=0.25"};
  const sim::RunConfig first = load_scenario(top, fake_registries(), options);
  const std::string resolved = dir.write("resolved.yaml", first.resolved_yaml);
  const sim::RunConfig second = load_scenario(resolved, fake_registries());
  EXPECT_EQ(second.resolved_yaml, first.resolved_yaml);
  EXPECT_THAT(first.resolved_yaml, HasSubstr("csv: base/data/d.csv"));
  // Field by field.
  auto same_series = [](const sim::Series& a, const sim::Series& b) {
    if (a.mode != b.mode || a.growth_after != b.growth_after) return false;
    if (a.points.size() != b.points.size()) return false;
    for (std::size_t i = 0; i < a.points.size(); ++i)
      if (a.points[i].t != b.points[i].t || a.points[i].value != b.points[i].value) return false;
    return true;
  };
  EXPECT_EQ(first.name, second.name);
  EXPECT_EQ(first.seed, second.seed);
  EXPECT_EQ(first.start, second.start);
  EXPECT_EQ(first.end, second.end);
  ASSERT_EQ(first.currencies.size(), second.currencies.size());
  for (std::size_t i = 0; i < first.currencies.size(); ++i)
    EXPECT_TRUE(same_series(first.currencies[i].per_usd, second.currencies[i].per_usd));
  ASSERT_EQ(first.regions.size(), second.regions.size());
  EXPECT_TRUE(same_series(first.regions[0].unemployment, second.regions[0].unemployment));
  EXPECT_EQ(first.regions[0].name, second.regions[0].name);
  ASSERT_EQ(second.destinations.size(), 1u);
  EXPECT_TRUE(same_series(first.destinations[0].wage_local, second.destinations[0].wage_local));
  EXPECT_EQ(second.destinations[0].wage_local.points.size(), 2u);
  EXPECT_EQ(first.decision.rules[0].params, second.decision.rules[0].params);
  EXPECT_DOUBLE_EQ(second.decision.rules[0].params.at("b_cost"), 0.25);
  EXPECT_EQ(first.decision.combine_params, second.decision.combine_params);
  EXPECT_EQ(first.population.age_shares, second.population.age_shares);
  EXPECT_EQ(first.output.chunk_months, second.output.chunk_months);
  EXPECT_EQ(first.description, second.description);
}

TEST(Errors, AreCollectedNotStoppedAtTheFirst) {
  TempDir dir("many");
  const std::string path =
      dir.write("s.yaml", std::string(SMALL) + "scale: 2\nseed: -1\noutput: {compression: 12}\n");
  const std::string e = error_of(path);
  EXPECT_THAT(e, HasSubstr(":20:8: error: scale: expected a number in (0, 1], got 2"));
  EXPECT_THAT(e, HasSubstr(":21:7: error: seed: expected an integer >= 0, got -1"));
  EXPECT_THAT(
      e, HasSubstr(":22:23: error: output.compression: expected an integer in [0, 9], got 12"));
}

TEST(Errors, MissingFile) {
  EXPECT_EQ(error_of("/nonexistent/s.yaml"),
            "/nonexistent/s.yaml: error: cannot read scenario: No such file or directory");
}

} // namespace
} // namespace kochmon::scenarios

namespace kochmon::scenarios {
namespace {

TEST(Inheritance, PlacesMergeByIdSoAVariantListsOnlyWhatItChanges) {
  const auto reg = agents::builtin_registries();
  const std::string dir = std::string(KOCHMON_SOURCE_DIR) + "/scenarios/examples";
  const auto variant = std::filesystem::temp_directory_path() / "kochmon_merge_by_id.yaml";
  {
    std::ofstream out(variant);
    out << "base: " << dir << "/tiny.yaml\n"
        << "regions:\n  - id: south\n    unemployment: 0.2\n"
        << "destinations:\n  - id: russia\n    cost_som: 1000\n";
  }
  const auto base = load_scenario(dir + "/tiny.yaml", reg);
  const auto cfg = load_scenario(variant.string(), reg);
  ASSERT_EQ(cfg.regions.size(), base.regions.size());
  EXPECT_EQ(cfg.regions[0].id, "north");
  EXPECT_EQ(cfg.regions[0].population, base.regions[0].population);
  EXPECT_EQ(cfg.regions[1].id, "south");
  EXPECT_DOUBLE_EQ(cfg.regions[1].unemployment.at(cfg.start), 0.2);
  EXPECT_EQ(cfg.regions[1].population, base.regions[1].population); // the rest kept
  EXPECT_DOUBLE_EQ(cfg.destinations[0].cost_som.at(cfg.start), 1000);
  EXPECT_EQ(cfg.destinations[0].currency, "rub");
  std::filesystem::remove(variant);
}

} // namespace
} // namespace kochmon::scenarios
