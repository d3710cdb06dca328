// Whole-run benchmark: household-steps per second for the Kyrgyzstan base scenario.
// Not a test: run on demand, e.g.
//   ./build/release/tests/bench/kochmon_bench --benchmark_filter=BaseScenario
// Arguments: scale ×1000 and threads.

#include <string>

#include <benchmark/benchmark.h>
#include <tbb/global_control.h>

#include "agents/builtin.h"
#include "scenarios/load/loader.h"
#include "sim/engine/simulation.h"

namespace {

using namespace kochmon;

void BaseScenario(benchmark::State& state) {
  const double scale = static_cast<double>(state.range(0)) / 1000.0;
  const auto threads = static_cast<std::size_t>(state.range(1));
  tbb::global_control gc(tbb::global_control::max_allowed_parallelism, threads);
  const auto reg = agents::builtin_registries();
  scenarios::LoadOptions lo;
  lo.overrides = {"scale=" + std::to_string(scale)};
  const auto cfg = scenarios::load_scenario(
      std::string(KOCHMON_SOURCE_DIR) + "/scenarios/kyrgyzstan/base.yaml", reg, lo);
  double household_steps = 0;
  for (auto _ : state) {
    state.PauseTiming();
    sim::Simulation sim(cfg, reg); // world generation is not part of the step rate
    state.ResumeTiming();
    for (int t = 0; t < cfg.n_steps(); ++t)
      sim.step();
    household_steps += static_cast<double>(sim.world().households().n_households()) * cfg.n_steps();
    state.counters["households"] = static_cast<double>(sim.world().households().n_households());
    state.counters["bytes_per_person"] = static_cast<double>(sim.world().households().bytes()) /
                                         static_cast<double>(sim.world().persons());
  }
  state.counters["household_steps_per_s"] =
      benchmark::Counter(household_steps, benchmark::Counter::kIsRate);
}
BENCHMARK(BaseScenario)
    ->Args({100, 1})
    ->Args({100, 2})
    ->Args({1000, 1})
    ->Args({1000, 2})
    ->Unit(benchmark::kSecond)
    ->Iterations(1)
    ->UseRealTime();

} // namespace

BENCHMARK_MAIN();
