// The MPI driver. Rank 0 owns the list of runs still to do and hands out one index at a time
// (dynamic: a fast rank simply asks more often). Rank 0 also runs work itself: a service
// thread answers the other ranks, sleeping between polls so that it does not take a core.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#include "sim/core/error.h"
#include "sweep/run_dir.h"
#include "sweep/sweep.h"
#include "sweep/sweep_internal.h"

#ifdef KOCHMON_HAVE_MPI
#include <mpi.h>
#endif

namespace kochmon::sweep {

bool mpi_launched() {
#ifdef KOCHMON_HAVE_MPI
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"}) {
    const char* v = std::getenv(var);
    if (v && std::atoi(v) > 1) return true;
  }
  // PMIx launchers (srun --mpi=pmix) set PMIX_RANK but not always a size: let MPI decide.
  return std::getenv("PMIX_RANK") != nullptr && std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr;
#else
  return false;
#endif
}

#ifdef KOCHMON_HAVE_MPI
namespace {

constexpr int TAG_REQUEST = 1, TAG_WORK = 2;
constexpr std::int64_t NO_MORE = -1;
// A request carries the outcome of the previous run: 0 none yet, 1 ok, 2 failed.
constexpr std::int64_t NONE = 0, OK = 1, FAILED = 2;

} // namespace

SweepResult run_mpi(const SweepOptions& o, const sim::Registries& registries, int& rank) {
  int provided = 0;
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided);
  int size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const auto t0 = std::chrono::steady_clock::now();

  // Every rank prepares the spec; rank 0 alone claims the directory and finds the pending runs,
  // the others wait for it so that a bad spec is reported once.
  std::optional<detail::Prepared> prepared;
  std::string error;
  int kind = 0; // 0 ok, 1 input error, 2 other
  try {
    prepared.emplace(detail::prepare(o, registries, rank == 0));
  } catch (const sim::InputError& e) {
    error = e.what();
    kind = 1;
  } catch (const std::exception& e) {
    error = e.what();
    kind = 2;
  }
  int worst = 0;
  MPI_Allreduce(&kind, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (worst != 0) {
    MPI_Finalize();
    if (rank != 0) std::exit(worst == 1 ? 2 : 1);
    if (kind == 1) throw sim::InputError(error);
    throw sim::RunError(error.empty() ? "another rank failed to prepare the sweep" : error);
  }
  const detail::Prepared& p = *prepared;
  SweepResult result;
  result.total = p.spec.runs();

  std::vector<std::uint64_t> todo;
  if (rank == 0) {
    std::vector<std::uint64_t> all(result.total);
    for (std::uint64_t i = 0; i < result.total; ++i)
      all[i] = i;
    todo = pending_runs(o.dir, p.spec, all);
    result.skipped = result.total - todo.size();
  }

  std::atomic<std::size_t> next{0};
  std::atomic<std::uint64_t> done{0}, failed{0};
  std::mutex progress_mutex;
  auto report = [&] {
    if (!o.progress) return;
    const std::lock_guard lock(progress_mutex);
    o.progress(done + failed, todo.size());
  };
  auto count = [&](std::int64_t outcome) {
    if (outcome == OK) done += 1;
    if (outcome == FAILED) failed += 1;
    if (outcome != NONE) report();
  };
  auto run_index = [&](std::uint64_t index) {
    const auto outcome = detail::execute(p, o, index);
    if (outcome == detail::Outcome::interrupted) {
      std::fprintf(stderr, "kochmon sweep: rank %d interrupted; rerun the sweep to finish it\n",
                   rank);
      MPI_Abort(MPI_COMM_WORLD, 130);
    }
    return outcome == detail::Outcome::ok ? OK : FAILED;
  };

  const bool serve_in_thread = provided >= MPI_THREAD_SERIALIZED;
  if (rank == 0) {
    if (o.progress) report();
    auto serve = [&] {
      int active = size - 1;
      while (active > 0) {
        std::int64_t msg = 0;
        MPI_Status st;
        MPI_Request req;
        MPI_Irecv(&msg, 1, MPI_INT64_T, MPI_ANY_SOURCE, TAG_REQUEST, MPI_COMM_WORLD, &req);
        int flag = 0;
        while (!flag) {
          MPI_Test(&req, &flag, &st);
          if (!flag) std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        count(msg);
        const std::size_t n = next.fetch_add(1);
        const std::int64_t reply = n < todo.size() ? static_cast<std::int64_t>(todo[n]) : NO_MORE;
        if (reply == NO_MORE) --active;
        MPI_Send(&reply, 1, MPI_INT64_T, st.MPI_SOURCE, TAG_WORK, MPI_COMM_WORLD);
      }
    };
    std::thread server;
    if (serve_in_thread) server = std::thread(serve);
    if (serve_in_thread || size == 1) {
      for (;;) {
        const std::size_t n = next.fetch_add(1);
        if (n >= todo.size()) break;
        count(run_index(todo[n]));
      }
    }
    if (serve_in_thread)
      server.join();
    else
      serve(); // no threads: rank 0 only hands out work
  } else {
    std::int64_t outcome = NONE;
    for (;;) {
      std::int64_t index = NO_MORE;
      MPI_Send(&outcome, 1, MPI_INT64_T, 0, TAG_REQUEST, MPI_COMM_WORLD);
      MPI_Recv(&index, 1, MPI_INT64_T, 0, TAG_WORK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      if (index == NO_MORE) break;
      outcome = run_index(static_cast<std::uint64_t>(index));
    }
  }
  // The last outcomes of the workers arrive with their final requests, before NO_MORE.
  MPI_Barrier(MPI_COMM_WORLD);
  result.done = done;
  result.failed = failed;
  if (rank == 0) {
    detail::summarise(p, o.dir, result);
  }
  MPI_Finalize();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}
MpiWorld mpi_begin() {
  MpiWorld w;
  MPI_Init(nullptr, nullptr);
  MPI_Comm_rank(MPI_COMM_WORLD, &w.rank);
  MPI_Comm_size(MPI_COMM_WORLD, &w.size);
  return w;
}

void mpi_end() {
  int up = 0;
  MPI_Initialized(&up);
  if (!up) return;
  MPI_Barrier(MPI_COMM_WORLD);
  MPI_Finalize();
}
#else
MpiWorld mpi_begin() {
  return {};
}
void mpi_end() {}
SweepResult run_mpi(const SweepOptions& o, const sim::Registries& registries, int& rank) {
  rank = 0;
  return run_local(o, registries);
}
#endif

} // namespace kochmon::sweep
