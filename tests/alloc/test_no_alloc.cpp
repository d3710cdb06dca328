// Issue #6: no heap allocation inside the step loop.
//
// This executable replaces every global operator new and delete (plain, array, sized,
// aligned, nothrow) and, on glibc, the malloc family with counting versions. A Simulation with
// all three rules and every feature on (entry bans and their enforcement, a regime switch, an
// amnesty, urban regions, household moves, a trajectories sample, the liquidity constraint,
// training, return grants) runs with 2 threads: 3 warm-up steps (TBB's first tasks and
// thread-local storage may allocate), then 12 counted step() calls must allocate nothing.
// When something does allocate, the first call sites' backtraces are printed (resolve them
// with `addr2line -Cfipe <this executable> <offset>`).

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>

#include <execinfo.h>
#include <gtest/gtest.h>
#include <tbb/global_control.h>
#include <unistd.h>

#include "agents/builtin.h"
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

constexpr int MAX_SITES = 16;
constexpr int DEPTH = 24;
void* g_sites[MAX_SITES][DEPTH];
int g_depth[MAX_SITES];
bool g_is_new[MAX_SITES];
std::atomic<int> g_n_sites{0};
thread_local bool t_in_hook = false; // backtrace() itself may allocate the first time

void note(bool is_new) {
  if (!g_counting.load(std::memory_order_relaxed) || t_in_hook) return;
  (is_new ? g_new_calls : g_malloc_calls).fetch_add(1, std::memory_order_relaxed);
  const int i = g_n_sites.fetch_add(1, std::memory_order_relaxed);
  if (i < MAX_SITES) {
    t_in_hook = true;
    g_depth[i] = backtrace(g_sites[i], DEPTH);
    g_is_new[i] = is_new;
    t_in_hook = false;
  }
}

void* counted_new(std::size_t n) {
  note(true);
  void* p = __libc_malloc(n ? n : 1);
  if (!p) throw std::bad_alloc();
  return p;
}

void* counted_new_aligned(std::size_t n, std::align_val_t al) {
  note(true);
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
  note(true);
  return __libc_malloc(n ? n : 1);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  note(true);
  return __libc_malloc(n ? n : 1);
}
void* operator new(std::size_t n, std::align_val_t al, const std::nothrow_t&) noexcept {
  note(true);
  return __libc_memalign(static_cast<std::size_t>(al), n ? n : 1);
}
void* operator new[](std::size_t n, std::align_val_t al, const std::nothrow_t&) noexcept {
  note(true);
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
  note(false);
  return __libc_malloc(n);
}
void* calloc(std::size_t n, std::size_t m) {
  note(false);
  return __libc_calloc(n, m);
}
void* realloc(void* p, std::size_t n) {
  note(false);
  return __libc_realloc(p, n);
}
void free(void* p) {
  __libc_free(p);
}
void* memalign(std::size_t al, std::size_t n) {
  note(false);
  return __libc_memalign(al, n);
}
void* aligned_alloc(std::size_t al, std::size_t n) {
  note(false);
  return __libc_memalign(al, n);
}
int posix_memalign(void** out, std::size_t al, std::size_t n) {
  note(false);
  void* p = __libc_memalign(al, n);
  if (!p) return ENOMEM;
  *out = p;
  return 0;
}
}

namespace {

using namespace kochmon;

struct Counts {
  long news = 0, mallocs = 0;
};

//! Builds a simulation of `households` with every feature on, runs 3 warm-up steps on 2
//! threads, then counts allocations over 12 more steps.
Counts count_step_allocations(const std::string& combine, double households) {
  tbb::global_control gc(tbb::global_control::max_allowed_parallelism, 2);
  const auto reg = agents::builtin_registries();
  bench::CountryOptions o;
  o.households = households;
  o.months = 15;
  o.all_rules = true;
  o.combine = combine;
  o.every_feature = true;
  const auto cfg = bench::country_config(reg, o);
  sim::Simulation sim(cfg, reg);
  const std::size_t i_moves = sim.series_index("internal_moves");
  const std::size_t i_bans = sim.series_index("new_bans");
  const std::size_t i_deps = sim.series_index("departures");
  for (int i = 0; i < 3; ++i)
    sim.step();
  // backtrace() loads libgcc's unwinder on first use: do it before counting.
  void* warm[4];
  backtrace(warm, 4);
  g_n_sites = 0;
  g_new_calls = 0;
  g_malloc_calls = 0;
  g_counting = true;
  double moves = 0, bans = 0, departures = 0;
  for (int i = 0; i < 12; ++i) {
    sim.step();
    for (double v : sim.values(i_moves))
      moves += v;
    for (double v : sim.values(i_bans))
      bans += v;
    for (double v : sim.values(i_deps))
      departures += v;
  }
  g_counting = false;
  Counts c{g_new_calls.load(), g_malloc_calls.load()};
  if (c.news + c.mallocs > 0) print_sites();
  // The counted months did move households, impose bans and send migrants (guards against a
  // configuration that silently turned a feature off).
  EXPECT_GT(moves, 0.0);
  EXPECT_GT(bans, 0.0);
  EXPECT_GT(departures, 0.0);
  EXPECT_EQ(sim.steps_done(), 15);
  return c;
}

class NoAllocation : public ::testing::TestWithParam<const char*> {};

TEST_P(NoAllocation, StepLoopAllocatesNothingWithEveryFeatureOnAndTwoThreads) {
  const Counts c = count_step_allocations(GetParam(), 40000);
  EXPECT_EQ(c.news, 0) << "operator new calls in 12 step() calls (backtraces on stderr)";
  EXPECT_EQ(c.mallocs, 0) << "malloc-family calls in 12 step() calls (backtraces on stderr)";
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

} // namespace
