#include "calibration/calibrate.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <mutex>
#include <numeric>
#include <set>
#include <span>
#include <sstream>
#include <thread>

#include <yaml-cpp/yaml.h>

#include "calibration/schema.h"
#include "output/writer.h"
#include "scenarios/load/context.h"
#include "scenarios/load/loader.h"
#include "scenarios/load/spec_check.h"
#include "scenarios/load/tree.h"
#include "sim/core/error.h"
#include "sweep/identity.h"
#include "sweep/run_dir.h"
#include "sweep/spec.h"

namespace kochmon::calibration {

using scenarios::Diagnostics;
using scenarios::Node;
using scenarios::Pos;

namespace {

//! Checks one map of the spec against the calibration schema (calibration/schema.h).
bool check(const Node& map, std::string_view pattern, const std::string& shown, Diagnostics& diag) {
  return scenarios::check_spec_map(map, spec_keys(), pattern, shown, diag, SPEC_REFERENCE);
}

std::string path_from(const std::string& spec, const std::string& rel) {
  std::error_code ec;
  return std::filesystem::absolute(std::filesystem::path(scenarios::dir_of(spec)) / rel, ec)
      .lexically_normal()
      .string();
}

std::string g(double v) {
  return scenarios::format_number(v);
}

std::string short_num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.5g", v);
  return buf;
}

} // namespace

Spec load_spec(const std::string& path, const std::vector<std::string>& command_line_set) {
  Diagnostics diag;
  const Node root =
      scenarios::read_spec_file(path, "the calibration spec", "a map of calibration keys",
                                "start from scenarios/calibration/kyrgyzstan.yaml", diag);
  Spec s;
  s.path = path;
  check(root, "", "", diag);
  if (auto v = scenarios::spec_string(root.get("name"))) s.name = *v;
  for (const char* key : {"base", "targets"})
    if (const Node* n = root.get(key))
      if (auto v = scenarios::spec_string(n); v && !v->empty()) {
        const std::string p = path_from(path, *v);
        std::error_code ec;
        if (!std::filesystem::is_regular_file(p, ec))
          diag.error(n->pos, key, "no file '" + p + "'",
                     "paths are relative to the spec's directory");
        (std::string(key) == "base" ? s.base : s.targets) = p;
      }
  if (const Node* n = root.get("set"); n && n->is_seq())
    for (std::size_t i = 0; i < n->seq.size(); ++i)
      if (auto v = scenarios::spec_string(&n->seq[i])) {
        sweep::check_override_syntax(*v, n->seq[i].pos, "set[" + std::to_string(i) + "]", diag);
        s.set.push_back(*v);
      }
  s.period_pos = root.pos;
  if (const Node* n = root.get("period"); n && n->is_map() && check(*n, "period", "period", diag)) {
    s.period_pos = n->pos;
    if (auto y = scenarios::spec_integer(n->get("from"))) s.from_year = static_cast<int>(*y);
    if (auto y = scenarios::spec_integer(n->get("to"))) s.to_year = static_cast<int>(*y);
    if (s.to_year < s.from_year) diag.error(n->pos, "period", "expected from <= to");
  }
  if (const Node* n = root.get("run_end")) {
    const auto m = n->is_scalar() ? sim::Month::parse(n->scalar) : std::nullopt;
    if (m && (m->year() < s.to_year || (m->year() == s.to_year && m->month() < 12)))
      diag.error(n->pos, "run_end",
                 "the runs must cover the period (to " + std::to_string(s.to_year) + "-12)");
    else if (m)
      s.run_end = m->str();
  }
  if (auto x = scenarios::spec_number(root.get("scale"))) s.scale = *x;
  if (const Node* n = root.get("seeds"); n && n->is_seq())
    for (const Node& e : n->seq)
      if (auto v = scenarios::spec_integer(&e); v && *v >= 0)
        s.seeds.push_back(static_cast<std::uint64_t>(*v));
  if (auto v = scenarios::spec_integer(root.get("max_evaluations")))
    s.max_evaluations = static_cast<int>(*v);
  if (auto x = scenarios::spec_number(root.get("initial_step"))) s.initial_step = *x;
  if (auto x = scenarios::spec_number(root.get("ftol"))) s.ftol = *x;
  if (auto v = scenarios::spec_integer(root.get("jobs"))) s.jobs = static_cast<int>(*v);
  if (auto v = scenarios::spec_string(root.get("method")))
    s.method = *v == "abc_smc" ? Spec::Method::abc_smc : Spec::Method::nelder_mead;
  if (const Node* n = root.get("abc"); n && n->is_map() && check(*n, "abc", "abc", diag)) {
    if (s.method != Spec::Method::abc_smc)
      diag.error(n->pos, "abc", "the abc: keys are read only with method: abc_smc",
                 "add method: abc_smc, or remove abc:");
    if (auto v = scenarios::spec_integer(n->get("particles")))
      s.abc.particles = static_cast<int>(*v);
    if (auto v = scenarios::spec_integer(n->get("generations")))
      s.abc.generations = static_cast<int>(*v);
    if (auto x = scenarios::spec_number(n->get("quantile"))) s.abc.quantile = *x;
    if (auto x = scenarios::spec_number(n->get("min_acceptance"))) s.abc.min_acceptance = *x;
    if (auto v = scenarios::spec_integer(n->get("max_simulations"))) s.abc.max_simulations = *v;
    if (auto v = scenarios::spec_integer(n->get("seed")))
      s.abc.seed = static_cast<std::uint64_t>(*v);
    if (auto v = scenarios::spec_string(n->get("kernel")))
      s.abc.kernel = *v == "local" ? AbcKernel::local : AbcKernel::global;
  }
  s.abc.jobs = s.jobs;
  if (const Node* n = root.get("parameters"); n && n->is_seq()) {
    std::set<std::string> names;
    for (std::size_t i = 0; i < n->seq.size(); ++i) {
      const Node& pn = n->seq[i];
      const std::string shown = "parameters[" + std::to_string(i) + "]";
      Param p;
      p.pos = pn.pos;
      if (!check(pn, "parameters[]", shown, diag)) continue;
      if (const Node* v = pn.get("key"))
        if (auto t = scenarios::spec_string(v)) {
          p.key = *t;
          sweep::check_key_path_syntax(p.key, v->pos, shown + ".key", diag);
        }
      p.name = p.key;
      if (auto t = scenarios::spec_string(pn.get("name"))) p.name = *t;
      if (!p.name.empty() && !names.insert(p.name).second)
        diag.error(pn.pos, shown + ".name", "parameter '" + p.name + "' is already defined");
      const auto min = scenarios::spec_number(pn.get("min"));
      const auto max = scenarios::spec_number(pn.get("max"));
      const auto start = scenarios::spec_number(pn.get("start"));
      if (auto b = scenarios::spec_bool(pn.get("log"))) p.log = *b;
      if (auto t = scenarios::spec_string(pn.get("unit"))) p.unit = *t;
      const bool ok = min && max && (start || !pn.get("start")); // bad: the schema check says
      if (ok) {
        p.min = *min;
        p.max = *max;
        p.start = start ? *start
                        : (p.log && p.min > 0 ? std::sqrt(p.min * p.max) : 0.5 * (p.min + p.max));
      }
      if (ok && !(p.min < p.max))
        diag.error(pn.get("max")->pos, shown + ".max",
                   "expected max > min (found min " + g(p.min) + ", max " + g(p.max) +
                       "): an empty prior range",
                   "a parameter held fixed belongs in set:");
      else if (ok && !(p.start > p.min && p.start < p.max))
        diag.error(pn.get("start") ? pn.get("start")->pos : pn.pos, shown + ".start",
                   "expected a start strictly between min and max (" + g(p.min) + ", " + g(p.max) +
                       ")");
      if (ok && p.log && !(p.min > 0))
        diag.error(pn.get("min")->pos, shown + ".min", "log: true needs min > 0");
      s.params.push_back(std::move(p));
    }
  }
  for (const std::string& v : command_line_set) {
    sweep::check_override_syntax(v, Pos{"--set " + v, 0, 0}, {}, diag);
    s.command_line_set.push_back(v);
  }
  diag.throw_if_any();
  return s;
}

double to_search(const Param& p, double x) {
  const double lo = p.log ? std::log(p.min) : p.min, hi = p.log ? std::log(p.max) : p.max;
  const double t = ((p.log ? std::log(x) : x) - lo) / (hi - lo);
  const double c = std::clamp(t, 1e-12, 1 - 1e-12);
  return std::log(c / (1 - c));
}

double from_search(const Param& p, double u) {
  const double lo = p.log ? std::log(p.min) : p.min, hi = p.log ? std::log(p.max) : p.max;
  const double t = 1 / (1 + std::exp(-u));
  const double y = lo + t * (hi - lo);
  return std::clamp(p.log ? std::exp(y) : y, p.min, p.max);
}

double from_unit(const Param& p, double z) {
  const double lo = p.log ? std::log(p.min) : p.min, hi = p.log ? std::log(p.max) : p.max;
  const double y = lo + std::clamp(z, 0.0, 1.0) * (hi - lo);
  return std::clamp(p.log ? std::exp(y) : y, p.min, p.max);
}

double to_unit(const Param& p, double x) {
  const double lo = p.log ? std::log(p.min) : p.min, hi = p.log ? std::log(p.max) : p.max;
  return std::clamp(((p.log ? std::log(x) : x) - lo) / (hi - lo), 0.0, 1.0);
}

NelderMeadResult nelder_mead(const std::function<double(const std::vector<double>&)>& f,
                             const std::vector<double>& x0, double step, int max_evals,
                             double ftol) {
  const std::size_t n = x0.size();
  NelderMeadResult res;
  std::vector<std::vector<double>> x(n + 1, x0);
  std::vector<double> fx(n + 1);
  auto eval = [&](const std::vector<double>& p) {
    ++res.evaluations;
    const double v = f(p);
    return std::isnan(v) ? std::numeric_limits<double>::infinity() : v;
  };
  fx[0] = eval(x[0]);
  for (std::size_t i = 0; i < n; ++i) {
    x[i + 1][i] += step;
    fx[i + 1] = eval(x[i + 1]);
  }
  std::vector<std::size_t> order(n + 1);
  auto sort = [&] {
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return fx[a] < fx[b]; });
    std::vector<std::vector<double>> xs;
    std::vector<double> fs;
    for (std::size_t i : order) {
      xs.push_back(x[i]);
      fs.push_back(fx[i]);
    }
    x = std::move(xs);
    fx = std::move(fs);
  };
  auto combo = [&](const std::vector<double>& a, const std::vector<double>& b, double t) {
    std::vector<double> out(n);
    for (std::size_t k = 0; k < n; ++k)
      out[k] = a[k] + t * (b[k] - a[k]);
    return out;
  };
  for (;;) {
    sort();
    double size = 0;
    for (std::size_t i = 1; i <= n; ++i)
      for (std::size_t k = 0; k < n; ++k)
        size = std::max(size, std::fabs(x[i][k] - x[0][k]));
    if (fx[n] - fx[0] <= ftol || size < 1e-8) {
      res.converged = true;
      break;
    }
    if (res.evaluations >= max_evals) break;
    std::vector<double> c(n, 0.0);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t k = 0; k < n; ++k)
        c[k] += x[i][k] / static_cast<double>(n);
    const auto xr = combo(c, x[n], -1.0); // c + (c - worst)
    const double fr = eval(xr);
    if (fr < fx[0]) {
      const auto xe = combo(c, x[n], -2.0);
      const double fe = res.evaluations < max_evals ? eval(xe) : fr + 1;
      if (fe < fr) {
        x[n] = xe;
        fx[n] = fe;
      } else {
        x[n] = xr;
        fx[n] = fr;
      }
      continue;
    }
    if (fr < fx[n - 1]) {
      x[n] = xr;
      fx[n] = fr;
      continue;
    }
    if (res.evaluations >= max_evals) {
      if (fr < fx[n]) {
        x[n] = xr;
        fx[n] = fr;
      }
      continue;
    }
    const bool outside = fr < fx[n];
    const auto xc = outside ? combo(c, xr, 0.5) : combo(c, x[n], 0.5);
    const double fc = eval(xc);
    if (outside ? fc <= fr : fc < fx[n]) {
      x[n] = xc;
      fx[n] = fc;
      continue;
    }
    // Shrink towards the best vertex.
    for (std::size_t i = 1; i <= n && res.evaluations < max_evals; ++i) {
      x[i] = combo(x[0], x[i], 0.5);
      fx[i] = eval(x[i]);
    }
  }
  res.x = x[0];
  res.f = fx[0];
  return res;
}

std::vector<std::string> overrides(const Spec& spec, const std::vector<double>& x) {
  std::vector<std::string> out = spec.set;
  char end[16];
  std::snprintf(end, sizeof end, "%04d-12", spec.to_year);
  out.push_back("time.end=" + (spec.run_end.empty() ? std::string(end) : spec.run_end));
  out.push_back("scale=" + g(spec.scale));
  out.insert(out.end(), spec.command_line_set.begin(), spec.command_line_set.end());
  for (std::size_t i = 0; i < spec.params.size(); ++i)
    out.push_back(spec.params[i].key + "=" + g(x[i]));
  return out;
}

validation::Targets period_targets(const Spec& spec) {
  validation::Targets t = validation::load_targets(spec.targets);
  std::vector<validation::Target> kept;
  for (auto& target : t.targets) {
    if (!target.years.empty()) {
      std::vector<int> ys;
      for (int y : target.years)
        if (y >= spec.from_year && y <= spec.to_year) ys.push_back(y);
      if (ys.empty()) continue;
      target.years = ys;
    } else if (target.kind == validation::Kind::scalar) {
      // A target with its own windows is kept only when they lie inside the period.
      bool inside = true;
      std::function<void(const validation::Expr&)> visit = [&](const validation::Expr& e) {
        if (e.op == validation::Expr::Op::metric)
          inside = inside && e.metric.from && e.metric.to &&
                   e.metric.from->year() >= spec.from_year && e.metric.to->year() <= spec.to_year;
        for (const auto& a : e.args)
          visit(a);
      };
      visit(target.expr);
      if (!inside) continue;
    }
    kept.push_back(std::move(target));
  }
  t.targets = std::move(kept);
  return t;
}

validation::Extract evaluate_point(const Spec& spec, const validation::Targets& targets,
                                   const std::vector<double>& x, const sim::Registries& registries,
                                   const Options& o) {
  std::vector<sim::RunConfig> configs;
  for (std::uint64_t seed : spec.seeds) {
    scenarios::LoadOptions lo;
    lo.overrides = overrides(spec, x);
    lo.seed = seed;
    configs.push_back(scenarios::load_scenario(spec.base, registries, lo));
  }
  const std::string runs = o.dir + "/runs";
  std::filesystem::create_directories(runs);
  std::vector<validation::Extract> got(spec.seeds.size());
  std::vector<std::string> errors(spec.seeds.size());
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (;;) {
      const std::size_t i = next.fetch_add(1);
      if (i >= configs.size()) return;
      try {
        const std::string file = runs + "/seed-" + std::to_string(spec.seeds[i]) + ".h5";
        o.run(configs[i], file);
        got[i] = validation::extract(file, targets);
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    }
  };
  std::vector<std::thread> pool;
  const int jobs = std::max(1, std::min<int>(spec.jobs, static_cast<int>(configs.size())));
  for (int j = 1; j < jobs; ++j)
    pool.emplace_back(worker);
  worker();
  for (auto& t : pool)
    t.join();
  for (const auto& e : errors)
    if (!e.empty()) throw sim::RunError("calibration run failed: " + e);
  return validation::mean(got);
}

Outcome calibrate(const Spec& spec, const sim::Registries& registries, const Options& o) {
  const validation::Targets targets = period_targets(spec);
  Outcome out;
  std::vector<double> u0;
  for (const auto& p : spec.params)
    u0.push_back(to_search(p, p.start));
  auto values = [&](const std::vector<double>& u) {
    std::vector<double> x;
    for (std::size_t i = 0; i < u.size(); ++i)
      x.push_back(from_search(spec.params[i], u[i]));
    return x;
  };
  double best = std::numeric_limits<double>::infinity();
  const auto t_start = std::chrono::steady_clock::now();
  auto objective = [&](const std::vector<double>& u) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::vector<double> x = values(u);
    const validation::Extract e = evaluate_point(spec, targets, x, registries, o);
    const validation::Report r = validation::evaluate(targets, e, spec.base);
    Evaluation ev{x, r.objective,
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()};
    out.history.push_back(ev);
    best = std::min(best, r.objective);
    if (!o.quiet) {
      std::string ps;
      for (std::size_t i = 0; i < x.size(); ++i)
        ps += " " + spec.params[i].name + "=" + short_num(x[i]);
      std::fprintf(stderr, "calibrate: eval %3zu/%d  objective %10.4f  best %10.4f %s  (%.1f s)\n",
                   out.history.size(), spec.max_evaluations, r.objective, best, ps.c_str(),
                   ev.seconds);
    }
    return r.objective;
  };
  const NelderMeadResult nm =
      nelder_mead(objective, u0, spec.initial_step, spec.max_evaluations, spec.ftol);
  out.best = values(nm.x);
  out.objective = nm.f;
  out.converged = nm.converged;
  // The report of the best point (rerun: the run files hold the last evaluation).
  const validation::Extract e = evaluate_point(spec, targets, out.best, registries, o);
  out.report = validation::evaluate(targets, e, spec.base);
  if (!o.quiet)
    std::fprintf(stderr, "calibrate: %zu evaluations in %.0f s, best objective %.4f%s\n",
                 out.history.size(),
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count(),
                 out.objective, out.converged ? " (converged)" : " (evaluation budget reached)");
  return out;
}

void write_reports(const Spec& spec, const Outcome& out, const Options& o) {
  std::filesystem::create_directories(o.dir);
  std::ostringstream md;
  double total = 0;
  for (const auto& h : out.history)
    total += h.seconds;
  md << "# Calibration fit report: " << spec.name << "\n\n"
     << "Written by `kochmon calibrate " << spec.path << "` (calibration/README.md).\n\n"
     << "- base scenario: `" << std::filesystem::path(spec.base).filename().string() << "`\n"
     << "- targets: `" << std::filesystem::path(spec.targets).filename().string() << "`, years "
     << spec.from_year << "–" << spec.to_year << " (runs from the scenario's start to "
     << (spec.run_end.empty() ? std::to_string(spec.to_year) + "-12" : spec.run_end) << ")\n"
     << "- scale " << g(spec.scale) << ", replicates (seeds, common to every evaluation):";
  for (auto s : spec.seeds)
    md << " " << s;
  md << "\n- fixed overrides:";
  if (spec.set.empty()) md << " none";
  for (const auto& s : spec.set)
    md << " `" << s << "`";
  md << "\n- command-line overrides (`--set`, after `set:`, the run end and the scale, before "
        "the parameters):";
  if (spec.command_line_set.empty()) md << " none";
  for (const auto& s : spec.command_line_set)
    md << " `" << s << "`";
  md << "\n- optimiser: Nelder–Mead in logit space (initial step " << g(spec.initial_step) << "), "
     << out.history.size() << " evaluations (budget " << spec.max_evaluations << "), "
     << (out.converged ? "converged" : "stopped at the budget") << "; " << short_num(total)
     << " s of evaluations\n"
     << "- objective: sum over covered target rows of weight × error² (error: distance to the "
        "range over its width, or relative error to a value), plus weight × mean of "
        "ln(max(sim, 0.05 obs) / obs)^2 over the inter-oblast rows\n\n";
  md << "## Parameters\n\n| parameter | key | min | max | start | fitted "
        "|\n|---|---|---|---|---|---|\n";
  for (std::size_t i = 0; i < spec.params.size(); ++i) {
    const auto& p = spec.params[i];
    md << "| " << p.name << " | `" << p.key << "` | " << g(p.min) << " | " << g(p.max) << " | "
       << g(p.start) << " | " << short_num(out.best[i]);
    // A value within 1% of the search range from a bound: the bound, not the data, holds it.
    if (std::fabs(out.best[i] - p.min) < 0.01 * (p.max - p.min) ||
        std::fabs(out.best[i] - p.max) < 0.01 * (p.max - p.min))
      md << " (at a bound)";
    md << " |\n";
  }
  md << "\nObjective at the start: "
     << (out.history.empty() ? std::string("-") : short_num(out.history.front().objective))
     << "; fitted: " << short_num(out.objective) << "\n\n";
  md << "## Validation table at the fitted values (mean of " << spec.seeds.size()
     << " replicates)\n\n```\n"
     << validation::format_table(out.report) << "```\n\n";
  md << "## Objective history\n\n| eval | objective | best so far |";
  for (const auto& p : spec.params)
    md << " " << p.name << " |";
  md << "\n|---|---|---|";
  for (std::size_t i = 0; i < spec.params.size(); ++i)
    md << "---|";
  md << "\n";
  double best = std::numeric_limits<double>::infinity();
  for (std::size_t k = 0; k < out.history.size(); ++k) {
    const auto& h = out.history[k];
    best = std::min(best, h.objective);
    md << "| " << k + 1 << " | " << short_num(h.objective) << " | " << short_num(best) << " |";
    for (double v : h.x)
      md << " " << short_num(v) << " |";
    md << "\n";
  }
  const auto write = sweep::write_file_atomic; // temporary name, then renamed
  write(o.dir + "/fit_report.md", md.str());
  std::ostringstream y;
  y << "# kochmon calibrate " << spec.path << ": fitted values (objective "
    << short_num(out.objective) << " after " << out.history.size() << " evaluations)\n"
    << "# as --set overrides";
  if (!spec.command_line_set.empty()) {
    y << " (fitted with the command line's";
    for (const auto& s : spec.command_line_set)
      y << " --set " << s;
    y << ")";
  }
  y << ":\nset:\n";
  for (std::size_t i = 0; i < spec.params.size(); ++i)
    y << "  - " << spec.params[i].key << "=" << short_num(out.best[i]) << "\n";
  y << "# as key: value (put these values in the base scenario)\nvalues:\n";
  for (std::size_t i = 0; i < spec.params.size(); ++i)
    y << "  " << spec.params[i].key << ": " << short_num(out.best[i]) << "\n";
  write(o.dir + "/calibrated.yaml", y.str());
  std::ostringstream h;
  h << "eval,objective,seconds";
  for (const auto& p : spec.params)
    h << "," << p.name;
  h << "\n";
  for (std::size_t k = 0; k < out.history.size(); ++k) {
    h << k + 1 << "," << g(out.history[k].objective) << "," << short_num(out.history[k].seconds);
    for (double v : out.history[k].x)
      h << "," << g(v);
    h << "\n";
  }
  write(o.dir + "/history.csv", h.str());
}

} // namespace kochmon::calibration

namespace kochmon::calibration {

namespace {

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

std::vector<double> values_of(const Spec& spec, std::span<const double> z) {
  std::vector<double> x;
  for (std::size_t i = 0; i < spec.params.size(); ++i)
    x.push_back(from_unit(spec.params[i], z[i]));
  return x;
}

//! The texts of the files a sample came from, read once when the calibration starts.
struct Sources {
  std::string spec, targets, scenario;
};

Posterior posterior_of(const Spec& spec, const AbcState& state, const std::string& identity,
                       const Sources& src, const std::string& run_id, double seconds) {
  Posterior p;
  for (const auto& q : spec.params)
    p.params.push_back({q.name, q.key, q.unit, q.log ? "log_uniform" : "uniform", q.min, q.max});
  p.state = state;
  if (!state.generations.empty()) {
    const auto& last = state.generations.back();
    p.weight = last.weights;
    const std::size_t k = spec.params.size();
    for (std::size_t i = 0; i < last.weights.size(); ++i)
      for (double v : values_of(spec, std::span(last.z).subspan(i * k, k)))
        p.value.push_back(v);
  }
  p.identity = identity;
  p.spec_text = src.spec;
  p.targets_text = src.targets;
  p.scenario = src.scenario;
  p.name = spec.name;
  p.run_id = run_id;
  p.stop = state.stop;
  p.seeds = spec.seeds;
  p.abc_seed = spec.abc.seed;
  p.wall_seconds = seconds;
  return p;
}

//! The targets that can enter the distance (weight absent or not 0), re-emitted: adding or
//! editing a weight-0 (scored, not fitted) target leaves a sample's identity as it was.
std::string fitted_targets_text(const std::string& path) {
  const YAML::Node root = YAML::LoadFile(path);
  YAML::Emitter out;
  out << YAML::BeginSeq;
  for (const auto& t : root["targets"]) {
    const YAML::Node w = t["weight"];
    if (w && w.IsScalar() && w.as<double>() == 0.0) continue;
    out << t;
  }
  out << YAML::EndSeq;
  return out.c_str();
}

} // namespace

namespace {

//! The base scenario resolved at the parameters' starts (what the identity and the posterior
//! file record).
std::string start_scenario(const Spec& spec, const sim::Registries& registries) {
  std::vector<double> x0;
  for (const auto& p : spec.params)
    x0.push_back(p.start);
  scenarios::LoadOptions lo;
  lo.overrides = overrides(spec, x0);
  return scenarios::load_scenario(spec.base, registries, lo).resolved_yaml;
}

std::string identity_of(const Spec& spec, const std::string& scenario) {
  std::ostringstream id;
  id << "scenario:\n" << scenario;
  id << "targets:\n"
     << fitted_targets_text(spec.targets) << "\nperiod: " << spec.from_year << "-" << spec.to_year
     << "\nscale: " << g(spec.scale) << "\nseeds:";
  for (auto s : spec.seeds)
    id << " " << s;
  id << "\nparameters:\n";
  for (const auto& p : spec.params)
    id << "  " << p.key << " [" << g(p.min) << ", " << g(p.max) << "]" << (p.log ? " log" : "")
       << "\n";
  id << "abc: particles " << spec.abc.particles << ", quantile " << g(spec.abc.quantile)
     << ", seed " << spec.abc.seed << "\n"; // not the kernel: it may change on a resume
  return id.str();
}

} // namespace

std::string abc_identity(const Spec& spec, const sim::Registries& registries) {
  return identity_of(spec, start_scenario(spec, registries));
}

AbcOutcome calibrate_abc(const Spec& spec, const sim::Registries& registries, const Options& o) {
  const auto t_start = std::chrono::steady_clock::now();
  const validation::Targets targets = period_targets(spec);
  const std::string scenario = start_scenario(spec, registries);
  const std::string identity = identity_of(spec, scenario);
  const std::string file = o.dir + "/posterior.h5";
  AbcOutcome out;
  AbcState state;
  std::string run_id = output::new_run_id();
  double earlier_seconds = 0;
  std::error_code ec;
  if (std::filesystem::is_regular_file(file, ec)) {
    Posterior old = read_posterior(file);
    if (old.identity != identity)
      throw sim::InputError(file + ": error: holds the posterior of another calibration (its "
                                   "scenario, targets, period, scale, seeds, parameters or "
                                   "sampler differ)\n  hint: use another -o DIR, or delete the "
                                   "file to start again");
    state = std::move(old.state);
    run_id = old.run_id;
    earlier_seconds = old.wall_seconds;
    out.resumed = true;
    if (!o.quiet)
      std::fprintf(stderr, "calibrate: resuming from %s: %zu generations done\n", file.c_str(),
                   state.generations.size());
  }
  std::filesystem::create_directories(o.dir + "/runs");
  std::mutex load_mutex;
  auto distance = [&](std::span<const double> z, int generation, std::int64_t proposal,
                      int worker) {
    const std::vector<double> x = values_of(spec, z);
    std::vector<validation::Extract> got;
    for (std::size_t r = 0; r < spec.seeds.size(); ++r) {
      sim::RunConfig cfg;
      {
        const std::lock_guard lock(load_mutex);
        scenarios::LoadOptions lo;
        lo.overrides = overrides(spec, x);
        lo.seed = abc_run_seed(spec.seeds[r], generation, proposal);
        cfg = scenarios::load_scenario(spec.base, registries, lo);
      }
      const std::string run = o.dir + "/runs/abc-" + std::to_string(o.shard.index) + "-" +
                              std::to_string(worker) + "-" + std::to_string(r) + ".h5";
      o.run(cfg, run);
      got.push_back(validation::extract(run, targets));
    }
    return validation::evaluate(targets, validation::mean(got), spec.base).objective;
  };
  auto seconds = [&] {
    return earlier_seconds +
           std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  };
  Sources src;
  src.spec = slurp(spec.path);
  src.targets = slurp(spec.targets);
  src.scenario = scenario;
  const bool writer = o.shard.index == 1;
  auto save = [&](const AbcState& s) {
    if (writer) write_posterior(file, posterior_of(spec, s, identity, src, run_id, seconds()));
    if (!o.quiet && !s.generations.empty()) {
      const auto& g = s.generations.back();
      std::fprintf(stderr,
                   "calibrate: generation %zu: tolerance %.4g, %ld proposals, acceptance %.3f, "
                   "ESS %.1f of %zu; %ld simulations, %.0f s\n",
                   s.generations.size() - 1, g.tolerance, g.proposals, g.acceptance, g.ess,
                   g.weights.size(), s.simulations, seconds());
    }
  };
  ShardSettings shard = o.shard;
  shard.jobs = std::max(1, spec.abc.jobs);
  EvaluationLog log(o.dir + "/evaluations/" + sweep::text_hash(identity).substr(0, 16),
                    shard.index);
  auto note = [&o](const std::string& text) {
    if (!o.quiet) std::fprintf(stderr, "calibrate: %s\n", text.c_str());
  };
  const std::size_t resumed_generations = state.generations.size();
  log.refresh(static_cast<int>(resumed_generations));
  if (log.known(static_cast<int>(resumed_generations)) > 0)
    note("the evaluation log holds " +
         std::to_string(log.known(static_cast<int>(resumed_generations))) +
         " distances of generation " + std::to_string(resumed_generations) +
         " (an interrupted run, or other shards): they are read, not run again");
  // Each shard evaluates 2 x jobs proposals of every batch.
  const std::size_t batch = static_cast<std::size_t>(2 * shard.jobs * shard.count);
  state = abc_smc(spec.params.size(), logged_batch(distance, log, shard, note), batch, spec.abc,
                  std::move(state), save, o.progress);
  if (state.generations.empty())
    throw sim::RunError("calibrate: the simulation budget ran out before the prior sample was "
                        "complete (abc.max_simulations " +
                        std::to_string(spec.abc.max_simulations) + " < abc.particles " +
                        std::to_string(spec.abc.particles) + ")");
  out.posterior = posterior_of(spec, state, identity, src, run_id, seconds());
  out.summary = summarise(out.posterior);
  if (!writer) return out;
  write_posterior(file, out.posterior);
  // The validation table at the medians, with the spec's seeds (common random numbers).
  const validation::Extract e = evaluate_point(spec, targets, out.summary.median, registries, o);
  out.report = validation::evaluate(targets, e, spec.base);
  if (!o.quiet)
    std::fprintf(stderr, "calibrate: %s; %zu generations, %ld simulations in %.0f s\n",
                 state.stop.c_str(), state.generations.size(), state.simulations, seconds());
  return out;
}

void write_abc_reports(const Spec& spec, const AbcOutcome& out, const Options& o) {
  const auto& state = out.posterior.state;
  std::ostringstream md;
  md << "# Calibration report (approximate Bayesian computation): " << spec.name << "\n\n"
     << "Written by `kochmon calibrate " << spec.path << "` (calibration/README.md); the "
     << "sample is in `posterior.h5` (output/FORMAT.md, \"Posterior file\").\n\n"
     << "- base scenario: `" << std::filesystem::path(spec.base).filename().string() << "`\n"
     << "- targets: `" << std::filesystem::path(spec.targets).filename().string() << "`, years "
     << spec.from_year << "–" << spec.to_year << "\n"
     << "- scale " << g(spec.scale) << "; every proposal runs " << spec.seeds.size()
     << " replicate(s), seeds derived from";
  for (auto s : spec.seeds)
    md << " " << s;
  md << " and the proposal (fresh noise each time)\n- fixed overrides:";
  if (spec.set.empty()) md << " none";
  for (const auto& s : spec.set)
    md << " `" << s << "`";
  md << "\n- command-line overrides:";
  if (spec.command_line_set.empty()) md << " none";
  for (const auto& s : spec.command_line_set)
    md << " `" << s << "`";
  md << "\n- sampler: ABC-SMC (population Monte Carlo, Beaumont et al. 2009), "
     << spec.abc.particles << " particles, tolerance the " << g(spec.abc.quantile)
     << " quantile of the previous distances, kernel "
     << (spec.abc.kernel == AbcKernel::local ? "local (Filippi et al. 2013)" : "N(0, 2 Σ)")
     << ", seed " << spec.abc.seed
     << "; distance: the calibration objective (sum over target rows of weight × error²)\n"
     << "- stopped: " << state.stop << "; " << state.simulations << " simulations, "
     << short_num(out.posterior.wall_seconds) << " s\n\n";
  md << "## Generations\n\n| generation | tolerance | proposals | acceptance | ESS | kernel |\n"
        "|---|---|---|---|---|---|\n";
  for (std::size_t t = 0; t < state.generations.size(); ++t) {
    const auto& gen = state.generations[t];
    md << "| " << t << " | "
       << (std::isinf(gen.tolerance) ? std::string("∞ (prior)") : short_num(gen.tolerance)) << " | "
       << gen.proposals << " | " << short_num(gen.acceptance) << " | " << short_num(gen.ess)
       << " | "
       << (t == 0                           ? "prior"
           : gen.kernel == AbcKernel::local ? "local"
                                            : "global")
       << " |\n";
  }
  md << "\n## Posterior\n\n| parameter | key | unit | prior | median | 90% interval | 50% "
        "interval | mean | sd |\n|---|---|---|---|---|---|---|---|---|\n";
  const auto& s = out.summary;
  for (std::size_t i = 0; i < spec.params.size(); ++i) {
    const auto& p = spec.params[i];
    md << "| " << p.name << " | `" << p.key << "` | " << (p.unit.empty() ? "-" : p.unit) << " | "
       << (p.log ? "log-uniform" : "uniform") << " [" << g(p.min) << ", " << g(p.max) << "] | "
       << short_num(s.median[i]) << " | " << short_num(s.q05[i]) << " – " << short_num(s.q95[i])
       << " | " << short_num(s.q25[i]) << " – " << short_num(s.q75[i]) << " | "
       << short_num(s.mean[i]) << " | " << short_num(s.sd[i]) << " |\n";
  }
  md << "\n## Validation table at the posterior medians (mean of " << spec.seeds.size()
     << " replicates, seeds as given)\n\n```\n"
     << validation::format_table(out.report) << "```\n";
  const auto write = sweep::write_file_atomic; // temporary name, then renamed
  write(o.dir + "/fit_report.md", md.str());
  std::ostringstream y;
  y << "# kochmon calibrate " << spec.path << ": posterior medians (ABC-SMC, " << spec.abc.particles
    << " particles, " << state.generations.size() << " generations)\n"
    << "set:\n";
  for (std::size_t i = 0; i < spec.params.size(); ++i)
    y << "  - " << spec.params[i].key << "=" << short_num(s.median[i]) << "\n";
  y << "values:\n";
  for (std::size_t i = 0; i < spec.params.size(); ++i)
    y << "  " << spec.params[i].key << ": " << short_num(s.median[i]) << "\n";
  write(o.dir + "/calibrated.yaml", y.str());
}

} // namespace kochmon::calibration
