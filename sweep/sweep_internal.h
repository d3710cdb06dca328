#ifndef KOCHMON_SWEEP_SWEEP_INTERNAL_H
#define KOCHMON_SWEEP_SWEEP_INTERNAL_H

// What the local and MPI drivers share: a prepared sweep and the execution of one run.

#include <string>
#include <vector>

#include "sim/api/registry.h"
#include "sweep/design.h"
#include "sweep/spec.h"
#include "sweep/sweep.h"

namespace kochmon::sweep::detail {

struct Prepared {
  Spec spec;
  std::vector<Point> points;
  std::string hash;
  const sim::Registries* registries = nullptr; // the driver's; none when merging
};

//! Loads the spec (with the options' --set overrides) and checks it against its base
//! scenario; with `claim`, records or checks the sweep's identity in the options' directory.
Prepared prepare(const SweepOptions& options, const sim::Registries& registries, bool claim);

enum class Outcome { ok, failed, interrupted };

//! Loads the scenario of run `index` and runs it into its file; a failure is written to the
//! run's .failed file (and reported on stderr unless quiet).
Outcome execute(const Prepared& p, const SweepOptions& o, std::uint64_t index);

//! Builds and writes the summary; fills the summary fields of `result`.
void summarise(const Prepared& p, const std::string& dir, SweepResult& result);

} // namespace kochmon::sweep::detail

#endif
