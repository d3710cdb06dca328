#ifndef KOCHMON_CALIBRATION_EVALUATIONS_H
#define KOCHMON_CALIBRATION_EVALUATIONS_H

// The evaluation log of an ABC calibration (issue #16) and the drivers built on it. Every
// distance is appended, as soon as it is computed, to
//     DIR/evaluations/<identity hash>/gen-<t>/shard-<I>.txt
// one line "<proposal> <hash of the point, hex> <distance, hexadecimal float>". So
// - a calibration killed inside a generation resumes without running again what it had done
//   (posterior.h5 holds only complete generations);
// - shards of one calibration (SLURM array tasks, MPI ranks) share its work through the
//   directory: each evaluates its share of every batch and reads the others' lines.
// The sampler is deterministic given the spec, so every shard proposes the same points and
// computes the same sample; whoever evaluates a proposal gets the same distance. A line is
// written with one write(2) to a file opened O_APPEND, so a torn line (a kill) can only be a
// file's last, and it is ignored. The point's hash guards against a log written under another
// kernel (a resume may change it): a line counts only for the point it was computed at.

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "calibration/abc.h"

namespace kochmon::calibration {

//! 64-bit FNV-1a of the bytes of the point's coordinates.
std::uint64_t point_hash(std::span<const double> z);

class EvaluationLog {
public:
  //! `dir`: DIR/evaluations/<identity hash>; `shard`: this process's file, shard-<shard>.txt.
  EvaluationLog(std::string dir, int shard);
  ~EvaluationLog();
  EvaluationLog(const EvaluationLog&) = delete;
  EvaluationLog& operator=(const EvaluationLog&) = delete;

  //! Reads what the files of generation t have gained since the last call. Returns how many
  //! of the new lines other processes wrote (another shard's news).
  std::size_t refresh(int t);
  //! The logged distance of proposal p of generation t at the point with hash h.
  bool find(int t, std::int64_t p, std::uint64_t h, double& distance) const;
  //! Appends (and remembers) a distance; safe from several threads.
  void append(int t, std::int64_t p, std::uint64_t h, double distance);
  //! Lines read from files at the last refresh, for the resume message.
  std::size_t known(int t) const;

private:
  struct Entry {
    std::uint64_t hash;
    double distance;
  };
  std::string dir_;
  int shard_;
  int generation_ = -1; // whose entries are held (older ones are dropped)
  std::multimap<std::int64_t, Entry> entries_;
  std::map<std::string, std::uint64_t> offsets_; // bytes of each file read
  int fd_ = -1;                                  // this shard's file of generation_
  mutable std::mutex mutex_;
  void open_generation(int t);
};

struct ShardSettings {
  int index = 1, count = 1; // this process is shard index of count (1 <= index <= count)
  int jobs = 1;             // distance evaluations at once in this process
  //! Seconds without a new line from another shard, while waiting for its share, after which
  //! this shard evaluates that share itself (a dead or never started shard); the same
  //! distances result, so at worst work is done twice.
  double wait = 60;
  double poll = 0.2; // seconds between reads of the others' files
};

//! The batch evaluator of the logged drivers: proposals already in the log are read from it;
//! of the others, this shard's (proposal mod count == index - 1) run with `jobs` threads and
//! are logged; then it waits for the rest (ShardSettings::wait). With count 1 it is the
//! thread driver plus the log. `note` receives one-line messages (a takeover, reused lines).
AbcBatch logged_batch(const AbcDistance& f, EvaluationLog& log, const ShardSettings& s,
                      std::function<void(const std::string&)> note = {});

} // namespace kochmon::calibration

#endif
