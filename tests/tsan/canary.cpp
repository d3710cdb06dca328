// The TSan pass can fail: two TBB tasks write one int without synchronisation. Registered in
// the TSan build only, as tsan.canary with WILL_FAIL (tests/CMakeLists.txt): ThreadSanitizer
// must report the race and end the program with TSAN_OPTIONS' exitcode. If it ever passes,
// the instrumentation or the options of tools/dev/sanitizers.sh are broken.

#include <cstdio>

#include <tbb/global_control.h>
#include <tbb/parallel_for.h>

namespace {
int shared_slot = 0; // written by every task: the deliberate race
}

int main() {
  tbb::global_control gc(tbb::global_control::max_allowed_parallelism, 2);
  tbb::parallel_for(0, 64, [](int i) {
    for (int k = 0; k < 10000; ++k)
      shared_slot += i + k;
  });
  std::printf("canary: %d (no race was reported)\n", shared_slot);
  return 0;
}
