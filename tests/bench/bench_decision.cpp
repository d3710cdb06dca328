// Micro-benchmarks of the decision step's parts on hand-built contexts (13 options, the shape
// of the Kyrgyzstan base: stay, nine regions, three foreign destinations):
//   - each rule's score_region (once per region and month) and score (per deciding household),
//   - each combinator's probabilities (per deciding household when a rule looks at households),
//   - the relative-deprivation histogram: build over 10^5 incomes, 10^5 lookups.
// Not a test: run on demand, e.g.
//   ./build/bench/tests/bench/kochmon_bench --benchmark_filter='Rule|Combinator|Histogram'

#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "agents/builtin.h"
#include "sim/api/decision_rule.h"
#include "sim/engine/relative_deprivation.h"
#include "tests/bench/bench_world.h"

namespace {

using namespace kochmon;

constexpr std::size_t N_OPTIONS = 13;

//! One origin region and its 13 options, with plausible values (Osh oblast, 2016).
struct HandContext {
  std::vector<sim::OptionView> options;
  sim::OriginView origin;
  sim::RegionContext region;
  sim::HouseholdView household;

  HandContext() : options(N_OPTIONS), region{sim::Month::of(2016, 1), 72, {}, {}} {
    origin.region = 4;
    origin.w_r = 9500;
    origin.u_r = 0.08;
    origin.p_r = 0.92;
    origin.P_r = 1.2e6;
    origin.poverty_r = 0.3;
    origin.income_mean_r = 14000;
    origin.land_ha_mean = 0.25;
    origin.sigma2_r = 0.03;
    for (std::size_t i = 1; i < N_OPTIONS; ++i) {
      auto& v = options[i];
      const bool foreign = i >= 10;
      v.foreign = foreign;
      v.available = i != 1 + 4;
      v.urban = i == 7 || i == 8;
      v.w_d = foreign ? 40000.0 + 1000.0 * static_cast<double>(i)
                      : 8000.0 + 900.0 * static_cast<double>(i);
      v.fx_d = foreign ? 1.2 : 1.0;
      v.u_d = 0.05 + 0.005 * static_cast<double>(i);
      v.p_d = 1.0 - v.u_d;
      v.c_d = foreign ? 40000.0 : 5000.0;
      v.dist_km = 100.0 * static_cast<double>(i);
      v.N_rd = 1000.0 * static_cast<double>(i);
      v.fee_d = foreign ? 0.015 : 0.0;
      v.detect_d = foreign ? 0.01 : 0.0;
      v.legal_d = foreign ? 0.6 : 1.0;
      v.net_earnings_d = v.w_d * v.fx_d * 0.87;
      v.m_d = 0.4;
      v.sigma2_d = v.u_d / (1 - v.u_d) + (1 - v.legal_d) * v.detect_d + 0.0225;
      v.corr_rd = foreign ? 0.3 : 0.0;
    }
    region.origin = origin;
    region.options = options;
    household.size = 5;
    household.adults_home = 2;
    household.adults_away = 1;
    household.land_ha = 0.2;
    household.income_som = 15000;
    household.income_mean_som = 14500;
    household.income_var = 4e6;
    household.savings_som = 30000;
    household.relative_deprivation = 0.12;
  }
};

const sim::Registries& registries() {
  static const sim::Registries reg = agents::builtin_registries();
  return reg;
}

std::unique_ptr<sim::DecisionRule> make_rule(const std::string& name) {
  const auto& reg = registries();
  return reg.rules.make(name, bench::plugin_defaults(*reg.rules.find(name)));
}

const char* const RULES[] = {"push_pull", "harris_todaro", "nelm"};
const char* const COMBINATORS[] = {"logit", "weighted", "sequential", "any", "all"};

void RuleScoreRegion(benchmark::State& state) {
  const auto rule = make_rule(RULES[state.range(0)]);
  state.SetLabel(RULES[state.range(0)]);
  HandContext c;
  std::vector<double> s(N_OPTIONS);
  for (auto _ : state) {
    rule->score_region(c.region, s);
    benchmark::DoNotOptimize(s.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(RuleScoreRegion)->DenseRange(0, 2);

void RuleScore(benchmark::State& state) {
  const auto rule = make_rule(RULES[state.range(0)]);
  state.SetLabel(std::string(RULES[state.range(0)]) +
                 (rule->uses_household() ? "" : " (no household part: base copied)"));
  HandContext c;
  std::vector<double> base(N_OPTIONS), s(N_OPTIONS);
  rule->score_region(c.region, base);
  const sim::DecisionContext ctx{c.region, c.household};
  for (auto _ : state) {
    // Vary the household a little so the compiler cannot hoist anything.
    c.household.income_som += 1.0;
    rule->score(ctx, base, s);
    benchmark::DoNotOptimize(s.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(RuleScore)->DenseRange(0, 2);

void CombinatorProbabilities(benchmark::State& state) {
  const auto& reg = registries();
  const std::string name = COMBINATORS[state.range(0)];
  const auto comb = reg.combinators.make(name, bench::plugin_defaults(*reg.combinators.find(name)));
  state.SetLabel(name + ", 3 rules");
  HandContext c;
  std::vector<double> scores(3 * N_OPTIONS);
  for (std::size_t k = 0; k < 3; ++k) {
    const auto rule = make_rule(RULES[k]);
    rule->score_region(c.region, std::span<double>(&scores[k * N_OPTIONS], N_OPTIONS));
  }
  const std::vector<double> weights{1.0, 1.0, 1.0};
  std::vector<double> p(N_OPTIONS);
  const sim::CombineInput in{scores, weights, c.options, 0.02};
  for (auto _ : state) {
    scores[1] += 1e-9;
    comb->probabilities(in, p);
    benchmark::DoNotOptimize(p.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(CombinatorProbabilities)->DenseRange(0, 4);

// Household incomes of one large region: lognormal around 14,000 som, some zeros.
std::vector<double> incomes(std::size_t n) {
  std::mt19937_64 gen(42);
  std::lognormal_distribution<double> ln(std::log(14000.0), 0.7);
  std::vector<double> y(n);
  for (std::size_t i = 0; i < n; ++i)
    y[i] = i % 50 == 0 ? 0.0 : ln(gen);
  return y;
}

void HistogramBuild(benchmark::State& state) {
  const auto y = incomes(static_cast<std::size_t>(state.range(0)));
  sim::IncomeHistogram h;
  for (auto _ : state) {
    h.clear();
    for (double v : y)
      h.add(v);
    h.finish();
    benchmark::DoNotOptimize(h.mean_relative_deprivation());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(HistogramBuild)->Arg(100000)->Unit(benchmark::kMicrosecond);

void HistogramLookup(benchmark::State& state) {
  const auto y = incomes(static_cast<std::size_t>(state.range(0)));
  sim::IncomeHistogram h;
  for (double v : y)
    h.add(v);
  h.finish();
  for (auto _ : state) {
    double acc = 0;
    for (double v : y)
      acc += h.relative_deprivation(v);
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(HistogramLookup)->Arg(100000)->Unit(benchmark::kMicrosecond);

// clear() alone: the engine clears one histogram per region per month (2 × 6,144 doubles).
void HistogramClear(benchmark::State& state) {
  sim::IncomeHistogram h;
  for (auto _ : state) {
    h.clear();
    benchmark::ClobberMemory();
  }
}
BENCHMARK(HistogramClear)->Unit(benchmark::kMicrosecond);

} // namespace
