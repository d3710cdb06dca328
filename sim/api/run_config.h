#ifndef KOCHMON_SIM_API_RUN_CONFIG_H
#define KOCHMON_SIM_API_RUN_CONFIG_H

// The validated description of one run: what scenarios/ produces from YAML and what the engine
// consumes. The engine never sees YAML; every value here has already been checked (types,
// ranges, references between places), so the engine only asserts invariants.
// Units: money in som per month unless a field says otherwise; rates are monthly
// probabilities; shares are fractions in [0, 1].

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/core/month.h"
#include "sim/core/series.h"

namespace kochmon::sim {

//! One currency, by its value in US dollars (per_usd: units of the currency per USD).
struct CurrencyConfig {
  std::string id;
  Series per_usd;
};

//! A region of origin (MODEL.md §2). Every region is also an internal destination.
struct RegionConfig {
  std::string id;
  std::string name;
  double population = 0;         // persons at time.start (full scale)
  double household_size = 4.2;   // mean persons per household
  double working_age_share = 0.6;  // of persons
  double activity_rate = 0.65;   // of working-age adults
  double rural_share = 0.5;      // of households
  double land_ha_mean = 0.5;     // mean irrigated land of a rural household, hectares
  bool urban = false;            // endogenous urban labour market (Harris–Todaro, MODEL.md §4)
  bool south = false;            // reporting group only
  double lat_deg = 0, lon_deg = 0;
  Series wage_som;               // average monthly wage
  Series unemployment;           // fraction of the active
  Series poverty_rate;           // fraction of persons below the poverty line (income calibration)
  Series farm_income_som_per_ha; // monthly farm income per hectare
  Series move_cost_som = Series::constant(5000);  // cost of moving here from another region
};

//! A foreign destination (MODEL.md §2). Internal destinations are the regions themselves.
struct DestinationConfig {
  std::string id;
  std::string name;
  std::string currency;          // an id in RunConfig::currencies
  double lat_deg = 0, lon_deg = 0;
  Series wage_local;             // average monthly wage in the destination's currency
  Series unemployment;           // fraction
  Series cost_som;               // cost of going: travel, documents, fees
  Series legal_share;            // share of arrivals who obtain legal status
  Series detection_monthly;      // probability an illegal migrant is detected and expelled
  Series remittance_fee;         // fraction of a transfer lost to fees
};

//! How the synthetic population is drawn (MODEL.md §3).
struct PopulationConfig {
  double women_share = 0.5;                       // of adults
  std::vector<double> age_band_shares{0.35, 0.35, 0.30};  // 18-29, 30-44, 45-64
  std::vector<double> skill_shares{0.5, 0.35, 0.15};      // low, medium, high
  std::vector<double> skill_wage_factor{0.8, 1.0, 1.6};
  double wage_sigma = 0.5;   // lognormal dispersion of individual wages (log scale)
  double max_household_size = 12;
  double savings_rate = 0.1;  // share of monthly income saved
};

//! The home labour market: job finding; job loss follows to reproduce the regional rate.
struct HomeLabourConfig {
  double job_finding_monthly = 0.15;
};

//! One decision rule as named in the scenario, with its validated parameters.
struct RuleSpec {
  std::string rule;
  double weight = 1.0;
  std::map<std::string, double> params;  // every parameter of the rule, defaults filled in
};

struct DecisionConfig {
  enum class InternalMove { member, household };
  std::string combine = "logit";
  double monthly_rate = 0.02;        // share of eligible households that weigh a move each month
  InternalMove internal_move = InternalMove::member;
  std::vector<RuleSpec> rules;
  std::map<std::string, double> combine_params;  // combinator parameters, defaults filled in
};

//! Life abroad (MODEL.md §6): simple hazards in the foundation.
struct AbroadConfig {
  double job_finding_monthly = 0.4;  // scaled by (1 - u_d)
  double job_loss_monthly = 0.03;
  double remit_share = 0.4;          // of earnings
  double return_monthly = 0.02;      // base return hazard
  double return_unemployed_monthly = 0.10;  // extra hazard while unemployed abroad
};

struct OutputConfig {
  int compression = 4;     // gzip level 0..9
  int chunk_months = 12;   // HDF5 chunk length along time
};

//! Everything a run needs. `resolved_yaml` is the fully resolved scenario text, written into
//! every output file for provenance.
struct RunConfig {
  std::string name;
  std::string description;
  std::string source_path;    // the scenario file as given
  std::string resolved_yaml;
  std::uint64_t seed = 1;
  std::uint64_t world_seed = 1;  // seed of the synthetic population (defaults to seed)
  double scale = 1.0;         // fraction of households simulated
  Month start = Month::of(2010, 1);
  Month end = Month::of(2030, 12);  // inclusive
  std::string home_currency = "som";
  std::vector<CurrencyConfig> currencies;
  std::vector<RegionConfig> regions;
  std::vector<DestinationConfig> destinations;
  PopulationConfig population;
  HomeLabourConfig home_labour;
  DecisionConfig decision;
  AbroadConfig abroad;
  OutputConfig output;

  int n_steps() const { return end - start + 1; }
};

}  // namespace kochmon::sim

#endif
