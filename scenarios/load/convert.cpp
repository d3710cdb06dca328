// Step 2 of validation: the normalized tree becomes a RunConfig; series are read here, and
// everything that involves several keys is checked.

#include <algorithm>
#include <cmath>
#include <map>

#include "scenarios/load/context.h"

namespace kochmon::scenarios {

namespace {

constexpr int MAX_STEPS = 1200;
constexpr std::size_t MAX_PLACES = 254; // regions + destinations
constexpr double MAX_HOUSEHOLDS = 2e8;

// Readers of values that normalize() has already checked: a bad value was reported there and
// reads as a harmless zero here.
const Node& at(const Node& map, const char* key) {
  static const Node none;
  const Node* n = map.is_map() ? map.get(key) : nullptr;
  return n ? *n : none;
}
Node* at_mut(Node& map, const char* key) {
  return map.is_map() ? map.get(key) : nullptr;
}
double num(const Node& map, const char* key) {
  const Node& n = at(map, key);
  return n.is_scalar() ? parse_number(n.scalar).value_or(0) : 0;
}
std::int64_t integer(const Node& map, const char* key) {
  const Node& n = at(map, key);
  return n.is_scalar() ? parse_integer(n.scalar).value_or(0) : 0;
}
std::string text(const Node& map, const char* key) {
  const Node& n = at(map, key);
  return n.is_scalar() ? n.scalar : std::string();
}
bool flag(const Node& map, const char* key) {
  return text(map, key) == "true";
}
std::vector<double> numbers(const Node& map, const char* key) {
  std::vector<double> out;
  for (const Node& e : at(map, key).seq)
    out.push_back(e.is_scalar() ? parse_number(e.scalar).value_or(0) : 0);
  return out;
}
std::map<std::string, double> params(const Node& map, const char* key) {
  std::map<std::string, double> out;
  for (const auto& e : at(map, key).map)
    out[e.key] = e.value.is_scalar() ? parse_number(e.value.scalar).value_or(0) : 0;
  return out;
}

const schema::Range& range_of(const std::string& path) {
  const schema::Key* k = schema::find(path);
  KOCHMON_ASSERT(k != nullptr, "a series key is missing from the schema");
  return k->range;
}

sim::Series series(Node& map, const char* key, const std::string& pattern, const std::string& shown,
                   LoadContext& ctx) {
  Node* n = at_mut(map, key);
  if (n == nullptr) return sim::Series::constant(0); // required and missing: reported
  auto s = read_series(*n, shown + "." + key, range_of(pattern + "." + key), ctx);
  return s ? *s : sim::Series::constant(0);
}

std::string where(const Pos& p) {
  return p.file + ":" + std::to_string(p.line) + ":" + std::to_string(p.col);
}

// destinations[].regimes: at least one, sorted strictly by from. Names and months were
// checked by normalize().
std::vector<sim::RegimeSpan> regime_spans(const Node& list, const std::string& shown,
                                          Diagnostics& diag) {
  std::vector<sim::RegimeSpan> out;
  if (!list.is_seq()) return {{sim::Month{0}, sim::Regime::visa}};
  if (list.seq.empty()) {
    diag.error(list.pos, shown, "expected at least one regime",
               "add e.g. - {from: 2010-01, regime: visa}");
    return {{sim::Month{0}, sim::Regime::visa}};
  }
  for (std::size_t i = 0; i < list.seq.size(); ++i) {
    const Node& e = list.seq[i];
    const auto from = sim::Month::parse(text(e, "from"));
    const std::string name = text(e, "regime");
    int regime = -1;
    for (int r = 0; r < sim::N_REGIMES; ++r)
      if (name == sim::REGIME_NAMES[static_cast<std::size_t>(r)]) regime = r;
    if (!from || regime < 0) continue; // reported by normalize()
    if (!out.empty() && !(out.back().from < *from)) {
      diag.error(at(e, "from").pos, shown + "[" + std::to_string(i) + "].from",
                 "expected a month after " + out.back().from.str() +
                     " (the regimes are sorted by from), got " + from->str(),
                 "list the regimes in order of from, each month once");
      continue;
    }
    out.push_back({*from, static_cast<sim::Regime>(regime)});
  }
  if (out.empty()) out.push_back({sim::Month{0}, sim::Regime::visa});
  return out;
}

// Combinator parameters that name a position in decision.rules (unit "rule index", e.g.
// sequential's whether and where) must be whole numbers below the number of rules.
void check_rule_indices(const Node& decision, LoadContext& ctx) {
  const Node& combine = at(decision, "combine");
  const Node& params = at(decision, "combine_params");
  const Node& rules = at(decision, "rules");
  if (!combine.is_scalar() || !params.is_map() || !rules.is_seq()) return;
  const sim::PluginInfo* info = ctx.registries.combinators.find(combine.scalar);
  if (info == nullptr) return;
  const std::size_t n = rules.seq.size();
  for (const auto& p : info->params) {
    if (p.unit != "rule index") continue;
    const Node* given = params.get(p.name);
    if (given == nullptr || !given->is_scalar()) continue;
    const auto v = parse_number(given->scalar);
    if (!v || *v < p.min || *v > p.max) continue; // reported by normalize()
    if (*v != std::floor(*v) || *v < 0 || *v >= static_cast<double>(n)) {
      ctx.diag.error(given->pos, "decision.combine_params." + p.name,
                     "expected a rule index, a whole number below " + std::to_string(n) +
                         " (the number of decision.rules), got " + given->scalar,
                     "the first rule of decision.rules is 0");
    }
  }
}

// One regime's section into `rc`: the keys present replace its values (the shared sections
// have every key, their defaults filled in; a destination's regime_params only those it sets).
void read_regime(Node& section, const std::string& pattern, const std::string& shown,
                 LoadContext& ctx, sim::RegimeConfig& rc) {
  const auto has = [&](const char* key) { return at_mut(section, key) != nullptr; };
  const auto take = [&](const char* key, sim::Series& into) {
    if (has(key)) into = series(section, key, pattern, shown, ctx);
  };
  take("legal_share", rc.legal_share);
  take("permit_cost_som", rc.permit_cost_som);
  take("income_tax", rc.income_tax);
  take("legalise_monthly", rc.legalise_monthly);
  take("entry_cost_som", rc.entry_cost_som);
  if (has("prepaid_months")) rc.prepaid_months = num(section, "prepaid_months");
  if (has("legal_cost_elasticity"))
    rc.legal_cost_elasticity = num(section, "legal_cost_elasticity");
}

} // namespace

sim::RunConfig convert(Node& root, LoadContext& ctx) {
  sim::RunConfig cfg;
  Diagnostics& diag = ctx.diag;
  cfg.name = text(root, "name");
  cfg.description = text(root, "description");
  cfg.seed = static_cast<std::uint64_t>(std::max<std::int64_t>(0, integer(root, "seed")));
  cfg.world_seed =
      root.get("world_seed") != nullptr
          ? static_cast<std::uint64_t>(std::max<std::int64_t>(0, integer(root, "world_seed")))
          : cfg.seed;
  cfg.scale = num(root, "scale");

  // time
  const Node& time = at(root, "time");
  const auto start = sim::Month::parse(text(time, "start"));
  const auto end = sim::Month::parse(text(time, "end"));
  if (start && end) {
    cfg.start = *start;
    cfg.end = *end;
    if (*end < *start) {
      diag.error(at(time, "end").pos, "time.end",
                 end->str() + " is before time.start (" + start->str() + ")",
                 "move time.end after time.start");
    } else if (cfg.n_steps() > MAX_STEPS) {
      diag.error(at(time, "end").pos, "time.end",
                 "the run has " + std::to_string(cfg.n_steps()) + " months, more than " +
                     std::to_string(MAX_STEPS),
                 "shorten the period between time.start and time.end");
    }
  }
  ctx.default_mode = text(time, "annual_series") == "hold" ? sim::Series::Mode::hold
                                                           : sim::Series::Mode::interpolate;

  // currencies
  Node* currencies = at_mut(root, "currencies");
  std::vector<std::string> currency_ids;
  if (currencies != nullptr) {
    cfg.home_currency = text(*currencies, "home");
    if (Node* per_usd = at_mut(*currencies, "per_usd"); per_usd && per_usd->is_map()) {
      if (per_usd->map.empty())
        diag.error(per_usd->pos, "currencies.per_usd", "expected at least one currency",
                   "add the home currency, e.g. som: 1");
      for (auto& e : per_usd->map) {
        const std::string shown = "currencies.per_usd." + e.key;
        if (!is_id(e.key)) {
          diag.error(e.key_pos, shown,
                     "expected a currency id (a-z, 0-9 and _, starting with a letter)");
          continue;
        }
        auto s = read_series(e.value, shown, range_of("currencies.per_usd"), ctx);
        cfg.currencies.push_back({e.key, s ? *s : sim::Series::constant(1)});
        currency_ids.push_back(e.key);
      }
      if (Node* cpi = at_mut(*currencies, "cpi"); cpi && cpi->is_map()) {
        for (auto& e : cpi->map) {
          const std::string shown = "currencies.cpi." + e.key;
          auto c = std::find_if(cfg.currencies.begin(), cfg.currencies.end(),
                                [&](const sim::CurrencyConfig& x) { return x.id == e.key; });
          if (c == cfg.currencies.end()) {
            diag.error(e.key_pos, shown, "unknown currency '" + e.key + "'",
                       suggest(e.key, currency_ids, "currencies of currencies.per_usd"));
            continue;
          }
          if (auto s = read_series(e.value, shown, range_of("currencies.cpi"), ctx)) c->cpi = *s;
        }
      }
      const Node& home = at(*currencies, "home");
      if (home.is_scalar() && is_id(home.scalar) && !currency_ids.empty() &&
          std::find(currency_ids.begin(), currency_ids.end(), home.scalar) == currency_ids.end())
        diag.error(home.pos, "currencies.home", "unknown currency '" + home.scalar + "'",
                   suggest(home.scalar, currency_ids, "currencies"));
    }
  }

  cfg.price_base = cfg.start;
  if (currencies != nullptr && currencies->get("price_base") != nullptr)
    if (auto m = sim::Month::parse(text(*currencies, "price_base"))) cfg.price_base = *m;

  // regions and destinations
  std::map<std::string, Pos> ids;
  auto check_id = [&](const Node& place, const std::string& shown) {
    const Node& id = at(place, "id");
    if (!id.is_scalar() || !is_id(id.scalar)) return;
    if (auto it = ids.find(id.scalar); it != ids.end()) {
      diag.error(id.pos, shown + ".id", "duplicate id '" + id.scalar + "'",
                 "the first is at " + where(it->second) +
                     "; ids are unique across regions "
                     "and destinations");
    } else {
      ids[id.scalar] = id.pos;
    }
  };
  Node* regions = at_mut(root, "regions");
  double households = 0;
  if (regions != nullptr && regions->is_seq()) {
    if (regions->seq.empty() || regions->seq.size() > MAX_PLACES)
      diag.error(regions->pos, "regions",
                 "expected 1 to " + std::to_string(MAX_PLACES) + " regions, got " +
                     std::to_string(regions->seq.size()));
    if (regions->seq.size() <= MAX_PLACES) {
      for (std::size_t i = 0; i < regions->seq.size(); ++i) {
        Node& r = regions->seq[i];
        const std::string shown = "regions[" + std::to_string(i) + "]";
        if (!r.is_map()) continue;
        check_id(r, shown);
        sim::RegionConfig rc;
        rc.id = text(r, "id");
        rc.name = text(r, "name");
        rc.population = num(r, "population");
        rc.household_size = num(r, "household_size");
        rc.working_age_share = num(r, "working_age_share");
        rc.activity_rate = num(r, "activity_rate");
        rc.rural_share = num(r, "rural_share");
        rc.land_ha_mean = num(r, "land_ha_mean");
        rc.urban = flag(r, "urban");
        rc.south = flag(r, "south");
        rc.lat_deg = num(r, "lat");
        rc.lon_deg = num(r, "lon");
        rc.wage_som = series(r, "wage_som", "regions[]", shown, ctx);
        rc.unemployment = series(r, "unemployment", "regions[]", shown, ctx);
        rc.poverty_rate = series(r, "poverty_rate", "regions[]", shown, ctx);
        rc.farm_income_som_per_ha = series(r, "farm_income_som_per_ha", "regions[]", shown, ctx);
        rc.move_cost_som = series(r, "move_cost_som", "regions[]", shown, ctx);
        rc.shock_sd = num(r, "shock_sd");
        rc.attractiveness = num(r, "attractiveness");
        rc.internal_exit = num(r, "internal_exit");
        rc.jobs_growth_pct = series(r, "jobs_growth_pct", "regions[]", shown, ctx);
        rc.birth_rate_per_1000 = series(r, "birth_rate_per_1000", "regions[]", shown, ctx);
        const auto& g = rc.jobs_growth_pct.points;
        if (!rc.urban &&
            std::any_of(g.begin(), g.end(), [](const auto& x) { return x.value != 0; }))
          diag.error(at(r, "jobs_growth_pct").pos, shown + ".jobs_growth_pct",
                     "only an urban region has a stock of jobs that grows",
                     "set urban: true in this region, or remove jobs_growth_pct");
        if (rc.household_size >= 1) households += rc.population / rc.household_size;
        cfg.regions.push_back(std::move(rc));
      }
    }
  }
  if (regions != nullptr && cfg.scale * households > MAX_HOUSEHOLDS) {
    char buf[160];
    std::snprintf(buf, sizeof buf,
                  "too many households: scale x sum of population / household_size is %.3g, "
                  "more than %.0e",
                  cfg.scale * households, MAX_HOUSEHOLDS);
    diag.error(regions->pos, "regions", buf, "lower scale, or check the populations");
  }
  // regimes: the shared sections first, as destinations start from them
  if (Node* regimes = at_mut(root, "regimes")) {
    for (int i = 0; i < sim::N_REGIMES; ++i) {
      const char* name = sim::REGIME_NAMES[static_cast<std::size_t>(i)];
      Node* section = at_mut(*regimes, name);
      if (section == nullptr) continue;
      const std::string path = std::string("regimes.") + name;
      read_regime(*section, path, path, ctx, cfg.regimes[static_cast<std::size_t>(i)]);
    }
  }

  Node* destinations = at_mut(root, "destinations");
  if (destinations != nullptr && destinations->is_seq()) {
    for (std::size_t i = 0; i < destinations->seq.size(); ++i) {
      Node& d = destinations->seq[i];
      const std::string shown = "destinations[" + std::to_string(i) + "]";
      if (!d.is_map()) continue;
      check_id(d, shown);
      sim::DestinationConfig dc;
      dc.id = text(d, "id");
      dc.name = text(d, "name");
      dc.currency = text(d, "currency");
      const Node& currency = at(d, "currency");
      if (currency.is_scalar() && is_id(currency.scalar) && !currency_ids.empty() &&
          std::find(currency_ids.begin(), currency_ids.end(), dc.currency) == currency_ids.end())
        diag.error(currency.pos, shown + ".currency", "unknown currency '" + dc.currency + "'",
                   suggest(dc.currency, currency_ids, "currencies"));
      dc.lat_deg = num(d, "lat");
      dc.lon_deg = num(d, "lon");
      dc.wage_local = series(d, "wage_local", "destinations[]", shown, ctx);
      dc.unemployment = series(d, "unemployment", "destinations[]", shown, ctx);
      dc.cost_som = series(d, "cost_som", "destinations[]", shown, ctx);
      dc.detection_monthly = series(d, "detection_monthly", "destinations[]", shown, ctx);
      dc.remittance_fee = series(d, "remittance_fee", "destinations[]", shown, ctx);
      dc.regimes = regime_spans(at(d, "regimes"), shown + ".regimes", diag);
      if (Node* own = at_mut(d, "regime_params")) {
        for (int k = 0; k < sim::N_REGIMES; ++k) {
          const char* name = sim::REGIME_NAMES[static_cast<std::size_t>(k)];
          Node* section = at_mut(*own, name);
          if (section == nullptr || !section->is_map() || section->map.empty()) continue;
          auto& rc = dc.regime_params[static_cast<std::size_t>(k)];
          rc = cfg.regimes[static_cast<std::size_t>(k)];
          read_regime(*section, std::string("destinations[].regime_params.") + name,
                      shown + ".regime_params." + name, ctx, *rc);
        }
      }
      dc.ban_enforcement = series(d, "ban_enforcement", "destinations[]", shown, ctx);
      dc.fx_volatility = num(d, "fx_volatility");
      dc.attractiveness = num(d, "attractiveness");
      dc.initial_stock = num(d, "initial_stock");
      dc.shock_correlation = num(d, "shock_correlation");
      const std::vector<double> bans = numbers(d, "ban_shares");
      if (bans.size() == dc.ban_shares.size())
        std::copy(bans.begin(), bans.end(), dc.ban_shares.begin());
      cfg.destinations.push_back(std::move(dc));
    }
    const std::size_t places = (regions != nullptr && regions->is_seq() ? regions->seq.size() : 0) +
                               destinations->seq.size();
    if (regions != nullptr && regions->is_seq() && regions->seq.size() <= MAX_PLACES &&
        places > MAX_PLACES)
      diag.error(destinations->pos, "destinations",
                 "regions and destinations together number " + std::to_string(places) +
                     ", more than " + std::to_string(MAX_PLACES),
                 "a run has at most " + std::to_string(MAX_PLACES) +
                     " places; merge some regions or destinations");
  }

  // population, home labour
  Node none;
  Node* population_node = at_mut(root, "population");
  Node& population = population_node ? *population_node : none;
  cfg.population.women_share = num(population, "women_share");
  cfg.population.age_shares = numbers(population, "age_shares");
  cfg.population.working_age_from = static_cast<int>(integer(population, "working_age_from"));
  const Node& retirement = at(population, "retirement_age");
  cfg.population.retirement_age = {static_cast<int>(integer(retirement, "men")),
                                   static_cast<int>(integer(retirement, "women"))};
  // The ranges (working_age_from <= 25 < 30 <= retirement) keep working age non-empty.
  cfg.population.skill_shares = numbers(population, "skill_shares");
  cfg.population.skill_wage_factor = numbers(population, "skill_wage_factor");
  cfg.population.wage_sigma = num(population, "wage_sigma");
  cfg.population.max_household_size =
      static_cast<double>(integer(population, "max_household_size"));
  cfg.population.savings_rate = num(population, "savings_rate");
  cfg.population.initial_savings_months = num(population, "initial_savings_months");
  cfg.population.poverty_line_som =
      series(population, "poverty_line_som", "population", "population", ctx);
  cfg.home_labour.job_finding_monthly = num(at(root, "home_labour"), "job_finding_monthly");

  // demography
  const Node& demography = at(root, "demography");
  auto& dm = cfg.demography;
  dm.enabled = flag(demography, "enabled");
  const Node& deaths = at(demography, "death_rate_per_1000");
  dm.death_rate_per_1000 = {numbers(deaths, "men"), numbers(deaths, "women")};
  dm.fertility_age_shares = numbers(demography, "fertility_age_shares");
  dm.boys_share = num(demography, "boys_share");
  dm.formation_monthly = num(demography, "formation_monthly");
  dm.formation_age_min = static_cast<int>(integer(demography, "formation_age_min"));
  dm.formation_age_max = static_cast<int>(integer(demography, "formation_age_max"));
  dm.formation_land_share = num(demography, "formation_land_share");
  const bool capacity_given = at(demography, "capacity_factor").is_scalar();
  dm.capacity_factor = capacity_given ? num(demography, "capacity_factor") : 1.0;
  if (dm.formation_age_max <= dm.formation_age_min)
    diag.error(at(demography, "formation_age_max").pos, "demography.formation_age_max",
               "formation_age_max " + std::to_string(dm.formation_age_max) +
                   " is not above formation_age_min " + std::to_string(dm.formation_age_min),
               "young adults set up households from formation_age_min up to formation_age_max");
  else if (dm.formation_age_min < cfg.population.working_age_from)
    diag.error(at(demography, "formation_age_min").pos, "demography.formation_age_min",
               "formation_age_min " + std::to_string(dm.formation_age_min) +
                   " is below population.working_age_from " +
                   std::to_string(cfg.population.working_age_from),
               "only working-age adults set up households");
  // The reserve of household slots must hold what the scenario's births and deaths imply by
  // time.end (households grow like persons; the crude death rate is that of the opening age
  // structure, a rough guide): computed with a margin of 10%, or checked with one of 5%.
  if (dm.enabled && !cfg.regions.empty()) {
    double cdr = 0;
    for (std::size_t b = 0;
         b < sim::AGE_BANDS && b < cfg.population.age_shares.size() &&
         b < dm.death_rate_per_1000[0].size() && b < dm.death_rate_per_1000[1].size();
         ++b)
      cdr += cfg.population.age_shares[b] * 0.5 *
             (dm.death_rate_per_1000[0][b] + dm.death_rate_per_1000[1][b]);
    double need = 1;
    std::string worst;
    for (const auto& rc : cfg.regions) {
      double growth = 1;
      for (sim::Month m = cfg.start; m <= cfg.end; m = m + 1)
        growth *= 1 + std::max(0.0, rc.birth_rate_per_1000.at(m) - cdr) / 12000.0;
      if (growth > need) {
        need = growth;
        worst = rc.id;
      }
    }
    if (!capacity_given) {
      dm.capacity_factor = std::clamp(need * 1.1, 1.0, 10.0);
    } else if (need * 1.05 > dm.capacity_factor) {
      char buf[240], hint[120];
      std::snprintf(buf, sizeof buf,
                    "the reserve of household slots is too small: region %s grows by a factor of "
                    "about %.2f by time.end (births less deaths), capacity_factor is %.2f",
                    worst.c_str(), need, dm.capacity_factor);
      std::snprintf(hint, sizeof hint, "set demography.capacity_factor to at least %.2f",
                    std::ceil(need * 1.05 * 100) / 100);
      diag.error(at(demography, "capacity_factor").pos, "demography.capacity_factor", buf, hint);
    }
  }

  // shocks
  const Node& shocks = at(root, "shocks");
  cfg.shocks.persistence = num(shocks, "persistence");
  cfg.shocks.household_sd = num(shocks, "household_sd");

  // decision
  Node* decision_node = at_mut(root, "decision");
  Node& decision = decision_node ? *decision_node : none;
  cfg.decision.combine = text(decision, "combine");
  cfg.decision.combine_params = params(decision, "combine_params");
  cfg.decision.monthly_rate = num(decision, "monthly_rate");
  cfg.decision.internal_move = text(decision, "internal_move") == "household"
                                   ? sim::DecisionConfig::InternalMove::household
                                   : sim::DecisionConfig::InternalMove::member;
  const Node& rules = at(decision, "rules");
  if (rules.is_seq() && rules.seq.empty())
    diag.error(rules.pos, "decision.rules", "expected at least one rule",
               "add a rule, e.g. - rule: push_pull");
  for (const Node& r : rules.seq) {
    sim::RuleSpec spec;
    spec.rule = text(r, "rule");
    spec.weight = num(r, "weight");
    spec.params = params(r, "params");
    cfg.decision.rules.push_back(std::move(spec));
  }
  cfg.decision.liquidity_constraint = flag(decision, "liquidity_constraint");
  const Node& who_goes = at(decision, "who_goes");
  cfg.decision.who_goes = {numbers(who_goes, "men"), numbers(who_goes, "women")};
  cfg.decision.credit_som = series(decision, "credit_som", "decision", "decision", ctx);
  check_rule_indices(decision, ctx);

  // abroad, output
  const Node& abroad = at(root, "abroad");
  cfg.abroad.job_finding_monthly = num(abroad, "job_finding_monthly");
  cfg.abroad.job_loss_monthly = num(abroad, "job_loss_monthly");
  cfg.abroad.remit_share = num(abroad, "remit_share");
  cfg.abroad.return_monthly = num(abroad, "return_monthly");
  cfg.abroad.return_unemployed_monthly = num(abroad, "return_unemployed_monthly");
  cfg.abroad.long_unemployed_months = static_cast<int>(integer(abroad, "long_unemployed_months"));
  cfg.abroad.network_job_effect = num(abroad, "network_job_effect");
  cfg.abroad.network_scale = num(abroad, "network_scale");
  cfg.abroad.illegal_job_factor = num(abroad, "illegal_job_factor");
  cfg.abroad.training_job_effect = num(abroad, "training_job_effect");
  cfg.abroad.savings_target_months = num(abroad, "savings_target_months");
  cfg.abroad.return_target_monthly = num(abroad, "return_target_monthly");
  cfg.abroad.return_wage_fall = num(abroad, "return_wage_fall");
  cfg.abroad.return_grant_effect = num(abroad, "return_grant_effect");
  cfg.abroad.return_age_gradient = num(abroad, "return_age_gradient");
  for (auto [key, choice] : {std::pair{"return", &cfg.abroad.return_model},
                             std::pair{"job_finding", &cfg.abroad.job_model}}) {
    const Node& m = at(abroad, key);
    choice->model = text(m, "model");
    if (!choice->model.empty()) choice->params = params(m, "params");
  }
  if (Node* abroad_mut = at_mut(root, "abroad")) {
    cfg.abroad.training_share = series(*abroad_mut, "training_share", "abroad", "abroad", ctx);
    cfg.abroad.return_grant_som = series(*abroad_mut, "return_grant_som", "abroad", "abroad", ctx);
    for (auto [key, s] : {std::pair{"business_base", &cfg.abroad.business_base},
                          std::pair{"business_savings_effect", &cfg.abroad.business_savings_effect},
                          std::pair{"business_income_factor", &cfg.abroad.business_income_factor}})
      *s = series(*abroad_mut, key, "abroad", "abroad", ctx);
  }
  const Node& output = at(root, "output");
  cfg.output.compression = static_cast<int>(integer(output, "compression"));
  cfg.output.chunk_months = static_cast<int>(integer(output, "chunk_months"));
  cfg.output.trajectories_sample = num(at(output, "trajectories"), "sample");

  // events: a destination that exists, a date inside the run.
  const Node& events = at(root, "events");
  if (events.is_seq()) {
    std::vector<std::string> dest_ids;
    for (const auto& d : cfg.destinations)
      dest_ids.push_back(d.id);
    for (std::size_t i = 0; i < events.seq.size(); ++i) {
      const Node& e = events.seq[i];
      if (!e.is_map()) continue;
      const std::string shown = "events[" + std::to_string(i) + "]";
      const auto date = sim::Month::parse(text(e, "date"));
      if (!date) continue; // reported by normalize()
      sim::EventConfig ev;
      ev.date = *date;
      ev.type = sim::EventConfig::Type::amnesty;
      ev.share = num(e, "share");
      // Before the start an event can never take effect: an error. After the end it simply
      // does not happen within this run (a shortened run of a scenario is common).
      if (*date < cfg.start)
        diag.error(at(e, "date").pos, shown + ".date",
                   date->str() + " is before the run starts (" + cfg.start.str() + ")",
                   "move the event, or start the run earlier");
      const std::string dest = text(e, "destination");
      const auto it = std::find(dest_ids.begin(), dest_ids.end(), dest);
      if (it == dest_ids.end()) {
        diag.error(at(e, "destination").pos, shown + ".destination",
                   "unknown destination '" + dest + "'", suggest(dest, dest_ids, "destinations"));
        continue;
      }
      ev.destination = static_cast<int>(it - dest_ids.begin());
      cfg.events.push_back(ev);
    }
    std::stable_sort(
        cfg.events.begin(), cfg.events.end(),
        [](const sim::EventConfig& a, const sim::EventConfig& b) { return a.date < b.date; });
  }
  return cfg;
}

} // namespace kochmon::scenarios
