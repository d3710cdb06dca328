// Micro-benchmark of the HDF5 recorder: begin, 120 monthly appends of a realistic layout (the
// engine's own layout for nine regions and twelve destinations; with or without a trajectories
// sample of about 1,000 households), finish (rename), to a temporary file. Not a test.
//   ./build/bench/tests/bench/kochmon_bench --benchmark_filter=H5
// Argument: trajectories sampled (0/1).

#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <unistd.h>

#include "agents/builtin.h"
#include "output/writer.h"
#include "sim/engine/simulation.h"
#include "tests/bench/bench_world.h"

namespace {

using namespace kochmon;

void H5Append120(benchmark::State& state) {
  const auto reg = agents::builtin_registries();
  bench::CountryOptions o;
  o.households = 1e5;
  o.months = 120;
  auto cfg = bench::country_config(reg, o);
  if (state.range(0) != 0) cfg.output.trajectories_sample = 0.01;
  const sim::Simulation sim(cfg, reg); // only for its layout and run info
  const auto& layout = sim.layout();
  std::vector<std::vector<double>> values(layout.series.size());
  std::size_t doubles = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    values[i].resize(layout.size(i));
    for (std::size_t j = 0; j < values[i].size(); ++j)
      values[i][j] = 1000.0 + static_cast<double>(i * 7 + j);
    doubles += values[i].size();
  }
  std::vector<std::span<const double>> spans(values.begin(), values.end());
  const auto dir = std::filesystem::temp_directory_path();
  const std::string path =
      (dir / ("kochmon_bench_h5_" + std::to_string(::getpid()) + ".h5")).string();
  for (auto _ : state) {
    output::WriterOptions wo;
    wo.path = path;
    wo.compression = cfg.output.compression;
    wo.chunk_months = cfg.output.chunk_months;
    wo.run_id = "bench";
    auto rec = output::make_h5_recorder(wo);
    rec->begin(sim.info(1), layout);
    for (int t = 0; t < 120; ++t) {
      values[0][0] = t; // not all chunks identical
      rec->record(t, spans);
    }
    rec->finish(sim::RunSummary{0.0, 120});
  }
  std::filesystem::remove(path);
  state.SetLabel(std::to_string(layout.series.size()) + " series, " + std::to_string(doubles) +
                 " doubles/step");
  state.counters["steps_per_s"] = benchmark::Counter(
      120.0 * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["bytes_per_step"] = static_cast<double>(doubles * sizeof(double));
}
BENCHMARK(H5Append120)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

} // namespace
