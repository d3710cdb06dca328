#ifndef KOCHMON_CALIBRATION_POSTERIOR_H
#define KOCHMON_CALIBRATION_POSTERIOR_H

// The posterior file of `kochmon calibrate` with method abc_smc (output/FORMAT.md, "Posterior
// file"): the weighted sample of the last generation, every generation (for the diagnostics
// and to resume), the priors, the targets, the spec and the provenance.

#include <string>
#include <vector>

#include "calibration/abc.h"

namespace kochmon::calibration {

inline constexpr const char* POSTERIOR_FILETYPE = "kochmon-posterior";
inline constexpr const char* POSTERIOR_VERSION = "1.0";

struct PosteriorParam {
  std::string name, key, unit, prior; // prior: "uniform" or "log_uniform" on [min, max]
  double min = 0, max = 1;
};

struct Posterior {
  std::vector<PosteriorParam> params;
  AbcState state;             // every generation; the last is the posterior
  std::vector<double> value;  // particles × params: the last generation's values
  std::vector<double> weight; // normalised
  std::string identity;       // what fixes the sample (resume checks it)
  std::string spec_text, targets_text, scenario, name, run_id, stop;
  std::vector<std::uint64_t> seeds; // the replicate seeds the runs' seeds derive from
  std::uint64_t abc_seed = 0;
  double wall_seconds = 0;
};

struct PosteriorSummary {
  std::vector<double> mean, sd, q05, q25, median, q75, q95; // per parameter, weighted
};

PosteriorSummary summarise(const Posterior& p);

//! Writes `path` under a temporary name and renames it.
void write_posterior(const std::string& path, const Posterior& p);
//! Reads a posterior file; throws sim::InputError when it is not one (or unreadable).
Posterior read_posterior(const std::string& path);

} // namespace kochmon::calibration

#endif
