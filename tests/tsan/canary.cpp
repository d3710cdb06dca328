// The TSan pass can fail: two TBB tasks write one int without synchronisation. Registered in
// the TSan build only, as tsan.canary with WILL_FAIL (tests/CMakeLists.txt): ThreadSanitizer
// must report the race and end the program with TSAN_OPTIONS' exitcode. If it ever passes,
// the instrumentation or the options of tools/dev/sanitizers.sh are broken.

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include <tbb/global_control.h>
#include <tbb/parallel_invoke.h>

namespace {
int shared_slot = 0; // written by both tasks: the deliberate race
std::atomic<int> arrived{0};

void task(int i) {
  // Both tasks must run at once, on two threads: on a loaded machine one thread could
  // otherwise run both in turn and there would be no race to see. The rendezvous orders only
  // what comes before it; the writes after it stay unordered. Give up waiting after 20 s.
  arrived.fetch_add(1);
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (arrived.load() < 2 && std::chrono::steady_clock::now() < until)
    std::this_thread::yield();
  for (int k = 0; k < 10000; ++k)
    shared_slot += i + k;
}
} // namespace

int main() {
  tbb::global_control gc(tbb::global_control::max_allowed_parallelism, 2);
  tbb::parallel_invoke([] { task(1); }, [] { task(2); });
  std::printf("canary: %d (no race was reported; tasks met: %s)\n", shared_slot,
              arrived.load() == 2 ? "yes" : "no");
  return 0;
}
