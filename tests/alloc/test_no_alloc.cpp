// Issues #6 and #12: no heap allocation inside the step loop.
//
// This executable replaces every global operator new and delete (plain, array, sized,
// aligned, nothrow) and, on glibc, the malloc family with counting versions, and it is linked
// with a stand-in for oneTBB's allocator library (tbbmalloc_shim.c: libtbbmalloc's memory
// comes from mmap and would never reach the counted malloc), so TBB's own allocations count. A
// Simulation with all three rules and every feature on (entry bans and their enforcement below 1,
// regime switches, an amnesty, three destinations, urban regions, household moves, a trajectories
// sample, the liquidity constraint, training, return grants) runs with 2 threads: 3 warm-up steps
// (TBB's first tasks and thread-local storage may allocate), then 45 counted months, long enough
// for the first 3-year bans to expire. Each month is step() and the HDF5 recorder's record(), as in
// `kochmon run`:
//  - step() must allocate nothing, through any of the three allocators;
//  - record() must allocate nothing of its own (no operator new, no TBB); the only allocations
//    allowed are the HDF5 library's (its deflate filter allocates its output buffer) when a
//    12-month chunk is written, and the test checks that each one has a frame in libhdf5 or
//    libz and that the months between chunk writes allocate nothing.
// When something does allocate, the first call sites' backtraces are printed (resolve them
// with `addr2line -Cfipe <this executable> <offset>`).

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <new>
#include <string>

#include <dlfcn.h>
#include <execinfo.h>
#include <gtest/gtest.h>
#include <tbb/cache_aligned_allocator.h>
#include <tbb/global_control.h>
#include <unistd.h>

#include "agents/builtin.h"
#include "output/writer.h"
#include "sim/engine/simulation.h"
#include "tests/bench/bench_world.h"

// glibc's own allocator entry points: the counting malloc forwards to them.
extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void __libc_free(void*);
void* __libc_memalign(std::size_t, std::size_t);
}

namespace {

std::atomic<bool> g_counting{false};
std::atomic<long> g_new_calls{0};
std::atomic<long> g_malloc_calls{0};
// While the recorder runs: allocations with a frame in the HDF5 library (or zlib under it).
std::atomic<bool> g_in_recorder{false};
std::atomic<long> g_hdf5_calls{0};

constexpr int MAX_SITES = 16;
constexpr int DEPTH = 24;
void* g_sites[MAX_SITES][DEPTH];
int g_depth[MAX_SITES];
bool g_is_new[MAX_SITES];
std::atomic<int> g_n_sites{0};
thread_local bool t_in_hook = false; // backtrace() itself may allocate the first time

enum class Kind { new_, malloc_ };

//! True when one of the caller's frames is in libhdf5 or libz (dladdr does not allocate).
bool called_from_hdf5() {
  void* frames[DEPTH];
  const int n = backtrace(frames, DEPTH);
  for (int k = 0; k < n; ++k) {
    Dl_info info;
    if (dladdr(frames[k], &info) && info.dli_fname &&
        (std::strstr(info.dli_fname, "libhdf5") || std::strstr(info.dli_fname, "libz.")))
      return true;
  }
  return false;
}

void note(Kind kind) {
  if (!g_counting.load(std::memory_order_relaxed) || t_in_hook) return;
  t_in_hook = true;
  if (kind == Kind::malloc_ && g_in_recorder.load(std::memory_order_relaxed) &&
      called_from_hdf5()) {
    g_hdf5_calls.fetch_add(1, std::memory_order_relaxed);
    t_in_hook = false;
    return;
  }
  (kind == Kind::new_ ? g_new_calls : g_malloc_calls).fetch_add(1, std::memory_order_relaxed);
  const int i = g_n_sites.fetch_add(1, std::memory_order_relaxed);
  if (i < MAX_SITES) {
    g_depth[i] = backtrace(g_sites[i], DEPTH);
    g_is_new[i] = kind == Kind::new_;
  }
  t_in_hook = false;
}

void* counted_new(std::size_t n) {
  note(Kind::new_);
  void* p = __libc_malloc(n ? n : 1);
  if (!p) throw std::bad_alloc();
  return p;
}

void* counted_new_aligned(std::size_t n, std::align_val_t al) {
  note(Kind::new_);
  void* p = __libc_memalign(static_cast<std::size_t>(al), n ? n : 1);
  if (!p) throw std::bad_alloc();
  return p;
}

void print_sites() {
  const int n = std::min(g_n_sites.load(), MAX_SITES);
  for (int i = 0; i < n; ++i) {
    std::fprintf(stderr, "--- allocation %d (%s) ---\n", i,
                 g_is_new[i] ? "operator new" : "malloc family");
    std::fflush(stderr);
    backtrace_symbols_fd(g_sites[i], g_depth[i], STDERR_FILENO);
  }
}

} // namespace

// ---- the global operators, every form
void* operator new(std::size_t n) {
  return counted_new(n);
}
void* operator new[](std::size_t n) {
  return counted_new(n);
}
void* operator new(std::size_t n, std::align_val_t al) {
  return counted_new_aligned(n, al);
}
void* operator new[](std::size_t n, std::align_val_t al) {
  return counted_new_aligned(n, al);
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  note(Kind::new_);
  return __libc_malloc(n ? n : 1);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  note(Kind::new_);
  return __libc_malloc(n ? n : 1);
}
void* operator new(std::size_t n, std::align_val_t al, const std::nothrow_t&) noexcept {
  note(Kind::new_);
  return __libc_memalign(static_cast<std::size_t>(al), n ? n : 1);
}
void* operator new[](std::size_t n, std::align_val_t al, const std::nothrow_t&) noexcept {
  note(Kind::new_);
  return __libc_memalign(static_cast<std::size_t>(al), n ? n : 1);
}
void operator delete(void* p) noexcept {
  __libc_free(p);
}
void operator delete[](void* p) noexcept {
  __libc_free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  __libc_free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  __libc_free(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
  __libc_free(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
  __libc_free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  __libc_free(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
  __libc_free(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  __libc_free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  __libc_free(p);
}
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  __libc_free(p);
}
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  __libc_free(p);
}

// ---- the malloc family (glibc): catches C allocations, e.g. inside TBB or libm
extern "C" {
void* malloc(std::size_t n) {
  note(Kind::malloc_);
  return __libc_malloc(n);
}
void* calloc(std::size_t n, std::size_t m) {
  note(Kind::malloc_);
  return __libc_calloc(n, m);
}
void* realloc(void* p, std::size_t n) {
  note(Kind::malloc_);
  return __libc_realloc(p, n);
}
void free(void* p) {
  __libc_free(p);
}
void* memalign(std::size_t al, std::size_t n) {
  note(Kind::malloc_);
  return __libc_memalign(al, n);
}
void* aligned_alloc(std::size_t al, std::size_t n) {
  note(Kind::malloc_);
  return __libc_memalign(al, n);
}
int posix_memalign(void** out, std::size_t al, std::size_t n) {
  note(Kind::malloc_);
  void* p = __libc_memalign(al, n);
  if (!p) return ENOMEM;
  *out = p;
  return 0;
}

// ---- oneTBB's allocator: tests/alloc/tbbmalloc_shim.c (soname libtbbmalloc.so.2, linked
// into this test) stands in for libtbbmalloc, counts TBB's calls and forwards them to the
// counting malloc above.
extern "C" long kochmon_tbbmalloc_shim_count();
}

namespace {

using namespace kochmon;

struct Counts {
  long news = 0, mallocs = 0;   // outside HDF5 (mallocs include TBB's)
  long tbb = 0;                 // oneTBB's, through its allocator library
  long hdf5 = 0;                // inside HDF5, while the recorder writes a chunk
  long hdf5_between_chunks = 0; // inside HDF5 in a month that wrote no chunk
};

constexpr int WARM_UP = 3, COUNTED = 45, CHUNK_MONTHS = 12;

//! Builds a simulation of `households` with every feature on and an HDF5 recorder, runs 3
//! warm-up months on 2 threads, then counts allocations over 45 more months of step() and
//! record().
Counts count_step_allocations(const std::string& combine, double households) {
  tbb::global_control gc(tbb::global_control::max_allowed_parallelism, 2);
  const auto reg = agents::builtin_registries();
  bench::CountryOptions o;
  o.households = households;
  o.months = WARM_UP + COUNTED;
  o.all_rules = true;
  o.combine = combine;
  o.every_feature = true;
  auto cfg = bench::country_config(reg, o);
  for (auto& d : cfg.destinations)
    d.initial_stock = 2000;
  sim::Simulation sim(cfg, reg);
  const auto dir = std::filesystem::temp_directory_path() /
                   ("kochmon_no_alloc_" + std::to_string(::getpid()) + "_" + combine);
  std::filesystem::create_directories(dir);
  output::WriterOptions wo;
  wo.path = (dir / "run.h5").string();
  wo.chunk_months = CHUNK_MONTHS;
  wo.run_id = "00000000000000000000000000000000";
  auto rec = output::make_h5_recorder(wo);
  rec->begin(sim.info(2), sim.layout());
  std::vector<std::span<const double>> values(sim.layout().series.size());
  auto step_and_record = [&](int t, Counts* c) {
    sim.step();
    for (std::size_t i = 0; i < values.size(); ++i)
      values[i] = sim.values(i);
    const long hdf5_before = g_hdf5_calls.load();
    g_in_recorder = true;
    rec->record(t, values);
    g_in_recorder = false;
    // A chunk is written when a 12-month block fills (record() of months 11, 23, ...).
    if (c && (t + 1) % CHUNK_MONTHS != 0)
      c->hdf5_between_chunks += g_hdf5_calls.load() - hdf5_before;
  };
  const std::size_t i_moves = sim.series_index("internal_moves");
  const std::size_t i_new_bans = sim.series_index("new_bans");
  const std::size_t i_active = sim.series_index("active_bans");
  const std::size_t i_deps = sim.series_index("departures");
  auto total = [&](std::size_t i) {
    double x = 0;
    for (double v : sim.values(i))
      x += v;
    return x;
  };
  for (int t = 0; t < WARM_UP; ++t)
    step_and_record(t, nullptr);
  // backtrace() loads libgcc's unwinder on first use: do it before counting.
  void* warm[4];
  backtrace(warm, 4);
  g_n_sites = 0;
  g_new_calls = 0;
  g_malloc_calls = 0;
  g_hdf5_calls = 0;
  const long tbb_before = kochmon_tbbmalloc_shim_count();
  Counts c;
  double moves = 0, bans = 0, departures = 0, active_before = total(i_active);
  int late_expiries = 0; // months after the amnesty in which some bans ended
  g_counting = true;
  for (int t = WARM_UP; t < WARM_UP + COUNTED; ++t) {
    step_and_record(t, &c);
    moves += total(i_moves);
    bans += total(i_new_bans);
    departures += total(i_deps);
    const double active = total(i_active);
    late_expiries += t > 12 && active < active_before + total(i_new_bans);
    active_before = active;
  }
  g_counting = false;
  rec->finish(sim::RunSummary{0.0, WARM_UP + COUNTED});
  std::filesystem::remove_all(dir);
  c.news = g_new_calls.load();
  c.mallocs = g_malloc_calls.load();
  c.tbb = kochmon_tbbmalloc_shim_count() - tbb_before;
  c.hdf5 = g_hdf5_calls.load();
  if (c.news + c.mallocs + c.tbb > 0) print_sites();
  // The counted months did move households, impose bans, let bans expire (3 years after the
  // first ones) and send migrants (guards against a configuration that silently turned a
  // feature off).
  EXPECT_GT(moves, 0.0);
  EXPECT_GT(bans, 0.0);
  EXPECT_GT(late_expiries, 0) << "no ban ended after the amnesty: the run is too short";
  EXPECT_GT(departures, 0.0);
  EXPECT_EQ(sim.steps_done(), WARM_UP + COUNTED);
  return c;
}

class NoAllocation : public ::testing::TestWithParam<const char*> {};

TEST_P(NoAllocation, StepLoopAllocatesNothingWithEveryFeatureOnAndTwoThreads) {
  const Counts c = count_step_allocations(GetParam(), 40000);
  EXPECT_EQ(c.news, 0) << "operator new calls in 45 months (backtraces on stderr)";
  EXPECT_EQ(c.mallocs, 0) << "malloc-family calls outside HDF5 in 45 months (backtraces on stderr)";
  EXPECT_EQ(c.tbb, 0) << "oneTBB allocations in 45 months (backtraces on stderr)";
  EXPECT_EQ(c.hdf5_between_chunks, 0) << "HDF5 allocated in a month that wrote no chunk";
  EXPECT_GT(c.hdf5, 0) << "the recorder wrote no chunk: the count of its allocations saw nothing";
}

INSTANTIATE_TEST_SUITE_P(Combinators, NoAllocation,
                         ::testing::Values("logit", "weighted", "sequential", "any", "all"),
                         [](const auto& info) { return std::string(info.param); });

std::string* volatile g_sink_new = nullptr;
void* volatile g_sink_malloc = nullptr;

// The counting allocator itself works (a test that can never fail proves nothing).
TEST(CountingAllocator, SeesNewAndMalloc) {
  g_counting = true;
  g_new_calls = 0;
  g_malloc_calls = 0;
  g_sink_new = new std::string(100, 'x'); // volatile sinks: the pairs cannot be elided
  g_sink_malloc = std::malloc(64);
  g_counting = false;
  delete g_sink_new;
  std::free(g_sink_malloc);
  EXPECT_GE(g_new_calls.load(), 1);
  EXPECT_GE(g_malloc_calls.load(), 1);
  g_n_sites = 0;
}

// oneTBB's own allocations reach the counting shim, not libtbbmalloc (which gets its memory
// from mmap and would be invisible to the counted malloc).
TEST(CountingAllocator, SeesTbbAllocations) {
  tbb::cache_aligned_allocator<char> tbb_alloc;
  const long before = kochmon_tbbmalloc_shim_count();
  char* volatile p = tbb_alloc.allocate(256);
  tbb_alloc.deallocate(p, 256);
  EXPECT_GE(kochmon_tbbmalloc_shim_count() - before, 1)
      << "TBB did not allocate through the counting stand-in for libtbbmalloc";
  g_n_sites = 0;
}

} // namespace
