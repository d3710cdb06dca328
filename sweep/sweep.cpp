#include "sweep/sweep.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "scenarios/load/loader.h"
#include "sim/core/error.h"
#include "sweep/identity.h"
#include "sweep/run_dir.h"
#include "sweep/summary.h"
#include "sweep/sweep_internal.h"

namespace kochmon::sweep {
namespace detail {

Prepared prepare(const SweepOptions& o, const sim::Registries& registries, bool claim) {
  Prepared p{load_spec(o.spec, true, o.overrides), {}, {}, &registries};
  p.points = make_design(p.spec.design, p.spec.parameters);
  const std::string base = check_against_base(p.spec, p.points, *p.registries);
  p.hash = sweep_hash(p.spec, base);
  if (claim) claim_directory(o.dir, p.spec, p.hash);
  return p;
}

Outcome execute(const Prepared& p, const SweepOptions& o, std::uint64_t index) {
  const RunKey key = run_key(p.spec, index);
  const std::string failed = failed_path(o.dir, key);
  std::error_code ec;
  std::filesystem::remove(failed, ec);
  try {
    scenarios::LoadOptions lo;
    lo.overrides = run_overrides(p.spec, p.points[key.point]);
    lo.seed = p.spec.run_seed(key.point, key.replicate);
    const sim::RunConfig cfg = scenarios::load_scenario(p.spec.base, *p.registries, lo);
    const RunRequest req{cfg, run_path(o.dir, key), derive_run_id(p.hash, index), o.threads,
                         o.stop};
    return o.run(req) ? Outcome::ok : Outcome::interrupted;
  } catch (const std::exception& e) {
    const std::string what = e.what();
    try {
      write_file_atomic(failed, what + "\n");
    } catch (const std::exception&) {
    }
    if (!o.quiet)
      std::fprintf(stderr, "\nkochmon sweep: run %llu (point %llu, replicate %d) failed:\n%s\n",
                   static_cast<unsigned long long>(index),
                   static_cast<unsigned long long>(key.point), key.replicate, what.c_str());
    return Outcome::failed;
  }
}

void summarise(const Prepared& p, const std::string& dir, SweepResult& result) {
  const auto rows = build_summary(dir, p.spec, p.points, p.hash);
  write_summary(dir, p.spec, p.hash, rows);
  result.summary_written = true;
  result.summary_not_ok = 0;
  for (const auto& r : rows)
    result.summary_not_ok += r.status != "ok";
}

} // namespace detail

SweepResult run_local(const SweepOptions& o, const sim::Registries& registries) {
  const auto t0 = std::chrono::steady_clock::now();
  const detail::Prepared p = detail::prepare(o, registries, true);
  SweepResult result;
  result.total = p.spec.runs();
  std::vector<std::uint64_t> mine;
  for (std::uint64_t i = 0; i < result.total; ++i)
    if (!o.shard || i % static_cast<std::uint64_t>(o.shard->second) ==
                        static_cast<std::uint64_t>(o.shard->first - 1))
      mine.push_back(i);
  const std::vector<std::uint64_t> todo = pending_runs(o.dir, p.spec, mine);
  result.skipped = mine.size() - todo.size();

  const int jobs = std::max(
      1, std::min<int>(o.jobs > 0 ? o.jobs : static_cast<int>(std::thread::hardware_concurrency()),
                       static_cast<int>(std::max<std::size_t>(1, todo.size()))));
  std::atomic<std::size_t> next{0};
  std::atomic<std::uint64_t> done{0}, failed{0};
  std::atomic<bool> interrupted{false};
  std::mutex progress_mutex;
  if (o.progress) o.progress(0, todo.size());
  auto worker = [&] {
    for (;;) {
      if (o.stop && o.stop->load()) return;
      const std::size_t n = next.fetch_add(1);
      if (n >= todo.size()) return;
      const auto outcome = detail::execute(p, o, todo[n]);
      if (outcome == detail::Outcome::interrupted) {
        interrupted = true;
        return;
      }
      (outcome == detail::Outcome::ok ? done : failed) += 1;
      if (o.progress) {
        const std::lock_guard lock(progress_mutex);
        o.progress(done + failed, todo.size());
      }
    }
  };
  // Runs in parallel, one thread each by default (README.md: on small runs this beats
  // threads within a run). Each run is independent, so the order of completion is irrelevant.
  std::vector<std::thread> pool;
  for (int j = 1; j < jobs; ++j)
    pool.emplace_back(worker);
  worker();
  for (auto& t : pool)
    t.join();
  result.done = done;
  result.failed = failed;
  result.interrupted = interrupted || (o.stop && o.stop->load());
  if (!o.shard && !result.interrupted) detail::summarise(p, o.dir, result);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

SweepResult merge(const std::string& dir) {
  const std::string spec_path = dir + "/sweep.yaml";
  if (!std::filesystem::exists(spec_path))
    throw sim::InputError(dir +
                          ": error: not a sweep directory (no sweep.yaml)\n  hint: give the -o "
                          "directory of a `kochmon sweep`");
  const auto t0 = std::chrono::steady_clock::now();
  detail::Prepared p{load_spec(spec_path), {}, recorded_hash(dir), nullptr};
  p.points = make_design(p.spec.design, p.spec.parameters);
  SweepResult result;
  result.total = p.spec.runs();
  detail::summarise(p, dir, result);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

} // namespace kochmon::sweep
