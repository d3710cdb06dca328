#ifndef KOCHMON_SWEEP_RUN_DIR_H
#define KOCHMON_SWEEP_RUN_DIR_H

// The sweep directory: what it holds and how several processes share it.
//
//   DIR/sweep.yaml             the normalised spec (merge and sensitivity read it)
//   DIR/sweep.hash             its identity (spec, with any --set, + resolved base scenario); a
//                              different spec or --set is refused
//   DIR/runs/p<point>-r<rep>.h5      one complete run file (written as .tmp, then renamed)
//   DIR/runs/p<point>-r<rep>.failed  why that run failed (removed when it succeeds)
//   DIR/summary.csv, DIR/summary.h5  one row per run

#include <cstdint>
#include <string>
#include <vector>

#include "sweep/spec.h"

namespace kochmon::sweep {

struct RunKey {
  std::uint64_t index = 0; // point * replicates + replicate
  std::uint64_t point = 0;
  int replicate = 0;
};

RunKey run_key(const Spec& spec, std::uint64_t index);
std::string run_path(const std::string& dir, const RunKey& key);
std::string failed_path(const std::string& dir, const RunKey& key);

//! Creates DIR (and DIR/runs) and records the sweep's identity there, or checks that the
//! identity already recorded is this one. Safe when many processes start at once (the first
//! link wins, the others compare). Throws sim::InputError when DIR holds another sweep.
void claim_directory(const std::string& dir, const Spec& spec, const std::string& hash);

//! The hash recorded in DIR ("" when none).
std::string recorded_hash(const std::string& dir);

//! Of `indices`, those whose run file is missing, incomplete or invalid (in order).
std::vector<std::uint64_t> pending_runs(const std::string& dir, const Spec& spec,
                                        const std::vector<std::uint64_t>& indices);

//! Writes `text` to `path` through a temporary file and a rename.
void write_file_atomic(const std::string& path, const std::string& text);
std::string read_file(const std::string& path);

} // namespace kochmon::sweep

#endif
