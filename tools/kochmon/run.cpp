// `kochmon run`: scenario → world → steps → HDF5, with a short summary on stdout.

#include <fmt/format.h>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <numeric>

#include "agents/builtin.h"
#include "output/writer.h"
#include "scenarios/load/loader.h"
#include "scenarios/load/reference.h"
#include "sim/core/error.h"
#include "sim/engine/simulation.h"
#include "tools/kochmon/commands.h"
#include "tools/kochmon/progress.h"

namespace kochmon::tools {
namespace {

std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};

extern "C" void on_signal(int sig) {
  g_signal.store(sig);
  g_stop.store(true);
}

//! Passes every step on to the file and keeps what the closing summary needs.
class SummaryRecorder final : public sim::Recorder {
 public:
  explicit SummaryRecorder(sim::Recorder& inner) : inner_(inner) {}
  void begin(const sim::RunInfo& info, const sim::ResultsLayout& layout) override {
    layout_ = &layout;
    info_ = info;
    inner_.begin(info, layout);
  }
  void record(int step, std::span<const std::span<const double>> values) override {
    inner_.record(step, values);
    last_.assign(values.size(), {});
    for (std::size_t i = 0; i < values.size(); ++i) last_[i].assign(values[i].begin(), values[i].end());
    const std::size_t remit = index("remittances_usd");
    const double usd = std::accumulate(values[remit].begin(), values[remit].end(), 0.0);
    if (step >= info_.n_steps - 12) remit_last_year_usd_ += usd;
  }
  void finish(const sim::RunSummary& s) override { inner_.finish(s); }

  std::size_t index(const std::string& name) const {
    for (std::size_t i = 0; i < layout_->series.size(); ++i)
      if (layout_->series[i].name == name) return i;
    return 0;
  }
  const sim::ResultsLayout* layout_ = nullptr;
  sim::RunInfo info_;
  std::vector<std::vector<double>> last_;
  double remit_last_year_usd_ = 0;

 private:
  sim::Recorder& inner_;
};

std::string default_output(const sim::RunConfig& c) {
  return fmt::format("runs/{}-seed{}.h5", c.name, c.seed);
}

void print_summary(const sim::RunConfig& cfg, const sim::Simulation& sim, const SummaryRecorder& rec,
                   const sim::RunOutcome& out, const std::string& path, int threads) {
  const auto& w = sim.world();
  const auto stock = rec.last_[rec.index("stock")];
  const auto share = rec.last_[rec.index("share_households_abroad")];
  const auto pop = rec.last_[rec.index("population_home")];
  const int R = w.n_regions(), D = w.n_destinations();
  std::vector<double> by_dest(static_cast<std::size_t>(D), 0.0);
  for (int r = 0; r < R; ++r)
    for (int d = 0; d < D; ++d) by_dest[static_cast<std::size_t>(d)] += stock[static_cast<std::size_t>(r * D + d)];
  double abroad = 0, internal = 0;
  for (int d = 0; d < D; ++d) (w.is_foreign(d) ? abroad : internal) += by_dest[static_cast<std::size_t>(d)];
  const double hh_steps = static_cast<double>(w.households().n_households()) * out.steps_done;
  std::printf("kochmon run: %s, seed %llu, scale %g, %s to %s (%d months), %d thread(s)\n",
              cfg.name.c_str(), static_cast<unsigned long long>(cfg.seed), cfg.scale,
              cfg.start.str().c_str(), cfg.end.str().c_str(), out.steps_done, threads);
  std::printf("  households %zu, persons %lld (simulated); %.2f s, %.3g household-steps/s\n",
              w.households().n_households(), static_cast<long long>(w.persons()), out.wall_seconds,
              hh_steps / std::max(1e-9, out.wall_seconds));
  std::printf("  at %s: %.0f persons abroad, %.0f away in other regions\n", cfg.end.str().c_str(),
              abroad, internal);
  const auto ids = w.destination_ids();
  for (int d = w.n_regions(); d < D; ++d)
    std::printf("    %-12s %10.0f  (%.1f%%)\n", ids[static_cast<std::size_t>(d)].c_str(),
                by_dest[static_cast<std::size_t>(d)],
                abroad > 0 ? 100.0 * by_dest[static_cast<std::size_t>(d)] / abroad : 0.0);
  double hh_abroad = 0, pop_total = 0;
  for (int r = 0; r < R; ++r) {
    // population_home is persons; weight the regional household shares by persons at home.
    hh_abroad += share[static_cast<std::size_t>(r)] * pop[static_cast<std::size_t>(r)];
    pop_total += pop[static_cast<std::size_t>(r)];
  }
  std::printf("  households with a member abroad: %.1f%%; remittances in the last 12 months: USD %.3g bn\n",
              pop_total > 0 ? 100.0 * hh_abroad / pop_total : 0.0, rec.remit_last_year_usd_ / 1e9);
  std::printf("  written: %s\n", path.c_str());
}

}  // namespace

int run_command(const RunArgs& args) {
  const auto registries = agents::builtin_registries();
  scenarios::LoadOptions lo;
  lo.overrides = args.sets;
  lo.seed = args.seed;
  const sim::RunConfig cfg = scenarios::load_scenario(args.scenario, registries, lo);

  const int threads = args.threads > 0 ? args.threads : tbb::info::default_concurrency();
  tbb::global_control gc(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));

  std::string path = args.output;
  if (path.empty()) {
    path = default_output(cfg);
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  }
  output::WriterOptions wo;
  wo.path = path;
  wo.compression = cfg.output.compression;
  wo.chunk_months = cfg.output.chunk_months;
  wo.run_id = output::new_run_id();

  if (!args.quiet) std::fprintf(stderr, "kochmon: building the world of '%s'...\n", cfg.name.c_str());
  sim::Simulation simulation(cfg, registries);
  auto file = output::make_h5_recorder(wo);
  SummaryRecorder rec(*file);

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  ProgressBar bar("kochmon run", !args.quiet);
  sim::RunOptions ro;
  ro.threads = threads;
  ro.stop = &g_stop;
  ro.progress = [&bar](int done, int total) { bar.update(done, total); };
  const sim::RunOutcome out = simulation.run(rec, ro);
  bar.finish();
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (out.interrupted) {
    file.reset();  // removes the temporary file: nothing half-written remains
    const int sig = g_signal.load();
    std::fprintf(stderr, "kochmon: interrupted by %s after %d of %d months; no result written\n",
                 sig == SIGINT ? "SIGINT" : "SIGTERM", out.steps_done, cfg.n_steps());
    return 128 + sig;
  }
  if (!args.quiet) print_summary(cfg, simulation, rec, out, path, threads);
  return EXIT_OK;
}

int inspect_command(const std::string& file) {
  std::fputs(output::inspect(file).c_str(), stdout);
  return EXIT_OK;
}

int reference_command(const std::string& example) {
  std::ifstream in(example);
  if (!in) {
    std::fputs(scenarios::reference_markdown(agents::builtin_registries()).c_str(), stdout);
    return EXIT_OK;
  }
  std::stringstream text;
  text << in.rdbuf();
  std::fputs(scenarios::reference_markdown(agents::builtin_registries(), text.str()).c_str(), stdout);
  return EXIT_OK;
}

}  // namespace kochmon::tools
