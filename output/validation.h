#ifndef KOCHMON_OUTPUT_VALIDATION_H
#define KOCHMON_OUTPUT_VALIDATION_H

// The /validation group of a run file (FORMAT.md, "Validation group"): a comparison of the run
// with observed targets, added by `kochmon validate` (validation/validate.h computes it) and
// read back by output/reader.h. Plain data: output/ knows the layout, not how the rows came to be.

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace kochmon::output {

//! The version of the group's own layout (its attribute `layout_version`).
inline constexpr const char* VALIDATION_LAYOUT_VERSION = "1.0";
inline constexpr int VALIDATION_LAYOUT_MAJOR = 1;

enum class ValidationStatus { pass, fail, not_covered };

//! "pass", "FAIL", "not covered": the `status` dataset.
const char* status_text(ValidationStatus s);

//! One target row (a target with years has one per year).
struct ValidationRow {
  static constexpr double none = std::numeric_limits<double>::quiet_NaN();
  std::string target;
  std::string period;      // "2014", "2013-2015", "YYYY-MM..YYYY-MM"
  double simulated = none; // NaN when not covered
  double value = none;     // observed point value; NaN when none
  double low = none;       // observed range or bound; NaN when open
  double high = none;      //
  double error = none;     // NaN when not covered
  ValidationStatus status = ValidationStatus::not_covered;
  std::string unit, note;
};

//! Inter-oblast migration of one region and year, persons per year.
struct ValidationRegionRow {
  static constexpr double none = std::numeric_limits<double>::quiet_NaN();
  std::string region;
  std::int32_t year = 0;
  double arrivals_sim = none, arrivals_obs = none, arrivals_rel_diff = none;
  double departures_sim = none, departures_obs = none, departures_rel_diff = none;
};

struct ValidationTable {
  std::string layout_version = VALIDATION_LAYOUT_VERSION; // as read; always written as ours
  std::string targets_file;                               // as given
  std::string targets_name;
  std::string targets_yaml;    // the targets file as read
  std::string kochmon_version; // as read; written as this kochmon's VERSION
  std::int32_t passed = 0, failed = 0, not_covered = 0;
  double objective = 0;
  double mean_relative_difference = 0;
  std::vector<ValidationRow> rows;
  //! The group /validation/internal_migration, written when not empty.
  std::vector<ValidationRegionRow> regions;
};

//! Writes `table` as the /validation group of the result file `run_file`, replacing the group
//! it may have. The file is checked (filetype, format version: ReadError when it is not a run
//! file), copied to `run_file` + ".validating.tmp", written there and renamed over the
//! original, so a failure (sim::RunError) leaves the run file as it was.
void write_validation(const std::string& run_file, const ValidationTable& table);

} // namespace kochmon::output

#endif
