#include "sweep/metrics.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>

#include "output/reader.h"
#include "scenarios/load/diagnostics.h"
#include "sim/core/error.h"

namespace kochmon::sweep {
namespace {

[[noreturn]] void metric_error(const Metric& m, const std::string& what, const std::string& hint) {
  scenarios::Diagnostics diag;
  diag.error(m.pos, "metric '" + m.name + "'", what, hint);
  diag.throw_if_any();
  throw sim::InputError(what); // not reached
}

} // namespace

std::string run_file_problem(const std::string& path, std::uint64_t seed) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return "missing";
  try {
    const output::RunFile file(path);
    const output::Meta& meta = file.meta();
    if (!meta.finished())
      return "incomplete: " + std::to_string(meta.steps_done) + " of " +
             std::to_string(meta.n_steps) + " months";
    if (meta.seed != seed)
      return "seed " + std::to_string(meta.seed) + ", expected " + std::to_string(seed);
    // The series must be readable to the end: a file cut short fails here.
    for (const auto& name : file.series_names())
      (void)file.values(name);
  } catch (const output::ReadError& e) {
    return e.kind() == output::ReadError::Kind::unreadable ? "unreadable: " + e.reason()
                                                           : e.reason();
  } catch (const sim::RunError& e) {
    return std::string("unreadable: ") + e.what();
  }
  return "";
}

std::vector<double> compute_metrics(const std::string& path, const std::vector<Metric>& metrics) {
  const output::RunFile file(path);
  const sim::Month start = file.meta().start;
  const int n_steps = file.meta().n_steps;
  const std::vector<std::string> names = file.series_names();
  std::vector<double> out;
  for (const Metric& m : metrics) {
    if (!file.has_series(m.series))
      metric_error(m, "no series '" + m.series + "' in " + path,
                   scenarios::suggest(m.series, names, "series"));
    const output::SeriesInfo info = file.series_info(m.series);
    const auto& dims = info.shape;
    const auto& axes = info.axes;
    // Cells of one month selected on each axis after time.
    std::vector<std::vector<std::size_t>> chosen(dims.size());
    for (std::size_t a = 1; a < dims.size(); ++a) {
      for (std::size_t i = 0; i < dims[a]; ++i)
        chosen[a].push_back(i);
    }
    for (const auto& [axis, labels] : m.select) {
      const auto it = axes.empty() ? axes.end() : std::find(axes.begin() + 1, axes.end(), axis);
      if (it == axes.end())
        metric_error(m, "series '" + m.series + "' has no axis '" + axis + "'",
                     axes.empty() ? "it has no axes attribute"
                                  : "its axes are " + scenarios::join(std::vector<std::string>(
                                                          axes.begin() + 1, axes.end())));
      const auto a = static_cast<std::size_t>(it - axes.begin());
      const auto labels_of_axis = file.axis_labels(axis);
      chosen[a].clear();
      for (const auto& label : labels) {
        const auto l = std::find(labels_of_axis.begin(), labels_of_axis.end(), label);
        if (l == labels_of_axis.end())
          metric_error(m, "axis '" + axis + "' has no label '" + label + "'",
                       scenarios::suggest(label, labels_of_axis, "labels"));
        chosen[a].push_back(static_cast<std::size_t>(l - labels_of_axis.begin()));
      }
    }
    const sim::Month from = m.from.value_or(start), to = m.to.value_or(start + (n_steps - 1));
    if (from < start || to > start + (n_steps - 1))
      metric_error(m,
                   "window " + from.str() + " to " + to.str() + " is outside the run (" +
                       start.str() + " to " + (start + (n_steps - 1)).str() + ")",
                   "move from/to inside the scenario's time.start..time.end");
    const std::vector<double> values = file.values(m.series).values;
    std::vector<double> weights;
    if (!m.weight.empty()) {
      if (!file.has_series(m.weight))
        metric_error(m, "no weight series '" + m.weight + "' in " + path,
                     scenarios::suggest(m.weight, names, "series"));
      const output::SeriesInfo w = file.series_info(m.weight);
      const std::string axes_text = scenarios::join(info.axes, ",");
      if (w.shape != info.shape || w.axes != info.axes)
        metric_error(m, "weight series '" + m.weight + "' has other axes than '" + m.series + "'",
                     "a weight must have the axes " + axes_text);
      weights = file.values(m.weight).values;
    }
    std::size_t cells = 1;
    for (std::size_t a = 1; a < dims.size(); ++a)
      cells *= dims[a];
    std::vector<double> per_month;
    for (int t = from - start; t <= to - start; ++t) {
      // Visit every combination of chosen indices (odometer over the axes).
      double acc = 0, wsum = 0;
      std::size_t count = 0;
      std::vector<std::size_t> pos(dims.size(), 0);
      bool empty = false;
      for (std::size_t a = 1; a < dims.size(); ++a)
        empty = empty || chosen[a].empty();
      while (!empty) {
        std::size_t offset = 0;
        for (std::size_t a = 1; a < dims.size(); ++a)
          offset = offset * dims[a] + chosen[a][pos[a]];
        const std::size_t cell = static_cast<std::size_t>(t) * cells + offset;
        const double w = weights.empty() ? 1.0 : weights[cell];
        acc += w * values[cell];
        wsum += w;
        ++count;
        std::size_t a = dims.size();
        while (a-- > 1) {
          if (++pos[a] < chosen[a].size()) break;
          pos[a] = 0;
        }
        if (a == 0 || dims.size() == 1) break;
      }
      per_month.push_back(m.across == Across::mean && count > 0 ? acc / wsum : acc);
    }
    double v = 0;
    switch (m.reduce) {
    case Reduce::sum:
      for (double x : per_month)
        v += x;
      break;
    case Reduce::mean:
      for (double x : per_month)
        v += x;
      v /= static_cast<double>(per_month.size());
      break;
    case Reduce::last:
      v = per_month.back();
      break;
    case Reduce::first:
      v = per_month.front();
      break;
    case Reduce::max:
      v = *std::max_element(per_month.begin(), per_month.end());
      break;
    case Reduce::min:
      v = *std::min_element(per_month.begin(), per_month.end());
      break;
    }
    out.push_back(v * m.scale);
  }
  return out;
}

} // namespace kochmon::sweep
