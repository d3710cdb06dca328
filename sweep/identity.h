#ifndef KOCHMON_SWEEP_IDENTITY_H
#define KOCHMON_SWEEP_IDENTITY_H

// Names that must come out the same on every machine and in every driver: the hash of a
// normalised spec, each run's seed and each run's id.

#include <cstdint>
#include <string>
#include <string_view>

namespace kochmon::sweep {

//! 128-bit hash of `text` (two FNV-1a 64 lanes) as 32 hex digits; detects a changed spec, not
//! an adversary.
std::string text_hash(std::string_view text);

//! The seed of replicate `replicate` of point `point`: Philox4x64 keyed by the sweep seed,
//! counter (point, replicate); 62 bits, so that it reads back as a non-negative int64.
//! `point` may be a sentinel (common random numbers: the same seeds at every point).
std::uint64_t derive_seed(std::uint64_t sweep_seed, std::uint64_t point, std::uint64_t replicate);

//! A run's id in the sweep: 32 hex digits from the spec hash and the run index, so that the
//! same run has the same id whichever driver ran it.
std::string derive_run_id(std::string_view spec_hash, std::uint64_t run_index);

//! Uniform [0, 1) draws keyed by (seed, purpose, index): the designs' randomness (LHS strata,
//! Morris trajectories, bootstrap resamples).
class KeyedUniform {
public:
  KeyedUniform(std::uint64_t seed, std::uint64_t purpose) : seed_(seed), purpose_(purpose) {}
  double operator()(std::uint64_t a, std::uint64_t b = 0) const;
  //! An integer in [0, n) from the same keyed draw.
  std::uint64_t below(std::uint64_t n, std::uint64_t a, std::uint64_t b = 0) const;

private:
  std::uint64_t seed_, purpose_;
};

} // namespace kochmon::sweep

#endif
