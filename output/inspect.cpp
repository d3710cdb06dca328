// `kochmon inspect`: a result file summarised for a terminal (output/writer.h).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "output/format_version.h"
#include "output/h5/h5.h"
#include "output/writer.h"
#include "sim/core/error.h"
#include "sim/core/month.h"

namespace kochmon::output {

namespace {

// Bounds that no real run reaches; beyond them the file is damaged.
constexpr int MAX_STEPS = 100000;
constexpr std::size_t MAX_VALUES = std::size_t{1} << 28;

std::string format(const char* fmt, auto... args) {
  char buf[512];
  std::snprintf(buf, sizeof buf, fmt, args...);
  return buf;
}

std::string number(double v) {
  if (std::isnan(v)) return "-";
  return format("%.6g", v);
}

std::string shape_text(const std::vector<hsize_t>& dims) {
  std::string out;
  for (hsize_t d : dims) {
    if (!out.empty()) out += "x";
    out += std::to_string(d);
  }
  return out;
}

std::string summarise(const std::string& path) {
  const h5::File file = h5::File::open_read(path);

  if (!file.has_attribute("filetype")) {
    throw sim::InputError(path + ": error: not a kochmon result file (no filetype attribute)");
  }
  const std::string filetype = file.string_attribute("filetype");
  if (filetype != FILETYPE) {
    throw sim::InputError(path + ": error: not a kochmon result file (filetype '" + filetype +
                          "', expected '" + FILETYPE + "')");
  }
  const std::string version = file.string_attribute("format_version");
  if (std::atoi(version.c_str()) != FORMAT_MAJOR) {
    throw sim::InputError(path + ": error: format_version '" + version +
                          "' is not supported (this kochmon reads " + std::to_string(FORMAT_MAJOR) +
                          ".x)\n  hint: inspect it with the kochmon that wrote it");
  }

  const h5::Group meta = file.open_group("meta");
  const std::int64_t n_steps_read = meta.int_attribute("n_steps");
  const std::int64_t steps_done_read = meta.int_attribute("steps_done");
  const bool plausible = n_steps_read >= 0 && n_steps_read <= MAX_STEPS && steps_done_read >= 0 &&
                         steps_done_read <= n_steps_read;
  const auto n_steps = static_cast<int>(n_steps_read);
  const auto steps_done = static_cast<int>(steps_done_read);
  if (!plausible) {
    throw sim::InputError(
        path + ": error: cannot read result file: /meta@n_steps = " + std::to_string(n_steps_read) +
        ", /meta@steps_done = " + std::to_string(steps_done_read) + " are not plausible");
  }
  const bool complete = meta.int_attribute("complete") != 0;
  // Months from /meta@start rather than /axes/time_label: inspect reads no variable-length
  // data, which keeps it clear of HDF5's global heap on a damaged file.
  const std::string start_text = meta.string_attribute("start");
  const std::optional<sim::Month> start = sim::Month::parse(start_text);
  if (!start) {
    throw sim::InputError(path + ": error: cannot read result file: /meta@start is '" + start_text +
                          "', expected YYYY-MM");
  }
  std::vector<std::string> months;
  months.reserve(static_cast<std::size_t>(n_steps));
  for (int t = 0; t < n_steps; ++t)
    months.push_back((*start + t).str());

  std::string out;
  out += "file       " + path + "\n";
  out += "format     " + filetype + " " + version + ", kochmon " +
         meta.string_attribute("kochmon_version") + " (git " + meta.string_attribute("git_sha") +
         ")\n";
  out += "scenario   " + meta.string_attribute("scenario_name") +
         format(", seed %llu, scale %g\n",
                static_cast<unsigned long long>(meta.uint_attribute("seed")),
                meta.double_attribute("scale"));
  out += "run id     " + meta.string_attribute("run_id") + "\n";
  out += format("run        %lld threads, %.1f s wall, %lld households, %lld persons\n",
                static_cast<long long>(meta.int_attribute("threads")),
                meta.double_attribute("wall_seconds"),
                static_cast<long long>(meta.int_attribute("households")),
                static_cast<long long>(meta.int_attribute("persons")));
  const std::string first_month = months.empty() ? start_text : months.front();
  const std::string last_month = months.empty() ? first_month : months.back();
  out +=
      format("period     %s .. %s, %d months, %d done%s\n", first_month.c_str(), last_month.c_str(),
             n_steps, steps_done, complete ? "" : " (INCOMPLETE: the run did not finish)");

  const h5::Group series = file.open_group("series");
  out += "\nseries (sum over all axes but time)\n";
  out += format("%-26s %-12s %-14s %12s %12s %-8s %12s\n", "name", "shape", "unit", "first", "peak",
                "(month)", "last");
  for (const std::string& name : series.members()) {
    const h5::Dataset d = series.open_dataset(name);
    const std::vector<hsize_t> dims = d.space().dims();
    const std::string unit = d.has_attribute("unit") ? d.string_attribute("unit") : "?";
    std::size_t count = 1;
    for (hsize_t n : dims) {
      count = (count > MAX_VALUES || n > MAX_VALUES) ? MAX_VALUES + 1 : count * n;
    }
    if (dims.empty() || dims[0] != static_cast<hsize_t>(n_steps) || count > MAX_VALUES) {
      throw sim::InputError(path + ": error: cannot read result file: /series/" + name +
                            " has shape " + shape_text(dims) + ", expected " +
                            std::to_string(n_steps) + " months first");
    }
    const std::vector<double> values = d.read_doubles();
    const std::size_t rows = dims.empty() ? 1 : static_cast<std::size_t>(dims[0]);
    const std::size_t width = rows == 0 ? 0 : values.size() / rows;
    const std::size_t done = std::min(rows, static_cast<std::size_t>(std::max(0, steps_done)));

    double first = NAN, last = NAN, peak = NAN;
    std::size_t peak_at = 0;
    for (std::size_t t = 0; t < done; ++t) {
      double total = 0;
      for (std::size_t j = 0; j < width; ++j)
        total += values[t * width + j];
      if (t == 0) first = total;
      last = total;
      if (std::isnan(peak) || total > peak) {
        peak = total;
        peak_at = t;
      }
    }
    const std::string peak_month =
        std::isnan(peak) ? "" : (peak_at < months.size() ? months[peak_at] : "?");
    out += format("%-26s %-12s %-14s %12s %12s %-8s %12s\n", name.c_str(), shape_text(dims).c_str(),
                  unit.c_str(), number(first).c_str(), number(peak).c_str(), peak_month.c_str(),
                  number(last).c_str());
  }
  return out;
}

} // namespace

std::string inspect(const std::string& path) {
  h5::silence_errors();
  try {
    return summarise(path);
  } catch (const h5::Error& e) {
    std::string reason = e.reason();
    if (!e.object().empty()) reason = e.action() + " '" + e.object() + "': " + reason;
    throw sim::InputError(path + ": error: cannot read result file: " + reason);
  }
}

} // namespace kochmon::output
