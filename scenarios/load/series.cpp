// <series>: a constant, points given in the scenario, or points read from a long-format CSV.

#include <algorithm>
#include <filesystem>
#include <set>
#include <utility>

#include "scenarios/load/context.h"

namespace kochmon::scenarios {

namespace fs = std::filesystem;

namespace {

// A year ("2015") or a month ("2015-08") as a time in months (Series::Point::t).
std::optional<double> place_time(const std::string& text, sim::Series::Mode mode) {
  if (const auto m = sim::Month::parse(text)) return static_cast<double>(m->index);
  const auto y = parse_integer(text);
  if (!y || *y < 1000 || *y > 9999) return std::nullopt;
  return static_cast<double>(*y * 12 + (mode == sim::Series::Mode::interpolate ? 6 : 0));
}

std::string time_label(double t) {
  return sim::Month{static_cast<std::int32_t>(t)}.str();
}

std::string relative_to(const std::string& full, const std::string& dir) {
  std::error_code ec;
  const fs::path abs_full = fs::absolute(full, ec);
  if (ec) return full;
  const fs::path abs_dir = fs::absolute(dir.empty() ? "." : dir, ec);
  if (ec) return full;
  const fs::path rel = abs_full.lexically_normal().lexically_relative(abs_dir.lexically_normal());
  return rel.empty() ? abs_full.lexically_normal().string() : rel.string();
}

struct CsvQuery {
  std::string path; // as opened and printed
  const Node* id = nullptr;
  const Node* variable = nullptr;
  const Node* source = nullptr;
};

// The points of one (id, variable[, source]) in a CSV table, or false after an error.
bool csv_points(Node& node, const CsvQuery& q, const std::string& shown, sim::Series::Mode mode,
                std::vector<sim::Series::Point>& points, LoadContext& ctx) {
  const CsvTable* table = ctx.csv.get(q.path, node.get("csv")->pos, shown + ".csv");
  if (table == nullptr) return false;
  if (q.id != nullptr && table->col_id < 0) {
    ctx.diag.error(q.id->pos, shown + ".id", "'" + q.path + "' has no region, country or id column",
                   "remove id: from the series");
    return false;
  }
  const std::string id = q.id ? q.id->scalar : std::string();
  const std::string variable = q.variable->scalar;
  const std::string source = q.source ? q.source->scalar : std::string();
  std::set<std::string> ids, variables, sources;
  std::vector<const CsvTable::Row*> rows;
  for (const auto& row : table->rows) {
    const bool id_ok = q.id == nullptr || table->field(row, table->col_id) == id;
    if (table->col_id >= 0) ids.insert(table->field(row, table->col_id));
    if (!id_ok) continue;
    variables.insert(table->field(row, table->col_variable));
    if (table->field(row, table->col_variable) != variable) continue;
    if (table->col_source >= 0) sources.insert(table->field(row, table->col_source));
    if (q.source != nullptr &&
        (table->col_source < 0 || table->field(row, table->col_source) != source))
      continue;
    rows.push_back(&row);
  }
  if (rows.empty()) {
    std::string what = "no rows in " + q.path + " for ";
    if (q.id) what += table->id_column + " '" + id + "', ";
    what += "variable '" + variable + "'";
    if (q.source) what += ", source '" + source + "'";
    std::string hint;
    if (q.id && !ids.contains(id)) {
      hint = suggest(id, {ids.begin(), ids.end()},
                     table->id_column == "country" ? "countries" : table->id_column + "s");
    } else if (!variables.contains(variable)) {
      hint = suggest(variable, {variables.begin(), variables.end()}, "variables");
    } else {
      hint = "sources of this variable: " + join({sources.begin(), sources.end()});
    }
    ctx.diag.error(node.pos, shown, what, hint);
    return false;
  }
  bool ok = true;
  std::map<double, int> seen; // t -> line
  for (const CsvTable::Row* row : rows) {
    const std::string& year = table->field(*row, table->col_year);
    const std::string& value = table->field(*row, table->col_value);
    const auto t = place_time(year, mode);
    const auto v = parse_number(value);
    if (!t) {
      ctx.diag.error({q.path, row->line, 0}, "year", "expected a year, got '" + year + "'");
      ok = false;
      continue;
    }
    if (!v) {
      ctx.diag.error({q.path, row->line, 0}, "value", "expected a number, got '" + value + "'");
      ok = false;
      continue;
    }
    if (auto it = seen.find(*t); it != seen.end()) {
      ctx.diag.error({q.path, row->line, 0}, {},
                     "two rows for " + (q.id ? id + ", " : std::string()) + variable + ", " + year +
                         " (the other on line " + std::to_string(it->second) + ")",
                     "add source: to " + shown +
                         "; sources of this variable: " + join({sources.begin(), sources.end()}));
      ok = false;
      continue;
    }
    seen[*t] = row->line;
    points.push_back({*t, *v});
  }
  return ok;
}

} // namespace

std::optional<sim::Series> read_series(Node& node, const std::string& shown,
                                       const schema::Range& range, LoadContext& ctx) {
  if (node.is_scalar()) {
    const auto v = parse_number(node.scalar);
    if (!v) {
      ctx.diag.error(node.pos, shown,
                     "expected a number or a series (values: or csv:), got " + node.describe());
      return std::nullopt;
    }
    if (!range.contains(*v)) {
      ctx.diag.error(node.pos, shown,
                     "expected " + expected_in("a number", range) + ", got " + node.scalar);
      return std::nullopt;
    }
    const sim::Series c = sim::Series::constant(*v);
    if (ctx.evaluated != nullptr) (*ctx.evaluated)[shown] = c;
    return c;
  }
  if (!node.is_map()) {
    ctx.diag.error(node.pos, shown,
                   "expected a number or a series (values: or csv:), got " + node.describe());
    return std::nullopt;
  }
  std::vector<std::string> names;
  for (const auto& k : schema::series_keys())
    names.emplace_back(k.path);
  bool ok = true;
  for (const auto& e : node.map) {
    if (std::find(names.begin(), names.end(), e.key) == names.end()) {
      ctx.diag.error(e.key_pos, shown + "." + e.key, "unknown key",
                     suggest(e.key, names, "series keys"));
      ok = false;
    }
  }
  auto scalar_key = [&](const char* key) -> const Node* {
    const Node* n = node.get(key);
    if (n != nullptr && (!n->is_scalar() || n->scalar.empty())) {
      ctx.diag.error(n->pos, shown + "." + key, "expected a single value, got " + n->describe());
      ok = false;
      return nullptr;
    }
    return n;
  };
  Node* values = node.get("values");
  const Node* csv = scalar_key("csv");
  const Node* id = scalar_key("id");
  const Node* variable = scalar_key("variable");
  const Node* source = scalar_key("source");
  const Node* factor_node = scalar_key("factor");
  const Node* mode_node = scalar_key("mode");
  const Node* growth_node = scalar_key("growth_after_pct");
  const Node* from_node = scalar_key("from");
  Node* before_node = node.get("before");
  if (!ok) return std::nullopt;
  std::optional<sim::Series> before;
  std::optional<sim::Month> from;
  if (from_node != nullptr || before_node != nullptr) {
    if (from_node == nullptr) {
      ctx.diag.error(before_node->pos, shown + ".before", "before: goes with from:",
                     "add from: YYYY-MM, the month the series starts to apply");
      return std::nullopt;
    }
    from = sim::Month::parse(from_node->scalar);
    if (!from) {
      ctx.diag.error(from_node->pos, shown + ".from",
                     "expected a month YYYY-MM, got " + from_node->describe());
      return std::nullopt;
    }
    if (before_node == nullptr) {
      ctx.diag.error(from_node->pos, shown + ".from",
                     "nothing to keep before " + from->str() +
                         ": the key has no default and "
                         "no base file sets it",
                     "add before: <series>, the value before that month");
      return std::nullopt;
    }
    auto* const record = std::exchange(ctx.evaluated, nullptr); // before is part of this one
    before = read_series(*before_node, shown + ".before", range, ctx);
    ctx.evaluated = record;
    if (!before) return std::nullopt;
  }

  double factor = 1;
  if (factor_node) {
    const auto v = parse_number(factor_node->scalar);
    if (!v) {
      ctx.diag.error(factor_node->pos, shown + ".factor",
                     "expected a number, got " + factor_node->describe());
      return std::nullopt;
    }
    factor = *v;
  }
  sim::Series series;
  series.mode = ctx.default_mode;
  if (mode_node) {
    if (mode_node->scalar == "hold") {
      series.mode = sim::Series::Mode::hold;
    } else if (mode_node->scalar == "interpolate") {
      series.mode = sim::Series::Mode::interpolate;
    } else {
      ctx.diag.error(mode_node->pos, shown + ".mode",
                     "expected one of interpolate, hold, got " + mode_node->describe());
      return std::nullopt;
    }
  }
  if (growth_node) {
    const auto v = parse_number(growth_node->scalar);
    const schema::Range growth_range = schema::closed(-50, 100);
    if (!v || !growth_range.contains(*v)) {
      ctx.diag.error(growth_node->pos, shown + ".growth_after_pct",
                     "expected " + expected_in("a number", growth_range) + ", got " +
                         growth_node->describe());
      return std::nullopt;
    }
    series.growth_after = *v / 100.0;
  }

  if ((values != nullptr) == (csv != nullptr)) {
    ctx.diag.error(node.pos, shown,
                   values ? "give values: or csv:, not both" : "a series map needs values: or csv:",
                   "see <series> in scenarios/REFERENCE.md");
    return std::nullopt;
  }
  if (values) {
    if (id || variable || source) {
      ctx.diag.error(node.pos, shown, "id:, variable: and source: go with csv:, not values:");
      return std::nullopt;
    }
    if (!values->is_map() || values->map.empty()) {
      ctx.diag.error(values->pos, shown + ".values",
                     "expected a map of year or YYYY-MM to number, got " + values->describe());
      return std::nullopt;
    }
    std::map<double, std::string> seen;
    for (const auto& e : values->map) {
      const std::string at = shown + ".values." + e.key;
      const auto t = place_time(e.key, series.mode);
      if (!t) {
        ctx.diag.error(e.key_pos, at, "expected a year or a month YYYY-MM, got '" + e.key + "'");
        ok = false;
        continue;
      }
      const auto v = e.value.is_scalar() ? parse_number(e.value.scalar) : std::nullopt;
      if (!v) {
        ctx.diag.error(e.value.pos, at, "expected a number, got " + e.value.describe());
        ok = false;
        continue;
      }
      if (auto it = seen.find(*t); it != seen.end()) {
        ctx.diag.error(e.key_pos, at, "falls on " + time_label(*t) + " like '" + it->second + "'",
                       "keep one of the two points");
        ok = false;
        continue;
      }
      seen[*t] = e.key;
      series.points.push_back({*t, *v});
    }
  } else {
    if (variable == nullptr) {
      ctx.diag.error(node.pos, shown + ".variable",
                     "required with csv:", "name the variable column value to read");
      return std::nullopt;
    }
    CsvQuery q;
    const fs::path rel(csv->scalar);
    q.path =
        rel.is_absolute() ? rel.string() : (fs::path(csv->dir) / rel).lexically_normal().string();
    q.id = id;
    q.variable = variable;
    q.source = source;
    if (!csv_points(node, q, shown, series.mode, series.points, ctx)) return std::nullopt;
    // Keep the reference relative to the top scenario's directory, for the resolved scenario.
    Node* csv_node = node.get("csv");
    if (!rel.is_absolute()) csv_node->scalar = relative_to(q.path, ctx.top_dir);
    csv_node->dir = ctx.top_dir;
    csv_node->quoted = false;
  }
  if (!ok) return std::nullopt;
  std::sort(series.points.begin(), series.points.end(),
            [](const auto& a, const auto& b) { return a.t < b.t; });
  for (auto& p : series.points) {
    p.value *= factor;
    if (!range.contains(p.value)) {
      std::string hint;
      if (range.max <= 1 && p.value > 1 && p.value <= 100) hint = "a percentage? add factor: 0.01";
      ctx.diag.error(node.pos, shown,
                     "expected " + expected_in("values", range) + ", got " +
                         format_number(p.value) + " at " + time_label(p.t) +
                         (factor != 1 ? " (after factor " + format_number(factor) + ")" : ""),
                     hint);
      return std::nullopt;
    }
  }
  if (from) {
    series.before = std::make_shared<const sim::Series>(std::move(*before));
    series.from_t = from->index;
  }
  if (ctx.evaluated != nullptr) (*ctx.evaluated)[shown] = series;
  return series;
}

std::string render_series_values(const std::map<std::string, sim::Series>& series, sim::Month start,
                                 sim::Month end) {
  std::string out = "# Every series as the model reads it: the mean over each year's months of "
                    "the run (" +
                    start.str() + " to " + end.str() + ").\n";
  for (const auto& [key, s] : series) {
    out += '"' + key + "\": {";
    for (int y = start.year(); y <= end.year(); ++y) {
      const sim::Month a = std::max(start, sim::Month::of(y, 1));
      const sim::Month b = std::min(end, sim::Month::of(y, 12));
      double sum = 0;
      for (sim::Month m = a; m <= b; m = m + 1)
        sum += s.at(m);
      out += (y == start.year() ? "" : ", ") + std::to_string(y) + ": " +
             format_number(sum / (b - a + 1));
    }
    out += "}\n";
  }
  return out;
}

} // namespace kochmon::scenarios
