#ifndef KOCHMON_SWEEP_DESIGN_H
#define KOCHMON_SWEEP_DESIGN_H

// Experimental designs: which parameter values each point of a sweep gets. Random designs
// (Latin hypercube, Morris) are keyed by the sweep seed, so a design is a pure function of the
// spec. Saltelli and Morris points are laid out as SALib lays them out, so that its analysis
// functions read the summary table directly.

#include <cstdint>
#include <string>
#include <vector>

namespace kochmon::sweep {

enum class Method { grid, list, lhs, saltelli, morris };
enum class Distribution { uniform, loguniform, normal };

const char* name_of(Method m);
const char* name_of(Distribution d);

//! One swept scenario key.
struct Parameter {
  std::string key;    // scenario key path, as --set takes it
  std::string column; // column name in the summary (default: key)
  // grid and list: the values as written (YAML scalars)
  std::vector<std::string> values;
  // lhs, saltelli, morris: a distribution over [0, 1) quantiles
  Distribution distribution = Distribution::uniform;
  double min = 0, max = 1; // uniform, loguniform
  double mean = 0, sd = 1; // normal
  bool integer = false;    // round the value to the nearest integer
  //! The value at quantile u in [0, 1).
  double quantile(double u) const;
};

//! One point: a value per parameter, as --set text and (when numeric) as a number.
struct Point {
  std::vector<std::string> text;
  std::vector<double> number; // NaN where a grid value is not a number
  std::vector<double> unit;   // random designs: the quantiles the values came from
};

struct DesignSpec {
  Method method = Method::grid;
  int samples = 0; // lhs: points; saltelli: base samples N; morris: trajectories r
  int levels = 4;  // morris: grid levels p
  std::uint64_t seed = 1;
};

//! Every point of the design, in order (the point id is the index).
//! grid: cartesian product, the last parameter varying fastest; list: the i-th value of every
//! parameter; lhs: `samples` stratified points; saltelli: N blocks of k+2 points
//! (A, AB_1..AB_k, B) from a 2k-dimensional Sobol sequence, skipping its origin; morris: r
//! trajectories of k+1 points each.
std::vector<Point> make_design(const DesignSpec& design, const std::vector<Parameter>& params);

//! Number of points without building them (for messages).
std::uint64_t design_size(const DesignSpec& design, const std::vector<Parameter>& params);

//! Standard normal quantile (Acklam's approximation refined by one Halley step).
double normal_quantile(double p);

//! The unit-cube points alone (no parameter mapping), for analysis and tests.
std::vector<std::vector<double>> saltelli_unit(int n_base, int k);
std::vector<std::vector<double>> morris_unit(int trajectories, int k, int levels,
                                             std::uint64_t seed);

} // namespace kochmon::sweep

#endif
