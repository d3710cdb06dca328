#include "sim/engine/simulation.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "sim/core/error.h"
#include "sim/core/rng.h"
#include "sim/engine/engine.h"

namespace kochmon::sim {
namespace {

std::vector<std::size_t> sample_households(const RunConfig& c, const World& w) {
  std::vector<std::size_t> out;
  if (c.output.trajectories_sample <= 0) return out;
  const auto& hh = w.households();
  for (std::size_t h = 0; h < hh.n_households(); ++h)
    if (hh.size[h] > 0 &&
        KeyedDraws(c.world_seed, Stream::world, h, 0, Purpose::trajectory_sample).uniform() <
            c.output.trajectories_sample)
      out.push_back(h);
  return out;
}

} // namespace

Simulation::Impl::Impl(const RunConfig& c, World& w, const Registries& reg) : cfg(c), world(w) {
  MonthFrame& fr = frame;
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
  const AbroadModelChoice returns = c.abroad.return_choice(), jobs_abroad = c.abroad.job_choice();
  return_model = reg.return_models.make(returns.model, returns.params);
  job_model = reg.job_models.make(jobs_abroad.model, jobs_abroad.params);
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
  off = make_offsets(R, D);
  partials.assign(chunk_begin.size() * off.size, 0.0);
  scratch_size = rules.size() * uO + uO;
  scratch.assign(chunk_begin.size() * scratch_size, 0.0);
  scratch_options.resize(chunk_begin.size() * uO);
  reduced.assign(off.size, 0.0);

  fr.options.resize(uR * uO);
  fr.origins.resize(uR);
  fr.base_scores.resize(uR * rules.size() * uO);
  fr.region_probs.resize(uR * uO);
  N_rd.assign(uR * uD, 0.0);
  P_r.assign(uR, 0.0);
  income_mean_r.assign(uR, 0.0);
  fr.u_eff.assign(uR, 0.0);
  jobs0.assign(uR, 0.0);
  jobs.assign(uR, 0.0);
  labour_force.assign(uR, 0.0);
  fr.eta.assign(uR, 0.0);
  fr.wage_som_mean12.assign(uD, 0.0);
  fr.wage_som_mean36.assign(uD, 0.0);
  fr.net_expected_d.assign(uD, 0.0);
  fr.earn_d.assign(uD, 0.0);
  for (auto* v : {&fr.legal_share_d, &fr.permit_d, &fr.tax_d, &fr.legalise_d, &fr.enforcement_d,
                  &fr.amnesty_d})
    v->assign(uD, 0.0);
  for (auto* v : {&fr.sep_r, &fr.target_r, &fr.business_income_r})
    v->assign(uR, 0.0);
  fr.find_rd.assign(uR * uD * 4, 0.0);
  fr.hazard_rd.assign(uR * uD * 4, 0.0);
  fr.net_d.assign(uD * 2, 0.0);
  for (const auto& rule : rules)
    needs_rd = needs_rd || rule->needs_relative_deprivation();
  fr.rd_hist.resize(uR);
  if (c.decision.internal_move == DecisionConfig::InternalMove::household) outsiders.reserve(H);

  // Opening aggregates: everyone at home, incomes as generated; urban jobs fill the
  // employed share of the opening labour force.
  std::vector<double> n_hh(uR, 0.0), employed(uR, 0.0);
  for (std::size_t h = 0; h < H; ++h) {
    if (hh.size[h] == 0) continue; // the reserve
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
  init_demography();
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
        const auto& rc = c.regime_config(d - uR, c.start);
        const bool legal = (hm.away_flags[a] & AwayFlags::LEGAL) != 0;
        const double gross = env0.w_d[d] * env0.fx_d[d];
        hm.earnings_abroad_som[a] = static_cast<float>(net_wage_som(
            gross, legal ? 1.0 : 0.0, rc.income_tax.at(c.start), rc.permit_cost_som.at(c.start)));
        N_rd[static_cast<std::size_t>(hm.region[h]) * uD + d] += inv_scale;
        P_r[hm.region[h]] -= inv_scale;
      }
    }
  }
}

void Simulation::Impl::step(std::vector<std::vector<double>>& values) {
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
  if (demography_on) form_households();
  reduce(values);
  ++t;
}

Simulation::Simulation(const RunConfig& config, const Registries& registries)
    : config_(config), world_(config_) {
  init(registries);
}

Simulation::Simulation(const RunConfig& config, const Registries& registries,
                       const World& prototype)
    : config_(config), world_(prototype, config_) {
  init(registries);
}

void Simulation::init(const Registries& registries) {
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
  i.resolved_values = config_.resolved_values;
  i.seed = config_.seed;
  i.scale = config_.scale;
  i.start = config_.start;
  i.n_steps = config_.n_steps();
  i.households = static_cast<std::int64_t>(world_.households().n_live());
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