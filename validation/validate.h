#ifndef KOCHMON_VALIDATION_VALIDATE_H
#define KOCHMON_VALIDATION_VALIDATE_H

// Validation targets (issue #4): a targets file names observed facts (a value, a range or a
// bound) and how to compute the simulated counterpart from a run file (a metric of
// sweep/metrics.h, or a ratio or sum of metrics), and inter-oblast migration by region
// and year from the data. validation/README.md and REFERENCE.md document the file and the outputs.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/load/diagnostics.h"
#include "sim/core/month.h"
#include "sweep/spec.h"

namespace kochmon::validation {

//! A number computed from a run: a metric, or the ratio or sum of other expressions.
struct Expr {
  enum class Op { metric, ratio, sum };
  Op op = Op::metric;
  sweep::Metric metric;   // Op::metric
  std::vector<Expr> args; // ratio: [numerator, denominator]; sum: terms
  scenarios::Pos pos;
};

enum class Kind { scalar, internal_migration };

struct Target {
  std::string id;
  std::string description;
  std::string source;
  Kind kind = Kind::scalar;
  double weight = 1.0; // in a calibration objective
  scenarios::Pos pos;

  // Kind::scalar
  Expr expr;                       // its metrics' windows are set per row (years) or as given
  std::vector<int> years;          // one row per calendar year; empty: one row
  std::optional<double> value;     // observed point value
  std::optional<double> low, high; // observed range or bound (pass band)
  double tolerance = 0.0;          // value only: relative; a range: in units of its width
  std::string unit;                // for the printed table

  // Kind::internal_migration
  std::string csv; // absolute path of internal_migration.csv
  double max_mean_relative_difference = 1.0;
  std::vector<std::string> net_gainers; // the regions with arrivals > departures (sum of years)
};

struct Targets {
  std::string path;
  std::string name;
  std::vector<Target> targets;
  std::string text; // the file as read (for provenance)
};

//! Reads and validates a targets file (every error at once, file:line:col). Throws
//! sim::InputError.
Targets load_targets(const std::string& path);

enum class Status { pass, fail, not_covered };
const char* name_of(Status s);

//! One line of the validation table.
struct Row {
  std::string target;
  std::string period; // "2014", "2013-01..2015-12"
  double simulated = 0;
  std::optional<double> value, low, high;
  double error = 0; // relative error to value, or distance to the range over its width
  Status status = Status::not_covered;
  std::string unit;
  std::string note; // e.g. the simulated net gainers
  double weight = 1.0;
  bool in_objective = true;
};

//! Inter-oblast migration of one region and year.
struct RegionRow {
  std::string region;
  int year = 0;
  double arrivals_sim = 0, arrivals_obs = 0;
  double departures_sim = 0, departures_obs = 0;
  double arrivals_rel_diff() const;
  double departures_rel_diff() const;
};

struct Report {
  std::vector<Row> rows;
  std::vector<RegionRow> regions;
  double mean_relative_difference = 0; // over regions, years, arrivals and departures
  double objective = 0;                // sum of weight * error^2 over covered rows
  int passed = 0, failed = 0, not_covered = 0;
};

//! The numbers a report needs from one run file: every metric of the targets whose window the
//! run covers, and the annual internal moves. Averaging several replicates' extracts gives the
//! extract of their mean.
struct Extract {
  std::vector<double> metric_values; // in the order of the targets' metrics (NaN: not covered)
  std::vector<double> internal;      // [year][region][arrivals, departures], per internal target
  std::vector<std::string> regions;  // region labels of the run
  int n = 1;                         // replicates averaged
};

//! Reads the run file's numbers for `targets` (through output/reader.h). Throws sim::InputError
//! when a target does not fit the run (unknown series, label) and output::ReadError (an
//! InputError) when the file is not a readable kochmon run.
Extract extract(const std::string& run_file, const Targets& targets);

//! The mean of several extracts of the same targets.
Extract mean(const std::vector<Extract>& extracts);

//! The validation table from an extract.
Report evaluate(const Targets& targets, const Extract& e, const std::string& run_file);

//! The printed table (target | period | simulated | observed | error | pass) and the regions.
std::string format_table(const Report& r);

//! validation.csv: one line per row, then (after a blank line) one per region and year.
void write_csv(const Report& r, const std::string& path);

//! Writes the /validation group into a run file (replacing an old one) with
//! output::write_validation: the file is copied, written and renamed over the original, so a
//! failure leaves the run file as it was.
void write_group(const Report& r, const Targets& targets, const std::string& run_file);

} // namespace kochmon::validation

#endif
