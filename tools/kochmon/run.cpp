// `kochmon run`: scenario → world → steps → HDF5, with a short summary on stdout.

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <numeric>
#include <optional>

#include <fmt/format.h>
#include <tbb/info.h>

#include "agents/builtin.h"
#include "output/checkpoint.h"
#include "scenarios/load/loader.h"
#include "sim/core/error.h"
#include "tools/kochmon/commands.h"
#include "tools/kochmon/progress.h"
#include "tools/kochmon/run_one.h"
#include "tools/kochmon/stop_signal.h"

namespace kochmon::tools {
namespace {

//! Keeps what the closing summary needs: the last step and a year of remittances.
class SummaryObserver final : public sim::Recorder {
public:
  void begin(const sim::RunInfo& info, const sim::ResultsLayout& layout) override {
    layout_ = &layout;
    info_ = info;
  }
  void record(int step, std::span<const std::span<const double>> values) override {
    last_.assign(values.size(), {});
    for (std::size_t i = 0; i < values.size(); ++i)
      last_[i].assign(values[i].begin(), values[i].end());
    const auto& usd = values[index("remittances_usd")];
    if (step >= info_.n_steps - 12)
      remit_last_year_usd_ += std::accumulate(usd.begin(), usd.end(), 0.0);
  }
  void finish(const sim::RunSummary& s) override { summary_ = s; }

  std::size_t index(const std::string& name) const {
    for (std::size_t i = 0; i < layout_->series.size(); ++i)
      if (layout_->series[i].name == name) return i;
    return 0;
  }
  const std::vector<double>& last(const std::string& name) const { return last_[index(name)]; }

  sim::RunInfo info_;
  sim::RunSummary summary_;
  double remit_last_year_usd_ = 0;

private:
  const sim::ResultsLayout* layout_ = nullptr;
  std::vector<std::vector<double>> last_;
};

void print_summary(const sim::RunConfig& cfg, const sim::World& w, const SummaryObserver& obs,
                   const std::string& path) {
  const auto& stock = obs.last("stock");
  const auto& share = obs.last("share_households_abroad");
  const auto& pop = obs.last("population_home");
  const auto R = static_cast<std::size_t>(w.n_regions()),
             D = static_cast<std::size_t>(w.n_destinations());
  std::vector<double> by_dest(D, 0.0);
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t d = 0; d < D; ++d)
      by_dest[d] += stock[r * D + d];
  double abroad = 0, internal = 0;
  for (std::size_t d = 0; d < D; ++d)
    (d >= R ? abroad : internal) += by_dest[d];
  const double seconds = obs.summary_.wall_seconds;
  const double hh_steps = static_cast<double>(obs.info_.households) * obs.summary_.steps_done;
  std::printf("kochmon run: %s, seed %llu, scale %g, %s to %s (%d months), %d thread(s)\n",
              cfg.name.c_str(), static_cast<unsigned long long>(cfg.seed), cfg.scale,
              cfg.start.str().c_str(), cfg.end.str().c_str(), obs.summary_.steps_done,
              obs.info_.threads);
  std::printf("  households %lld, persons %lld (simulated); %.2f s, %.3g household-steps/s\n",
              static_cast<long long>(obs.info_.households),
              static_cast<long long>(obs.info_.persons), seconds,
              hh_steps / std::max(1e-9, seconds));
  std::printf("  at %s: %.0f persons abroad, %.0f away in other regions\n", cfg.end.str().c_str(),
              abroad, internal);
  const auto ids = w.destination_ids();
  for (std::size_t d = R; d < D; ++d)
    std::printf("    %-12s %10.0f  (%.1f%%)\n", ids[d].c_str(), by_dest[d],
                abroad > 0 ? 100.0 * by_dest[d] / abroad : 0.0);
  double hh_abroad = 0, pop_total = 0;
  for (std::size_t r = 0; r < R; ++r) {
    hh_abroad += share[r] * pop[r]; // regional household shares weighted by persons at home
    pop_total += pop[r];
  }
  std::printf(
      "  households with a member abroad: %.1f%%; remittances in the last 12 months: USD %.3g bn\n",
      pop_total > 0 ? 100.0 * hh_abroad / pop_total : 0.0, obs.remit_last_year_usd_ / 1e9);
  std::printf("  written: %s\n", path.c_str());
}

struct RunArgs {
  std::string scenario;
  std::string output; // empty: runs/<name>-seed<seed>.h5
  int threads = 0;
  std::optional<std::uint64_t> seed;
  std::vector<std::string> sets;
  bool quiet = false;
  int checkpoint_every = 0;
};

//! `kochmon run` and `kochmon resume` alike: progress, signals, summary, exit code.
int drive(const sim::RunConfig* cfg_or_null, const std::string& resume_from, const RunArgs& args,
          const sim::Registries& registries) {
  RunOneOptions ro;
  ro.output = args.output;
  if (cfg_or_null && ro.output.empty()) {
    ro.output = fmt::format("runs/{}-seed{}.h5", cfg_or_null->name, cfg_or_null->seed);
    std::filesystem::create_directories(std::filesystem::path(ro.output).parent_path());
  }
  // A resume writes where the interrupted run would have, unless told otherwise: the summary
  // names that file.
  if (!cfg_or_null && ro.output.empty())
    ro.output = output::CheckpointReader(resume_from).info().output_path;
  ro.threads = args.threads > 0 ? args.threads : tbb::info::default_concurrency();
  ro.stop = StopOnSignal::flag();
  ro.checkpoint_every = args.checkpoint_every;
  ro.overrides = args.sets;
  ro.seed_given = args.seed.has_value();
  ProgressBar bar(cfg_or_null ? "kochmon run" : "kochmon resume", !args.quiet);
  ro.progress = [&bar](int done, int total) { bar.update(done, total); };
  SummaryObserver observer;
  ro.observer = &observer;

  auto print = [&](const sim::Simulation& s) {
    bar.finish();
    if (!args.quiet) print_summary(s.config(), s.world(), observer, ro.output);
  };
  const RunOneResult result = [&] {
    const StopOnSignal stop;
    return cfg_or_null ? run_one(*cfg_or_null, registries, ro, print)
                       : resume_one(resume_from, registries, ro, print);
  }();
  bar.finish();
  if (result.outcome.interrupted) {
    const int sig = StopOnSignal::received();
    std::fprintf(stderr,
                 "kochmon: interrupted by %s after %d months; checkpoint written to %s\n"
                 "  resume with: kochmon resume %s\n",
                 sig == SIGINT ? "SIGINT" : "SIGTERM", result.outcome.steps_done,
                 result.checkpoint.c_str(), result.checkpoint.c_str());
    return 128 + sig;
  }
  return EXIT_OK;
}

int run_command(const RunArgs& args) {
  const auto registries = agents::builtin_registries();
  scenarios::LoadOptions lo;
  lo.overrides = args.sets;
  lo.seed = args.seed;
  const sim::RunConfig cfg = scenarios::load_scenario(args.scenario, registries, lo);
  if (!args.quiet)
    std::fprintf(stderr, "kochmon: building the world of '%s'...\n", cfg.name.c_str());
  return drive(&cfg, {}, args, registries);
}

//! Options `run` and `resume` share: threads, quiet, periodic checkpoints.
void add_execution_options(CLI::App* cmd, RunArgs& args) {
  cmd->add_option("--threads", args.threads,
                  "Worker threads (0 = all cores); results do not depend on it")
      ->check(CLI::Range(0, 1024));
  cmd->add_flag("-q,--quiet", args.quiet, "No progress bar and no summary");
  cmd->add_option("--checkpoint-every", args.checkpoint_every,
                  "Write a checkpoint (FILE.h5.ckpt) every N months; one is always written when "
                  "interrupted by SIGINT/SIGTERM")
      ->check(CLI::Range(0, 100000));
}

} // namespace

Action add_run_command(CLI::App& app) {
  auto args = std::make_shared<RunArgs>();
  auto* cmd = app.add_subcommand("run", "Simulate a scenario and write its trajectories to HDF5");
  cmd->add_option("scenario", args->scenario, "Scenario YAML file")->required();
  cmd->add_option("-o,--output", args->output, "Result file (default: runs/<name>-seed<seed>.h5)");
  cmd->add_option("--seed", args->seed, "Random seed, overrides the scenario's seed");
  cmd->add_option("--set", args->sets,
                  "Override a scenario key: key.path=value, a list entry by index or by id "
                  "(regions[osh_city].population=...) (repeatable)");
  add_execution_options(cmd, *args);
  return [cmd, args]() { return *cmd ? run_command(*args) : -1; };
}

Action add_resume_command(CLI::App& app) {
  auto args = std::make_shared<RunArgs>();
  auto* cmd = app.add_subcommand("resume", "Finish an interrupted run from its checkpoint");
  cmd->add_option("checkpoint", args->scenario, "Checkpoint file (FILE.h5.ckpt)")->required();
  cmd->add_option("-o,--output", args->output, "Result file (default: the interrupted run's)");
  add_execution_options(cmd, *args);
  return [cmd, args]() {
    if (!*cmd) return -1;
    const auto registries = agents::builtin_registries();
    return drive(nullptr, args->scenario, *args, registries);
  };
}

} // namespace kochmon::tools
