#ifndef KOCHMON_TOOLS_SWEEP_SWEEP_H
#define KOCHMON_TOOLS_SWEEP_SWEEP_H

// Scenario sweeps (issue #5): designs, drivers and the summary table. Placeholder until written.

namespace kochmon::sweep {}

#endif
