#ifndef KOCHMON_SWEEP_METRICS_H
#define KOCHMON_SWEEP_METRICS_H

// Reading a finished run file (through output/reader.h): is it complete, and what are its
// metrics.

#include <cstdint>
#include <string>
#include <vector>

#include "sweep/spec.h"

namespace kochmon::sweep {

//! "" when `path` is a complete kochmon run file of seed `seed`; otherwise why not
//! ("missing", "not a kochmon result file (filetype 'x', expected 'kochmon-run')",
//! "format_version '2.0' is not supported (this kochmon reads 1.x)", "incomplete: 12 of 36
//! months", "seed 5, expected 7", "unreadable: <HDF5's reason>").
std::string run_file_problem(const std::string& path, std::uint64_t seed);

//! The metrics of one complete run file, in spec order. A metric that does not fit the file
//! (unknown series, axis or label; window outside the run) is a spec error: sim::InputError
//! at the metric's position. A file that is not a readable kochmon run throws
//! output::ReadError (a sim::InputError).
std::vector<double> compute_metrics(const std::string& path, const std::vector<Metric>& metrics);

} // namespace kochmon::sweep

#endif
