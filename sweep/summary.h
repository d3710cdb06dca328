#ifndef KOCHMON_SWEEP_SUMMARY_H
#define KOCHMON_SWEEP_SUMMARY_H

// The summary table: one row per run, built from the run files alone, so it comes out the
// same whichever driver ran them. Columns: run, point, replicate, seed, every parameter, every
// metric, run_id, status (README.md).

#include <cstdint>
#include <string>
#include <vector>

#include "sweep/design.h"
#include "sweep/spec.h"

namespace kochmon::sweep {

struct SummaryRow {
  std::uint64_t run = 0, point = 0;
  int replicate = 0;
  std::uint64_t seed = 0;
  std::vector<std::string> params; // as passed to the scenario
  std::vector<double> metrics;     // NaN unless status is ok
  std::string run_id;
  std::string status;  // ok | failed | missing | invalid
  std::string problem; // for failed/invalid: why (not a column)
};

//! Every row, in run order. Metric errors (a metric that does not fit the run files) are spec
//! errors: sim::InputError.
std::vector<SummaryRow> build_summary(const std::string& dir, const Spec& spec,
                                      const std::vector<Point>& points, const std::string& hash);

//! The column names, in order.
std::vector<std::string> summary_columns(const Spec& spec);

//! Writes DIR/summary.csv and DIR/summary.h5 (each through a temporary name).
void write_summary(const std::string& dir, const Spec& spec, const std::string& hash,
                   const std::vector<SummaryRow>& rows);

//! A CSV summary read back: header and cells as text.
struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  int column(const std::string& name) const; // -1 when absent
};
Table read_summary_csv(const std::string& path);
//! The same table from summary.h5.
Table read_summary_h5(const std::string& path);

//! "1.5" -> 1.5; "" (NaN in the CSV) -> NaN.
double cell_number(const std::string& text);

} // namespace kochmon::sweep

#endif
