#ifndef KOCHMON_SIM_API_RESULTS_H
#define KOCHMON_SIM_API_RESULTS_H

// What a run produces, described as data so that output/ needs no change when the engine
// records a new series: named axes with labels, and per-step series over some of those axes.
// Every value is at full-population scale (a sample's counts divided by the scale).

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sim/core/month.h"

namespace kochmon::sim {

//! A labelled axis other than time: region, destination, ...
struct Axis {
  std::string name; // "region", "destination", "origin_region"
  std::string description;
  std::vector<std::string> labels; // ids, as in the scenario
};

//! One per-step series: its dataset name, unit, meaning and axes (after time).
struct SeriesInfo {
  std::string name;        // snake_case, the HDF5 dataset name under /series
  std::string unit;        // "persons", "persons/month", "som/month", "fraction", "usd/month"
  std::string description; // one sentence
  std::vector<int> axes;   // indices into ResultsLayout::axes; empty for a scalar series
};

struct ResultsLayout {
  std::vector<Axis> axes;
  std::vector<SeriesInfo> series;

  //! Number of values per step of series i (product of its axes' sizes).
  std::size_t size(std::size_t i) const {
    std::size_t n = 1;
    for (int a : series[i].axes)
      n *= axes[static_cast<std::size_t>(a)].labels.size();
    return n;
  }
};

//! Facts about the run that are known before the first step.
struct RunInfo {
  std::string scenario_name;
  std::string resolved_yaml;
  std::string resolved_values; // RunConfig::resolved_values (empty: not written)
  std::uint64_t seed = 0;
  double scale = 1;
  Month start;
  int n_steps = 0;
  std::int64_t households = 0; // simulated (sample) households
  std::int64_t persons = 0;    // simulated persons
  int threads = 1;
};

//! Facts known at the end.
struct RunSummary {
  double wall_seconds = 0;
  int steps_done = 0;
};

//! Where the engine sends results; output/ implements it. Called on the main thread only.
class Recorder {
public:
  virtual ~Recorder() = default;
  virtual void begin(const RunInfo& info, const ResultsLayout& layout) = 0;
  //! Values of every series for one step, in layout order (values[i].size() == layout.size(i)).
  virtual void record(int step, std::span<const std::span<const double>> values) = 0;
  //! The run completed: make the result permanent.
  virtual void finish(const RunSummary& summary) = 0;
};

} // namespace kochmon::sim

#endif
