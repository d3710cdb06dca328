// `kochmon inspect`: a result file summarised for a terminal (output/writer.h).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "output/format_version.h"
#include "output/h5/h5.h"
#include "output/reader.h"
#include "output/writer.h"

namespace kochmon::output {

namespace {

// Beyond this a dataset of /validation is listed by shape (output/reader.h bounds the series).
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

template <class T> std::string shape_text(const std::vector<T>& dims) {
  std::string out;
  for (T d : dims) {
    if (!out.empty()) out += "x";
    out += std::to_string(d);
  }
  return out;
}

//! The series a user looks at first, in this order (those the file has).
constexpr const char* KEY_SERIES[] = {"stock",
                                      "departures",
                                      "returns",
                                      "expulsions",
                                      "active_bans",
                                      "new_bans",
                                      "remittances_usd",
                                      "internal_moves",
                                      "share_households_abroad",
                                      "unemployment_rate",
                                      "poverty_rate",
                                      "population_home",
                                      "mean_income_som"};

struct SeriesRow {
  std::string name, shape, unit, peak_month;
  bool mean = false; // averaged over the non-time axes (rates, shares, means), else summed
  double first = NAN, peak = NAN, last = NAN;
};

//! Rates, shares and per-household means are averaged over regions; counts and money flows
//! are summed (tools/analysis/kochmon_read.py is_intensive follows the same rule).
bool is_intensive(const std::string& name, const std::string& unit) {
  static const char* const extensive[] = {
      "persons",   "persons/month", "jobs", "households", "households/month",
      "som/month", "usd/month",     "som",  "usd"};
  bool summed = false;
  for (const char* u : extensive)
    summed = summed || unit == u;
  if (!summed) return true;
  auto starts = [&](const char* p) { return name.rfind(p, 0) == 0; };
  auto ends = [&](const std::string& p) {
    return name.size() >= p.size() && name.compare(name.size() - p.size(), p.size(), p) == 0;
  };
  return starts("mean_") || starts("share_") || ends("_rate") || ends("_gap_som") ||
         name.find("expected") != std::string::npos;
}

herr_t collect_attribute(hid_t, const char* name, const H5A_info_t*, void* data) {
  static_cast<std::vector<std::string>*>(data)->emplace_back(name);
  return 0;
}

//! One group of the validation summary: its scalar attributes, then its 1-D datasets of equal
//! length as one table (text columns first, "target" or "region" leading; numbers after),
//! other datasets by name and shape, then its subgroups the same way. Written without knowing
//! the group's exact layout (output/FORMAT.md "Validation group"), so it degrades to names and
//! shapes.
void validation_group(const h5::Group& g, const std::string& indent, std::string& out, int depth) {
  std::vector<std::string> attrs;
  hsize_t idx = 0;
  H5Aiterate2(g.id(), H5_INDEX_NAME, H5_ITER_INC, &idx, collect_attribute, &attrs);
  for (const std::string& a : attrs) {
    std::string value;
    try {
      value = g.string_attribute(a);
    } catch (const h5::Error&) {
      try {
        value = number(g.double_attribute(a));
      } catch (const h5::Error&) {
        value = "(not a scalar)";
      }
    }
    out += format("%s%-24s %s\n", indent.c_str(), a.c_str(), value.c_str());
  }
  struct Column {
    std::string name;
    std::vector<std::string> text;
    std::vector<double> values;
    bool is_text = false;
  };
  std::vector<Column> columns;
  std::vector<std::string> groups;
  for (const std::string& name : g.members()) {
    if (!g.has(name)) continue;
    const hid_t obj = H5Oopen(g.id(), name.c_str(), H5P_DEFAULT);
    if (obj < 0) continue;
    const H5I_type_t kind = H5Iget_type(obj);
    H5Oclose(obj);
    if (kind == H5I_GROUP) {
      groups.push_back(name);
      continue;
    }
    if (kind != H5I_DATASET) continue;
    const h5::Dataset d = g.open_dataset(name);
    const std::vector<hsize_t> dims = d.space().dims();
    const hid_t type = H5Dget_type(d.id());
    const H5T_class_t cls = type >= 0 ? H5Tget_class(type) : H5T_NO_CLASS;
    if (type >= 0) H5Tclose(type);
    std::size_t n = 1;
    for (hsize_t k : dims)
      n = n > MAX_VALUES ? n : n * static_cast<std::size_t>(k);
    if (dims.size() != 1 || n > 1000) {
      out += format("%s%-24s %s\n", indent.c_str(), name.c_str(),
                    dims.empty() ? (cls == H5T_STRING ? "(text)" : "(scalar)")
                                 : ("shape " + shape_text(dims)).c_str());
    } else if (cls == H5T_STRING) {
      Column c{name, d.read_strings(), {}, true};
      bool blank = true;
      for (const auto& t : c.text)
        blank = blank && t.empty();
      if (!blank) columns.push_back(std::move(c));
    } else if (cls == H5T_INTEGER || cls == H5T_FLOAT) {
      columns.push_back(Column{name, {}, d.read_doubles(), false});
    } else {
      out += format("%s%-24s shape %s\n", indent.c_str(), name.c_str(), shape_text(dims).c_str());
    }
  }
  // Text columns first, the row label ("target", "region") leading; long texts (notes) last.
  auto rank = [](const Column& c) {
    if (!c.is_text) return 2;
    if (c.name == "target" || c.name == "region") return 0;
    std::size_t longest = 0;
    for (const auto& t : c.text)
      longest = std::max(longest, t.size());
    return longest > 40 ? 3 : 1;
  };
  std::stable_sort(columns.begin(), columns.end(),
                   [&](const Column& a, const Column& b) { return rank(a) < rank(b); });
  std::size_t n_rows = 0;
  for (const auto& c : columns)
    n_rows = std::max(n_rows, c.is_text ? c.text.size() : c.values.size());
  std::vector<int> width;
  for (const auto& c : columns) {
    std::size_t w = c.name.size();
    for (const auto& t : c.text)
      w = std::max(w, t.size());
    width.push_back(c.is_text ? static_cast<int>(std::min<std::size_t>(w, 60)) : 12);
  }
  if (!columns.empty()) {
    std::string line = indent;
    for (std::size_t k = 0; k < columns.size(); ++k)
      line += columns[k].is_text ? format("%-*s ", width[k], columns[k].name.c_str())
                                 : format("%*s ", width[k], columns[k].name.c_str());
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    out += line + "\n";
    for (std::size_t i = 0; i < n_rows; ++i) {
      line = indent;
      for (std::size_t k = 0; k < columns.size(); ++k) {
        const Column& c = columns[k];
        if (c.is_text)
          line += format("%-*s ", width[k], i < c.text.size() ? c.text[i].c_str() : "");
        else
          line += format("%*s ", width[k], i < c.values.size() ? number(c.values[i]).c_str() : "");
      }
      while (!line.empty() && line.back() == ' ')
        line.pop_back();
      out += line + "\n";
    }
  }
  for (const std::string& name : groups) {
    out += format("%s%s/\n", indent.c_str(), name.c_str());
    if (depth < 2) validation_group(g.open_group(name), indent + "  ", out, depth + 1);
  }
}

//! The /validation group (validation/README.md), if the file has one.
std::string validation_summary(const RunFile& run) {
  if (!run.has_validation()) return "\nvalidation  none (no /validation group in this file)\n";
  std::string out = "\nvalidation\n";
  try {
    validation_group(run.file().open_group("validation"), "  ", out, 0);
  } catch (const h5::Error& e) {
    throw unreadable(run.path(), e);
  }
  return out;
}

std::string summarise(const RunFile& file) {
  const Meta& meta = file.meta();
  const int n_steps = meta.n_steps;
  // Months from /meta@start rather than /axes/time_label: inspect reads no variable-length
  // data, which keeps it clear of HDF5's global heap on a damaged file.
  const std::vector<std::string> months = file.axis_labels("time");

  std::string out;
  out += "file       " + file.path() + "\n";
  out += "format     " + std::string(FILETYPE) + " " + meta.format_version + ", kochmon " +
         meta.kochmon_version + " (git " + meta.git_sha + ")\n";
  out += "scenario   " + meta.scenario_name +
         format(", seed %llu, scale %g\n", static_cast<unsigned long long>(meta.seed), meta.scale);
  out += "run id     " + meta.run_id + "\n";
  out += format("run        %d threads, %.1f s wall, %lld households, %lld persons\n", meta.threads,
                meta.wall_seconds, static_cast<long long>(meta.households),
                static_cast<long long>(meta.persons));
  const std::string first_month = months.empty() ? meta.start.str() : months.front();
  const std::string last_month = months.empty() ? first_month : months.back();
  out += format("period     %s .. %s, %d months, %d done%s\n", first_month.c_str(),
                last_month.c_str(), n_steps, meta.steps_done,
                meta.complete ? "" : " (INCOMPLETE: the run did not finish)");

  std::vector<SeriesRow> rows;
  for (const SeriesInfo& info : file.series()) {
    SeriesRow row;
    row.name = info.name;
    row.shape = shape_text(info.shape);
    row.unit = info.unit.empty() ? "?" : info.unit;
    row.mean = is_intensive(info.name, row.unit);
    const std::vector<double> values = file.values(info.name).values;
    const std::size_t rows_n = info.shape[0];
    const std::size_t width = info.width();
    const std::size_t done = std::min(rows_n, static_cast<std::size_t>(meta.steps_done));

    for (std::size_t t = 0; t < done; ++t) {
      double total = 0;
      std::size_t n = 0;
      for (std::size_t j = 0; j < width; ++j) {
        const double v = values[t * width + j];
        if (std::isnan(v)) continue;
        total += v;
        ++n;
      }
      if (row.mean) total = n > 0 ? total / static_cast<double>(n) : NAN;
      if (t == 0) row.first = total;
      row.last = total;
      if (!std::isnan(total) && (std::isnan(row.peak) || total > row.peak)) {
        row.peak = total;
        row.peak_month = t < months.size() ? months[t] : "?";
      }
    }
    rows.push_back(std::move(row));
  }
  auto table = [&out](const std::vector<const SeriesRow*>& list) {
    out += format("%-30s %-4s %-14s %12s %12s %-8s %12s  %s\n", "name", "agg", "unit", "first",
                  "peak", "(month)", "last", "shape");
    for (const SeriesRow* r : list) {
      out += format("%-30s %-4s %-14s %12s %12s %-8s %12s  %s\n", r->name.c_str(),
                    r->mean ? "mean" : "sum", r->unit.c_str(), number(r->first).c_str(),
                    number(r->peak).c_str(), r->peak_month.c_str(), number(r->last).c_str(),
                    r->shape.c_str());
    }
  };
  std::vector<const SeriesRow*> key, other;
  for (const char* k : KEY_SERIES) {
    for (const SeriesRow& r : rows)
      if (r.name == k) key.push_back(&r);
  }
  for (const SeriesRow& r : rows) {
    if (std::find(key.begin(), key.end(), &r) == key.end()) other.push_back(&r);
  }
  out += "\nkey series (agg over regions and destinations: sum of counts and money, mean of "
         "rates and shares)\n";
  table(key);
  if (!other.empty()) {
    out += "\nother series\n";
    table(other);
  }
  out += validation_summary(file);
  return out;
}

} // namespace

std::string inspect(const std::string& path) {
  return summarise(RunFile(path));
}

} // namespace kochmon::output
