// `kochmon calibrate SPEC [-o DIR]`: fits the spec's parameters to its targets (Nelder–Mead,
// replicates with common random numbers) and writes fit_report.md, calibrated.yaml and
// history.csv. `kochmon calibrate SPEC --elasticity`: the elasticity of emigration to Kyrgyz
// wages of the spec's base scenario, from paired runs with every region's wage scaled.
// calibration/README.md documents both.

#include "calibration/calibrate.h"

#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "agents/builtin.h"
#include "scenarios/load/context.h"
#include "scenarios/load/loader.h"
#include "sim/core/error.h"
#include "sweep/metrics.h"
#include "sweep/sweep.h"
#include "tools/kochmon/commands.h"
#include "tools/kochmon/progress.h"
#include "tools/kochmon/run_one.h"

namespace kochmon::tools {
namespace {

struct CalibrateArgs {
  std::string spec;
  std::string dir;
  std::vector<std::string> sets;
  bool quiet = false;
  bool elasticity = false;
  double wage_change = -0.01;
  int to_year = 2018;
  double scale = 0;       // --elasticity: 0 = the spec's
  int n_seeds = 0;        // --elasticity: 0 = the spec's seeds; more: 1001, 1002, ... added
  std::string shard;      // abc_smc: I/N
  double shard_wait = 60; // abc_smc: seconds before doing a silent shard's share
};

calibration::RunFn make_run(const sim::Registries& registries) {
  return [&registries](const sim::RunConfig& cfg, const std::string& output) {
    RunOneOptions ro;
    ro.output = output;
    ro.threads = 1;
    const RunOneResult r = run_one(cfg, registries, ro);
    if (r.outcome.interrupted) throw sim::RunError("run interrupted: " + output);
  };
}

//! Elasticity of emigration (departures abroad, stock abroad) to every region's wage.
int elasticity_command(const CalibrateArgs& a, calibration::Spec spec,
                       const sim::Registries& registries, const std::string& dir) {
  if (a.scale > 0) spec.scale = a.scale;
  if (a.n_seeds > 0) {
    spec.seeds.resize(std::min<std::size_t>(spec.seeds.size(), a.n_seeds));
    for (std::uint64_t k = 1001; spec.seeds.size() < static_cast<std::size_t>(a.n_seeds); ++k)
      spec.seeds.push_back(k);
  }
  const double factor = 1.0 + a.wage_change;
  if (!(factor > 0) || a.wage_change == 0)
    throw sim::InputError("kochmon calibrate: error: --wage-change must be in (-1, 0) or > 0");
  const int from_year = spec.from_year, to_year = std::max(a.to_year, spec.from_year);
  std::vector<std::string> base_set = spec.set;
  char end[16];
  std::snprintf(end, sizeof end, "%04d-12", to_year);
  base_set.push_back(std::string("time.end=") + end);
  base_set.push_back("scale=" + scenarios::format_number(spec.scale));
  base_set.insert(base_set.end(), spec.command_line_set.begin(), spec.command_line_set.end());
  std::size_t n_regions = 0;
  std::vector<std::string> abroad; // the destination axis also holds the regions
  {
    scenarios::LoadOptions lo;
    lo.overrides = base_set;
    const sim::RunConfig cfg = scenarios::load_scenario(spec.base, registries, lo);
    n_regions = cfg.regions.size();
    for (const auto& d : cfg.destinations)
      abroad.push_back(d.id);
  }
  std::vector<std::string> low_set = base_set;
  for (std::size_t r = 0; r < n_regions; ++r)
    low_set.push_back("regions[" + std::to_string(r) +
                      "].wage_som.factor=" + scenarios::format_number(factor));
  struct Job {
    std::uint64_t seed;
    bool low;
  };
  std::vector<Job> jobs;
  for (auto s : spec.seeds)
    for (bool low : {false, true})
      jobs.push_back({s, low});
  std::vector<sim::RunConfig> configs;
  for (const Job& j : jobs) {
    scenarios::LoadOptions lo;
    lo.overrides = j.low ? low_set : base_set;
    lo.seed = j.seed;
    configs.push_back(scenarios::load_scenario(spec.base, registries, lo));
  }
  std::vector<sweep::Metric> metrics(2);
  metrics[0].name = "departures_abroad";
  metrics[0].series = "departures";
  metrics[0].reduce = sweep::Reduce::sum;
  metrics[1].name = "stock_abroad";
  metrics[1].series = "stock";
  metrics[1].reduce = sweep::Reduce::mean;
  for (auto& m : metrics) {
    m.select = {{"destination", abroad}};
    m.from = sim::Month::of(from_year, 1);
    m.to = sim::Month::of(to_year, 12);
  }
  std::filesystem::create_directories(dir + "/elasticity");
  std::vector<std::vector<double>> values(jobs.size());
  std::vector<std::string> errors(jobs.size());
  std::atomic<std::size_t> next{0};
  const auto run = make_run(registries);
  auto worker = [&] {
    for (;;) {
      const std::size_t i = next.fetch_add(1);
      if (i >= jobs.size()) return;
      try {
        const std::string file = dir + "/elasticity/seed-" + std::to_string(jobs[i].seed) +
                                 (jobs[i].low ? "-wage.h5" : "-base.h5");
        run(configs[i], file);
        values[i] = sweep::compute_metrics(file, metrics);
        if (!a.quiet)
          std::fprintf(stderr, "elasticity: seed %llu %s: departures %.0f, stock %.0f\n",
                       static_cast<unsigned long long>(jobs[i].seed),
                       jobs[i].low ? "wages scaled" : "base", values[i][0], values[i][1]);
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    }
  };
  std::vector<std::thread> pool;
  for (int j = 1; j < std::min<int>(spec.jobs, static_cast<int>(jobs.size())); ++j)
    pool.emplace_back(worker);
  worker();
  for (auto& t : pool)
    t.join();
  for (const auto& e : errors)
    if (!e.empty()) throw sim::RunError("elasticity run failed: " + e);
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line,
                "elasticity of emigration to Kyrgyz wages (every region's wage_som x %g, "
                "%d-%d, scale %g, %zu paired seeds)\n",
                factor, from_year, to_year, spec.scale, spec.seeds.size());
  out += line;
  if (!spec.command_line_set.empty()) {
    out += "  with";
    for (const auto& s : spec.command_line_set)
      out += " --set " + s;
    out += "\n";
  }
  const double dlnw = std::log(factor);
  for (std::size_t m = 0; m < metrics.size(); ++m) {
    std::vector<double> e;
    for (std::size_t k = 0; k < spec.seeds.size(); ++k) {
      const double base = values[2 * k][m], low = values[2 * k + 1][m];
      e.push_back(std::log(low / base) / dlnw);
    }
    double mean = 0, var = 0;
    for (double v : e)
      mean += v / static_cast<double>(e.size());
    for (double v : e)
      var += (v - mean) * (v - mean);
    const double sd = e.size() > 1 ? std::sqrt(var / static_cast<double>(e.size() - 1)) : NAN;
    const double se = sd / std::sqrt(static_cast<double>(e.size()));
    std::snprintf(line, sizeof line, "  %-18s elasticity %8.3f  (standard error %.3f; per seed:",
                  metrics[m].name.c_str(), mean, se);
    out += line;
    for (double v : e) {
      std::snprintf(line, sizeof line, " %.3f", v);
      out += line;
    }
    out += ")\n";
  }
  std::fputs(out.c_str(), stdout);
  std::ofstream(dir + "/elasticity.txt") << out;
  return EXIT_OK;
}

int calibrate_command(const CalibrateArgs& a) {
  const calibration::Spec spec = calibration::load_spec(a.spec, a.sets);
  const auto registries = agents::builtin_registries();
  const std::string dir = a.dir.empty() ? "runs/calibrate-" + spec.name : a.dir;
  if (a.elasticity) return elasticity_command(a, spec, registries, dir);
  // Fail early on a misspelt key or an out-of-range start.
  {
    std::vector<double> x0;
    for (const auto& p : spec.params)
      x0.push_back(p.start);
    scenarios::LoadOptions lo;
    lo.overrides = calibration::overrides(spec, x0);
    try {
      scenarios::load_scenario(spec.base, registries, lo);
    } catch (const sim::InputError& e) {
      throw sim::InputError(
          std::string(e.what()) + "\n" + spec.path + ": note: while applying the spec's set:" +
          (spec.command_line_set.empty() ? std::string() : ", the command line's --set") +
          " and start values to " + spec.base);
    }
    const auto start_year = scenarios::load_scenario(spec.base, registries, lo).start.year();
    const auto kept = calibration::period_targets(spec);
    // Strict: targets the runs cannot reach, or none at all, are a bad spec (exit 2).
    scenarios::Diagnostics diag;
    if (spec.from_year < start_year)
      diag.error(spec.period_pos, "period.from",
                 "expected a year the runs cover, found " + std::to_string(spec.from_year) +
                     " (the scenario starts in " + std::to_string(start_year) + ")",
                 "a target before the start has no data in the runs");
    else if (kept.targets.empty())
      diag.error(spec.period_pos, "period",
                 "no target of " + spec.targets + " has a year in " +
                     std::to_string(spec.from_year) + "-" + std::to_string(spec.to_year),
                 "widen period:, or check the targets' years");
    diag.throw_if_any();
  }
  calibration::Options o;
  o.dir = dir;
  o.quiet = a.quiet;
  o.run = make_run(registries);
  if (!a.shard.empty() && spec.method != calibration::Spec::Method::abc_smc)
    throw sim::InputError("kochmon calibrate: error: --shard: only method abc_smc shares its "
                          "work between processes\n  hint: run a Nelder-Mead calibration whole");
  if (spec.method == calibration::Spec::Method::abc_smc) {
    // Shards (a SLURM array, or ranks of mpirun) share the evaluation log in DIR.
    std::optional<sweep::MpiWorld> mpi;
    if (!a.shard.empty()) {
      std::tie(o.shard.index, o.shard.count) = shard_option("kochmon calibrate", a.shard);
    } else if (sweep::mpi_launched()) {
      mpi = sweep::mpi_begin();
      o.shard.index = mpi->rank + 1;
      o.shard.count = mpi->size;
    }
    o.shard.wait = a.shard_wait;
    const bool writer = o.shard.index == 1;
    const bool quiet = a.quiet || !writer; // one shard speaks
    if (!a.quiet && o.shard.count > 1)
      std::fprintf(stderr, "calibrate: shard %d of %d%s\n", o.shard.index, o.shard.count,
                   mpi ? " (MPI rank)" : "");
    o.quiet = quiet;
    if (!quiet)
      std::fprintf(stderr,
                   "calibrate: %s: ABC-SMC, %zu parameters, %d particles, at most %d "
                   "generations and %ld proposals, %zu replicate(s) each, scale %g; output in "
                   "%s\n",
                   spec.name.c_str(), spec.params.size(), spec.abc.particles, spec.abc.generations,
                   spec.abc.max_simulations, spec.seeds.size(), spec.scale, dir.c_str());
    // One bar per generation (its ETA: to the generation's last acceptance).
    struct Bar {
      int generation = -1;
      std::unique_ptr<ProgressBar> bar;
    };
    auto bar = std::make_shared<Bar>();
    const bool draw = !quiet;
    o.progress = [bar, draw, &spec](int generation, int accepted, long proposals) {
      if (generation != bar->generation) {
        if (bar->bar) bar->bar->finish();
        bar->generation = generation;
        bar->bar = std::make_unique<ProgressBar>("", draw);
      }
      bar->bar->set_label("generation " + std::to_string(generation) + " (" +
                          std::to_string(proposals) + " proposals)");
      bar->bar->update(accepted, spec.abc.particles);
      if (accepted >= spec.abc.particles) bar->bar->finish();
    };
    const calibration::AbcOutcome out = calibration::calibrate_abc(spec, registries, o);
    if (writer) calibration::write_abc_reports(spec, out, o);
    if (mpi) sweep::mpi_end();
    if (!quiet) {
      std::fputs(validation::format_table(out.report).c_str(), stdout);
      std::printf("posterior (median, 90%% interval):\n");
      for (std::size_t i = 0; i < spec.params.size(); ++i)
        std::printf("  %-28s %.5g  [%.5g, %.5g]\n", spec.params[i].name.c_str(),
                    out.summary.median[i], out.summary.q05[i], out.summary.q95[i]);
      std::printf("kochmon calibrate: wrote %s/posterior.h5, fit_report.md, calibrated.yaml\n",
                  dir.c_str());
    }
    return EXIT_OK;
  }
  if (!a.quiet)
    std::fprintf(stderr,
                 "calibrate: %s: %zu parameters, %zu replicates, scale %g, to %d-12, "
                 "at most %d evaluations; output in %s\n",
                 spec.name.c_str(), spec.params.size(), spec.seeds.size(), spec.scale, spec.to_year,
                 spec.max_evaluations, dir.c_str());
  const calibration::Outcome out = calibration::calibrate(spec, registries, o);
  calibration::write_reports(spec, out, o);
  if (!a.quiet) {
    std::fputs(validation::format_table(out.report).c_str(), stdout);
    std::printf("fitted:");
    for (std::size_t i = 0; i < spec.params.size(); ++i)
      std::printf(" %s=%.5g", spec.params[i].key.c_str(), out.best[i]);
    std::printf("\nkochmon calibrate: wrote %s/fit_report.md, calibrated.yaml, history.csv\n",
                dir.c_str());
  }
  return EXIT_OK;
}

} // namespace

Action add_calibrate_command(CLI::App& app) {
  auto args = std::make_shared<CalibrateArgs>();
  auto* cmd = app.add_subcommand(
      "calibrate", "Fit behavioural parameters to validation targets (Nelder-Mead), or "
                   "--elasticity of emigration to wages");
  cmd->add_option("spec", args->spec, "Calibration spec YAML (calibration/REFERENCE.md)")
      ->required();
  cmd->add_option("-o,--output", args->dir,
                  "Output directory (default runs/calibrate-<name>): fit_report.md, "
                  "calibrated.yaml, history.csv, runs/");
  cmd->add_option("--set", args->sets,
                  "Override a scenario key of every run: key.path=value (repeatable); after the "
                  "spec's set:, run end and scale, before the parameters");
  cmd->add_flag("-q,--quiet", args->quiet, "No progress lines");
  cmd->add_option("--shard", args->shard,
                  "method abc_smc: this process is shard I of N sharing DIR's evaluation log "
                  "(a SLURM array: ${SLURM_ARRAY_TASK_ID}/${SLURM_ARRAY_TASK_COUNT}); shard 1 "
                  "writes the results. Under mpirun each rank is a shard by itself");
  cmd->add_option("--shard-wait", args->shard_wait,
                  "With shards: seconds without news from the other shards before this one "
                  "does their share (default 60)")
      ->check(CLI::Range(0.0, 1e6));
  cmd->add_flag("--elasticity", args->elasticity,
                "Instead of fitting: elasticity of emigration to every region's wage, on the "
                "spec's base scenario, seeds and scale");
  cmd->add_option("--wage-change", args->wage_change,
                  "--elasticity: relative wage change (default -0.01)");
  cmd->add_option("--to", args->to_year,
                  "--elasticity: last year of the window (from the spec's period.from; default "
                  "2018)");
  cmd->add_option("--scale", args->scale, "--elasticity: scale of the runs (default: the spec's)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--seeds", args->n_seeds,
                  "--elasticity: number of paired seeds (default: the spec's seeds)")
      ->check(CLI::Range(2, 1000));
  return [cmd, args]() {
    if (!*cmd) return -1;
    return calibrate_command(*args);
  };
}

} // namespace kochmon::tools
