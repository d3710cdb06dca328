#ifndef KOCHMON_TESTS_UNIT_OUTPUT_SMALL_RUN_H
#define KOCHMON_TESTS_UNIT_OUTPUT_SMALL_RUN_H

// A small hand-made run for the writer and reader tests: two regions, three destinations,
// three series, values that encode (series, step, position).

#include <span>
#include <vector>

#include "sim/api/results.h"

namespace kochmon::output::small_run {

inline constexpr int N_STEPS = 30;

inline sim::ResultsLayout small_layout() {
  sim::ResultsLayout layout;
  layout.axes = {{"region", "Home region", {"chuy", "osh"}},
                 {"destination", "Destination country", {"ru", "kz", "tr"}}};
  layout.series = {{"stock", "persons", "Members away at the end of the month", {0, 1}},
                   {"remittances_som", "som/month", "Remittances received", {0}},
                   {"total_abroad", "persons", "Everyone away", {}}};
  return layout;
}

inline sim::RunInfo small_info(int n_steps = N_STEPS) {
  sim::RunInfo info;
  info.scenario_name = "tiny";
  info.resolved_yaml = "time:\n  start: 2010-01\n# ünïcode ok\n";
  info.seed = 18446744073709551557ULL; // needs all 64 bits
  info.scale = 0.01;
  info.start = sim::Month::of(2010, 1);
  info.n_steps = n_steps;
  info.households = 200;
  info.persons = 812;
  info.threads = 2;
  return info;
}

//! The value series s holds at step t, position j (row-major over its axes).
inline double expected(std::size_t s, int t, std::size_t j) {
  return 1000.0 * static_cast<double>(s) + t + 0.01 * static_cast<double>(j);
}

//! Records steps from..to−1 of `layout` with the expected() values.
inline void record_steps(sim::Recorder& rec, const sim::ResultsLayout& layout, int from, int to) {
  std::vector<std::vector<double>> values(layout.series.size());
  for (std::size_t s = 0; s < values.size(); ++s)
    values[s].resize(layout.size(s));
  for (int t = from; t < to; ++t) {
    std::vector<std::span<const double>> spans;
    for (std::size_t s = 0; s < values.size(); ++s) {
      for (std::size_t j = 0; j < values[s].size(); ++j)
        values[s][j] = expected(s, t, j);
      spans.emplace_back(values[s]);
    }
    rec.record(t, spans);
  }
}

} // namespace kochmon::output::small_run

#endif
