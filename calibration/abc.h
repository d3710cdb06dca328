#ifndef KOCHMON_CALIBRATION_ABC_H
#define KOCHMON_CALIBRATION_ABC_H

// Approximate Bayesian computation by sequential Monte Carlo (issue #16): a weighted sample of
// the posterior of a few parameters given a distance between the simulation and the data, with
// tolerances set adaptively from the previous generation. The population Monte Carlo sampler of
// Beaumont, Cornuet, Marin & Robert (2009, Biometrika 96:983) with the adaptive quantile
// tolerance of Drovandi & Pettitt (2011); calibration/README.md gives the details.
//
// The parameters live in the unit cube of their prior (a uniform prior on [min, max], or on
// the logs). Every draw is keyed by (seed, generation, proposal number), proposals are accepted
// in the order of their numbers and all arithmetic is serial: the sample is bit-identical for
// any number of jobs, and a run resumed from a saved generation gives the sample of a run
// never stopped.

#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <vector>

namespace kochmon::calibration {

//! The perturbation kernel: `global`, a normal with twice the weighted covariance of the
//! previous generation (Beaumont et al. 2009); `local`, a normal about each particle with the
//! weighted scatter about it of the previous particles already within the new tolerance (the
//! optimal local covariance of Filippi, Barnes, Cornebise & Stumpf 2013), which accepts more
//! when the posterior is narrow or curved.
enum class AbcKernel { global, local };

struct AbcSettings {
  int particles = 100;          // accepted per generation
  int generations = 8;          // at most, generation 0 (the prior sample) included
  double quantile = 0.5;        // tolerance of generation t: this quantile of t-1's distances
  double min_acceptance = 0.02; // stop after a generation accepting fewer of its proposals
  long max_simulations = 20000; // proposals in all, each one evaluation of the distance
  std::uint64_t seed = 1;       // of the proposals (and, in calibrate, of the runs)
  int jobs = 2;                 // distance evaluations at once
  AbcKernel kernel = AbcKernel::global;
};

struct AbcGeneration {
  double tolerance = std::numeric_limits<double>::infinity(); // generation 0: the prior
  long proposals = 0;                   // numbered 0..proposals-1: up to the particles-th accepted
  double acceptance = 1;                // particles / proposals
  double ess = 0;                       // effective sample size 1 / sum w^2
  AbcKernel kernel = AbcKernel::global; // that proposed it (may change on a resume)
  std::vector<double> z;                // particles × dim: positions in the prior's unit cube
  std::vector<double> weights;          // normalised to sum 1
  std::vector<double> distance;         // of each particle
  std::vector<std::int64_t> proposal;   // each particle's proposal number
};

struct AbcState {
  std::vector<AbcGeneration> generations;
  std::string stop;     // why the sampler stopped (empty while it runs)
  long simulations = 0; // every distance evaluated, counted or not (batches overrun)
  //! Proposals of the generation the budget cut short, already in `simulations`: a resume
  //! proposes them again (the same points, their distances from the evaluation log) and must
  //! not count them twice. 0 when no generation was cut.
  long cut_proposals = 0;
};

//! The distance of the point z (dim values in [0, 1]) for proposal `proposal` of generation
//! `generation`; called from `jobs` threads at once, `worker` telling them apart. NaN counts as
//! infinitely far.
using AbcDistance = std::function<double(std::span<const double> z, int generation,
                                         std::int64_t proposal, int worker)>;
//! Evaluates a batch of proposals: dist[k] = the distance of zs[k], proposal `first + k` of
//! `generation` (NaN counts as infinitely far). The drivers differ here (threads in this
//! process; shards and MPI ranks sharing an evaluation log: calibration/evaluations.h).
using AbcBatch =
    std::function<void(int generation, std::int64_t first, std::span<const std::vector<double>> zs,
                       std::span<double> dist)>;
//! Runs body(i, worker) for every i in [0, n) on min(jobs, n) threads (worker 0 is the
//! caller's); after a throw no new i starts, and the first exception is rethrown once all
//! threads have stopped.
void run_indices(std::size_t n, int jobs, const std::function<void(std::size_t, int)>& body);
//! The batch evaluator that runs `f` on `jobs` threads of this process.
AbcBatch abc_thread_batch(const AbcDistance& f, int jobs);
//! Progress inside a generation: accepted of particles so far after `proposals`.
using AbcProgress = std::function<void(int generation, int accepted, long proposals)>;

//! Runs (or continues, from `state`'s complete generations) the sampler. `on_generation` is
//! called after every complete generation (to save it). The last generation is the posterior.
AbcState abc_smc(std::size_t dim, const AbcDistance& f, const AbcSettings& s, AbcState state = {},
                 const std::function<void(const AbcState&)>& on_generation = {},
                 const AbcProgress& progress = {});
//! The same with any batch evaluator, `batch` proposals at a time (the sample does not depend
//! on it: proposals are accepted in the order of their numbers; only the overrun of the last
//! batch of a generation, counted in AbcState::simulations, does).
AbcState abc_smc(std::size_t dim, const AbcBatch& evaluate, std::size_t batch, const AbcSettings& s,
                 AbcState state = {},
                 const std::function<void(const AbcState&)>& on_generation = {},
                 const AbcProgress& progress = {});

//! The kernels of a generation's proposals about each particle of `g`: particles × dim × dim,
//! the lower Cholesky factor of each covariance (all equal for the global kernel).
std::vector<double> abc_kernels(const AbcGeneration& g, std::size_t dim, double tolerance,
                                AbcKernel kernel);

//! The point of proposal `proposal` in generation `generation` (>= 1) drawn from the kernel
//! (abc_kernels) around `previous`, or from the prior when generation is 0. For the tests.
std::vector<double> abc_propose(std::size_t dim, const AbcSettings& s, int generation,
                                std::int64_t proposal, const AbcGeneration* previous,
                                std::span<const double> chol);

//! The q-quantile of v under the weights w (normalised or not): the smallest v_i whose
//! cumulative weight, in the order of v, reaches q of the total.
double weighted_quantile(std::span<const double> v, std::span<const double> w, double q);

//! The seed of replicate `replicate_seed`'s run for a proposal: fresh random numbers for every
//! proposal (the simulator's noise belongs to the likelihood), reproducible from the spec.
std::uint64_t abc_run_seed(std::uint64_t replicate_seed, int generation, std::int64_t proposal);

} // namespace kochmon::calibration

#endif
