#ifndef KOCHMON_SWEEP_SENSITIVITY_H
#define KOCHMON_SWEEP_SENSITIVITY_H

// Global sensitivity analysis of a finished sweep: Sobol indices for Saltelli designs
// (first order: Saltelli et al. 2010; total order: Jansen 1999) and Morris elementary effects
// (Morris 1991; mu* of Campolongo et al. 2007), with bootstrap confidence intervals drawn from
// a fixed seed, so the same summary always gives the same table.

#include <cstdint>
#include <string>
#include <vector>

namespace kochmon::sweep {

struct SobolIndices {
  std::vector<double> s1, s1_conf, st, st_conf; // per parameter; conf: half-width
};

//! `y` holds n_base blocks of k+2 outputs, (A, AB_1..AB_k, B) as make_design lays them out.
SobolIndices sobol_indices(const std::vector<double>& y, int n_base, int k, int bootstrap = 1000,
                           double confidence = 0.95, std::uint64_t seed = 1);

struct MorrisIndices {
  std::vector<double> mu, mu_star, sigma, mu_star_conf;
};

//! `x` are the unit-cube points of the trajectories (morris_unit), `y` their outputs;
//! trajectories of k+1 points each. Effects are per unit of the [0, 1] range, as in SALib.
MorrisIndices morris_indices(const std::vector<std::vector<double>>& x,
                             const std::vector<double>& y, int k, int bootstrap = 1000,
                             double confidence = 0.95, std::uint64_t seed = 1);

//! `kochmon sensitivity`: the table for every metric of a summary (CSV or HDF5), as CSV text.
//! The design comes from the sweep.yaml beside the summary (or, for summary.h5, inside it);
//! replicates of a point are averaged. Throws sim::InputError for a design that is neither
//! saltelli nor morris, or a point without a complete run.
std::string sensitivity_table(const std::string& summary_path, int bootstrap = 1000);

} // namespace kochmon::sweep

#endif
