#include "sim/engine/simulation.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "sim/core/error.h"
#include "sim/core/rng.h"

namespace kochmon::sim {
namespace {

constexpr std::size_t CHUNK = 2048;  // households per parallel task (cache-sized partials)
constexpr double INCOME_SMOOTHING = 1.0 / 12.0;  // EWMA weight: about a year of history

// Series recorded each step, in layout order.
enum SeriesId : std::size_t {
  S_STOCK,
  S_DEPARTURES,
  S_RETURNS,
  S_EXPULSIONS,
  S_REMIT_SOM,
  S_REMIT_USD,
  S_INTERNAL_MOVES,
  S_UNEMPLOYMENT,
  S_SHARE_ABROAD,
  S_POPULATION_HOME,
  S_MEAN_INCOME,
  S_COUNT
};

enum AxisId : int { A_REGION, A_DESTINATION, A_ORIGIN };

ResultsLayout make_layout(const World& w) {
  ResultsLayout l;
  l.axes = {
      {"region", "Region of origin (household's residence), as in the scenario", w.region_ids()},
      {"destination", "Destination: every region (internal), then the foreign destinations",
       w.destination_ids()},
      {"origin_region", "Region a move starts from", w.region_ids()},
  };
  const std::vector<int> RD{A_REGION, A_DESTINATION}, R{A_REGION};
  l.series.resize(S_COUNT);
  l.series[S_STOCK] = {"stock", "persons",
                       "Members away (abroad or in another region) at the end of the month", RD};
  l.series[S_DEPARTURES] = {"departures", "persons/month", "Members who left this month", RD};
  l.series[S_RETURNS] = {"returns", "persons/month",
                         "Members who came home this month (expulsions included)", RD};
  l.series[S_EXPULSIONS] = {"expulsions", "persons/month",
                            "Illegal migrants detected and expelled this month", RD};
  l.series[S_REMIT_SOM] = {"remittances_som", "som/month",
                           "Remittances received by households, net of fees", R};
  l.series[S_REMIT_USD] = {"remittances_usd", "usd/month",
                           "Remittances received, converted at the month's som/USD rate", R};
  l.series[S_INTERNAL_MOVES] = {"internal_moves", "persons/month",
                                "Persons moving between regions (members or whole households)",
                                {A_ORIGIN, A_REGION}};
  l.series[S_UNEMPLOYMENT] = {"unemployment_rate", "fraction",
                              "Unemployed among the economically active adults at home", R};
  l.series[S_SHARE_ABROAD] = {"share_households_abroad", "fraction",
                              "Households with at least one member abroad (foreign)", R};
  l.series[S_POPULATION_HOME] = {"population_home", "persons",
                                 "Persons living in the region, members away excluded", R};
  l.series[S_MEAN_INCOME] = {"mean_income_som", "som/month",
                             "Mean monthly household income (wages, farm, remittances)", R};
  return l;
}

}  // namespace

struct Simulation::Impl {
  const RunConfig& cfg;
  World& world;
  int R, D, O;  // regions, destinations, options (1 + D)
  std::vector<std::unique_ptr<DecisionRule>> rules;
  std::vector<double> weights;
  std::unique_ptr<Combinator> combinator;
  bool any_household_rule = false;
  double inv_scale;

  // Chunks, laid out within regions.
  std::vector<std::size_t> chunk_begin, chunk_end;

  // Step-start state, read-only while households are processed.
  MonthEnv env;
  std::vector<OptionView> options;    // R × O
  std::vector<OriginView> origins;    // R
  std::vector<double> base_scores;    // R × K × O
  std::vector<double> region_probs;   // R × O (when no rule looks at households)
  std::vector<double> N_rd;           // R × D, full scale (last step's stock)
  std::vector<double> P_r;            // R, persons at home, full scale
  std::vector<double> income_mean_r;  // R

  // Partial sums, one block per chunk, reduced in chunk order.
  struct Offsets {
    std::size_t stock, dep, ret, exp, moves, remit, active, unemployed, hh, hh_abroad, persons,
        income, size;
  } off{};
  std::vector<double> partials;
  std::vector<double> scratch;  // per chunk: K × O scores + O probabilities
  std::size_t scratch_size = 0;

  Impl(const RunConfig& c, World& w, const Registries& reg) : cfg(c), world(w) {
    R = w.n_regions();
    D = w.n_destinations();
    O = 1 + D;
    inv_scale = 1.0 / c.scale;
    for (const auto& spec : c.decision.rules) {
      rules.push_back(reg.rules.make(spec.rule, spec.params));
      weights.push_back(spec.weight);
      any_household_rule = any_household_rule || rules.back()->uses_household();
    }
    combinator = reg.combinators.make(c.decision.combine, c.decision.combine_params);

    // Chunks never straddle a region boundary of the initial layout.
    const auto& hh = w.households();
    const std::size_t H = hh.n_households();
    std::size_t start = 0;
    while (start < H) {
      std::size_t stop = start;
      while (stop < H && stop - start < CHUNK && hh.region[stop] == hh.region[start]) ++stop;
      chunk_begin.push_back(start);
      chunk_end.push_back(stop);
      start = stop;
    }

    const auto uR = static_cast<std::size_t>(R), uD = static_cast<std::size_t>(D);
    std::size_t o = 0;
    auto take = [&o](std::size_t n) { const std::size_t at = o; o += n; return at; };
    off.stock = take(uR * uD);
    off.dep = take(uR * uD);
    off.ret = take(uR * uD);
    off.exp = take(uR * uD);
    off.moves = take(uR * uR);
    off.remit = take(uR);
    off.active = take(uR);
    off.unemployed = take(uR);
    off.hh = take(uR);
    off.hh_abroad = take(uR);
    off.persons = take(uR);
    off.income = take(uR);
    off.size = o;
    partials.assign(chunk_begin.size() * off.size, 0.0);
    scratch_size = rules.size() * static_cast<std::size_t>(O) + static_cast<std::size_t>(O);
    scratch.assign(chunk_begin.size() * scratch_size, 0.0);

    options.resize(uR * static_cast<std::size_t>(O));
    origins.resize(uR);
    base_scores.resize(uR * rules.size() * static_cast<std::size_t>(O));
    region_probs.resize(uR * static_cast<std::size_t>(O));
    N_rd.assign(uR * uD, 0.0);
    P_r.assign(uR, 0.0);
    income_mean_r.assign(uR, 0.0);
    // Opening aggregates: everyone at home, incomes as generated.
    std::vector<double> n_hh(uR, 0.0);
    for (std::size_t h = 0; h < H; ++h) {
      P_r[hh.region[h]] += hh.size[h] * inv_scale;
      income_mean_r[hh.region[h]] += hh.income_som[h];
      n_hh[hh.region[h]] += 1;
    }
    for (std::size_t r = 0; r < uR; ++r) income_mean_r[r] /= std::max(1.0, n_hh[r]);
  }

  // --- 1–2: contexts and household-independent scores
  void prepare(int t) {
    const Month m = cfg.start + t;
    world.month_env(m, env);
    const auto uO = static_cast<std::size_t>(O);
    for (int r = 0; r < R; ++r) {
      const auto ur = static_cast<std::size_t>(r);
      OriginView& o = origins[ur];
      o.region = r;
      o.w_r = env.w_r[ur];
      o.u_r = env.u_r[ur];
      o.p_r = 1.0 - env.u_r[ur];
      o.P_r = P_r[ur];
      o.poverty_r = env.poverty_r[ur];
      o.income_mean_r = income_mean_r[ur];
      o.land_ha_mean = cfg.regions[ur].land_ha_mean;
      OptionView* opt = &options[ur * uO];
      opt[0] = OptionView{};  // stay
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
        v.N_rd = N_rd[ur * static_cast<std::size_t>(D) + ud];
        v.fee_d = env.fee_d[ud];
        v.detect_d = env.detect_d[ud];
        v.legal_d = env.legal_d[ud];
      }
      const RegionContext ctx{m, t, o, std::span<const OptionView>(opt, uO)};
      for (std::size_t k = 0; k < rules.size(); ++k) {
        std::span<double> s(&base_scores[(ur * rules.size() + k) * uO], uO);
        rules[k]->score_region(ctx, s);
      }
      if (!any_household_rule) {
        const CombineInput in{std::span<const double>(&base_scores[ur * rules.size() * uO], rules.size() * uO),
                              weights, ctx.options, cfg.decision.monthly_rate};
        combinator->probabilities(in, std::span<double>(&region_probs[ur * uO], uO));
      }
    }
  }

  // --- 3: one household's month
  void process_household(std::size_t h, int t, double* part, double* scr) {
    auto& hh = world.households();
    const auto& ab = cfg.abroad;
    const std::uint64_t seed = cfg.seed;
    const auto uD = static_cast<std::size_t>(D), uR = static_cast<std::size_t>(R);
    const int r = hh.region[h];
    const auto ur = static_cast<std::size_t>(r);
    const std::size_t a0 = hh.first_adult[h];
    const int n_adults = hh.n_adults[h];
    double remit = 0, wages = 0;

    // Life abroad (MODEL.md §6): work, remit, detection and return.
    for (int k = 0; k < n_adults; ++k) {
      const std::size_t a = a0 + static_cast<std::size_t>(k);
      if (hh.status[a] != AdultStatus::away) continue;
      const int d = hh.dest[a];
      const auto ud = static_cast<std::size_t>(d);
      const auto w = KeyedDraws(seed, Stream::dynamics, h, t, Purpose::abroad_job).block(static_cast<std::uint32_t>(k));
      bool employed = (hh.away_flags[a] & AwayFlags::EMPLOYED) != 0;
      const bool legal = (hh.away_flags[a] & AwayFlags::LEGAL) != 0;
      if (employed) {
        employed = KeyedDraws::to_unit(w.v[0]) >= ab.job_loss_monthly;
      } else {
        employed = KeyedDraws::to_unit(w.v[0]) < ab.job_finding_monthly * (1.0 - env.u_d[ud]);
      }
      const bool expelled = !legal && KeyedDraws::to_unit(w.v[1]) < env.detect_d[ud];
      const double hazard = ab.return_monthly + (employed ? 0.0 : ab.return_unemployed_monthly);
      const bool returns = expelled || KeyedDraws::to_unit(w.v[2]) < hazard;
      if (returns) {
        hh.status[a] = AdultStatus::home_unemployed;
        hh.dest[a] = NO_DEST;
        hh.away_flags[a] = 0;
        hh.months_jobless[a] = 0;
        part[off.ret + ur * uD + ud] += 1;
        if (expelled) part[off.exp + ur * uD + ud] += 1;
        continue;
      }
      hh.away_flags[a] = static_cast<std::uint8_t>((legal ? AwayFlags::LEGAL : 0) | (employed ? AwayFlags::EMPLOYED : 0));
      if (employed) {
        hh.months_jobless[a] = 0;
        remit += ab.remit_share * env.w_d[ud] * env.fx_d[ud] * (1.0 - env.fee_d[ud]);
      } else if (hh.months_jobless[a] < 255) {
        ++hh.months_jobless[a];
      }
    }

    // Home labour market: finding at f, losing at s = f·u/(1−u), so u_r is the steady state.
    const double f = cfg.home_labour.job_finding_monthly;
    const double u_r = env.u_r[ur];
    const double s = f * u_r / std::max(1e-9, 1.0 - u_r);
    const auto lab = KeyedDraws(seed, Stream::dynamics, h, t, Purpose::home_labour).block(0);
    for (int k = 0; k < n_adults; ++k) {
      const std::size_t a = a0 + static_cast<std::size_t>(k);
      const double u = KeyedDraws::to_unit(lab.v[k & 3]);
      if (hh.status[a] == AdultStatus::home_employed && u < s) hh.status[a] = AdultStatus::home_unemployed;
      else if (hh.status[a] == AdultStatus::home_unemployed && u < f) hh.status[a] = AdultStatus::home_employed;
      if (hh.status[a] == AdultStatus::home_employed) wages += env.w_r[ur] * hh.wage_factor[a];
    }

    // Income and savings (MODEL.md §4).
    const double farm = hh.land_ha[h] * env.farm_som_per_ha[ur];
    const double income = wages + farm + remit;
    hh.income_som[h] = static_cast<float>(income);
    hh.remit_som[h] = static_cast<float>(remit);
    const double mean_prev = hh.income_mean_som[h];
    const double dev = income - mean_prev;
    hh.income_mean_som[h] = static_cast<float>(mean_prev + INCOME_SMOOTHING * dev);
    hh.income_var[h] = static_cast<float>((1.0 - INCOME_SMOOTHING) * (hh.income_var[h] + INCOME_SMOOTHING * dev * dev));
    hh.savings_som[h] += static_cast<float>(cfg.population.savings_rate * income);

    // The decision (MODEL.md §5).
    int home = 0;
    for (int k = 0; k < n_adults; ++k) home += hh.status[a0 + static_cast<std::size_t>(k)] != AdultStatus::away;
    int region_now = r;
    if (home > 0 && cfg.decision.monthly_rate > 0) {
      const auto uO = static_cast<std::size_t>(O);
      const double* p;
      if (any_household_rule) {
        HouseholdView view;
        view.size = hh.size[h];
        view.adults_home = home;
        view.adults_away = n_adults - home;
        view.land_ha = hh.land_ha[h];
        view.income_som = income;
        view.income_mean_som = hh.income_mean_som[h];
        view.income_var = hh.income_var[h];
        view.savings_som = hh.savings_som[h];
        const RegionContext ctx{cfg.start + t, t, origins[ur], std::span<const OptionView>(&options[ur * uO], uO)};
        const DecisionContext dctx{ctx, view};
        const std::size_t K = rules.size();
        for (std::size_t k = 0; k < K; ++k) {
          if (rules[k]->uses_household())
            rules[k]->score(dctx, std::span<const double>(&base_scores[(ur * K + k) * uO], uO),
                            std::span<double>(scr + k * uO, uO));
          else
            std::copy_n(&base_scores[(ur * K + k) * uO], uO, scr + k * uO);
        }
        const CombineInput in{std::span<const double>(scr, K * uO), weights, ctx.options, cfg.decision.monthly_rate};
        combinator->probabilities(in, std::span<double>(scr + K * uO, uO));
        p = scr + K * uO;
      } else {
        p = &region_probs[ur * uO];
      }
      const auto dw = KeyedDraws(seed, Stream::dynamics, h, t, Purpose::decide).block(0);
      double u = KeyedDraws::to_unit(dw.v[0]);
      int choice = 0;
      if (u >= p[0]) {  // one draw, inverse CDF over the options
        u -= p[0];
        choice = O - 1;
        for (int o = 1; o < O; ++o) {
          if (u < p[o]) { choice = o; break; }
          u -= p[o];
        }
        while (choice > 0 && p[choice] <= 0) --choice;  // rounding at the top end never picks an impossible option
      }
      if (choice > 0) {
        const int d = choice - 1;
        const auto ud = static_cast<std::size_t>(d);
        if (!world.is_foreign(d) && cfg.decision.internal_move == DecisionConfig::InternalMove::household) {
          hh.region[h] = static_cast<std::uint8_t>(d);  // the whole household moves
          region_now = d;
          part[off.moves + ur * uR + ud] += hh.size[h];
        } else {
          // One adult at home goes, picked uniformly.
          int pick = static_cast<int>(KeyedDraws::to_unit(dw.v[1]) * home);
          std::size_t a = a0;
          for (int k = 0; k < n_adults; ++k) {
            a = a0 + static_cast<std::size_t>(k);
            if (hh.status[a] == AdultStatus::away) continue;
            if (pick-- == 0) break;
          }
          const bool legal = KeyedDraws::to_unit(dw.v[2]) < env.legal_d[ud];
          hh.status[a] = AdultStatus::away;
          hh.dest[a] = static_cast<std::uint8_t>(d);
          hh.away_flags[a] = legal ? AwayFlags::LEGAL : 0;
          hh.since_step[a] = static_cast<std::int16_t>(t);
          hh.months_jobless[a] = 0;
          hh.savings_som[h] -= static_cast<float>(env.c_d[ud]);
          part[off.dep + ur * uD + ud] += 1;
          if (!world.is_foreign(d)) part[off.moves + ur * uR + ud] += 1;
        }
      }
    }

    // This month's tallies, by the household's region at the end of the month.
    const auto un = static_cast<std::size_t>(region_now);
    int away = 0;
    bool abroad = false;
    for (int k = 0; k < n_adults; ++k) {
      const std::size_t a = a0 + static_cast<std::size_t>(k);
      switch (hh.status[a]) {
        case AdultStatus::away:
          ++away;
          abroad = abroad || world.is_foreign(hh.dest[a]);
          part[off.stock + un * uD + hh.dest[a]] += 1;
          break;
        case AdultStatus::home_employed: part[off.active + un] += 1; break;
        case AdultStatus::home_unemployed:
          part[off.active + un] += 1;
          part[off.unemployed + un] += 1;
          break;
        case AdultStatus::inactive: break;
      }
    }
    part[off.remit + un] += remit;
    part[off.hh + un] += 1;
    part[off.hh_abroad + un] += abroad ? 1 : 0;
    part[off.persons + un] += hh.size[h] - away;
    part[off.income + un] += income;
  }

  // --- 4: reduction in chunk order, then this step's series and next step's aggregates.
  void reduce(std::vector<std::vector<double>>& values) {
    const std::size_t n = off.size;
    std::vector<double>& total = reduced;
    total.assign(n, 0.0);
    for (std::size_t c = 0; c < chunk_begin.size(); ++c) {
      const double* p = &partials[c * n];
      for (std::size_t i = 0; i < n; ++i) total[i] += p[i];
    }
    const auto uR = static_cast<std::size_t>(R), uD = static_cast<std::size_t>(D);
    auto copy_scaled = [&](std::size_t series, std::size_t at, std::size_t len) {
      for (std::size_t i = 0; i < len; ++i) values[series][i] = total[at + i] * inv_scale;
    };
    copy_scaled(S_STOCK, off.stock, uR * uD);
    copy_scaled(S_DEPARTURES, off.dep, uR * uD);
    copy_scaled(S_RETURNS, off.ret, uR * uD);
    copy_scaled(S_EXPULSIONS, off.exp, uR * uD);
    copy_scaled(S_REMIT_SOM, off.remit, uR);
    copy_scaled(S_INTERNAL_MOVES, off.moves, uR * uR);
    copy_scaled(S_POPULATION_HOME, off.persons, uR);
    for (std::size_t r = 0; r < uR; ++r) {
      values[S_REMIT_USD][r] = values[S_REMIT_SOM][r] / env.som_per_usd;
      values[S_UNEMPLOYMENT][r] = total[off.active + r] > 0 ? total[off.unemployed + r] / total[off.active + r] : 0.0;
      values[S_SHARE_ABROAD][r] = total[off.hh + r] > 0 ? total[off.hh_abroad + r] / total[off.hh + r] : 0.0;
      values[S_MEAN_INCOME][r] = total[off.hh + r] > 0 ? total[off.income + r] / total[off.hh + r] : 0.0;
      P_r[r] = values[S_POPULATION_HOME][r];
      income_mean_r[r] = values[S_MEAN_INCOME][r];
    }
    std::copy_n(values[S_STOCK].begin(), uR * uD, N_rd.begin());
  }
  std::vector<double> reduced;

  void step(int t, std::vector<std::vector<double>>& values) {
    prepare(t);
    std::fill(partials.begin(), partials.end(), 0.0);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, chunk_begin.size(), 1), [&](const auto& range) {
      for (std::size_t c = range.begin(); c != range.end(); ++c) {
        double* part = &partials[c * off.size];
        double* scr = &scratch[c * scratch_size];
        for (std::size_t h = chunk_begin[c]; h < chunk_end[c]; ++h) process_household(h, t, part, scr);
      }
    });
    reduce(values);
  }
};

Simulation::Simulation(const RunConfig& config, const Registries& registries)
    : config_(config), world_(config), layout_(make_layout(world_)) {
  values_.resize(layout_.series.size());
  for (std::size_t i = 0; i < values_.size(); ++i) values_[i].assign(layout_.size(i), 0.0);
  impl_ = std::make_unique<Impl>(config_, world_, registries);
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

void Simulation::step() {
  KOCHMON_ASSERT(step_ < config_.n_steps(), "step past the end of the run");
  impl_->step(step_, values_);
  ++step_;
}

RunOutcome Simulation::run(Recorder& recorder, const RunOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  recorder.begin(info(options.threads), layout_);
  std::vector<std::span<const double>> spans(values_.size());
  RunOutcome out;
  while (step_ < config_.n_steps()) {
    if (options.stop && options.stop->load()) {
      out.interrupted = true;
      break;
    }
    step();
    for (std::size_t i = 0; i < values_.size(); ++i) spans[i] = values_[i];
    recorder.record(step_ - 1, spans);
    if (options.progress) options.progress(step_, config_.n_steps());
  }
  out.steps_done = step_;
  out.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!out.interrupted) recorder.finish(RunSummary{out.wall_seconds, out.steps_done});
  return out;
}

}  // namespace kochmon::sim
