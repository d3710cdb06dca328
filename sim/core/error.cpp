#include "sim/core/error.h"

#include <cstdio>
#include <cstdlib>

namespace kochmon::sim {

void assertion_failed(const char* cond, const char* msg, const char* file, int line) {
  std::fprintf(stderr,
               "%s:%d: internal error: %s (%s)\n  this is a bug in kochmon: please report it "
               "with the scenario and seed\n",
               file, line, msg, cond);
  std::abort();
}

} // namespace kochmon::sim
