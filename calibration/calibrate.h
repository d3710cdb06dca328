#ifndef KOCHMON_CALIBRATION_CALIBRATE_H
#define KOCHMON_CALIBRATION_CALIBRATE_H

// Calibration (issue #4): fit a few behavioural parameters of a scenario to validation targets
// with a deterministic Nelder–Mead search in a bounded (logit) space, several replicates per
// evaluation with common random numbers. calibration/README.md and REFERENCE.md document the spec.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "calibration/abc.h"
#include "calibration/evaluations.h"
#include "calibration/posterior.h"
#include "scenarios/load/diagnostics.h"
#include "sim/api/registry.h"
#include "sim/api/run_config.h"
#include "validation/validate.h"

namespace kochmon::calibration {

struct Param {
  std::string key;  // as --set takes it
  std::string name; // short name for tables (default: the key)
  double min = 0, max = 1, start = 0.5;
  bool log = false; // bounds mapped on a log scale before the logit (abc_smc: log-uniform prior)
  std::string unit;
  scenarios::Pos pos;
};

struct Spec {
  std::string path;
  std::string name;
  std::string base;    // absolute
  std::string targets; // absolute
  std::vector<std::string> set;
  //! `kochmon calibrate --set`: applied after `set:`, the run end and the scale, before the
  //! parameters; listed in fit_report.md and calibrated.yaml.
  std::vector<std::string> command_line_set;
  int from_year = 2013, to_year = 2015; // targets outside are dropped
  scenarios::Pos period_pos;            // of `period:` (the spec itself when absent)
  std::string run_end;                  // YYYY-MM the runs end (default: to_year-12)
  double scale = 0.02;
  std::vector<std::uint64_t> seeds;
  int max_evaluations = 60;
  double initial_step = 0.5; // of the simplex, in the transformed (logit) space
  double ftol = 1e-3;        // stop when the simplex's objective spread is below this
  int jobs = 2;              // runs at once (one thread each)
  enum class Method { nelder_mead, abc_smc } method = Method::nelder_mead;
  AbcSettings abc; // method abc_smc (abc.jobs is `jobs`)
  std::vector<Param> params;
};

//! Reads and validates a calibration spec (every error at once, file:line:col), with the
//! command line's --set overrides (their syntax checked; Spec::command_line_set).
Spec load_spec(const std::string& path, const std::vector<std::string>& command_line_set = {});

//! Bounded value <-> unbounded search coordinate (logit of the position in [min, max], on a log
//! scale when `log`).
double to_search(const Param& p, double x);
double from_search(const Param& p, double u);
//! A position z in [0, 1] of the prior (uniform, or uniform on the logs) -> the value, and back.
double from_unit(const Param& p, double z);
double to_unit(const Param& p, double x);

struct NelderMeadResult {
  std::vector<double> x;
  double f = 0;
  int evaluations = 0;
  bool converged = false;
};

//! Nelder–Mead (reflection 1, expansion 2, contraction 0.5, shrink 0.5) from the simplex x0,
//! x0 + step e_i. Deterministic; stops after about max_evals evaluations (a step in progress
//! may finish) or when the objective spread of the simplex is at most ftol (absolute) or its
//! size below 1e-8.
NelderMeadResult nelder_mead(const std::function<double(const std::vector<double>&)>& f,
                             const std::vector<double>& x0, double step, int max_evals,
                             double ftol);

//! Runs one scenario to a file (kochmon's run_one); true when complete.
using RunFn = std::function<void(const sim::RunConfig& config, const std::string& output)>;

struct Options {
  std::string dir; // output directory: fit_report.md, calibrated.yaml, history.csv, runs/
  RunFn run;
  bool quiet = false;
  AbcProgress progress; // abc_smc: inside a generation (the command's progress bar)
  //! abc_smc: this process is shard index of count sharing o.dir's evaluation log (SLURM array
  //! tasks, MPI ranks); shard 1 alone writes posterior.h5 and the reports. `jobs` is ignored
  //! (the spec's). Default 1 of 1: the whole calibration here.
  ShardSettings shard;
};

struct Evaluation {
  std::vector<double> x; // parameter values
  double objective = 0;
  double seconds = 0;
};

struct Outcome {
  std::vector<double> best;
  double objective = 0;
  std::vector<Evaluation> history;
  validation::Report report; // of the best point (mean of the replicates)
  bool converged = false;
};

//! The overrides of one evaluation: the spec's set:, the run end (time.end), scale=, the
//! command line's --set, then the parameters.
std::vector<std::string> overrides(const Spec& spec, const std::vector<double>& x);

//! The spec's targets restricted to its period (years inside from_year..to_year).
validation::Targets period_targets(const Spec& spec);

//! Runs every replicate of the point x (in parallel, `jobs` at once) and averages their
//! extracts. Run files go to dir/runs/seed-<seed>.h5 and are replaced at every evaluation.
validation::Extract evaluate_point(const Spec& spec, const validation::Targets& targets,
                                   const std::vector<double>& x, const sim::Registries& registries,
                                   const Options& o);

Outcome calibrate(const Spec& spec, const sim::Registries& registries, const Options& o);

//! fit_report.md and calibrated.yaml in o.dir.
void write_reports(const Spec& spec, const Outcome& out, const Options& o);

struct AbcOutcome {
  Posterior posterior;
  PosteriorSummary summary;
  validation::Report report; // at the posterior medians, mean of the spec's seeds
  bool resumed = false;      // generations were read from o.dir/posterior.h5
};

//! What fixes an abc_smc sample: the resolved base scenario, the targets, the period, the
//! scale, the seeds, the parameters and the sampler's settings other than its stopping rules
//! (generations, min_acceptance, max_simulations may change on a resume).
std::string abc_identity(const Spec& spec, const sim::Registries& registries);

//! Method abc_smc: samples the posterior (calibration/abc.h), saving o.dir/posterior.h5 after
//! every generation and resuming from it when its identity matches (a mismatch is an
//! InputError: exit 2, nothing written). Each proposal runs every seed of the spec as
//! abc_run_seed(seed, generation, proposal); the distance is the objective of the mean extract.
//! Every distance goes to the evaluation log (calibration/evaluations.h) and is read back from
//! it on a resume; o.shard shares the batches between processes. A shard other than 1 returns
//! the sample without the validation table (AbcOutcome::report empty).
AbcOutcome calibrate_abc(const Spec& spec, const sim::Registries& registries, const Options& o);

//! fit_report.md (settings, diagnostics per generation, posterior summary, validation table at
//! the medians) and calibrated.yaml (the medians) in o.dir.
void write_abc_reports(const Spec& spec, const AbcOutcome& out, const Options& o);

} // namespace kochmon::calibration

#endif
