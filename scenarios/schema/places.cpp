// regions[] and destinations[].

#include <array>
#include <deque>
#include <string>

#include "scenarios/schema/schema.h"
#include "sim/api/run_config.h"

namespace kochmon::scenarios::schema {

std::vector<Key> place_keys() {
  return {
      // regions[]
      {.path = "regions[].id",
       .type = Type::id,
       .required = true,
       .meaning = "Identifier (a-z, 0-9, _), unique across regions and destinations."},
      {.path = "regions[].name",
       .type = Type::string,
       .computed_default = "the id",
       .meaning = "Display name; defaults to the id."},
      {.path = "regions[].population",
       .type = Type::number,
       .required = true,
       .range = open_closed(0, 2e9),
       .unit = "persons",
       .meaning = "Persons living in the region at time.start (full scale)."},
      {.path = "regions[].household_size",
       .type = Type::number,
       .default_value = "4.2",
       .range = closed(1, 20),
       .unit = "persons",
       .meaning = "Mean persons per household."},
      {.path = "regions[].working_age_share",
       .type = Type::number,
       .default_value = "0.6",
       .range = open_closed(0, 1),
       .unit = "1",
       .meaning = "Share of persons of working age."},
      {.path = "regions[].activity_rate",
       .type = Type::number,
       .default_value = "0.65",
       .range = open_closed(0, 1),
       .unit = "1",
       .meaning = "Share of working-age adults in the labour force."},
      {.path = "regions[].rural_share",
       .type = Type::number,
       .default_value = "0.5",
       .range = closed(0, 1),
       .unit = "1",
       .meaning = "Share of rural households."},
      {.path = "regions[].land_ha_mean",
       .type = Type::number,
       .default_value = "0.5",
       .range = closed(0, 1000),
       .unit = "ha",
       .meaning = "Mean irrigated land of a rural household."},
      {.path = "regions[].urban",
       .type = Type::boolean,
       .default_value = "false",
       .meaning = "Endogenous urban labour market (Harris-Todaro, MODEL.md §4)."},
      {.path = "regions[].south",
       .type = Type::boolean,
       .default_value = "false",
       .meaning = "Belongs to the southern reporting group."},
      {.path = "regions[].lat",
       .type = Type::number,
       .required = true,
       .range = closed(-90, 90),
       .unit = "degrees",
       .meaning = "Latitude of the centre."},
      {.path = "regions[].lon",
       .type = Type::number,
       .required = true,
       .range = closed(-180, 180),
       .unit = "degrees",
       .meaning = "Longitude of the centre."},
      {.path = "regions[].wage_som",
       .type = Type::series,
       .required = true,
       .range = above(0),
       .unit = "som/month",
       .meaning = "Average monthly wage."},
      {.path = "regions[].unemployment",
       .type = Type::series,
       .required = true,
       .range = closed_open(0, 1),
       .unit = "1",
       .meaning = "Unemployment rate (fraction of the active)."},
      {.path = "regions[].poverty_rate",
       .type = Type::series,
       .default_value = "0.2",
       .range = closed(0, 1),
       .unit = "1",
       .meaning = "Share of persons below the poverty line (income calibration)."},
      {.path = "regions[].farm_income_som_per_ha",
       .type = Type::series,
       .default_value = "2000",
       .range = at_least(0),
       .unit = "som/ha/month",
       .meaning = "Monthly farm income per hectare."},

      {.path = "regions[].move_cost_som",
       .type = Type::series,
       .default_value = "5000",
       .range = at_least(0),
       .unit = "som",
       .meaning = "Cost of moving here from another region."},
      {.path = "regions[].attractiveness",
       .type = Type::number,
       .default_value = "0",
       .range = closed(-50, 50),
       .unit = "1",
       .meaning = "A constant added to this region's score as a destination by every built-in "
                  "rule: what the rules do not see (the capital's services, familiarity); a "
                  "calibration parameter."},
      {.path = "regions[].internal_exit",
       .type = Type::number,
       .default_value = "0",
       .range = closed(-50, 50),
       .unit = "1",
       .meaning = "A constant added by every built-in rule to the score of each move from this "
                  "region to another region (not abroad): how much more or less its households "
                  "leave for other oblasts than the rules' terms say; a calibration parameter."},
      {.path = "regions[].shock_sd",
       .type = Type::number,
       .default_value = "0.05",
       .range = closed(0, 2),
       .unit = "1",
       .meaning = "Standard deviation of the region's common monthly income shock eta_r: the "
                  "part of the farm and local-labour income risk (MODEL.md §4) that all "
                  "households of the region share, as a fraction of income."},
      {.path = "regions[].birth_rate_per_1000",
       .type = Type::series,
       .default_value = "25",
       .range = closed(0, 100),
       .unit = "births/1000 members/year",
       .meaning = "Crude birth rate of the region's households (members at home and away), "
                  "with demography.enabled; natural increase is it less the deaths of "
                  "demography.death_rate_per_1000."},
      {.path = "regions[].jobs_growth_pct",
       .type = Type::series,
       .default_value = "0",
       .range = closed(-50, 100),
       .unit = "%/year",
       .meaning = "Urban regions only: annual growth of the stock of jobs, against which "
                  "residents and arrivals seek work (Harris-Todaro, MODEL.md §4). A non-zero "
                  "value in a region that is not urban is an error."},

      // destinations[]
      {.path = "destinations[].id",
       .type = Type::id,
       .required = true,
       .meaning = "Identifier (a-z, 0-9, _), unique across regions and destinations."},
      {.path = "destinations[].name",
       .type = Type::string,
       .computed_default = "the id",
       .meaning = "Display name; defaults to the id."},
      {.path = "destinations[].currency",
       .type = Type::id,
       .required = true,
       .meaning = "Currency of wages there; a key of currencies.per_usd."},
      {.path = "destinations[].lat",
       .type = Type::number,
       .required = true,
       .range = closed(-90, 90),
       .unit = "degrees",
       .meaning = "Latitude."},
      {.path = "destinations[].lon",
       .type = Type::number,
       .required = true,
       .range = closed(-180, 180),
       .unit = "degrees",
       .meaning = "Longitude."},
      {.path = "destinations[].wage_local",
       .type = Type::series,
       .required = true,
       .range = above(0),
       .unit = "currency/month",
       .meaning = "Average monthly wage in the destination's currency."},
      {.path = "destinations[].unemployment",
       .type = Type::series,
       .required = true,
       .range = closed_open(0, 1),
       .unit = "1",
       .meaning = "Unemployment rate."},
      {.path = "destinations[].cost_som",
       .type = Type::series,
       .required = true,
       .range = at_least(0),
       .unit = "som",
       .meaning = "Cost of going: travel, documents, fees."},
      {.path = "destinations[].detection_monthly",
       .type = Type::series,
       .default_value = "0.0",
       .range = closed(0, 1),
       .unit = "1/month",
       .meaning = "Probability that an illegal migrant is detected and expelled in a month."},
      {.path = "destinations[].remittance_fee",
       .type = Type::series,
       .default_value = "0.02",
       .range = closed_open(0, 1),
       .unit = "1",
       .meaning = "Fraction of a transfer lost to fees."},
      {.path = "destinations[].regimes",
       .type = Type::list,
       .default_value = "[{from: 1000-01, regime: visa}]",
       .meaning = "The entry regime in force from each month on (MODEL.md §6), at least one "
                  "entry, sorted strictly by from; the first entry also covers the months "
                  "before its from and may start before time.start. Legal status, its cost and "
                  "the tax on earnings come from the regime's section under regimes."},
      {.path = "destinations[].regimes[].from",
       .type = Type::month,
       .required = true,
       .meaning = "First month (YYYY-MM) of this regime."},
      {.path = "destinations[].regimes[].regime",
       .type = Type::choice,
       .required = true,
       .meaning = "The regime: pre_eaeu (patent needed; before the Eurasian Economic Union), "
                  "eaeu (a registered worker is legal) or visa (a work visa is needed).",
       .choices = {"pre_eaeu", "eaeu", "visa"}},
      {.path = "destinations[].ban_enforcement",
       .type = Type::series,
       .default_value = "1.0",
       .range = closed(0, 1),
       .unit = "1",
       .meaning = "Probability that an entry ban stops a banned adult who tries to go in a month; "
                  "below 1 some re-enter under a new name, illegally (fingerprinting at entry "
                  "raises it, MODEL.md §7)."},
      {.path = "destinations[].attractiveness",
       .type = Type::number,
       .default_value = "0",
       .range = closed(-50, 50),
       .unit = "1",
       .meaning = "A constant added to this destination's score by every built-in rule: what the "
                  "rules do not see (language, history, the size of the labour market); a "
                  "calibration parameter."},
      {.path = "destinations[].initial_stock",
       .type = Type::number,
       .default_value = "0",
       .range = closed(0, 1e9),
       .unit = "persons",
       .meaning = "Members of the country's households already working there at time.start (full "
                  "scale): the network built before the run. Working-age adults are placed there "
                  "at random, employed."},
      {.path = "destinations[].fx_volatility",
       .type = Type::number,
       .default_value = "0.1",
       .range = closed(0, 5),
       .unit = "1",
       .meaning = "Standard deviation of the som value of a month's wage there, as a fraction: "
                  "the exchange-rate part of the destination's risk in the NELM rule "
                  "(MODEL.md §5)."},
      {.path = "destinations[].shock_correlation",
       .type = Type::number,
       .default_value = "0",
       .range = closed(-1, 1),
       .unit = "1",
       .meaning = "Correlation of the destination's income risk with the origin's income "
                  "shocks; below 0, migration there diversifies the household's risk "
                  "(MODEL.md §5)."},
      {.path = "destinations[].ban_shares",
       .type = Type::numbers,
       .default_value = "[0, 0, 0]",
       .range = closed(0, 1),
       .unit = "1",
       .meaning = "Of the illegal migrants detected and expelled, the shares banned from this "
                  "destination for 3, 5 and 10 years (MODEL.md §6); the rest are not banned. "
                  "They sum to at most 1.",
       .count = 3,
       .sum_at_most_one = true},
  };
}

namespace {

//! Key paths built at run time (a regime's keys under two prefixes) live as long as the tables.
std::string_view keep(std::string text) {
  static std::deque<std::string> storage; // stable addresses
  return storage.emplace_back(std::move(text));
}

struct RegimeDefaults {
  std::string_view legal_share, permit, tax, legalise;
};

// One regime's keys under `prefix` ("regimes.eaeu" or "destinations[].regime_params.eaeu").
// `shared`: the keys override the shared section's (no default of their own).
std::vector<Key> one_regime(const std::string& prefix, const RegimeDefaults& d, bool shared) {
  const std::string name = prefix.substr(prefix.rfind('.') + 1);
  auto key = [&](std::string_view leaf, Type type, std::string_view default_value, Range range,
                 std::string_view unit, std::string_view meaning) {
    Key k{.path = keep(prefix + "." + std::string(leaf)),
          .type = type,
          .range = range,
          .unit = unit,
          .meaning = meaning};
    if (shared)
      k.computed_default = keep("regimes." + name + "." + std::string(leaf));
    else
      k.default_value = default_value;
    return k;
  };
  return {
      key("legal_share", Type::series, d.legal_share, closed(0, 1), "1",
          "Share of arrivals who obtain legal status when the permit costs nothing; the others "
          "stay illegal and face detection (destinations[].detection_monthly). A costly permit "
          "deters some (legal_cost_elasticity)."),
      key("permit_cost_som", Type::series, d.permit, at_least(0), "som/month",
          "Monthly cost of staying legal (a patent, registration), paid from the migrant's "
          "earnings."),
      key("income_tax", Type::series, d.tax, closed_open(0, 1), "1",
          "Share of a legal migrant's earnings paid as income tax."),
      key("legalise_monthly", Type::series, d.legalise, closed(0, 1), "1/month",
          "Probability that an illegal migrant obtains legal status in a month."),
      key("entry_cost_som", Type::series, "0", at_least(0), "som",
          "What going legal costs once, before leaving: documents, the language and law exam, "
          "medical certificate, registration. Paid by the legal share: the cost of going every "
          "rule weighs is destinations[].cost_som + legal share × (entry_cost_som + "
          "prepaid_months × permit_cost_som), so a regime switch changes it."),
      key("prepaid_months", Type::number, "0", closed(0, 24), "months",
          "Months of the permit paid in advance, before the first wage (part of the cost of "
          "going, as entry_cost_som)."),
      key("legal_cost_elasticity", Type::number, "0", closed(0, 50), "1",
          "How the share who go legal falls with the permit's weight in the wage: legal = "
          "legal_share × (1 − permit_cost_som / ((1 − income_tax) × wage))^elasticity, the wage "
          "in som. 0: legal_share whatever the permit costs."),
  };
}

const std::array<RegimeDefaults, sim::N_REGIMES> REGIME_DEFAULTS = {{
    {"0.6", "4000", "0.13", "0.01"}, // pre_eaeu
    {"0.9", "0", "0.13", "0.1"},     // eaeu
    {"0.8", "0", "0.2", "0"},        // visa
}};

} // namespace

std::vector<Key> regime_keys() {
  std::vector<Key> out = {
      {.path = "regimes.pre_eaeu",
       .type = Type::section,
       .meaning = "Before the Eurasian Economic Union: a patent is needed."},
      {.path = "regimes.eaeu",
       .type = Type::section,
       .meaning = "Eurasian Economic Union: a registered worker is legal."},
      {.path = "regimes.visa", .type = Type::section, .meaning = "A work visa is needed."},
      {.path = "destinations[].regime_params",
       .type = Type::section,
       .meaning = "This destination's own values of regime parameters, by regime; any key left "
                  "out is the shared one under regimes."},
  };
  for (std::size_t r = 0; r < sim::REGIME_NAMES.size(); ++r) {
    const std::string name(sim::REGIME_NAMES[r]);
    auto shared = one_regime("regimes." + name, REGIME_DEFAULTS[r], false);
    out.insert(out.end(), shared.begin(), shared.end());
  }
  for (std::size_t r = 0; r < sim::REGIME_NAMES.size(); ++r) {
    const std::string name(sim::REGIME_NAMES[r]);
    out.push_back({.path = keep("destinations[].regime_params." + name),
                   .type = Type::section,
                   .meaning = keep("The " + name + " regime at this destination.")});
    auto own = one_regime("destinations[].regime_params." + name, REGIME_DEFAULTS[r], true);
    out.insert(out.end(), own.begin(), own.end());
  }
  return out;
}

} // namespace kochmon::scenarios::schema
