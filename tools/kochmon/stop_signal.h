#ifndef KOCHMON_TOOLS_KOCHMON_STOP_SIGNAL_H
#define KOCHMON_TOOLS_KOCHMON_STOP_SIGNAL_H

// SIGINT and SIGTERM ask a run or a sweep to stop at the next month boundary, with a
// checkpoint (sim/DESIGN.md, "Nothing lost"), instead of killing the process. One flag for
// the process, shared by `run`, `resume` and `sweep`.

#include <atomic>

namespace kochmon::tools {

//! While alive, SIGINT and SIGTERM set the stop flag; the default handlers come back after.
class StopOnSignal {
public:
  StopOnSignal();
  ~StopOnSignal();
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;

  //! Set once a signal arrived while a StopOnSignal was alive; read at each month boundary.
  static const std::atomic<bool>* flag();
  //! The signal that arrived (SIGINT, SIGTERM), or 0.
  static int received();
};

} // namespace kochmon::tools

#endif
