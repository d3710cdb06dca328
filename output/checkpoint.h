#ifndef KOCHMON_OUTPUT_CHECKPOINT_H
#define KOCHMON_OUTPUT_CHECKPOINT_H

// Checkpoints (FORMAT.md, "Checkpoint files"): everything needed to finish an interrupted run
// with output bit-identical to an uninterrupted one — the resolved scenario, the engine's
// state arrays, and the series values of the months already simulated. Written atomically.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/api/results.h"
#include "sim/api/state.h"

namespace kochmon::output {

struct CheckpointInfo {
  std::string scenario_yaml;          // the resolved scenario
  std::string scenario_path;          // as given to `kochmon run` (data files resolve against it)
  std::vector<std::string> overrides; // the run's --set options, in order
  bool seed_given = false;            // whether --seed was given (then `seed` is it)
  std::string output_path;            // the result file the run writes
  std::string run_id;
  std::uint64_t seed = 0;
  int steps_done = 0;
  int n_steps = 0;
};

//! Series values of the months simulated so far: history[step][series] = values.
using History = std::vector<std::vector<std::vector<double>>>;

class CheckpointWriter final : public sim::StateWriter {
public:
  //! Opens `path` + ".tmp"; throws sim::RunError when it cannot.
  explicit CheckpointWriter(const std::string& path);
  ~CheckpointWriter() override;
  CheckpointWriter(const CheckpointWriter&) = delete;
  CheckpointWriter& operator=(const CheckpointWriter&) = delete;

  void put(const std::string& name, std::span<const std::byte> bytes) override;
  void write_info(const CheckpointInfo& info);
  void write_history(const sim::ResultsLayout& layout, const History& history);
  //! Closes and renames into place (replacing an older checkpoint).
  void finish();

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class CheckpointReader final : public sim::StateReader {
public:
  //! Throws sim::InputError when `path` is missing, truncated or not a kochmon checkpoint.
  explicit CheckpointReader(const std::string& path);
  ~CheckpointReader() override;
  const CheckpointInfo& info() const;
  std::vector<std::byte> get(const std::string& name) const override;
  //! The recorded months, checked against `layout`.
  History history(const sim::ResultsLayout& layout) const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace kochmon::output

#endif
