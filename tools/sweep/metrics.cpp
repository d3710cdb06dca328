#include "tools/sweep/metrics.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>

#include "output/format_version.h"
#include "output/h5/h5.h"
#include "scenarios/load/diagnostics.h"
#include "sim/core/error.h"

namespace kochmon::sweep {
namespace {

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

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
  output::h5::silence_errors();
  try {
    const auto file = output::h5::File::open_read(path);
    if (!file.has_attribute("filetype") || file.string_attribute("filetype") != output::FILETYPE)
      return "not a kochmon run file";
    const auto meta = file.open_group("meta");
    const auto n_steps = meta.int_attribute("n_steps");
    const auto done = meta.int_attribute("steps_done");
    if (meta.int_attribute("complete") != 1 || done != n_steps)
      return "incomplete: " + std::to_string(done) + " of " + std::to_string(n_steps) + " months";
    const auto s = meta.uint_attribute("seed");
    if (s != seed) return "seed " + std::to_string(s) + ", expected " + std::to_string(seed);
    // The series must be readable to the end: a file cut short fails here.
    const auto series = file.open_group("series");
    for (const auto& name : series.members())
      (void)series.open_dataset(name).read_doubles();
  } catch (const sim::RunError& e) {
    return std::string("unreadable: ") + e.what();
  }
  return "";
}

std::vector<double> compute_metrics(const std::string& path, const std::vector<Metric>& metrics) {
  output::h5::silence_errors();
  const auto file = output::h5::File::open_read(path);
  const auto meta = file.open_group("meta");
  const auto start = sim::Month::parse(meta.string_attribute("start"));
  const auto n_steps = static_cast<int>(meta.int_attribute("n_steps"));
  if (!start) throw sim::RunError(path + ": /meta@start is not a month");
  const auto series = file.open_group("series");
  const auto axes_group = file.open_group("axes");
  std::vector<double> out;
  for (const Metric& m : metrics) {
    if (!series.has(m.series))
      metric_error(m, "no series '" + m.series + "' in " + path,
                   scenarios::suggest(m.series, series.members(), "series"));
    const auto ds = series.open_dataset(m.series);
    const auto dims = ds.space().dims();
    const auto axes = split(ds.string_attribute("axes"), ',');
    // Cells of one month selected on each axis after time.
    std::vector<std::vector<std::size_t>> chosen(dims.size());
    for (std::size_t a = 1; a < dims.size(); ++a) {
      for (std::size_t i = 0; i < dims[a]; ++i)
        chosen[a].push_back(i);
    }
    for (const auto& [axis, labels] : m.select) {
      const auto it = std::find(axes.begin() + 1, axes.end(), axis);
      if (it == axes.end())
        metric_error(m, "series '" + m.series + "' has no axis '" + axis + "'",
                     "its axes are " +
                         scenarios::join(std::vector<std::string>(axes.begin() + 1, axes.end())));
      const auto a = static_cast<std::size_t>(it - axes.begin());
      const auto names = axes_group.open_dataset(axis).read_strings();
      chosen[a].clear();
      for (const auto& label : labels) {
        const auto l = std::find(names.begin(), names.end(), label);
        if (l == names.end())
          metric_error(m, "axis '" + axis + "' has no label '" + label + "'",
                       scenarios::suggest(label, names, "labels"));
        chosen[a].push_back(static_cast<std::size_t>(l - names.begin()));
      }
    }
    const sim::Month from = m.from.value_or(*start), to = m.to.value_or(*start + (n_steps - 1));
    if (from < *start || to > *start + (n_steps - 1))
      metric_error(m,
                   "window " + from.str() + " to " + to.str() + " is outside the run (" +
                       start->str() + " to " + (*start + (n_steps - 1)).str() + ")",
                   "move from/to inside the scenario's time.start..time.end");
    const std::vector<double> values = ds.read_doubles();
    std::vector<double> weights;
    if (!m.weight.empty()) {
      if (!series.has(m.weight))
        metric_error(m, "no weight series '" + m.weight + "' in " + path,
                     scenarios::suggest(m.weight, series.members(), "series"));
      const auto wd = series.open_dataset(m.weight);
      if (wd.space().dims() != dims || wd.string_attribute("axes") != ds.string_attribute("axes"))
        metric_error(m, "weight series '" + m.weight + "' has other axes than '" + m.series + "'",
                     "a weight must have the axes " + ds.string_attribute("axes"));
      weights = wd.read_doubles();
    }
    std::size_t cells = 1;
    for (std::size_t a = 1; a < dims.size(); ++a)
      cells *= dims[a];
    std::vector<double> per_month;
    for (int t = from - *start; t <= to - *start; ++t) {
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
