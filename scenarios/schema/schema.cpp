#include "scenarios/schema/schema.h"

#include <cmath>
#include <cstdio>

namespace kochmon::scenarios::schema {

namespace {

std::string fmt(double v, bool whole) {
  char buf[32];
  std::snprintf(buf, sizeof buf, whole ? "%.0f" : "%g", v);
  return buf;
}

std::vector<Key> all_keys() {
  // Schema order: top level, time, currencies, regions, destinations, regimes, population,
  // home_labour, shocks, demography, decision, abroad, output (general_keys() and friends are
  // interleaved below).
  std::vector<Key> general = general_keys();
  std::vector<Key> places = place_keys();
  std::vector<Key> decision = decision_keys();
  std::vector<Key> regimes = regime_keys();
  std::vector<Key> out;
  auto take = [&](std::vector<Key>& from, std::string_view prefix) {
    for (const Key& k : from) {
      const std::string_view p = k.path;
      const bool top = prefix.empty() && p.find_first_of(".[") == std::string_view::npos;
      const bool under =
          !prefix.empty() && p.size() > prefix.size() &&
          ((p.starts_with(prefix) && (p[prefix.size()] == '.' || p[prefix.size()] == '[')));
      if (top || under) out.push_back(k);
    }
  };
  take(general, "");
  take(places, "");
  take(general, "time");
  take(general, "currencies");
  take(places, "regions");
  take(places, "destinations");
  take(regimes, "destinations"); // destinations[].regime_params
  take(regimes, "regimes");
  take(general, "population");
  take(general, "home_labour");
  take(general, "shocks");
  take(general, "demography");
  take(decision, "decision");
  take(general, "abroad");
  take(general, "output");
  take(general, "events");
  return out;
}

} // namespace

bool Range::bounded() const {
  return std::isfinite(min) || std::isfinite(max);
}

bool Range::contains(double v) const {
  if (min_open ? !(v > min) : !(v >= min)) return false;
  if (max_open ? !(v < max) : !(v <= max)) return false;
  return true;
}

std::string Range::str(bool whole) const {
  const bool lo = std::isfinite(min), hi = std::isfinite(max);
  if (lo && hi)
    return std::string(min_open ? "(" : "[") + fmt(min, whole) + ", " + fmt(max, whole) +
           (max_open ? ")" : "]");
  if (lo) return std::string(min_open ? "> " : ">= ") + fmt(min, whole);
  if (hi) return std::string(max_open ? "< " : "<= ") + fmt(max, whole);
  return {};
}

const std::vector<Key>& keys() {
  static const std::vector<Key> all = all_keys();
  return all;
}

const std::vector<Key>& series_keys() {
  static const std::vector<Key> all = series_form_keys();
  return all;
}

const std::vector<Section>& sections() {
  static const std::vector<Section> all = {
      {"", "Top level", "The scenario's identity, its random seed and its scale."},
      {"time", "time", "The simulated period; every step is one month."},
      {"currencies", "currencies", "Exchange rates, as units of each currency per US dollar."},
      {"regions[]", "regions[]",
       "Regions of origin (MODEL.md §2); every region is also an internal destination. "
       "At least one; regions and destinations together at most 254."},
      {"destinations[]", "destinations[]",
       "Foreign destinations (MODEL.md §2). The list may be empty."},
      {"destinations[].regimes[]", "destinations[].regimes[]",
       "One entry regime of a destination and the month it starts. Example: "
       "`regimes: [{from: 2010-01, regime: pre_eaeu}, {from: 2015-08, regime: eaeu}]`."},
      {"destinations[].regime_params", "destinations[].regime_params",
       "Regime parameters of this destination, where they differ from the shared ones under "
       "`regimes` (MODEL.md §6: Russia's and Kazakhstan's patents differ). A section per "
       "regime, each key optional and a <series>, as under `regimes`; a key left out is the "
       "shared value. Example: `regime_params: {pre_eaeu: {permit_cost_som: 1500}}`."},
      {"destinations[].regime_params.pre_eaeu", "destinations[].regime_params.pre_eaeu",
       "The pre_eaeu regime at this destination: the keys of regimes.pre_eaeu."},
      {"destinations[].regime_params.eaeu", "destinations[].regime_params.eaeu",
       "The eaeu regime at this destination: the keys of regimes.eaeu."},
      {"destinations[].regime_params.visa", "destinations[].regime_params.visa",
       "The visa regime at this destination: the keys of regimes.visa."},
      {"regimes", "regimes",
       "Entry regimes (MODEL.md §2, §6): what legal status costs and how likely it is. Each "
       "destination names the regime in force in each month (destinations[].regimes); the "
       "three sections below are all there is, each optional, each key a <series> (but "
       "prepaid_months and legal_cost_elasticity, numbers). A destination may override any "
       "of them (destinations[].regime_params)."},
      {"regimes.pre_eaeu", "regimes.pre_eaeu",
       "Before the Eurasian Economic Union: a migrant needs a patent, a monthly cost that some "
       "skip and so become illegal."},
      {"regimes.eaeu", "regimes.eaeu",
       "Eurasian Economic Union: a registered worker is legal without a patent."},
      {"regimes.visa", "regimes.visa", "Destinations that require a work visa."},
      {"population", "population", "How the synthetic population is drawn (MODEL.md §3)."},
      {"population.retirement_age", "population.retirement_age",
       "Statutory ages at which adults leave working age, by sex."},
      {"home_labour", "home_labour", "The home labour market (MODEL.md §4)."},
      {"demography", "demography",
       "Births, deaths, ageing and new households (MODEL.md §3; sim/DESIGN.md \"Demography\"). "
       "Every month, before anything else, a household's members age; a child who reaches "
       "population.working_age_from becomes an adult (the labour force grows), an adult at "
       "home who reaches population.retirement_age becomes a dependant; at most one of a death, "
       "a birth or a young adult leaving happens to a household in a month."},
      {"demography.death_rate_per_1000", "demography.death_rate_per_1000",
       "Annual death rates per 1000 persons by five-year age band."},
      {"shocks", "shocks",
       "The monthly income shock of a household (MODEL.md §4), an AR(1) with a part common to "
       "the region and a part of its own: e_h,t = phi*e_h,t-1 + eta_r,t + nu_h,t, eta_r ~ "
       "N(0, regions[].shock_sd^2), nu_h ~ N(0, household_sd^2). It moves farm and local "
       "income; it is the risk that households diversify against by migrating."},
      {"decision", "decision",
       "How households decide (MODEL.md §5): rules score the options, a combinator turns the "
       "scores into probabilities."},
      {"decision.who_goes", "decision.who_goes",
       "Relative propensities of adults at home to be the one sent, by sex and age band."},
      {"decision.rules[]", "decision.rules[]", "One decision rule with its weight and parameters."},
      {"abroad", "abroad", "Life abroad and return (MODEL.md §6)."},
      {"output", "output", "How results are written."},
      {"output.trajectories", "output.trajectories",
       "Household trajectories, for a sample of households."},
      {"events[]", "events[]",
       "One policy event. Example: `events: [{date: 2019-01, type: amnesty, destination: "
       "russia, share: 0.8}]`."},
  };
  return all;
}

const std::vector<RetiredKey>& retired_keys() {
  static const std::vector<RetiredKey> all = {
      {"population.age_band_shares",
       "ages are now drawn from population.age_shares, 17 five-year bands of all persons "
       "(see scenarios/REFERENCE.md#population)"},
      {"destinations[].legal_share",
       "legal status now comes from the regime in force: set destinations[].regimes and "
       "regimes.<regime>.legal_share (see scenarios/REFERENCE.md#regimes)"},
  };
  return all;
}

const Key* find(std::string_view path) {
  return find(keys(), path);
}

const Key* find(const std::vector<Key>& table, std::string_view path) {
  for (const Key& k : table)
    if (k.path == path) return &k;
  return nullptr;
}

std::vector<const Key*> children(std::string_view parent) {
  return children(keys(), parent);
}

std::vector<const Key*> children(const std::vector<Key>& table, std::string_view parent) {
  std::vector<const Key*> out;
  for (const Key& k : table) {
    const std::string_view p = k.path;
    if (parent.empty()) {
      if (p.find_first_of(".[") == std::string_view::npos) out.push_back(&k);
    } else if (p.size() > parent.size() + 1 && p.starts_with(parent) && p[parent.size()] == '.' &&
               p.substr(parent.size() + 1).find_first_of(".[") == std::string_view::npos) {
      out.push_back(&k);
    }
  }
  return out;
}

std::string_view leaf(std::string_view path) {
  const std::size_t dot = path.rfind('.');
  return dot == std::string_view::npos ? path : path.substr(dot + 1);
}

std::string type_name(const Key& key) {
  if (!key.type_text.empty()) return std::string(key.type_text);
  switch (key.type) {
  case Type::string:
    return "string";
  case Type::id:
    return "id";
  case Type::path:
    return "path";
  case Type::integer:
    return "integer";
  case Type::number:
    return "number";
  case Type::boolean:
    return "bool";
  case Type::month:
    return "month";
  case Type::choice: {
    std::string out = "one of ";
    for (std::size_t i = 0; i < key.choices.size(); ++i) {
      if (i) out += ", ";
      out += key.choices[i];
    }
    return out;
  }
  case Type::numbers:
    return std::to_string(key.count) + " numbers";
  case Type::series:
    return "series";
  case Type::series_map:
    return "map of series";
  case Type::section:
    return "map";
  case Type::list:
    return "list";
  case Type::rule:
    return "rule name";
  case Type::combinator:
    return "combinator name";
  case Type::params:
    return "map of numbers";
  case Type::strings:
    return "list of strings";
  case Type::integers:
    return "list of integers";
  }
  return "?";
}

} // namespace kochmon::scenarios::schema
