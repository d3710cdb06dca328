// Micro-benchmarks of one whole Simulation::step() (prepare, households in parallel, reduce)
// on a country built in code (tests/bench/bench_world.h: nine regions, three foreign
// destinations), at 10^5 and 10^6 households, push_pull only or all three rules, 1 or 2
// threads. World generation is outside the timing. Not a test: run on demand, e.g.
//   ./build/bench/tests/bench/kochmon_bench --benchmark_filter=Step
// Arguments: households, all rules (0/1), threads. The counter household_steps_per_s is the
// figure the targets of issue #6 are stated in.

#include <memory>

#include <benchmark/benchmark.h>
#include <tbb/global_control.h>

#include "agents/builtin.h"
#include "sim/engine/simulation.h"
#include "tests/bench/bench_world.h"

namespace {

using namespace kochmon;

void Step(benchmark::State& state) {
  const auto reg = agents::builtin_registries();
  bench::CountryOptions o;
  o.households = static_cast<double>(state.range(0));
  o.all_rules = state.range(1) != 0;
  o.months = 600; // enough steps for any iteration count Google Benchmark picks; rebuilt if not
  const auto threads = static_cast<std::size_t>(state.range(2));
  tbb::global_control gc(tbb::global_control::max_allowed_parallelism, threads);
  const auto cfg = bench::country_config(reg, o);
  auto sim = std::make_unique<sim::Simulation>(cfg, reg);
  const auto H = static_cast<double>(sim->world().households().n_households());
  // Warm up: the first months have everybody at home; let the stocks abroad build a little.
  for (int i = 0; i < 12; ++i)
    sim->step();
  for (auto _ : state) {
    if (sim->steps_done() == cfg.n_steps()) {
      state.PauseTiming();
      sim = std::make_unique<sim::Simulation>(cfg, reg);
      state.ResumeTiming();
    }
    sim->step();
  }
  state.SetLabel(o.all_rules ? "all rules" : "push_pull");
  state.counters["households"] = H;
  state.counters["household_steps_per_s"] =
      benchmark::Counter(H * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(Step)
    ->ArgNames({"households", "all_rules", "threads"})
    ->Args({100000, 0, 1})
    ->Args({100000, 1, 1})
    ->Args({100000, 0, 2})
    ->Args({100000, 1, 2})
    ->Args({1000000, 0, 1})
    ->Args({1000000, 1, 1})
    ->Args({1000000, 0, 2})
    ->Args({1000000, 1, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

} // namespace
