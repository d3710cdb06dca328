// `kochmon sweep SPEC -o DIR`: every run of a sweep spec on this machine, on MPI ranks (when
// started by mpirun) or as one shard of a SLURM array (--shard I/N); `kochmon sweep merge DIR`
// builds the summary of a sharded sweep. sweep/README.md documents the spec and table.

#include "sweep/sweep.h"

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "agents/builtin.h"
#include "sim/core/error.h"
#include "tools/kochmon/commands.h"
#include "tools/kochmon/progress.h"
#include "tools/kochmon/run_one.h"
#include "tools/kochmon/stop_signal.h"

namespace kochmon::tools {

std::pair<int, int> shard_option(const std::string& command, const std::string& text) {
  const auto slash = text.find('/');
  try {
    std::size_t a = 0, b = 0;
    if (slash == std::string::npos) throw std::invalid_argument("no slash");
    const int i = std::stoi(text.substr(0, slash), &a);
    const int n = std::stoi(text.substr(slash + 1), &b);
    if (a == slash && b == text.size() - slash - 1 && n >= 1 && i >= 1 && i <= n) return {i, n};
  } catch (const std::exception&) {
  }
  throw sim::InputError(command + ": error: --shard: expected I/N with 1 <= I <= N, got '" + text +
                        "'\n  hint: in a SLURM array: --shard "
                        "${SLURM_ARRAY_TASK_ID}/${SLURM_ARRAY_TASK_COUNT} with --array=1-N");
}

namespace {

struct SweepArgs {
  std::string spec;
  std::string dir;
  std::string shard;
  std::vector<std::string> sets;
  int jobs = 0;
  int threads = 1;
  bool quiet = false;
  std::string merge_dir;
};

sweep::RunFn make_runner(std::shared_ptr<const sim::Registries> registries) {
  return [registries](const sweep::RunRequest& r) {
    RunOneOptions ro;
    ro.output = r.output;
    ro.threads = r.threads;
    ro.run_id = r.run_id;
    ro.stop = r.stop;
    const RunOneResult result = run_one(r.config, *registries, ro);
    if (result.outcome.interrupted && !result.checkpoint.empty()) {
      std::error_code ec; // a sweep redoes an interrupted run whole: its checkpoint is not kept
      std::filesystem::remove(result.checkpoint, ec);
    }
    return !result.outcome.interrupted;
  };
}

int report(const sweep::SweepResult& r, const SweepArgs& args, bool sharded, int rank) {
  if (rank != 0) return r.failed > 0 ? EXIT_FAILED : EXIT_OK;
  if (r.interrupted) {
    const int sig = StopOnSignal::received() ? StopOnSignal::received() : SIGINT;
    std::fprintf(
        stderr,
        "kochmon sweep: interrupted after %llu runs; no partial run file is left, rerun the "
        "same command to finish\n",
        static_cast<unsigned long long>(r.done));
    return 128 + sig;
  }
  if (!args.quiet || r.failed > 0)
    std::fprintf(stderr,
                 "kochmon sweep: %llu runs in the sweep%s: %llu already complete, %llu run now, "
                 "%llu failed (%.1f s)\n",
                 static_cast<unsigned long long>(r.total),
                 sharded ? (" (shard " + args.shard + ")").c_str() : "",
                 static_cast<unsigned long long>(r.skipped),
                 static_cast<unsigned long long>(r.done), static_cast<unsigned long long>(r.failed),
                 r.seconds);
  if (r.summary_written && !args.quiet)
    std::fprintf(stderr, "kochmon sweep: summary in %s/summary.csv and %s/summary.h5\n",
                 args.dir.c_str(), args.dir.c_str());
  if (sharded && !args.quiet)
    std::fprintf(stderr, "kochmon sweep: when every shard is done: kochmon sweep merge %s\n",
                 args.dir.c_str());
  if (r.failed > 0) {
    std::fprintf(
        stderr,
        "kochmon sweep: error: %llu runs failed; their messages are in %s/runs/*.failed\n"
        "  hint: fix the spec or scenario, then rerun the same command (completed runs are kept)\n",
        static_cast<unsigned long long>(r.failed), args.dir.c_str());
    return EXIT_FAILED;
  }
  return EXIT_OK;
}

int sweep_command(const SweepArgs& args) {
  std::optional<std::pair<int, int>> shard;
  if (!args.shard.empty()) shard = shard_option("kochmon sweep", args.shard);
  ProgressBar bar("kochmon sweep", !args.quiet);
  // One set of plug-ins for loading the scenarios and for running them.
  const auto registries = std::make_shared<const sim::Registries>(agents::builtin_registries());
  sweep::SweepOptions o;
  o.spec = args.spec;
  o.dir = args.dir;
  o.overrides = args.sets;
  o.jobs = args.jobs > 0 ? args.jobs
                         : std::max(1, static_cast<int>(std::thread::hardware_concurrency()) /
                                           std::max(1, args.threads));
  o.threads = args.threads;
  o.shard = shard;
  o.quiet = args.quiet;
  o.run = make_runner(registries);
  o.stop = StopOnSignal::flag();
  o.progress = [&bar](std::uint64_t done, std::uint64_t total) {
    bar.update(static_cast<int>(done), static_cast<int>(total));
  };
  int rank = 0;
  const bool mpi = !shard && sweep::mpi_launched();
  if (mpi && args.jobs > 1)
    std::fprintf(
        stderr,
        "kochmon sweep: note: under MPI each rank runs one run at a time; --jobs is ignored\n");
  const sweep::SweepResult r = [&] {
    const StopOnSignal stop;
    return mpi ? sweep::run_mpi(o, *registries, rank) : sweep::run_local(o, *registries);
  }();
  bar.finish();
  return report(r, args, shard.has_value(), rank);
}

int merge_command(const SweepArgs& args) {
  const sweep::SweepResult r = sweep::merge(args.merge_dir);
  if (r.summary_not_ok > 0) {
    std::fprintf(
        stderr,
        "kochmon sweep merge: error: %llu of %llu runs are not complete (status missing, failed or "
        "invalid in %s/summary.csv)\n  hint: rerun the sweep (or the shards) into %s; complete "
        "runs are kept\n",
        static_cast<unsigned long long>(r.summary_not_ok), static_cast<unsigned long long>(r.total),
        args.merge_dir.c_str(), args.merge_dir.c_str());
    return EXIT_FAILED;
  }
  if (!args.quiet)
    std::fprintf(
        stderr, "kochmon sweep merge: %llu runs; summary in %s/summary.csv and %s/summary.h5\n",
        static_cast<unsigned long long>(r.total), args.merge_dir.c_str(), args.merge_dir.c_str());
  return EXIT_OK;
}

} // namespace

Action add_sweep_command(CLI::App& app) {
  auto args = std::make_shared<SweepArgs>();
  auto* cmd = app.add_subcommand(
      "sweep", "Run every variant of a sweep spec (locally, on MPI ranks, or one SLURM shard)");
  cmd->add_option("spec", args->spec, "Sweep spec YAML (sweep/REFERENCE.md)");
  cmd->add_option("-o,--output", args->dir, "Sweep directory: run files, summary.csv, summary.h5");
  cmd->add_option("--set", args->sets,
                  "Override a scenario key of every run: key.path=value (repeatable); after the "
                  "spec's set:, before the parameters; part of the sweep's identity");
  cmd->add_option("--shard", args->shard,
                  "Run only shard I of N (1 <= I <= N), e.g. a SLURM array task");
  cmd->add_option("--jobs", args->jobs, "Runs at once on this machine (0 = cores / threads)")
      ->check(CLI::Range(0, 1024));
  cmd->add_option("--threads", args->threads,
                  "Threads within each run (results do not depend on it)")
      ->check(CLI::Range(1, 1024));
  cmd->add_flag("-q,--quiet", args->quiet, "No progress bar and no closing lines");
  auto* merge =
      cmd->add_subcommand("merge", "Build DIR/summary.{csv,h5} from the run files of a sweep");
  merge->add_option("dir", args->merge_dir, "Sweep directory")->required();
  merge->add_flag("-q,--quiet", args->quiet, "No closing line");
  cmd->require_subcommand(0, 1);
  return [cmd, merge, args]() -> int {
    if (!*cmd) return -1;
    if (*merge) return merge_command(*args);
    if (args->spec.empty() || args->dir.empty()) {
      std::fprintf(
          stderr,
          "kochmon sweep: error: expected SPEC and -o DIR\n  hint: kochmon sweep SPEC -o DIR "
          "[--set key.path=value]... [--shard I/N] [--jobs J] [--threads T], or kochmon sweep "
          "merge DIR\n");
      return EXIT_BAD_INPUT;
    }
    return sweep_command(*args);
  };
}

} // namespace kochmon::tools
