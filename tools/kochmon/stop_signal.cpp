#include "tools/kochmon/stop_signal.h"

#include <csignal>

namespace kochmon::tools {
namespace {

// Lock-free atomics are async-signal-safe to store to.
std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free);

extern "C" void on_stop_signal(int sig) {
  g_signal.store(sig);
  g_stop.store(true);
}

} // namespace

StopOnSignal::StopOnSignal() {
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
}

StopOnSignal::~StopOnSignal() {
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

const std::atomic<bool>* StopOnSignal::flag() {
  return &g_stop;
}

int StopOnSignal::received() {
  return g_signal.load();
}

} // namespace kochmon::tools
