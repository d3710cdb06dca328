#ifndef KOCHMON_SIM_API_RUN_CONFIG_H
#define KOCHMON_SIM_API_RUN_CONFIG_H

// The validated description of one run: what scenarios/ produces from YAML and what the engine
// consumes. The engine never sees YAML; every value here has already been checked (types,
// ranges, references between places), so the engine only asserts invariants.
// Units: money in som per month unless a field says otherwise; rates are monthly
// probabilities; shares are fractions in [0, 1].

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/api/plugin_info.h"
#include "sim/core/month.h"
#include "sim/core/series.h"

namespace kochmon::sim {

//! One currency, by its value in US dollars (per_usd: units of the currency per USD), and the
//! consumer price index of its economy (any base: only ratios are used; constant 1 when the
//! scenario gives none).
struct CurrencyConfig {
  std::string id;
  Series per_usd;
  Series cpi = Series::constant(1);
};

//! A region of origin (MODEL.md §2). Every region is also an internal destination.
struct RegionConfig {
  std::string id;
  std::string name;
  double population = 0;          // persons at time.start (full scale)
  double household_size = 4.2;    // mean persons per household
  double working_age_share = 0.6; // of persons
  double activity_rate = 0.65;    // of working-age adults
  double rural_share = 0.5;       // of households
  double land_ha_mean = 0.5;      // mean irrigated land of a rural household, hectares
  bool urban = false;             // endogenous urban labour market (Harris–Todaro, MODEL.md §4)
  bool south = false;             // reporting group only
  double lat_deg = 0, lon_deg = 0;
  Series wage_som;               // average monthly wage
  Series unemployment;           // fraction of the active
  Series poverty_rate;           // fraction of persons below the poverty line (income calibration)
  Series farm_income_som_per_ha; // monthly farm income per hectare
  Series move_cost_som = Series::constant(5000); // cost of moving here from another region
  double attractiveness = 0; // constant added to this region's score as a destination
  double internal_exit = 0;  // constant added to every move from this region to another region
  double shock_sd = 0.05;    // sd of the region's common monthly income-shock innovation
  Series jobs_growth_pct = Series::constant(0);      // urban regions: annual job growth, percent
  Series birth_rate_per_1000 = Series::constant(25); // demography: births per 1000 members a year
};

//! Entry regimes (MODEL.md §2, §6): what legal status costs and how likely it is.
enum class Regime : std::uint8_t { pre_eaeu = 0, eaeu = 1, visa = 2 };
inline constexpr int N_REGIMES = 3;
inline constexpr std::array<const char*, N_REGIMES> REGIME_NAMES{"pre_eaeu", "eaeu", "visa"};

//! What legal status costs and how likely it is under one regime (MODEL.md §5–§6). The
//! scenario's `regimes` section gives the shared values; a destination may override any of
//! them (`destinations[].regime_params`), so each destination holds its own full copy.
struct RegimeConfig {
  Series legal_share = Series::constant(0.7); // share of arrivals who obtain legal status
  Series permit_cost_som =
      Series::constant(0); // monthly cost of staying legal (patent), from earnings
  Series income_tax = Series::constant(0.13); // share of a legal migrant's earnings
  Series legalise_monthly =
      Series::constant(0); // probability an illegal migrant regularises in a month
  Series entry_cost_som = Series::constant(0); // documents, exam, registration: som, once
  double prepaid_months = 0;                   // months of the permit paid before the first wage
  //! How the share who go legal falls with the permit's weight in the after-tax wage:
  //! legal = legal_share · (1 − permit / ((1 − tax)·wage))^elasticity (0: it does not).
  double legal_cost_elasticity = 0;

  //! The share of arrivals in month m who go legal, for a wage worth `wage_som` a month: the
  //! permit's weight in the after-tax wage deters some (legal_cost_elasticity).
  double legal_share_at(Month m, double wage_som) const {
    const double share = legal_share.at(m);
    if (legal_cost_elasticity == 0) return share;
    const double after_tax = (1.0 - income_tax.at(m)) * wage_som;
    const double kept =
        after_tax > 0 ? std::clamp(1.0 - permit_cost_som.at(m) / after_tax, 0.0, 1.0) : 0.0;
    return share * std::pow(kept, legal_cost_elasticity);
  }
  //! What going legal costs before the first wage: documents, exam, registration, and the
  //! permit's first `prepaid_months` (som).
  double entry_cost_at(Month m) const {
    return entry_cost_som.at(m) + prepaid_months * permit_cost_som.at(m);
  }
};

//! A destination's regime from a month on.
struct RegimeSpan {
  Month from;
  Regime regime = Regime::visa;
};

//! A foreign destination (MODEL.md §2). Internal destinations are the regions themselves.
struct DestinationConfig {
  std::string id;
  std::string name;
  std::string currency; // an id in RunConfig::currencies
  double lat_deg = 0, lon_deg = 0;
  Series wage_local;        // average monthly wage in the destination's currency
  Series unemployment;      // fraction
  Series cost_som;          // cost of going, travel part (the regime adds its entry costs)
  Series detection_monthly; // probability an illegal migrant is detected and expelled
  Series remittance_fee;    // fraction of a transfer lost to fees
  std::vector<RegimeSpan> regimes{
      {Month{0}, Regime::visa}}; // sorted by month, first covers the start
  //! A regime's parameters at this destination when its `regime_params` names that regime:
  //! the shared `regimes` values with the destination's keys in their place (the loader
  //! resolves them). Empty: the shared values (RunConfig::regime_config).
  std::array<std::optional<RegimeConfig>, N_REGIMES> regime_params{};
  double attractiveness = 0;    // constant added to this destination's score by every rule
  double initial_stock = 0;     // persons from the country already there at time.start (full scale)
  double fx_volatility = 0.1;   // sd of the som value of a month's wage there (fraction)
  double shock_correlation = 0; // correlation of its risk with the origin's income shocks
  std::array<double, 3> ban_shares{0, 0, 0};    // of expelled migrants: banned 3, 5, 10 years
  Series ban_enforcement = Series::constant(1); // probability a ban stops a banned adult going

  Regime regime_at(Month m) const {
    Regime r = regimes.front().regime;
    for (const auto& span : regimes)
      if (span.from <= m) r = span.regime;
    return r;
  }
};

//! The regional income-shock process (MODEL.md §4): ε_h,t = φ·ε_h,t−1 + η_r,t + ν_h,t with
//! η_r ~ N(0, shock_sd_r²) common to the region and ν_h ~ N(0, household_sd²).
struct ShockConfig {
  double persistence = 0.8; // φ
  double household_sd = 0.05;
};

//! Ages (MODEL.md §3, issue #14) are carried in months and reported in 17 five-year bands,
//! 0-4, 5-9, ..., 75-79 and 80+ (band = age in years / 5, at most 16).
inline constexpr int AGE_BANDS = 17;
inline constexpr int FIRST_FERTILE_BAND = 3;      // 15-19
inline constexpr int FERTILITY_BANDS = 7;         // 15-19 ... 45-49
inline constexpr int FIRST_WORKING_BAND = 3;      // 15-19: who-goes propensities start here
inline constexpr int PROPENSITY_BANDS = 10;       // 15-19 ... 60-64
inline constexpr int OLDEST_AGE_MONTHS = 95 * 12; // the 80+ band is drawn over 80-95 years
inline constexpr int age_band_of_years(int years) {
  return years / 5 < 16 ? years / 5 : 16;
}

//! How the synthetic population is drawn (MODEL.md §3).
struct PopulationConfig {
  double women_share = 0.5; // of adults
  //! Shares of persons by five-year age band at time.start (AGE_BANDS values, sum 1):
  //! adults' ages are drawn from it within working age, dependants' outside it.
  std::vector<double> age_shares{0.12, 0.11,  0.10,  0.095, 0.09,  0.085, 0.075, 0.065, 0.06,
                                 0.05, 0.045, 0.035, 0.027, 0.018, 0.012, 0.008, 0.005};
  int working_age_from = 16;                         // years: children become adults
  std::array<int, 2> retirement_age{63, 58};         // years, men and women: adults retire
  std::vector<double> skill_shares{0.5, 0.35, 0.15}; // low, medium, high
  std::vector<double> skill_wage_factor{0.8, 1.0, 1.6};
  double wage_sigma = 0.5; // lognormal dispersion of individual wages (log scale)
  double max_household_size = 12;
  double savings_rate = 0.1;         // share of monthly income saved
  double initial_savings_months = 2; // opening savings in months of the household's income
  Series poverty_line_som = Series::constant(2500); // income per person per month
};

//! The home labour market: job finding; job loss follows to reproduce the regional rate.
struct HomeLabourConfig {
  double job_finding_monthly = 0.15;
};

//! One decision rule as named in the scenario, with its validated parameters.
struct RuleSpec {
  std::string rule;
  double weight = 1.0;
  std::map<std::string, double> params; // every parameter of the rule, defaults filled in
};

struct DecisionConfig {
  enum class InternalMove { member, household };
  //! Who goes: relative propensity of an adult at home to be the one sent, by sex (men,
  //! women) and age band 15-19 ... 60-64 (PROPENSITY_BANDS values each; all 1: uniform).
  std::array<std::vector<double>, 2> who_goes{std::vector<double>(PROPENSITY_BANDS, 1.0),
                                              std::vector<double>(PROPENSITY_BANDS, 1.0)};
  std::string combine = "logit";
  double monthly_rate = 0.02; // share of eligible households that weigh a move each month
  InternalMove internal_move = InternalMove::member;
  std::vector<RuleSpec> rules;
  std::map<std::string, double> combine_params; // combinator parameters, defaults filled in
  bool liquidity_constraint = false;       // no departure without the cost in savings (+ credit)
  Series credit_som = Series::constant(0); // credit available for the cost of going
};

//! A life-abroad model (agents/abroad/) by its registered name, with validated parameters.
struct AbroadModelChoice {
  std::string model;
  Params params;
};

//! Life abroad (MODEL.md §6). The return hazard and job finding abroad are plug-ins
//! (sim/api/abroad_model.h); the flat keys below are the parameters of the default models.
struct AbroadConfig {
  double job_finding_monthly = 0.4; // scaled by (1 - u_d)
  double job_loss_monthly = 0.03;
  double remit_share = 0.4;                // of earnings
  double return_monthly = 0.02;            // base return hazard
  double return_unemployed_monthly = 0.10; // extra hazard after long unemployment abroad
  int long_unemployed_months = 3;
  double network_job_effect = 0.2;             // job finding × (1 + effect·ln(1 + k·N_rd/P_r))
  double network_scale = 10;                   // k
  double illegal_job_factor = 0.7;             // job finding × factor while illegal
  Series training_share = Series::constant(0); // share of leavers with pre-departure training
  double training_job_effect = 0.3;            // job finding × (1 + effect) when trained
  double savings_target_months = 24;           // household savings target, months of home wage
  double return_target_monthly = 0.03;         // extra hazard once the target is met
  double return_wage_fall =
      0.2; // extra hazard per unit relative fall of w_d·fx_d below its 12-month mean
  Series return_grant_som = Series::constant(0);
  double return_grant_effect = 0.02; // extra hazard per month of home wage of grant
  double return_age_gradient = 0;    // return hazard × exp(gradient · (age − 30) / 10)
  Series business_base = Series::constant(0.02);           // P(a returnee starts a business)
  Series business_savings_effect = Series::constant(0.05); // added per 12 months' wage saved
  Series business_income_factor = Series::constant(1.2);   // business income / regional wage
  // The models chosen in the scenario; an empty name takes the default model with its
  // parameters from the flat keys above (return_choice(), job_choice()).
  AbroadModelChoice return_model, job_model;

  //! The return model in force: as chosen, or "wage_fall" with the flat return_* keys.
  AbroadModelChoice return_choice() const {
    if (!return_model.model.empty()) return return_model;
    return {"wage_fall",
            {{"return_monthly", return_monthly},
             {"return_unemployed_monthly", return_unemployed_monthly},
             {"return_target_monthly", return_target_monthly},
             {"return_wage_fall", return_wage_fall},
             {"return_grant_effect", return_grant_effect}}};
  }
  //! The job-finding model in force: as chosen, or "network" with the flat keys.
  AbroadModelChoice job_choice() const {
    if (!job_model.model.empty()) return job_model;
    return {"network",
            {{"job_finding_monthly", job_finding_monthly},
             {"network_job_effect", network_job_effect},
             {"network_scale", network_scale},
             {"training_job_effect", training_job_effect},
             {"illegal_job_factor", illegal_job_factor}}};
  }
};

//! Births, deaths, ageing and new households (MODEL.md §3, issue #14). Off: the population is
//! frozen at time.start (nobody is born, ages or dies).
struct DemographyConfig {
  bool enabled = false;
  //! Annual deaths per 1000 persons by sex (men, women) and age band (AGE_BANDS each).
  std::array<std::vector<double>, 2> death_rate_per_1000{
      std::vector<double>{5.8, 0.6, 0.5, 1.0, 1.6, 2.1, 2.6, 3.4, 4.6, 6.6, 9.6, 14.0, 20.4, 29.8,
                          43.4, 63.2, 130.0},
      std::vector<double>{4.6, 0.4, 0.3, 0.5, 0.6, 0.8, 1.1, 1.5, 2.1, 3.0, 4.4, 6.6, 10.0, 15.2,
                          23.2, 35.6, 95.0}};
  //! Shares of births by the mother's age band 15-19 ... 45-49 (FERTILITY_BANDS, sum 1).
  std::vector<double> fertility_age_shares{0.05, 0.32, 0.31, 0.19, 0.09, 0.03, 0.01};
  double boys_share = 0.512;        // of births
  double formation_monthly = 0.002; // P(an eligible young adult leaves to set up a household)
  int formation_age_min = 20;       // years, inclusive
  int formation_age_max = 35;       // years, exclusive
  double formation_land_share = 0;  // share of the parent's land a new household takes
  double capacity_factor = 1.5; // household slots per region, × opening count (loader: computed)
};

struct OutputConfig {
  int compression = 4;            // gzip level 0..9
  int chunk_months = 12;          // HDF5 chunk length along time
  double trajectories_sample = 0; // share of households whose trajectories are recorded
};

//! A time-stamped policy event (MODEL.md §7) that acts on people rather than on a parameter
//! (parameters change over time through their series).
struct EventConfig {
  enum class Type { amnesty };
  Month date;
  Type type = Type::amnesty;
  int destination = 0; // index into RunConfig::destinations
  double share = 1;    // amnesty: share of the active bans to that destination lifted
};

//! Everything a run needs. `resolved_yaml` is the fully resolved scenario text, written into
//! every output file for provenance.
struct RunConfig {
  std::string name;
  std::string description;
  std::string source_path; // the scenario file as given
  std::string resolved_yaml;
  //! Every <series> key as the model reads it, as YAML: key path → {year: the mean over the
  //! year's months of the run}. Reports compare scenarios by these values, so a CSV
  //! reference and its inline copy are the same thing (output/FORMAT.md, /meta/scenario_values).
  std::string resolved_values;
  std::uint64_t seed = 1;
  std::uint64_t world_seed = 1; // seed of the synthetic population (defaults to seed)
  double scale = 1.0;           // fraction of households simulated
  Month start = Month::of(2010, 1);
  Month end = Month::of(2030, 12); // inclusive
  std::string home_currency = "som";
  std::vector<CurrencyConfig> currencies;
  Month price_base = Month::of(2010, 1); // real values are at this month's home prices
  std::vector<RegionConfig> regions;
  std::vector<DestinationConfig> destinations;
  PopulationConfig population;
  HomeLabourConfig home_labour;
  ShockConfig shocks;
  std::array<RegimeConfig, N_REGIMES> regimes; // shared by destinations, unless overridden
  DecisionConfig decision;
  DemographyConfig demography;
  AbroadConfig abroad;
  OutputConfig output;
  std::vector<EventConfig> events; // sorted by date

  int n_steps() const { return end - start + 1; }
  //! The parameters of the regime in force at foreign destination `d` (0-based among the
  //! destinations) in month m: its own if it overrides that regime, else the shared ones.
  const RegimeConfig& regime_config(std::size_t d, Month m) const {
    const auto& dc = destinations[d];
    const auto r = static_cast<std::size_t>(dc.regime_at(m));
    return dc.regime_params[r] ? *dc.regime_params[r] : regimes[r];
  }
};

} // namespace kochmon::sim

#endif
