#include "sim/engine/simulation.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <numeric>
#include <string>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "sim/core/error.h"
#include "sim/core/rng.h"
#include "sim/engine/relative_deprivation.h"

namespace kochmon::sim {
namespace {

constexpr std::size_t CHUNK = 8192;             // households per parallel task
constexpr double INCOME_SMOOTHING = 1.0 / 12.0; // EWMA weight: about a year of history
constexpr double MAX_URBAN_UNEMPLOYMENT = 0.95;
// Migrants smooth what they send over their recent earnings (about half a year), so a month
// without work abroad dents remittances rather than stopping them (MODEL.md §6).
constexpr double REMIT_SMOOTHING = 1.0 / 6.0;
constexpr int ESTABLISHED_MONTHS = 12; // a migrant household's income portfolio has settled

// Series recorded each step, in layout order.
enum SeriesId : std::size_t {
  S_STOCK,
  S_STOCK_SL,
  S_DEPARTURES,
  S_RETURNS,
  S_EXPULSIONS,
  S_NEW_BANS,
  S_ACTIVE_BANS,
  S_REMIT_SOM,
  S_REMIT_USD,
  S_REMIT_SOURCE,
  S_INTERNAL_MOVES,
  S_UNEMPLOYMENT,
  S_URBAN_JOBS,
  S_URBAN_U,
  S_SHARE_ABROAD,
  S_POPULATION_HOME,
  S_MEAN_INCOME,
  S_POVERTY,
  S_HT_GAP,
  S_MEAN_RD,
  S_VAR_WITH,
  S_VAR_WITHOUT,
  S_RELVAR_WITH,
  S_RELVAR_WITHOUT,
  S_NEW_BUSINESSES,
  S_BUSINESSES,
  S_COUNT,
  // per-household trajectories follow when sampled
  S_TRAJ_REGION = S_COUNT,
  S_TRAJ_INCOME,
  S_TRAJ_SAVINGS,
  S_TRAJ_AWAY,
  S_COUNT_WITH_TRAJ
};

enum AxisId : int { A_REGION, A_DESTINATION, A_ORIGIN, A_SEX, A_LEGAL, A_HOUSEHOLD };

ResultsLayout make_layout(const World& w, const std::vector<std::size_t>& sampled) {
  ResultsLayout l;
  l.axes = {
      {"region", "Region of origin (household's residence), as in the scenario", w.region_ids()},
      {"destination", "Destination: every region (internal), then the foreign destinations",
       w.destination_ids()},
      {"origin_region", "Region a move starts from", w.region_ids()},
      {"sex", "Sex of the member", {"men", "women"}},
      {"legal_status", "Legal status at the destination", {"legal", "illegal"}},
  };
  const std::vector<int> RD{A_REGION, A_DESTINATION}, R{A_REGION}, D{A_DESTINATION};
  l.series.resize(S_COUNT);
  l.series[S_STOCK] = {"stock", "persons",
                       "Members away (abroad or in another region) at the end of the month", RD};
  l.series[S_STOCK_SL] = {"stock_by_sex_legal",
                          "persons",
                          "Members away by sex and legal status at the end of the month",
                          {A_REGION, A_DESTINATION, A_SEX, A_LEGAL}};
  l.series[S_DEPARTURES] = {"departures", "persons/month", "Members who left this month", RD};
  l.series[S_RETURNS] = {"returns", "persons/month",
                         "Members who came home this month (expulsions included)", RD};
  l.series[S_EXPULSIONS] = {"expulsions", "persons/month",
                            "Illegal migrants detected and expelled this month", RD};
  l.series[S_NEW_BANS] = {"new_bans", "persons/month", "Entry bans imposed this month", D};
  l.series[S_ACTIVE_BANS] = {"active_bans", "persons",
                             "Adults under an entry ban to the destination at the end of the month",
                             D};
  l.series[S_REMIT_SOM] = {"remittances_som", "som/month",
                           "Remittances received by households, net of fees", R};
  l.series[S_REMIT_USD] = {"remittances_usd", "usd/month",
                           "Remittances received, converted at the month's som/USD rate", R};
  l.series[S_REMIT_SOURCE] = {"remittances_by_source_som", "som/month",
                              "Remittances received by region and the destination they come from",
                              RD};
  l.series[S_INTERNAL_MOVES] = {"internal_moves",
                                "persons/month",
                                "Persons moving between regions (members or whole households)",
                                {A_ORIGIN, A_REGION}};
  l.series[S_UNEMPLOYMENT] = {
      "unemployment_rate", "fraction",
      "Unemployed among the active adults at home (endogenous in urban regions)", R};
  l.series[S_URBAN_JOBS] = {"urban_jobs", "jobs",
                            "Stock of jobs of an urban labour market (0 for other regions)", R};
  l.series[S_URBAN_U] = {"urban_unemployment_rate", "fraction",
                         "Unemployment rate migrants face: 1 − jobs/labour force (residents and "
                         "internal migrants) in urban regions, the scenario's rate elsewhere",
                         R};
  l.series[S_SHARE_ABROAD] = {"share_households_abroad", "fraction",
                              "Households with at least one member abroad (foreign)", R};
  l.series[S_POPULATION_HOME] = {"population_home", "persons",
                                 "Persons living in the region, members away excluded", R};
  l.series[S_MEAN_INCOME] = {"mean_income_som", "som/month",
                             "Mean monthly household income (wages, business, farm, remittances)",
                             R};
  l.series[S_POVERTY] = {"poverty_rate", "fraction",
                         "Persons in households whose income per person is below the poverty line",
                         R};
  l.series[S_HT_GAP] = {"ht_expected_wage_gap_som", "som/month",
                        "Harris–Todaro expected earnings gap p_d·w_d·fx_d − p_r·w_r", RD};
  l.series[S_MEAN_RD] = {
      "mean_relative_deprivation", "fraction",
      "Mean of Stark's relative deprivation RD_h over the region's households, from the "
      "income distribution at the start of the month",
      R};
  l.series[S_VAR_WITH] = {"income_var_with_migrant", "som^2",
                          "Mean income variance (recent history) of households with a member "
                          "abroad for 12 months or more",
                          R};
  l.series[S_VAR_WITHOUT] = {"income_var_without_migrant", "som^2",
                             "Mean income variance of households with no member away", R};
  l.series[S_RELVAR_WITH] = {
      "income_relvar_with_migrant", "1",
      "Mean squared coefficient of variation of income (variance / mean²) of "
      "households with a member abroad for 12 months or more",
      R};
  l.series[S_RELVAR_WITHOUT] = {
      "income_relvar_without_migrant", "1",
      "Mean squared coefficient of variation of income of households with "
      "no member away",
      R};
  l.series[S_NEW_BUSINESSES] = {"returnee_businesses", "persons/month",
                                "Returnees who started a business this month", R};
  l.series[S_BUSINESSES] = {"businesses", "persons", "Adults running a returnee business", R};
  if (!sampled.empty()) {
    std::vector<std::string> ids;
    ids.reserve(sampled.size());
    for (auto h : sampled)
      ids.push_back(std::to_string(h));
    l.axes.push_back({"household", "Sampled household (its id in the synthetic population)", ids});
    const std::vector<int> H{A_HOUSEHOLD};
    l.series.push_back(
        {"household_region", "index", "Region of residence (index on the region axis)", H});
    l.series.push_back({"household_income_som", "som/month", "Household income this month", H});
    l.series.push_back({"household_savings_som", "som", "Household savings", H});
    l.series.push_back({"household_members_away", "persons", "Members away", H});
  }
  return l;
}

std::vector<std::size_t> sample_households(const RunConfig& c, const World& w) {
  std::vector<std::size_t> out;
  if (c.output.trajectories_sample <= 0) return out;
  for (std::size_t h = 0; h < w.households().n_households(); ++h)
    if (KeyedDraws(c.world_seed, Stream::world, h, 0, Purpose::trajectory_sample).uniform() <
        c.output.trajectories_sample)
      out.push_back(h);
  return out;
}

} // namespace

struct Simulation::Impl {
  const RunConfig& cfg;
  World& world;
  int R, D, O; // regions, destinations, options (1 + D)
  std::vector<std::unique_ptr<DecisionRule>> rules;
  std::vector<double> weights;
  std::unique_ptr<Combinator> combinator;
  bool any_household_rule = false;
  bool needs_rd = false;
  double inv_scale;
  std::vector<std::size_t> sampled;

  std::vector<std::size_t> chunk_begin, chunk_end; // chunks laid out within regions
  std::vector<int> chunk_region;                   // the region of each chunk's block

  // --- step-start state, read-only while households are processed
  int t = 0;
  MonthEnv env;
  std::vector<OptionView> options;     // R × O
  std::vector<OriginView> origins;     // R
  std::vector<double> base_scores;     // R × K × O
  std::vector<double> region_probs;    // R × O (when no rule looks at households)
  std::vector<double> N_rd;            // R × D, full scale (last step's stock)
  std::vector<double> P_r;             // R, persons at home, full scale
  std::vector<double> income_mean_r;   // R
  std::vector<double> u_eff;           // R: exogenous, or endogenous for urban regions
  std::vector<double> jobs0, jobs;     // R: urban jobs at the start and now (sample units)
  std::vector<double> labour_force;    // R: last step's active at home + internal migrants present
  std::vector<double> eta;             // R: this month's regional shock innovation
  std::vector<double> wage_som_mean12; // D: mean of w_d·fx_d over the last 12 months
  std::vector<double> legal_share_d, permit_d, tax_d, legalise_d; // D, by the regime in force
  double training_share = 0, grant_som = 0, credit_som = 0, poverty_line = 0;
  // Per-step tables for the hot loop, each the expression the household would evaluate.
  std::vector<double> sep_r;             // R: home job loss s = f·u/(1−u)
  std::vector<double> target_r;          // R: savings that meet a migrant's target, som
  std::vector<double> business_income_r; // R: a business's monthly income, som
  std::vector<double> find_rd;       // R × D × (trained, legal): P(finding a job abroad), ≤ 1
  std::vector<double> hazard_rd;     // R × D × (long jobless, target met): return hazard
  std::vector<double> net_d;         // D × legal: net monthly wage of an employed migrant, som
  std::vector<double> enforcement_d; // D: probability a ban stops a banned adult this month
  std::vector<double> amnesty_d;     // D: share of active bans lifted this month (events)
  bool amnesty_now = false;
  // Relative deprivation histograms (per region: count and income sums above each bin).
  std::vector<IncomeHistogram> rd_hist;            // R, built at the start of each month
  std::vector<std::size_t> block_begin, block_end; // R: each region's block in the initial layout
  std::vector<std::uint32_t> outsiders;            // households living outside their block

  // --- partial sums, one block per chunk, reduced in chunk order
  struct Offsets {
    std::size_t stock, stock_sl, dep, ret, exp, new_bans, bans, remit, remit_src, moves, active,
        unemployed, hh, hh_abroad, persons, members, income, poor, var_with, n_with, var_without,
        n_without, relvar_with, relvar_without, new_business, business, size;
  } off{};
  std::vector<double> partials;
  std::vector<double> scratch; // per chunk: K × O scores + O probabilities + O option flags
  std::vector<OptionView> scratch_options; // per chunk: O
  std::size_t scratch_size = 0;
  std::vector<double> reduced;

  Impl(const RunConfig& c, World& w, const Registries& reg) : cfg(c), world(w) {
    R = w.n_regions();
    D = w.n_destinations();
    O = 1 + D;
    KOCHMON_ASSERT(static_cast<std::size_t>(O) <= MAX_OPTIONS, "place counts validated");
    inv_scale = 1.0 / c.scale;
    for (const auto& spec : c.decision.rules) {
      rules.push_back(reg.rules.make(spec.rule, spec.params));
      weights.push_back(spec.weight);
      any_household_rule = any_household_rule || rules.back()->uses_household();
    }
    combinator = reg.combinators.make(c.decision.combine, c.decision.combine_params);
    sampled = sample_households(c, w);

    const auto& hh = w.households();
    const std::size_t H = hh.n_households();
    std::size_t start = 0;
    while (start < H) {
      std::size_t stop = start;
      while (stop < H && stop - start < CHUNK && hh.region[stop] == hh.region[start])
        ++stop;
      chunk_begin.push_back(start);
      chunk_region.push_back(hh.region[start]);
      chunk_end.push_back(stop);
      start = stop;
    }

    const auto uR = static_cast<std::size_t>(R), uD = static_cast<std::size_t>(D);
    const auto uO = static_cast<std::size_t>(O);
    std::size_t o = 0;
    auto take = [&o](std::size_t n) {
      const std::size_t at = o;
      o += n;
      return at;
    };
    off.stock = take(uR * uD);
    off.stock_sl = take(uR * uD * 4);
    off.dep = take(uR * uD);
    off.ret = take(uR * uD);
    off.exp = take(uR * uD);
    off.new_bans = take(uD);
    off.bans = take(uD);
    off.remit = take(uR);
    off.remit_src = take(uR * uD);
    off.moves = take(uR * uR);
    off.active = take(uR);
    off.unemployed = take(uR);
    off.hh = take(uR);
    off.hh_abroad = take(uR);
    off.persons = take(uR);
    off.members = take(uR);
    off.income = take(uR);
    off.poor = take(uR);
    off.var_with = take(uR);
    off.n_with = take(uR);
    off.var_without = take(uR);
    off.n_without = take(uR);
    off.relvar_with = take(uR);
    off.relvar_without = take(uR);
    off.new_business = take(uR);
    off.business = take(uR);
    off.size = o;
    partials.assign(chunk_begin.size() * off.size, 0.0);
    scratch_size = rules.size() * uO + uO;
    scratch.assign(chunk_begin.size() * scratch_size, 0.0);
    scratch_options.resize(chunk_begin.size() * uO);
    reduced.assign(off.size, 0.0);

    options.resize(uR * uO);
    origins.resize(uR);
    base_scores.resize(uR * rules.size() * uO);
    region_probs.resize(uR * uO);
    N_rd.assign(uR * uD, 0.0);
    P_r.assign(uR, 0.0);
    income_mean_r.assign(uR, 0.0);
    u_eff.assign(uR, 0.0);
    jobs0.assign(uR, 0.0);
    jobs.assign(uR, 0.0);
    labour_force.assign(uR, 0.0);
    eta.assign(uR, 0.0);
    wage_som_mean12.assign(uD, 0.0);
    for (auto* v : {&legal_share_d, &permit_d, &tax_d, &legalise_d, &enforcement_d, &amnesty_d})
      v->assign(uD, 0.0);
    for (auto* v : {&sep_r, &target_r, &business_income_r})
      v->assign(uR, 0.0);
    find_rd.assign(uR * uD * 4, 0.0);
    hazard_rd.assign(uR * uD * 4, 0.0);
    net_d.assign(uD * 2, 0.0);
    for (const auto& rule : rules)
      needs_rd = needs_rd || rule->needs_relative_deprivation();
    rd_hist.resize(uR);
    block_begin.assign(uR, 0);
    block_end.assign(uR, 0);
    for (std::size_t h = H; h-- > 0;)
      block_begin[hh.region[h]] = h;
    for (std::size_t h = 0; h < H; ++h)
      block_end[hh.region[h]] = h + 1;
    if (c.decision.internal_move == DecisionConfig::InternalMove::household) outsiders.reserve(H);

    // Opening aggregates: everyone at home, incomes as generated; urban jobs fill the
    // employed share of the opening labour force.
    std::vector<double> n_hh(uR, 0.0), employed(uR, 0.0);
    for (std::size_t h = 0; h < H; ++h) {
      const auto r = hh.region[h];
      P_r[r] += hh.size[h] * inv_scale;
      income_mean_r[r] += hh.income_som[h];
      n_hh[r] += 1;
      for (int k = 0; k < hh.n_adults[h]; ++k) {
        const auto s = hh.status[hh.first_adult[h] + static_cast<std::size_t>(k)];
        if (s == AdultStatus::home_employed || s == AdultStatus::home_unemployed)
          labour_force[r] += 1;
        if (s == AdultStatus::home_employed) employed[r] += 1;
      }
    }
    for (std::size_t r = 0; r < uR; ++r) {
      income_mean_r[r] /= std::max(1.0, n_hh[r]);
      if (cfg.regions[r].urban) jobs0[r] = employed[r];
    }
    // Members abroad at the start (destinations[].initial_stock) already earn: their smoothed
    // earnings start at the opening month's net wage, and they count in the opening network.
    if (H > 0) {
      MonthEnv env0;
      w.month_env(c.start, env0);
      auto& hm = w.households();
      for (std::size_t h = 0; h < H; ++h) {
        for (int k = 0; k < hm.n_adults[h]; ++k) {
          const std::size_t a = hm.first_adult[h] + static_cast<std::size_t>(k);
          if (hm.status[a] != AdultStatus::away) continue;
          const std::size_t d = hm.dest[a];
          const auto& dc = c.destinations[d - uR];
          const auto& rc = c.regimes[static_cast<std::size_t>(dc.regime_at(c.start))];
          const bool legal = (hm.away_flags[a] & AwayFlags::LEGAL) != 0;
          const double gross = env0.w_d[d] * env0.fx_d[d];
          hm.earnings_abroad_som[a] =
              static_cast<float>(legal ? std::max(0.0, gross * (1.0 - rc.income_tax.at(c.start)) -
                                                           rc.permit_cost_som.at(c.start))
                                       : gross);
          N_rd[static_cast<std::size_t>(hm.region[h]) * uD + d] += inv_scale;
          P_r[hm.region[h]] -= inv_scale;
        }
      }
    }
  }

  // --- 1–2: this month's conditions, contexts and household-independent scores
  void prepare() {
    const Month m = cfg.start + t;
    world.month_env(m, env);
    const auto uO = static_cast<std::size_t>(O);
    const auto uR = static_cast<std::size_t>(R);
    const auto uD = static_cast<std::size_t>(D);

    // Urban labour markets (MODEL.md §4): jobs grow at a set rate; the unemployment rate is
    // the share of last month's labour force (residents and internal migrants) without a job.
    for (std::size_t r = 0; r < uR; ++r) {
      u_eff[r] = env.u_r[r];
      if (!cfg.regions[r].urban) continue;
      jobs[r] = jobs0[r] * std::pow(1.0 + cfg.regions[r].jobs_growth_pct / 100.0, t / 12.0);
      const double lf = labour_force[r];
      u_eff[r] = lf > 0 ? std::clamp(1.0 - jobs[r] / lf, 0.0, MAX_URBAN_UNEMPLOYMENT) : 0.0;
      env.u_r[r] = u_eff[r];
      env.u_d[r] = u_eff[r];
    }
    // Regimes in force, and what a migrant keeps of a wage.
    for (std::size_t d = 0; d < uD; ++d) {
      if (d < uR) {
        legal_share_d[d] = 1.0;
        permit_d[d] = 0.0;
        tax_d[d] = 0.0;
        legalise_d[d] = 0.0;
      } else {
        const auto& dc = cfg.destinations[d - uR];
        const auto& rc = cfg.regimes[static_cast<std::size_t>(dc.regime_at(m))];
        legal_share_d[d] = rc.legal_share.at(m);
        permit_d[d] = rc.permit_cost_som.at(m);
        tax_d[d] = rc.income_tax.at(m);
        legalise_d[d] = rc.legalise_monthly.at(m);
      }
      double mean = 0.0; // the som value of the wage over the last 12 months
      for (int k = 1; k <= 12; ++k)
        mean += wage_som_at(d, m + (-k));
      wage_som_mean12[d] = mean / 12.0;
    }
    // Bans: how well they are enforced (fingerprinting raises it), and amnesties this month.
    amnesty_now = false;
    for (std::size_t d = 0; d < uD; ++d) {
      enforcement_d[d] = d < uR ? 1.0 : cfg.destinations[d - uR].ban_enforcement.at(m);
      amnesty_d[d] = 0.0;
    }
    for (const auto& e : cfg.events) {
      if (e.date != m || e.type != EventConfig::Type::amnesty) continue;
      const std::size_t d = uR + static_cast<std::size_t>(e.destination);
      amnesty_d[d] = 1.0 - (1.0 - amnesty_d[d]) * (1.0 - e.share);
      amnesty_now = true;
    }
    training_share = cfg.abroad.training_share.at(m);
    grant_som = cfg.abroad.return_grant_som.at(m);
    credit_som = cfg.decision.credit_som.at(m);
    poverty_line = cfg.population.poverty_line_som.at(m);

    // Regional shock innovations, one keyed draw per region and month.
    for (std::size_t r = 0; r < uR; ++r) {
      const auto b = KeyedDraws(cfg.seed, Stream::dynamics, r, t, Purpose::regional_shock).block(0);
      eta[r] = cfg.regions[r].shock_sd * KeyedDraws::normal(b.v[0], b.v[1]);
    }
    const double phi = cfg.shocks.persistence;
    const double sh = cfg.shocks.household_sd;

    for (int r = 0; r < R; ++r) {
      const auto ur = static_cast<std::size_t>(r);
      OriginView& o = origins[ur];
      o.region = r;
      o.w_r = env.w_r[ur];
      o.u_r = u_eff[ur];
      o.p_r = 1.0 - u_eff[ur];
      o.P_r = P_r[ur];
      o.poverty_r = env.poverty_r[ur];
      o.income_mean_r = income_mean_r[ur];
      o.land_ha_mean = cfg.regions[ur].land_ha_mean;
      const double sd_r = cfg.regions[ur].shock_sd;
      o.sigma2_r = (sd_r * sd_r + sh * sh) / std::max(1e-9, 1.0 - phi * phi);
      OptionView* opt = &options[ur * uO];
      opt[0] = OptionView{}; // stay
      for (int d = 0; d < D; ++d) {
        const auto ud = static_cast<std::size_t>(d);
        OptionView& v = opt[1 + ud];
        v.foreign = world.is_foreign(d);
        v.available = d != r;
        v.urban = !v.foreign && cfg.regions[ud].urban;
        v.w_d = env.w_d[ud];
        v.fx_d = env.fx_d[ud];
        v.u_d = env.u_d[ud];
        v.p_d = 1.0 - env.u_d[ud];
        v.c_d = env.c_d[ud];
        v.dist_km = world.dist_km(r, d);
        v.N_rd = N_rd[ur * uD + ud];
        v.fee_d = env.fee_d[ud];
        v.detect_d = env.detect_d[ud];
        v.legal_d = legal_share_d[ud];
        const double gross = v.w_d * v.fx_d;
        v.net_earnings_d =
            std::max(0.0, gross * (1.0 - v.legal_d * tax_d[ud]) - v.legal_d * permit_d[ud]);
        v.m_d = cfg.abroad.remit_share;
        double fx_vol = 0.0, corr = 0.0;
        if (v.foreign) {
          fx_vol = cfg.destinations[ud - uR].fx_volatility;
          corr = cfg.destinations[ud - uR].shock_correlation;
        }
        // Relative variance of remittances: employment (Bernoulli), expulsion, exchange rate.
        v.sigma2_d =
            v.u_d / std::max(1e-9, 1.0 - v.u_d) + (1.0 - v.legal_d) * v.detect_d + fx_vol * fx_vol;
        v.corr_rd = corr;
        v.asc_d = v.foreign ? cfg.destinations[ud - uR].attractiveness
                            : cfg.regions[ud].attractiveness + cfg.regions[ur].internal_exit;
      }
      const RegionContext ctx{m, t, o, std::span<const OptionView>(opt, uO)};
      for (std::size_t k = 0; k < rules.size(); ++k) {
        std::span<double> s(&base_scores[(ur * rules.size() + k) * uO], uO);
        rules[k]->score_region(ctx, s);
      }
      if (!any_household_rule) {
        const CombineInput in{
            std::span<const double>(&base_scores[ur * rules.size() * uO], rules.size() * uO),
            weights, ctx.options, cfg.decision.monthly_rate};
        combinator->probabilities(in, std::span<double>(&region_probs[ur * uO], uO));
      }
    }
    prepare_tables();
    build_rd_histograms();
  }

  // What a household of region r would compute about itself and destination d, once per step.
  void prepare_tables() {
    const auto& ab = cfg.abroad;
    const auto uR = static_cast<std::size_t>(R), uD = static_cast<std::size_t>(D);
    const double f = cfg.home_labour.job_finding_monthly;
    for (std::size_t d = 0; d < uD; ++d) {
      const double som_wage = env.w_d[d] * env.fx_d[d];
      for (int legal = 0; legal < 2; ++legal)
        net_d[d * 2 + static_cast<std::size_t>(legal)] = std::max(
            0.0, som_wage * (1.0 - (legal ? tax_d[d] : 0.0)) - (legal ? permit_d[d] : 0.0));
    }
    for (std::size_t r = 0; r < uR; ++r) {
      const double w_r = env.w_r[r];
      const double u_r = u_eff[r];
      sep_r[r] = f * u_r / std::max(1e-9, 1.0 - u_r);
      target_r[r] = ab.savings_target_months * w_r;
      business_income_r[r] = w_r * ab.business_income_factor;
      const double P = P_r[r];
      for (std::size_t d = 0; d < uD; ++d) {
        const std::size_t rd = r * uD + d;
        const double network_ln = P > 0 ? std::log1p(ab.network_scale * N_rd[rd] / P) : 0.0;
        for (int trained = 0; trained < 2; ++trained)
          for (int legal = 0; legal < 2; ++legal) {
            double find = ab.job_finding_monthly * (1.0 - env.u_d[d]) *
                          (1.0 + ab.network_job_effect * network_ln);
            if (trained) find *= 1.0 + ab.training_job_effect;
            if (!legal) find *= ab.illegal_job_factor;
            find_rd[rd * 4 + static_cast<std::size_t>(trained * 2 + legal)] = std::min(1.0, find);
          }
        const double som_wage = env.w_d[d] * env.fx_d[d];
        for (int long_jobless = 0; long_jobless < 2; ++long_jobless)
          for (int target = 0; target < 2; ++target) {
            double hazard = ab.return_monthly;
            if (long_jobless) hazard += ab.return_unemployed_monthly;
            if (target) hazard += ab.return_target_monthly;
            if (wage_som_mean12[d] > 0)
              hazard += ab.return_wage_fall * std::max(0.0, 1.0 - som_wage / wage_som_mean12[d]);
            hazard += ab.return_grant_effect * grant_som / w_r;
            hazard_rd[rd * 4 + static_cast<std::size_t>(long_jobless * 2 + target)] = hazard;
          }
      }
    }
  }

  double wage_som_at(std::size_t d, Month m) const {
    const auto uR = static_cast<std::size_t>(R);
    if (d < uR) return cfg.regions[d].wage_som.at(m);
    const auto& dc = cfg.destinations[d - uR];
    double per_usd = 1.0, home = 1.0;
    for (const auto& c : cfg.currencies) {
      if (c.id == dc.currency) per_usd = c.per_usd.at(m);
      if (c.id == cfg.home_currency) home = c.per_usd.at(m);
    }
    return dc.wage_local.at(m) * home / per_usd;
  }

  // Stark's relative deprivation needs each region's income distribution at the start of the
  // month: one histogram per region, built by one task per region in household order.
  // Each region's households are its block of the initial layout, less those who moved out,
  // plus the movers in from other blocks (`outsiders`, kept in id order).
  void build_rd_histograms() {
    const auto& hh = world.households();
    tbb::parallel_for(0, R, [&](int r) {
      const auto ur = static_cast<std::size_t>(r);
      auto& hist = rd_hist[ur];
      hist.clear();
      for (std::size_t h = block_begin[ur]; h < block_end[ur]; ++h)
        if (hh.region[h] == r) hist.add(hh.income_som[h]);
      for (const std::uint32_t h : outsiders)
        if (hh.region[h] == r) hist.add(hh.income_som[h]);
      hist.finish();
    });
  }

  //! After a month with household moves: the households living outside their initial block.
  void update_outsiders() {
    const auto& hh = world.households();
    outsiders.clear(); // capacity reserved up front: no allocation here
    for (int r = 0; r < R; ++r)
      for (std::size_t h = block_begin[static_cast<std::size_t>(r)];
           h < block_end[static_cast<std::size_t>(r)]; ++h)
        if (hh.region[h] != r) outsiders.push_back(static_cast<std::uint32_t>(h));
  }

  // --- 3: one household's month

  //! One region's tallies over some households. Counts are integers (exact in any order);
  //! sums keep household order, so flushing them into a zeroed partial gives the same bits as
  //! adding each household's term to it directly.
  struct Tally {
    std::int64_t hh = 0, hh_abroad = 0, persons = 0, members = 0, poor = 0, active = 0,
                 unemployed = 0, business = 0, n_with = 0, n_without = 0;
    double remit = 0, income = 0, var_with = 0, relvar_with = 0, var_without = 0,
           relvar_without = 0;
  };
  //! A chunk's counts of members away (in the chunk's region) and of active bans. The arrays
  //! end with one spare slot per adult that branch-free code counts "nobody" into (one per
  //! adult, so that consecutive counts do not wait on each other's stores); never flushed.
  struct Counts {
    static constexpr std::size_t NONE_SL = MAX_OPTIONS * 4, NONE_BAN = MAX_OPTIONS;
    std::array<std::int32_t, NONE_SL + MAX_ADULTS> stock_sl{}; // by destination, sex, illegal
    std::array<std::int32_t, NONE_BAN + MAX_ADULTS> bans{};    // active bans, by destination
  };

  //! What one household's month adds to the tallies, gathered while its adults are visited.
  struct HouseholdTally {
    int away = 0, active = 0, unemployed = 0, business = 0;
    bool abroad = false, established = false;
    // Members away: destination, sex, illegal; unused entries point at the spare slot.
    std::array<std::uint16_t, MAX_ADULTS> stock_sl{};
  };

  void flush(const Tally& x, std::size_t r, double* __restrict part) const {
    part[off.hh + r] += static_cast<double>(x.hh);
    part[off.hh_abroad + r] += static_cast<double>(x.hh_abroad);
    part[off.persons + r] += static_cast<double>(x.persons);
    part[off.members + r] += static_cast<double>(x.members);
    part[off.poor + r] += static_cast<double>(x.poor);
    part[off.active + r] += static_cast<double>(x.active);
    part[off.unemployed + r] += static_cast<double>(x.unemployed);
    part[off.business + r] += static_cast<double>(x.business);
    part[off.n_with + r] += static_cast<double>(x.n_with);
    part[off.n_without + r] += static_cast<double>(x.n_without);
    part[off.remit + r] += x.remit;
    part[off.income + r] += x.income;
    part[off.var_with + r] += x.var_with;
    part[off.relvar_with + r] += x.relvar_with;
    part[off.var_without + r] += x.var_without;
    part[off.relvar_without + r] += x.relvar_without;
  }

  void flush(const Counts& x, std::size_t r, double* __restrict part) const {
    const auto uD = static_cast<std::size_t>(D);
    for (std::size_t d = 0; d < uD; ++d) {
      std::int64_t stock = 0;
      for (std::size_t i = 0; i < 4; ++i) {
        stock += x.stock_sl[d * 4 + i];
        part[off.stock_sl + (r * uD + d) * 4 + i] += x.stock_sl[d * 4 + i];
      }
      part[off.stock + r * uD + d] += static_cast<double>(stock);
      part[off.bans + d] += x.bans[d];
    }
  }

  // --- 3: the households of one chunk, in order.
  //
  // The hot loop (tests/bench/PROFILE.md). What depends only on the region or the destination
  // was evaluated once in prepare_tables() by the same expressions, so these lookups give the
  // same bits as evaluating them here. Each adult is visited once (which status an adult has
  // is as good as random to the branch predictor, so every extra loop over the adults costs
  // mispredictions), and the month's tallies are gathered on the way and corrected for a
  // departure.
  void process_chunk(std::size_t begin, std::size_t end, int region, double* __restrict part,
                     double* scr, OptionView* hopt) {
    Tally home; // the chunk's region; households living elsewhere are tallied one by one
    Counts counts;
    for (std::size_t h = begin; h < end; ++h)
      process_household(h, region, home, counts, part, scr, hopt);
    flush(home, static_cast<std::size_t>(region), part);
    flush(counts, static_cast<std::size_t>(region), part);
  }

  void process_household(std::size_t h, int chunk_region, Tally& chunk_tally, Counts& counts,
                         double* __restrict part, double* scr, OptionView* hopt) {
    auto& hh = world.households();
    const auto& ab = cfg.abroad;
    const std::uint64_t seed = cfg.seed;
    const auto uD = static_cast<std::size_t>(D);
    const int r = hh.region[h];
    const auto ur = static_cast<std::size_t>(r);
    const std::size_t a0 = hh.first_adult[h];
    const int n_adults = hh.n_adults[h];
    const double w_r = env.w_r[ur];
    const double income_before = hh.income_som[h];
    const float savings = hh.savings_som[h];
    double remit = 0, labour = 0;
    HouseholdTally ht;

    // The month's own draws, one counter-based block: word 0 decides, word 1 is the income
    // shock, word 2 the home labour market (16 bits per adult), word 3 the details of a
    // departure (16 bits each: who goes, legal status, training, slipping through a ban).
    const auto hm = KeyedDraws(seed, Stream::dynamics, h, t, Purpose::household_month).block(0);

    // Income shock (MODEL.md §4): ε = φ·ε + η_r + ν_h.
    const double eps = cfg.shocks.persistence * hh.shock[h] + eta[ur] +
                       cfg.shocks.household_sd * KeyedDraws::normal(hm.v[1]);
    hh.shock[h] = static_cast<float>(eps);
    const double shock_factor = std::max(0.0, 1.0 + eps);

    // An amnesty lifts a share of the active bans (MODEL.md §7).
    if (amnesty_now) [[unlikely]] {
      const auto am = KeyedDraws(seed, Stream::dynamics, h, t, Purpose::amnesty).block(0);
      for (int k = 0; k < n_adults; ++k) {
        const std::size_t a = a0 + static_cast<std::size_t>(k);
        if (hh.ban_dest[a] != NO_DEST &&
            KeyedDraws::unit16(am.v[0], static_cast<unsigned>(k & 3)) < amnesty_d[hh.ban_dest[a]]) {
          hh.ban_dest[a] = NO_DEST;
          hh.ban_until[a] = 0;
        }
      }
    }

    // Each adult: life abroad (MODEL.md §6), then the home labour market, where a returnee of
    // this month already looks for work: finding at f, losing at s = f·u/(1−u), so u is the
    // steady state.
    const double f = cfg.home_labour.job_finding_monthly;
    const double s = sep_r[ur];
    const double business_income = business_income_r[ur];
    const bool target_met = savings >= target_r[ur];
    for (int k = 0; k < n_adults; ++k) {
      const std::size_t a = a0 + static_cast<std::size_t>(k);
      AdultStatus st = hh.status[a];
      if (st == AdultStatus::away) {
        const int d = hh.dest[a];
        const auto ud = static_cast<std::size_t>(d);
        const std::size_t rd = ur * uD + ud;
        // One block per member abroad: job, detection, return; word 3 in 16-bit slices for
        // regularising, the ban's length and starting a business.
        const auto w = KeyedDraws(seed, Stream::dynamics, h, t, Purpose::abroad_job)
                           .block(static_cast<std::uint32_t>(k));
        const std::uint8_t flags = hh.away_flags[a];
        bool employed = (flags & AwayFlags::EMPLOYED) != 0;
        bool legal = (flags & AwayFlags::LEGAL) != 0;
        const bool trained = (flags & AwayFlags::TRAINED) != 0;
        legal = legal || KeyedDraws::unit16(w.v[3], 0) < legalise_d[ud];
        const double u_job = KeyedDraws::to_unit(w.v[0]);
        employed = employed ? u_job >= ab.job_loss_monthly
                            : u_job < find_rd[rd * 4 + (trained ? 2 : 0) + (legal ? 1 : 0)];
        const bool expelled = !legal && KeyedDraws::to_unit(w.v[1]) < env.detect_d[ud];
        const int jobless = employed ? 0 : std::min(255, hh.months_jobless[a] + 1);
        const bool long_jobless = jobless >= ab.long_unemployed_months;
        const double hazard = hazard_rd[rd * 4 + (long_jobless ? 2 : 0) + (target_met ? 1 : 0)];
        if (expelled || KeyedDraws::to_unit(w.v[2]) < hazard) [[unlikely]] {
          st = come_home(h, a, d, w, expelled, part);
        } else {
          hh.away_flags[a] = static_cast<std::uint8_t>((legal ? AwayFlags::LEGAL : 0) |
                                                       (employed ? AwayFlags::EMPLOYED : 0) |
                                                       (trained ? AwayFlags::TRAINED : 0));
          hh.months_jobless[a] = static_cast<std::uint8_t>(jobless);
          const double net = employed ? net_d[ud * 2 + (legal ? 1 : 0)] : 0.0;
          const double smooth =
              hh.earnings_abroad_som[a] + REMIT_SMOOTHING * (net - hh.earnings_abroad_som[a]);
          hh.earnings_abroad_som[a] = static_cast<float>(smooth);
          const double sent = ab.remit_share * smooth * (1.0 - env.fee_d[ud]);
          remit += sent;
          part[off.remit_src + rd] += sent;
          const bool foreign = world.is_foreign(d);
          ht.abroad = ht.abroad || foreign;
          ht.established =
              ht.established || (foreign && t - hh.since_step[a] >= ESTABLISHED_MONTHS);
          ht.stock_sl[static_cast<std::size_t>(ht.away)] = stock_sl_code(hh, a, d, legal);
          ++ht.away;
        }
      }
      if (st != AdultStatus::away) {
        // Branch-free: which transition applies is a select, not a jump.
        const double u = KeyedDraws::unit16(hm.v[2], static_cast<unsigned>(k & 3));
        const bool emp = st == AdultStatus::home_employed, une = st == AdultStatus::home_unemployed,
                   bus = st == AdultStatus::home_business;
        const bool lose = (emp || bus) && u < s; // businesses fail too
        const bool find = une && u < f;
        st = lose ? AdultStatus::home_unemployed : find ? AdultStatus::home_employed : st;
        hh.status[a] = st;
        // Adding 0.0 leaves a non-negative sum's bits unchanged.
        labour += st == AdultStatus::home_employed ? w_r * hh.wage_factor[a] : 0.0;
        labour += st == AdultStatus::home_business ? business_income : 0.0;
        ht.active += st != AdultStatus::inactive;
        ht.unemployed += st == AdultStatus::home_unemployed;
        ht.business += st == AdultStatus::home_business;
      }
      const bool banned_now = hh.ban_dest[a] != NO_DEST && hh.ban_until[a] > t + 1;
      ++counts.bans[banned_now ? hh.ban_dest[a] : Counts::NONE_BAN + static_cast<unsigned>(k)];
    }
    const int home = n_adults - ht.away;

    // Income and savings (MODEL.md §4).
    const double farm = hh.land_ha[h] * env.farm_som_per_ha[ur];
    const double income = (labour + farm) * shock_factor + remit;
    hh.income_som[h] = static_cast<float>(income);
    hh.remit_som[h] = static_cast<float>(remit);
    const double mean_prev = hh.income_mean_som[h];
    const double dev = income - mean_prev;
    hh.income_mean_som[h] = static_cast<float>(mean_prev + INCOME_SMOOTHING * dev);
    hh.income_var[h] = static_cast<float>((1.0 - INCOME_SMOOTHING) *
                                          (hh.income_var[h] + INCOME_SMOOTHING * dev * dev));
    hh.savings_som[h] = savings + static_cast<float>(cfg.population.savings_rate * income);

    // The decision (MODEL.md §5).
    int region_now = r;
    // One keyed draw decides. Every combinator keeps the probability of going at or below the
    // monthly rate, and the options are laid out "go" first, so a household whose draw is at
    // or above the rate stays without any rule being consulted (most households, most months).
    const double u_decide = KeyedDraws::to_unit(hm.v[0]);
    if (home > 0 && u_decide < cfg.decision.monthly_rate) [[unlikely]] {
      const int choice =
          decide(h, hm, u_decide, income_before, income, farm * shock_factor, home, scr, hopt);
      if (choice > 0) region_now = depart(h, hm, choice - 1, ht, part);
    }
    if (region_now == chunk_region) [[likely]] {
      tally(h, income, remit, ht, chunk_tally);
      // The members away, branch-free: unused entries count into the spare slots.
      for (int k = 0; k < MAX_ADULTS; ++k)
        ++counts.stock_sl[k < ht.away ? ht.stock_sl[static_cast<std::size_t>(k)]
                                      : Counts::NONE_SL + static_cast<unsigned>(k)];
    } else {
      const auto un = static_cast<std::size_t>(region_now);
      Tally one;
      tally(h, income, remit, ht, one);
      flush(one, un, part);
      for (int k = 0; k < ht.away; ++k) {
        const std::size_t code = ht.stock_sl[static_cast<std::size_t>(k)];
        part[off.stock_sl + un * uD * 4 + code] += 1;
        part[off.stock + un * uD + code / 4] += 1;
      }
    }
  }

  //! The stock tally's slot of adult a away at d: destination, sex, illegal.
  static std::uint16_t stock_sl_code(const Households& hh, std::size_t a, int d, bool legal) {
    return static_cast<std::uint16_t>((d * 2 + (Traits::woman(hh.traits[a]) ? 1 : 0)) * 2 +
                                      (legal ? 0 : 1));
  }

  //! Adult a returns from d this month (expelled, or by the return hazard); returns the new
  //! status at home.
  AdultStatus come_home(std::size_t h, std::size_t a, int d, const r123::Philox4x64::ctr_type& w,
                        bool expelled, double* __restrict part) {
    auto& hh = world.households();
    const auto& ab = cfg.abroad;
    const auto uD = static_cast<std::size_t>(D), uR = static_cast<std::size_t>(R);
    const auto ur = static_cast<std::size_t>(hh.region[h]);
    const auto ud = static_cast<std::size_t>(d);
    const std::size_t rd = ur * uD + ud;
    part[off.ret + rd] += 1;
    if (expelled) {
      part[off.exp + rd] += 1;
      // An entry ban of 3, 5 or 10 years with the destination's shares (MODEL.md §6).
      if (world.is_foreign(d)) {
        const auto& shares = cfg.destinations[ud - uR].ban_shares;
        const double u = KeyedDraws::unit16(w.v[3], 1);
        const int years = u < shares[0]                           ? 3
                          : u < shares[0] + shares[1]             ? 5
                          : u < shares[0] + shares[1] + shares[2] ? 10
                                                                  : 0;
        if (years > 0) {
          hh.ban_dest[a] = static_cast<std::uint8_t>(d);
          hh.ban_until[a] = static_cast<std::int16_t>(t + 1 + 12 * years);
          part[off.new_bans + ud] += 1;
        }
      }
    }
    hh.status[a] = AdultStatus::home_unemployed;
    hh.dest[a] = NO_DEST;
    hh.away_flags[a] = 0;
    hh.months_jobless[a] = 0;
    // Returnees may start a business, more likely with savings (MODEL.md §6). The savings are
    // those at the start of the month (not yet updated by this month's income).
    const double p_business = ab.business_base + ab.business_savings_effect *
                                                     std::max(0.0f, hh.savings_som[h]) /
                                                     (12.0 * env.w_r[ur]);
    if (!expelled && KeyedDraws::unit16(w.v[3], 2) < p_business) {
      hh.status[a] = AdultStatus::home_business;
      part[off.new_business + ur] += 1;
    }
    return hh.status[a];
  }

  //! The choice of a household whose decision draw is below the monthly rate: 0 stays, o > 0
  //! goes to destination o − 1.
  int decide(std::size_t h, const r123::Philox4x64::ctr_type& hm, double u_decide,
             double income_before, double income, double farm_income, int home, double* scr,
             OptionView* hopt) {
    const auto& hh = world.households();
    const auto uO = static_cast<std::size_t>(O);
    const auto ur = static_cast<std::size_t>(hh.region[h]);
    const std::size_t a0 = hh.first_adult[h];
    const int n_adults = hh.n_adults[h];
    const double rd = needs_rd ? rd_hist[ur].relative_deprivation(income_before) : 0.0;
    // Which options this household can take: bans on every adult at home (unless this
    // month's attempt slips through, e.g. under a new name before fingerprinting), liquidity.
    // Most households have no adult at home under a ban, and then (without a liquidity
    // constraint) nothing is blocked: the loop over destinations is skipped.
    bool any_ban = false;
    for (int k = 0; k < n_adults; ++k) {
      const std::size_t a = a0 + static_cast<std::size_t>(k);
      any_ban = any_ban || (hh.status[a] != AdultStatus::away && hh.ban_dest[a] != NO_DEST &&
                            hh.ban_until[a] > t);
    }
    bool restricted = false;
    std::array<bool, MAX_OPTIONS> blocked{};
    const double u_slip = KeyedDraws::unit16(hm.v[3], 3);
    for (int d = 0; (any_ban || cfg.decision.liquidity_constraint) && d < D; ++d) {
      const auto ud = static_cast<std::size_t>(d);
      bool all_banned = true;
      for (int k = 0; k < n_adults && all_banned; ++k) {
        const std::size_t a = a0 + static_cast<std::size_t>(k);
        if (hh.status[a] == AdultStatus::away) continue;
        all_banned = banned(hh, a, d, u_slip);
      }
      const bool broke =
          cfg.decision.liquidity_constraint && hh.savings_som[h] + credit_som < env.c_d[ud];
      blocked[1 + ud] = all_banned || broke;
      restricted = restricted || ((all_banned || broke) && options[ur * uO + 1 + ud].available);
    }
    const double* p;
    if (any_household_rule || restricted) {
      // The region's options, or a copy with this household's blocked ones taken out.
      const OptionView* opts = &options[ur * uO];
      if (restricted) {
        std::copy_n(opts, uO, hopt);
        for (std::size_t o = 1; o < uO; ++o)
          hopt[o].available = hopt[o].available && !blocked[o];
        opts = hopt;
      }
      HouseholdView view;
      view.size = hh.size[h];
      view.adults_home = home;
      view.adults_away = n_adults - home;
      view.land_ha = hh.land_ha[h];
      view.farm_income_som = farm_income;
      view.income_som = income;
      view.income_mean_som = hh.income_mean_som[h];
      view.income_var = hh.income_var[h];
      view.savings_som = hh.savings_som[h];
      view.relative_deprivation = rd;
      const RegionContext ctx{cfg.start + t, t, origins[ur], std::span<const OptionView>(opts, uO)};
      const DecisionContext dctx{ctx, view};
      const std::size_t K = rules.size();
      for (std::size_t k = 0; k < K; ++k) {
        if (rules[k]->uses_household())
          rules[k]->score(dctx, std::span<const double>(&base_scores[(ur * K + k) * uO], uO),
                          std::span<double>(scr + k * uO, uO));
        else
          std::copy_n(&base_scores[(ur * K + k) * uO], uO, scr + k * uO);
      }
      const CombineInput in{std::span<const double>(scr, K * uO), weights, ctx.options,
                            cfg.decision.monthly_rate};
      combinator->probabilities(in, std::span<double>(scr + K * uO, uO));
      p = scr + K * uO;
    } else {
      p = &region_probs[ur * uO];
    }
    // Inverse CDF over the destinations; what is left above them is stay.
    double u = u_decide;
    for (int o = 1; o < O; ++o) {
      if (u < p[o]) return o;
      u -= p[o];
    }
    return 0;
  }

  //! A departure to d: the whole household moves (internal moves by household), or one adult
  //! at home who is not banned from d goes, picked uniformly. Returns the region at the end.
  int depart(std::size_t h, const r123::Philox4x64::ctr_type& hm, int d, HouseholdTally& ht,
             double* __restrict part) {
    auto& hh = world.households();
    const auto uD = static_cast<std::size_t>(D), uR = static_cast<std::size_t>(R);
    const int r = hh.region[h];
    const auto ur = static_cast<std::size_t>(r);
    const auto ud = static_cast<std::size_t>(d);
    const std::size_t a0 = hh.first_adult[h];
    const int n_adults = hh.n_adults[h];
    if (!world.is_foreign(d) &&
        cfg.decision.internal_move == DecisionConfig::InternalMove::household) {
      hh.region[h] = static_cast<std::uint8_t>(d);
      part[off.moves + ur * uR + ud] += hh.size[h];
      return d;
    }
    const double u_slip = KeyedDraws::unit16(hm.v[3], 3);
    int eligible = 0;
    for (int k = 0; k < n_adults; ++k) {
      const std::size_t a = a0 + static_cast<std::size_t>(k);
      eligible += hh.status[a] != AdultStatus::away && !banned(hh, a, d, u_slip);
    }
    int pick = static_cast<int>(KeyedDraws::unit16(hm.v[3], 0) * eligible);
    std::size_t a = a0;
    for (int k = 0; k < n_adults; ++k) {
      a = a0 + static_cast<std::size_t>(k);
      if (hh.status[a] == AdultStatus::away || banned(hh, a, d, u_slip)) continue;
      if (pick-- == 0) break;
    }
    KOCHMON_ASSERT(eligible > 0, "a blocked destination was chosen");
    // The tallies counted a at home.
    const AdultStatus was = hh.status[a];
    ht.active -= was != AdultStatus::inactive;
    ht.unemployed -= was == AdultStatus::home_unemployed;
    ht.business -= was == AdultStatus::home_business;
    // Someone going despite a ban goes under a new name: never legally.
    const bool evading = hh.ban_dest[a] == d && hh.ban_until[a] > t;
    const bool legal = !evading && KeyedDraws::unit16(hm.v[3], 1) < legal_share_d[ud];
    const bool trained = KeyedDraws::unit16(hm.v[3], 2) < training_share;
    hh.status[a] = AdultStatus::away;
    hh.dest[a] = static_cast<std::uint8_t>(d);
    hh.away_flags[a] = static_cast<std::uint8_t>((legal ? AwayFlags::LEGAL : 0) |
                                                 (trained ? AwayFlags::TRAINED : 0));
    hh.since_step[a] = static_cast<std::int16_t>(t);
    hh.months_jobless[a] = 0;
    hh.earnings_abroad_som[a] = 0;
    hh.savings_som[h] -= static_cast<float>(env.c_d[ud]);
    part[off.dep + ur * uD + ud] += 1;
    if (!world.is_foreign(d)) part[off.moves + ur * uR + ud] += 1;
    ht.abroad = ht.abroad || world.is_foreign(d); // a new departure is not established
    ht.stock_sl[static_cast<std::size_t>(ht.away)] = stock_sl_code(hh, a, d, legal);
    ++ht.away;
    return r;
  }

  //! This month's tallies, into those of the household's region at the end of the month.
  void tally(std::size_t h, double income, double remit, const HouseholdTally& ht, Tally& x) const {
    const auto& hh = world.households();
    const int size = hh.size[h];
    x.active += ht.active;
    x.unemployed += ht.unemployed;
    x.business += ht.business;
    x.remit += remit;
    x.hh += 1;
    x.hh_abroad += ht.abroad ? 1 : 0;
    x.persons += size - ht.away;
    x.members += size;
    x.income += income;
    x.poor += income / size < poverty_line ? size : 0;
    // NELM diagnostics compare the income risk of established migrant households with that of
    // households with nobody away; the months around a departure are a planned change of
    // income, not risk, and are left out of both.
    if (ht.established || ht.away == 0) {
      const double m = hh.income_mean_som[h];
      const double v = hh.income_var[h];
      const double relvar = m > 0 ? v / (m * m) : 0.0;
      if (ht.established) {
        x.var_with += v;
        x.relvar_with += relvar;
        ++x.n_with;
      } else {
        x.var_without += v;
        x.relvar_without += relvar;
        ++x.n_without;
      }
    }
  }

  //! Whether adult a is kept from destination d by a ban this month: an active ban stops them
  //! unless this month's attempt slips through (probability 1 − enforcement).
  bool banned(const Households& hh, std::size_t a, int d, double u_slip) const {
    return hh.ban_dest[a] == d && hh.ban_until[a] > t &&
           u_slip < enforcement_d[static_cast<std::size_t>(d)];
  }

  // --- 4: reduction in chunk order, then this step's series and next step's aggregates.
  void reduce(std::vector<std::vector<double>>& values) {
    const std::size_t n = off.size;
    std::vector<double>& total = reduced;
    std::fill(total.begin(), total.end(), 0.0);
    for (std::size_t c = 0; c < chunk_begin.size(); ++c) {
      const double* p = &partials[c * n];
      for (std::size_t i = 0; i < n; ++i)
        total[i] += p[i];
    }
    const auto uR = static_cast<std::size_t>(R), uD = static_cast<std::size_t>(D);
    auto copy_scaled = [&](std::size_t series, std::size_t at, std::size_t len) {
      for (std::size_t i = 0; i < len; ++i)
        values[series][i] = total[at + i] * inv_scale;
    };
    copy_scaled(S_STOCK, off.stock, uR * uD);
    copy_scaled(S_STOCK_SL, off.stock_sl, uR * uD * 4);
    copy_scaled(S_DEPARTURES, off.dep, uR * uD);
    copy_scaled(S_RETURNS, off.ret, uR * uD);
    copy_scaled(S_EXPULSIONS, off.exp, uR * uD);
    copy_scaled(S_NEW_BANS, off.new_bans, uD);
    copy_scaled(S_ACTIVE_BANS, off.bans, uD);
    copy_scaled(S_REMIT_SOM, off.remit, uR);
    copy_scaled(S_REMIT_SOURCE, off.remit_src, uR * uD);
    copy_scaled(S_INTERNAL_MOVES, off.moves, uR * uR);
    copy_scaled(S_POPULATION_HOME, off.persons, uR);
    copy_scaled(S_NEW_BUSINESSES, off.new_business, uR);
    copy_scaled(S_BUSINESSES, off.business, uR);
    for (std::size_t r = 0; r < uR; ++r) {
      const double n_hh = total[off.hh + r];
      const double persons = total[off.persons + r];
      const double n_with = total[off.n_with + r];
      values[S_REMIT_USD][r] = values[S_REMIT_SOM][r] / env.som_per_usd;
      values[S_UNEMPLOYMENT][r] =
          total[off.active + r] > 0 ? total[off.unemployed + r] / total[off.active + r] : 0.0;
      values[S_URBAN_JOBS][r] = jobs[r] * inv_scale;
      values[S_URBAN_U][r] = u_eff[r];
      values[S_SHARE_ABROAD][r] = n_hh > 0 ? total[off.hh_abroad + r] / n_hh : 0.0;
      values[S_MEAN_INCOME][r] = n_hh > 0 ? total[off.income + r] / n_hh : 0.0;
      values[S_POVERTY][r] =
          total[off.members + r] > 0 ? total[off.poor + r] / total[off.members + r] : 0.0;
      values[S_MEAN_RD][r] = rd_hist[r].mean_relative_deprivation();
      values[S_VAR_WITH][r] = n_with > 0 ? total[off.var_with + r] / n_with : 0.0;
      const double n_without = total[off.n_without + r];
      values[S_VAR_WITHOUT][r] = n_without > 0 ? total[off.var_without + r] / n_without : 0.0;
      values[S_RELVAR_WITH][r] = n_with > 0 ? total[off.relvar_with + r] / n_with : 0.0;
      values[S_RELVAR_WITHOUT][r] = n_without > 0 ? total[off.relvar_without + r] / n_without : 0.0;
      for (std::size_t d = 0; d < uD; ++d) {
        const auto& o = options[r * static_cast<std::size_t>(O) + 1 + d];
        values[S_HT_GAP][r * uD + d] =
            o.available ? o.p_d * o.w_d * o.fx_d - origins[r].p_r * origins[r].w_r : 0.0;
      }
      P_r[r] = persons * inv_scale;
      income_mean_r[r] = values[S_MEAN_INCOME][r];
    }
    // Next month's urban labour force: active residents plus internal migrants present.
    for (std::size_t j = 0; j < uR; ++j) {
      double lf = total[off.active + j];
      for (std::size_t r = 0; r < uR; ++r)
        lf += total[off.stock + r * uD + j];
      labour_force[j] = lf;
    }
    std::copy_n(values[S_STOCK].begin(), uR * uD, N_rd.begin());
    double moved = 0;
    for (std::size_t i = 0; i < uR * uR; ++i)
      moved += total[off.moves + i];
    if (cfg.decision.internal_move == DecisionConfig::InternalMove::household && moved > 0)
      update_outsiders();
    // Sampled households' trajectories.
    if (!sampled.empty()) {
      const auto& hh = world.households();
      for (std::size_t i = 0; i < sampled.size(); ++i) {
        const std::size_t h = sampled[i];
        int away = 0;
        for (int k = 0; k < hh.n_adults[h]; ++k)
          away += hh.status[hh.first_adult[h] + static_cast<std::size_t>(k)] == AdultStatus::away;
        values[S_TRAJ_REGION][i] = hh.region[h];
        values[S_TRAJ_INCOME][i] = hh.income_som[h];
        values[S_TRAJ_SAVINGS][i] = hh.savings_som[h];
        values[S_TRAJ_AWAY][i] = away;
      }
    }
  }

  // The household store's mutable arrays and the aggregates carried from month to month.
  template <class Io> void state_arrays(Io&& io) {
    auto& hh = world.households();
    io("households.region", hh.region);
    io("households.savings_som", hh.savings_som);
    io("households.income_som", hh.income_som);
    io("households.remit_som", hh.remit_som);
    io("households.income_mean_som", hh.income_mean_som);
    io("households.income_var", hh.income_var);
    io("households.shock", hh.shock);
    io("adults.status", hh.status);
    io("adults.dest", hh.dest);
    io("adults.away_flags", hh.away_flags);
    io("adults.since_step", hh.since_step);
    io("adults.months_jobless", hh.months_jobless);
    io("adults.earnings_abroad_som", hh.earnings_abroad_som);
    io("adults.ban_dest", hh.ban_dest);
    io("adults.ban_until", hh.ban_until);
    io("engine.N_rd", N_rd);
    io("engine.P_r", P_r);
    io("engine.income_mean_r", income_mean_r);
    io("engine.labour_force", labour_force);
    io("engine.jobs0", jobs0);
  }

  void step(std::vector<std::vector<double>>& values) {
    prepare();
    std::fill(partials.begin(), partials.end(), 0.0);
    tbb::parallel_for(
        tbb::blocked_range<std::size_t>(0, chunk_begin.size(), 1), [&](const auto& range) {
          for (std::size_t c = range.begin(); c != range.end(); ++c) {
            double* part = &partials[c * off.size];
            double* scr = &scratch[c * scratch_size];
            OptionView* hopt = &scratch_options[c * static_cast<std::size_t>(O)];
            process_chunk(chunk_begin[c], chunk_end[c], chunk_region[c], part, scr, hopt);
          }
        });
    reduce(values);
    ++t;
  }
};

Simulation::Simulation(const RunConfig& config, const Registries& registries)
    : config_(config), world_(config_) {
  impl_ = std::make_unique<Impl>(config_, world_, registries);
  layout_ = make_layout(world_, impl_->sampled);
  values_.resize(layout_.series.size());
  for (std::size_t i = 0; i < values_.size(); ++i)
    values_[i].assign(layout_.size(i), 0.0);
}

Simulation::~Simulation() = default;

RunInfo Simulation::info(int threads) const {
  RunInfo i;
  i.scenario_name = config_.name;
  i.resolved_yaml = config_.resolved_yaml;
  i.seed = config_.seed;
  i.scale = config_.scale;
  i.start = config_.start;
  i.n_steps = config_.n_steps();
  i.households = static_cast<std::int64_t>(world_.households().n_households());
  i.persons = world_.persons();
  i.threads = threads;
  return i;
}

std::size_t Simulation::series_index(const std::string& name) const {
  for (std::size_t i = 0; i < layout_.series.size(); ++i)
    if (layout_.series[i].name == name) return i;
  KOCHMON_ASSERT(false, "no series of that name");
  return 0;
}

void Simulation::save_state(StateWriter& out) const {
  std::vector<std::int64_t> step{step_};
  out.put_vector("engine.step", step);
  impl_->state_arrays([&out](const std::string& name, const auto& v) { out.put_vector(name, v); });
}

void Simulation::restore_state(const StateReader& in) {
  std::vector<std::int64_t> step(1);
  in.get_vector("engine.step", step);
  if (step[0] < 0 || step[0] > config_.n_steps())
    throw InputError("checkpoint: step " + std::to_string(step[0]) + " is outside this run of " +
                     std::to_string(config_.n_steps()) + " months");
  impl_->state_arrays([&in](const std::string& name, auto& v) { in.get_vector(name, v); });
  step_ = static_cast<int>(step[0]);
  impl_->t = step_;
  if (config_.decision.internal_move == DecisionConfig::InternalMove::household)
    impl_->update_outsiders();
}

void Simulation::step() {
  KOCHMON_ASSERT(step_ < config_.n_steps(), "step past the end of the run");
  impl_->step(values_);
  ++step_;
}

RunOutcome Simulation::run(Recorder& recorder, const RunOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  recorder.begin(info(options.threads), layout_);
  if (options.replay) options.replay(recorder);
  std::vector<std::span<const double>> spans(values_.size());
  RunOutcome out;
  while (step_ < config_.n_steps()) {
    if (options.stop && options.stop->load()) {
      out.interrupted = true;
      break;
    }
    step();
    for (std::size_t i = 0; i < values_.size(); ++i)
      spans[i] = values_[i];
    recorder.record(step_ - 1, spans);
    if (options.progress) options.progress(step_, config_.n_steps());
    if (options.after_step) options.after_step(step_);
  }
  out.steps_done = step_;
  out.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!out.interrupted) recorder.finish(RunSummary{out.wall_seconds, out.steps_done});
  return out;
}

} // namespace kochmon::sim
