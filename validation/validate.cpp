#include "validation/validate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "output/reader.h"
#include "output/validation.h"
#include "scenarios/load/context.h"
#include "scenarios/load/csv_table.h"
#include "scenarios/load/spec_check.h"
#include "scenarios/load/tree.h"
#include "sim/core/error.h"
#include "sweep/metrics.h"
#include "validation/schema.h"

namespace kochmon::validation {

using scenarios::Diagnostics;
using scenarios::Node;
using scenarios::Pos;

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

//! A short, readable number: 4 significant digits.
std::string num(double v) {
  if (std::isnan(v)) return "-";
  return fmt("%.4g", v);
}

//! Checks one map of the file against the targets schema (validation/schema.h).
bool check(const Node& map, std::string_view pattern, const std::string& shown, Diagnostics& diag) {
  return scenarios::check_spec_map(map, target_check_keys(), pattern, shown, diag,
                                   TARGETS_REFERENCE);
}

Expr read_expr(const Node& n, const std::string& shown, Diagnostics& diag, bool has_years);

std::vector<Expr> read_args(const Node& n, const std::string& shown, Diagnostics& diag,
                            bool has_years, std::size_t exactly) {
  std::vector<Expr> out;
  if (!n.is_seq()) return out; // reported by the schema check
  if (exactly && n.seq.size() != exactly) {
    diag.error(n.pos, shown,
               "expected a list of two expressions [numerator, denominator], got " +
                   std::to_string(n.seq.size()),
               "an expression is a metric map, {ratio: [a, b]} or {sum: [a, ...]}");
    return out;
  }
  for (std::size_t i = 0; i < n.seq.size(); ++i)
    out.push_back(read_expr(n.seq[i], shown + "[" + std::to_string(i) + "]", diag, has_years));
  return out;
}

//! A metric map (sweep metric keys plus `year`), or {ratio: [a, b]}, or {sum: [...]}.
Expr read_expr(const Node& n, const std::string& shown, Diagnostics& diag, bool has_years) {
  Expr e;
  e.pos = n.pos;
  if (n.is_map() && (n.get("ratio") || n.get("sum"))) {
    const bool ratio = n.get("ratio") != nullptr;
    check(n, "<expression>", shown, diag);
    if (n.get("ratio") && n.get("sum"))
      diag.error(n.get("sum")->pos, shown, "give ratio or sum, not both");
    e.op = ratio ? Expr::Op::ratio : Expr::Op::sum;
    e.args = read_args(*n.get(ratio ? "ratio" : "sum"), shown + (ratio ? ".ratio" : ".sum"), diag,
                       has_years, ratio ? 2 : 0);
    return e;
  }
  e.op = Expr::Op::metric;
  e.metric = sweep::read_metric(n, shown, diag, target_check_keys(), "<metric>", TARGETS_REFERENCE);
  if (!n.is_map()) return e;
  if (const Node* y = n.get("year")) {
    if (n.get("from") || n.get("to"))
      diag.error(y->pos, shown + ".year", "give year or from/to, not both");
    if (const auto v = scenarios::spec_integer(y)) {
      e.metric.from = sim::Month::of(*v, 1);
      e.metric.to = sim::Month::of(*v, 12);
    }
  } else if (has_years) {
    if (const Node* f = n.get("from") ? n.get("from") : n.get("to"))
      diag.error(f->pos, shown, "a target with years: sets each row's window to its year",
                 "remove from/to, or remove years:");
  } else if (!n.get("from") || !n.get("to")) {
    diag.error(n.pos, shown, "a target metric needs a window: from and to, or year",
               "or give the target years: [...] (one row per calendar year)");
  }
  return e;
}

void collect_leaves(Expr& e, std::vector<sweep::Metric*>& out) {
  if (e.op == Expr::Op::metric) {
    out.push_back(&e.metric);
    return;
  }
  for (Expr& a : e.args)
    collect_leaves(a, out);
}

//! The rows of a scalar target: its expression with each leaf's window set to the year.
std::vector<std::pair<std::string, Expr>> instances(const Target& t) {
  std::vector<std::pair<std::string, Expr>> out;
  if (t.years.empty()) {
    Expr e = t.expr;
    std::vector<sweep::Metric*> leaves;
    collect_leaves(e, leaves);
    std::optional<sim::Month> from, to;
    for (const auto* m : leaves) {
      if (m->from && (!from || *m->from < *from)) from = m->from;
      if (m->to && (!to || *to < *m->to)) to = m->to;
    }
    std::string period = "-";
    if (from && to) {
      period = from->str() + ".." + to->str();
      if (from->month() == 1 && to->month() == 12)
        period = from->year() == to->year()
                     ? std::to_string(from->year())
                     : std::to_string(from->year()) + "-" + std::to_string(to->year());
    }
    out.emplace_back(period, std::move(e));
    return out;
  }
  for (int y : t.years) {
    Expr e = t.expr;
    std::vector<sweep::Metric*> leaves;
    collect_leaves(e, leaves);
    for (auto* m : leaves)
      if (!m->from) { // a leaf with its own year keeps it
        m->from = sim::Month::of(y, 1);
        m->to = sim::Month::of(y, 12);
      }
    out.emplace_back(std::to_string(y), std::move(e));
  }
  return out;
}

double eval(const Expr& e, const std::vector<double>& values, std::size_t& next) {
  switch (e.op) {
  case Expr::Op::metric:
    return values[next++];
  case Expr::Op::ratio: {
    const double a = eval(e.args[0], values, next);
    const double b = eval(e.args[1], values, next);
    return b == 0 ? NaN : a / b;
  }
  case Expr::Op::sum: {
    double s = 0;
    for (const Expr& a : e.args)
      s += eval(a, values, next);
    return s;
  }
  }
  return NaN;
}

struct InternalObs {
  std::map<std::pair<std::string, int>, std::pair<double, double>> cells; // arrivals, departures
};

InternalObs read_internal_csv(const Target& t) {
  Diagnostics diag;
  scenarios::CsvCache cache(diag);
  const scenarios::CsvTable* table = cache.get(t.csv, t.pos, t.id + ".csv");
  diag.throw_if_any();
  InternalObs obs;
  if (!table || table->col_id < 0 || table->col_year < 0 || table->col_variable < 0 ||
      table->col_value < 0) {
    diag.error(t.pos, t.id + ".csv",
               "'" + t.csv + "' needs the columns region, year, variable, value");
    diag.throw_if_any();
  }
  for (const auto& row : table->rows) {
    const std::string& var = table->field(row, table->col_variable);
    const bool arr = var == "interoblast_arrivals_persons";
    const bool dep = var == "interoblast_departures_persons";
    if (!arr && !dep) continue;
    const std::string& region = table->field(row, table->col_id);
    if (region == "kyrgyzstan") continue;
    const auto year = scenarios::parse_integer(table->field(row, table->col_year));
    const auto value = scenarios::parse_number(table->field(row, table->col_value));
    if (!year || !value) {
      diag.error(Pos{t.csv, row.line, 0}, {}, "expected a year and a number");
      continue;
    }
    auto& cell = obs.cells.try_emplace({region, static_cast<int>(*year)}, NaN, NaN).first->second;
    (arr ? cell.first : cell.second) = *value;
  }
  diag.throw_if_any();
  return obs;
}

} // namespace

const char* name_of(Status s) {
  switch (s) {
  case Status::pass:
    return "pass";
  case Status::fail:
    return "FAIL";
  case Status::not_covered:
    return "not covered";
  }
  return "?";
}

double RegionRow::arrivals_rel_diff() const {
  return arrivals_obs > 0 ? (arrivals_sim - arrivals_obs) / arrivals_obs : NaN;
}
double RegionRow::departures_rel_diff() const {
  return departures_obs > 0 ? (departures_sim - departures_obs) / departures_obs : NaN;
}

Targets load_targets(const std::string& path) {
  Diagnostics diag;
  const Node root =
      scenarios::read_spec_file(path, "the targets file", "a map with name and targets",
                                "start from scenarios/kyrgyzstan/targets.yaml", diag);
  Targets out;
  out.path = path;
  {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    out.text = ss.str();
  }
  check(root, "", "", diag);
  if (auto v = scenarios::spec_string(root.get("name"))) out.name = *v;
  const Node* list = root.get("targets");
  if (!list || !list->is_seq() || list->seq.empty()) { // reported by the schema check
    diag.throw_if_any();
    return out;
  }
  std::set<std::string> ids;
  // Keys of one kind of target only: reported as such rather than as unknown keys.
  const std::vector<std::string> scalar_only = {"metric", "ratio", "sum",       "value",
                                                "low",    "high",  "tolerance", "unit"};
  const std::vector<std::string> internal_only = {"csv", "max_mean_relative_difference",
                                                  "net_gainers"};
  for (std::size_t i = 0; i < list->seq.size(); ++i) {
    const Node& n = list->seq[i];
    const std::string shown = "targets[" + std::to_string(i) + "]";
    Target t;
    t.pos = n.pos;
    if (!check(n, "targets[]", shown, diag)) continue;
    if (auto k = scenarios::spec_string(n.get("kind")); k && *k == "internal_migration")
      t.kind = Kind::internal_migration;
    for (const auto& key : t.kind == Kind::scalar ? internal_only : scalar_only)
      if (const Node* v = n.get(key))
        diag.error(v->pos, shown + "." + key,
                   std::string("not a key of a ") +
                       (t.kind == Kind::scalar ? "scalar" : "internal_migration") + " target",
                   t.kind == Kind::scalar ? "set kind: internal_migration, or remove it"
                                          : "remove it, or leave kind: out (scalar)");
    if (const Node* v = n.get("id"))
      if (auto s = scenarios::spec_string(v)) {
        t.id = *s;
        if (scenarios::is_id(t.id) && !ids.insert(t.id).second)
          diag.error(v->pos, shown + ".id", "target '" + t.id + "' is already defined");
      }
    if (auto v = scenarios::spec_string(n.get("description"))) t.description = *v;
    if (auto v = scenarios::spec_string(n.get("source"))) t.source = *v;
    if (auto x = scenarios::spec_number(n.get("weight"))) t.weight = *x;
    if (const Node* v = n.get("years"); v && v->is_seq()) {
      for (std::size_t k = 0; k < v->seq.size(); ++k)
        if (auto y = scenarios::spec_integer(&v->seq[k]); y && *y >= 1900 && *y <= 2200) {
          if (std::find(t.years.begin(), t.years.end(), *y) != t.years.end())
            diag.error(v->seq[k].pos, shown + ".years", "year " + std::to_string(*y) + " twice");
          t.years.push_back(static_cast<int>(*y));
        }
    }
    if (t.kind == Kind::internal_migration) {
      if (!n.get("years")) diag.error(n.pos, shown, "missing required key 'years'");
      if (const Node* v = n.get("csv")) {
        if (auto s = scenarios::spec_string(v); s && !s->empty()) {
          std::filesystem::path p = std::filesystem::path(scenarios::dir_of(path)) / *s;
          std::error_code ec;
          if (!std::filesystem::is_regular_file(p, ec))
            diag.error(v->pos, shown + ".csv", "no file '" + p.string() + "'",
                       "csv is relative to the targets file's directory");
          t.csv = p.lexically_normal().string();
        }
      } else {
        diag.error(n.pos, shown, "missing required key 'csv'");
      }
      if (auto x = scenarios::spec_number(n.get("max_mean_relative_difference")))
        t.max_mean_relative_difference = *x;
      if (const Node* v = n.get("net_gainers"); v && v->is_seq())
        for (const auto& item : v->seq)
          if (auto s = scenarios::spec_string(&item)) t.net_gainers.push_back(*s);
      out.targets.push_back(std::move(t));
      continue;
    }
    // Scalar: exactly one of metric, ratio, sum.
    const Node* metric = n.get("metric");
    const Node* ratio = n.get("ratio");
    const Node* sum = n.get("sum");
    const int given = (metric != nullptr) + (ratio != nullptr) + (sum != nullptr);
    if (given != 1) {
      diag.error(given ? (ratio ? ratio : sum)->pos : n.pos, shown,
                 given ? "give one of metric, ratio, sum" : "missing 'metric' (or ratio, sum)",
                 "metric: {series: stock, reduce: mean}; ratio: [a, b]; sum: [a, b, ...]");
    } else if (metric) {
      t.expr = read_expr(*metric, shown + ".metric", diag, !t.years.empty());
    } else {
      t.expr.op = ratio ? Expr::Op::ratio : Expr::Op::sum;
      t.expr.pos = (ratio ? ratio : sum)->pos;
      t.expr.args = read_args(ratio ? *ratio : *sum, shown + (ratio ? ".ratio" : ".sum"), diag,
                              !t.years.empty(), ratio ? 2 : 0);
    }
    t.value = scenarios::spec_number(n.get("value"));
    t.low = scenarios::spec_number(n.get("low"));
    t.high = scenarios::spec_number(n.get("high"));
    if (!t.value && !t.low && !t.high)
      diag.error(n.pos, shown, "missing the observed value: give value, or low and/or high");
    if (t.low && t.high && !(*t.low < *t.high))
      diag.error(n.get("high")->pos, shown + ".high", "expected high > low");
    if (t.value && !t.low && !t.high && *t.value == 0)
      diag.error(n.get("value")->pos, shown + ".value",
                 "a value of 0 has no relative error; give low/high instead");
    if (auto x = scenarios::spec_number(n.get("tolerance"))) t.tolerance = *x;
    if (t.value && !t.low && !t.high && !n.get("tolerance"))
      diag.error(n.pos, shown, "a target with a value alone needs a tolerance (relative)",
                 "e.g. tolerance: 0.2 passes within 20% of the value");
    if (auto v = scenarios::spec_string(n.get("unit"))) t.unit = *v;
    out.targets.push_back(std::move(t));
  }
  diag.throw_if_any();
  return out;
}

Extract extract(const std::string& run_file, const Targets& targets) {
  Extract out;
  sim::Month start{};
  int n_steps = 0;
  std::vector<std::string> regions, origins;
  std::vector<double> moves; // [t][origin][region]
  {
    const output::RunFile file(run_file);
    start = file.meta().start;
    n_steps = file.meta().steps_done;
    bool want_internal = false;
    for (const auto& t : targets.targets)
      want_internal = want_internal || t.kind == Kind::internal_migration;
    if (want_internal) {
      if (!file.has_series("internal_moves"))
        throw sim::InputError(run_file + ": error: no series internal_moves (needed by the "
                                         "internal_migration target)");
      const auto info = file.series_info("internal_moves");
      const std::string axes = scenarios::join(info.axes, ",");
      if (axes != "time,origin_region,region")
        throw sim::InputError(run_file + ": error: internal_moves has axes '" + axes +
                              "', expected time,origin_region,region");
      moves = file.values("internal_moves").values;
      regions = file.axis_labels("region");
      origins = file.axis_labels("origin_region");
      if (origins != regions)
        throw sim::RunError(run_file + ": origin_region and region labels differ");
    }
  }
  const sim::Month last = start + (n_steps - 1);
  auto covered = [&](const sweep::Metric& m) {
    return m.from && m.to && !(*m.from < start) && !(last < *m.to);
  };
  std::vector<sweep::Metric> wanted;
  std::vector<bool> is_covered;
  for (const auto& t : targets.targets) {
    if (t.kind != Kind::scalar) continue;
    for (auto& [period, e] : instances(t)) {
      std::vector<sweep::Metric*> leaves;
      collect_leaves(e, leaves);
      bool all = true;
      for (const auto* m : leaves)
        all = all && covered(*m);
      for (const auto* m : leaves) {
        is_covered.push_back(all);
        if (all) wanted.push_back(*m);
      }
    }
  }
  const std::vector<double> got = sweep::compute_metrics(run_file, wanted);
  std::size_t k = 0;
  for (bool c : is_covered)
    out.metric_values.push_back(c ? got[k++] : NaN);
  // Internal moves: per target, year, region: arrivals from and departures to other regions.
  out.regions = regions;
  const std::size_t R = regions.size();
  for (const auto& t : targets.targets) {
    if (t.kind != Kind::internal_migration) continue;
    for (int y : t.years) {
      const sim::Month a = sim::Month::of(y, 1), b = sim::Month::of(y, 12);
      const bool in = !(a < start) && !(last < b);
      for (std::size_t r = 0; r < R; ++r) {
        double arr = 0, dep = 0;
        if (in) {
          for (int ti = a - start; ti <= b - start; ++ti) {
            const std::size_t base = static_cast<std::size_t>(ti) * R * R;
            for (std::size_t o = 0; o < R; ++o) {
              if (o == r) continue;
              arr += moves[base + o * R + r];
              dep += moves[base + r * R + o];
            }
          }
        }
        out.internal.push_back(in ? arr : NaN);
        out.internal.push_back(in ? dep : NaN);
      }
    }
  }
  return out;
}

Extract mean(const std::vector<Extract>& xs) {
  if (xs.empty()) throw sim::RunError("no replicate to average");
  Extract out = xs.front();
  out.n = 0;
  for (auto& v : out.metric_values)
    v = 0;
  for (auto& v : out.internal)
    v = 0;
  for (const auto& x : xs) {
    for (std::size_t i = 0; i < out.metric_values.size(); ++i)
      out.metric_values[i] += x.metric_values[i] / static_cast<double>(xs.size());
    for (std::size_t i = 0; i < out.internal.size(); ++i)
      out.internal[i] += x.internal[i] / static_cast<double>(xs.size());
    out.n += x.n;
  }
  return out;
}

Report evaluate(const Targets& targets, const Extract& e, const std::string& run_file) {
  Report rep;
  std::size_t next = 0, next_internal = 0;
  for (const auto& t : targets.targets) {
    if (t.kind == Kind::scalar) {
      for (auto& [period, ex] : instances(t)) {
        Row row;
        row.target = t.id;
        row.period = period;
        row.value = t.value;
        row.low = t.low;
        row.high = t.high;
        row.unit = t.unit;
        row.weight = t.weight;
        row.simulated = eval(ex, e.metric_values, next);
        if (std::isnan(row.simulated)) {
          row.status = Status::not_covered;
          row.error = NaN;
        } else if (t.low || t.high) {
          const double width =
              t.low && t.high ? *t.high - *t.low : std::fabs(t.low ? *t.low : *t.high);
          const double below = t.low ? *t.low - row.simulated : -1;
          const double above = t.high ? row.simulated - *t.high : -1;
          const double dist = std::max({0.0, below, above});
          row.error = width > 0 ? dist / width : dist;
          row.status = row.error <= t.tolerance ? Status::pass : Status::fail;
        } else {
          row.error = (row.simulated - *t.value) / std::fabs(*t.value);
          row.status = std::fabs(row.error) <= t.tolerance ? Status::pass : Status::fail;
        }
        rep.rows.push_back(std::move(row));
      }
      continue;
    }
    // Internal migration.
    const InternalObs obs = read_internal_csv(t);
    const std::size_t R = e.regions.size();
    for (const auto& [key, v] : obs.cells)
      if (std::find(e.regions.begin(), e.regions.end(), key.first) == e.regions.end())
        throw sim::InputError(t.csv + ": error: region '" + key.first + "' is not a region of " +
                              run_file);
    double sum_abs = 0, sum_sq = 0;
    int n = 0;
    bool all_years = true;
    std::map<std::string, double> net; // over the covered years
    std::vector<std::string> period_years;
    for (int y : t.years) {
      bool year_in = true;
      for (std::size_t r = 0; r < R; ++r) {
        const double arr = e.internal[next_internal++];
        const double dep = e.internal[next_internal++];
        const auto it = obs.cells.find({e.regions[r], y});
        if (it == obs.cells.end()) continue; // no data for that region and year
        if (std::isnan(arr)) {
          year_in = false;
          continue;
        }
        RegionRow rr;
        rr.region = e.regions[r];
        rr.year = y;
        rr.arrivals_sim = arr;
        rr.departures_sim = dep;
        rr.arrivals_obs = it->second.first;
        rr.departures_obs = it->second.second;
        for (const auto& [sim_v, obs_v] :
             {std::pair{arr, rr.arrivals_obs}, std::pair{dep, rr.departures_obs}})
          if (obs_v > 0) {
            sum_abs += std::fabs(sim_v / obs_v - 1);
            // The objective uses the log ratio (floored at 5% of the observed value): symmetric,
            // so that no internal moves at all cannot look better than too many.
            const double l = std::log(std::max(sim_v, 0.05 * obs_v) / obs_v);
            sum_sq += l * l;
            ++n;
          }
        net[rr.region] += arr - dep; // simulated net gain
        rep.regions.push_back(rr);
      }
      if (year_in)
        period_years.push_back(std::to_string(y));
      else
        all_years = false;
    }
    const std::string period =
        period_years.empty()
            ? std::to_string(t.years.front()) + "-" + std::to_string(t.years.back())
            : (period_years.size() == 1 ? period_years.front()
                                        : period_years.front() + "-" + period_years.back());
    Row mrd;
    mrd.target = t.id + "_mean_rel_diff";
    mrd.period = period + (all_years || period_years.empty() ? "" : " (part)");
    mrd.high = t.max_mean_relative_difference;
    mrd.unit = "fraction";
    mrd.in_objective = false;
    Row gain;
    gain.target = t.id + "_net_gainers";
    gain.period = mrd.period;
    gain.unit = "regions";
    gain.in_objective = false;
    if (n == 0) {
      mrd.status = gain.status = Status::not_covered;
      mrd.simulated = gain.simulated = mrd.error = gain.error = NaN;
    } else {
      rep.mean_relative_difference = sum_abs / n;
      mrd.simulated = rep.mean_relative_difference;
      mrd.error = std::max(0.0, mrd.simulated - *mrd.high) / *mrd.high;
      mrd.status = mrd.simulated <= *mrd.high ? Status::pass : Status::fail;
      // The objective sees every region and year: weight * mean squared log ratio.
      rep.objective += t.weight * sum_sq / n;
      if (!t.net_gainers.empty()) {
        int agree = 0;
        std::string sim_gainers;
        for (const auto& [region, v] : net) {
          const bool is_gainer = v > 0;
          const bool should =
              std::find(t.net_gainers.begin(), t.net_gainers.end(), region) != t.net_gainers.end();
          agree += is_gainer == should;
          if (is_gainer) sim_gainers += (sim_gainers.empty() ? "" : " ") + region;
        }
        gain.simulated = agree;
        gain.value = static_cast<double>(net.size());
        gain.error = static_cast<double>(net.size()) - agree;
        gain.status = agree == static_cast<int>(net.size()) ? Status::pass : Status::fail;
        std::string want;
        for (const auto& g : t.net_gainers)
          want += (want.empty() ? "" : " ") + g;
        gain.note = "regions whose sign of net agrees; simulated gainers: " +
                    (sim_gainers.empty() ? std::string("none") : sim_gainers) +
                    "; observed: " + want;
      }
    }
    rep.rows.push_back(std::move(mrd));
    if (!t.net_gainers.empty()) rep.rows.push_back(std::move(gain));
  }
  for (const Row& r : rep.rows) {
    if (r.status == Status::not_covered) {
      ++rep.not_covered;
      continue;
    }
    (r.status == Status::pass ? rep.passed : rep.failed) += 1;
    if (r.in_objective) rep.objective += r.weight * r.error * r.error;
  }
  return rep;
}

namespace {

std::string observed_text(const Row& r) {
  std::string s;
  if (r.low && r.high)
    s = num(*r.low) + " to " + num(*r.high);
  else if (r.low)
    s = ">= " + num(*r.low);
  else if (r.high)
    s = "<= " + num(*r.high);
  if (r.value) s = s.empty() ? num(*r.value) : num(*r.value) + " (" + s + ")";
  return s;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s)
    out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string csv_num(double v) {
  return std::isnan(v) ? std::string() : fmt("%.10g", v);
}

std::string csv_opt(const std::optional<double>& v) {
  return v ? csv_num(*v) : std::string();
}

} // namespace

std::string format_table(const Report& r) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%-36s %-10s %12s  %-24s %9s  %s\n", "target", "period",
                "simulated", "observed", "error", "pass");
  out += line;
  out += std::string(100, '-') + "\n";
  for (const Row& row : r.rows) {
    std::snprintf(line, sizeof line, "%-36s %-10s %12s  %-24s %9s  %s\n", row.target.c_str(),
                  row.period.c_str(), num(row.simulated).c_str(), observed_text(row).c_str(),
                  num(row.error).c_str(), name_of(row.status));
    out += line;
    if (!row.note.empty()) out += "    " + row.note + "\n";
  }
  std::snprintf(line, sizeof line, "%d passed, %d failed, %d not covered; objective %.4g\n",
                r.passed, r.failed, r.not_covered, r.objective);
  out += line;
  if (!r.regions.empty()) {
    out += "\ninter-oblast migration (persons per year; rel = sim / obs - 1)\n";
    std::snprintf(line, sizeof line, "%-12s %5s %10s %10s %7s %10s %10s %7s\n", "region", "year",
                  "arr_sim", "arr_obs", "rel", "dep_sim", "dep_obs", "rel");
    out += line;
    for (const RegionRow& g : r.regions) {
      std::snprintf(line, sizeof line, "%-12s %5d %10.0f %10.0f %7.2f %10.0f %10.0f %7.2f\n",
                    g.region.c_str(), g.year, g.arrivals_sim, g.arrivals_obs, g.arrivals_rel_diff(),
                    g.departures_sim, g.departures_obs, g.departures_rel_diff());
      out += line;
    }
    std::snprintf(line, sizeof line, "mean |relative difference| %.3f\n",
                  r.mean_relative_difference);
    out += line;
  }
  return out;
}

void write_csv(const Report& r, const std::string& path) {
  std::ostringstream s;
  s << "target,period,simulated,value,low,high,error,status,unit,note\n";
  for (const Row& row : r.rows)
    s << csv_field(row.target) << ',' << csv_field(row.period) << ',' << csv_num(row.simulated)
      << ',' << csv_opt(row.value) << ',' << csv_opt(row.low) << ',' << csv_opt(row.high) << ','
      << csv_num(row.error) << ',' << name_of(row.status) << ',' << csv_field(row.unit) << ','
      << csv_field(row.note) << '\n';
  if (!r.regions.empty()) {
    s << "\nregion,year,arrivals_sim,arrivals_obs,arrivals_rel_diff,departures_sim,"
         "departures_obs,departures_rel_diff\n";
    for (const RegionRow& g : r.regions)
      s << g.region << ',' << g.year << ',' << csv_num(g.arrivals_sim) << ','
        << csv_num(g.arrivals_obs) << ',' << csv_num(g.arrivals_rel_diff()) << ','
        << csv_num(g.departures_sim) << ',' << csv_num(g.departures_obs) << ','
        << csv_num(g.departures_rel_diff()) << '\n';
  }
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << s.str();
    out.flush();
    if (!out) throw sim::RunError("cannot write " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw sim::RunError("cannot rename " + tmp + " to " + path + ": " + ec.message());
}

void write_group(const Report& r, const Targets& targets, const std::string& run_file) {
  output::ValidationTable t;
  t.targets_file = targets.path;
  t.targets_name = targets.name;
  t.targets_yaml = targets.text;
  t.passed = r.passed;
  t.failed = r.failed;
  t.not_covered = r.not_covered;
  t.objective = r.objective;
  t.mean_relative_difference = r.mean_relative_difference;
  for (const Row& row : r.rows) {
    output::ValidationRow v;
    v.target = row.target;
    v.period = row.period;
    v.simulated = row.simulated;
    v.value = row.value.value_or(NaN);
    v.low = row.low.value_or(NaN);
    v.high = row.high.value_or(NaN);
    v.error = row.error;
    v.status = row.status == Status::pass   ? output::ValidationStatus::pass
               : row.status == Status::fail ? output::ValidationStatus::fail
                                            : output::ValidationStatus::not_covered;
    v.unit = row.unit;
    v.note = row.note;
    t.rows.push_back(std::move(v));
  }
  for (const RegionRow& x : r.regions)
    t.regions.push_back({x.region, static_cast<std::int32_t>(x.year), x.arrivals_sim,
                         x.arrivals_obs, x.arrivals_rel_diff(), x.departures_sim, x.departures_obs,
                         x.departures_rel_diff()});
  output::write_validation(run_file, t);
}

} // namespace kochmon::validation
