#include "tools/kochmon/run_one.h"

#include <algorithm>
#include <filesystem>

#include <tbb/info.h>
#include <tbb/task_arena.h>

#include "output/checkpoint.h"
#include "output/writer.h"
#include "scenarios/load/loader.h"

namespace kochmon::tools {
namespace {

//! Sends every call to the file first, then to the observer, and keeps every month's values
//! (in one buffer sized at begin(), so recording allocates nothing) for checkpoints.
class Tee final : public sim::Recorder {
public:
  Tee(sim::Recorder& file, sim::Recorder* observer) : file_(file), observer_(observer) {}
  void begin(const sim::RunInfo& info, const sim::ResultsLayout& layout) override {
    layout_ = &layout;
    width_ = 0;
    for (std::size_t i = 0; i < layout.series.size(); ++i)
      width_ += layout.size(i);
    values_.assign(static_cast<std::size_t>(info.n_steps) * width_, 0.0);
    file_.begin(info, layout);
    if (observer_) observer_->begin(info, layout);
  }
  void record(int step, std::span<const std::span<const double>> values) override {
    file_.record(step, values);
    if (observer_) observer_->record(step, values);
    double* out = &values_[static_cast<std::size_t>(step) * width_];
    for (const auto& v : values)
      out = std::copy(v.begin(), v.end(), out);
    steps_ = step + 1;
  }
  void finish(const sim::RunSummary& summary) override {
    file_.finish(summary);
    if (observer_) observer_->finish(summary);
  }
  const sim::ResultsLayout& layout() const { return *layout_; }
  output::History history() const {
    output::History h(static_cast<std::size_t>(steps_));
    for (std::size_t s = 0; s < h.size(); ++s) {
      const double* in = &values_[s * width_];
      for (std::size_t i = 0; i < layout_->series.size(); ++i) {
        const std::size_t n = layout_->size(i);
        h[s].emplace_back(in, in + n);
        in += n;
      }
    }
    return h;
  }

private:
  sim::Recorder& file_;
  sim::Recorder* observer_;
  const sim::ResultsLayout* layout_ = nullptr;
  std::size_t width_ = 0;
  int steps_ = 0;
  std::vector<double> values_; // [step][series values...]
};

void write_checkpoint(const std::string& path, const sim::RunConfig& config,
                      const RunOneOptions& options, const std::string& run_id,
                      const sim::Simulation& simulation, const Tee& tee) {
  output::CheckpointWriter ck(path);
  output::CheckpointInfo info;
  info.scenario_yaml = config.resolved_yaml;
  info.scenario_path = config.source_path;
  info.overrides = options.overrides;
  info.seed_given = options.seed_given;
  info.output_path = options.output;
  info.run_id = run_id;
  info.seed = config.seed;
  info.steps_done = simulation.steps_done();
  info.n_steps = config.n_steps();
  ck.write_info(info);
  simulation.save_state(ck);
  ck.write_history(tee.layout(), tee.history());
  ck.finish();
}

RunOneResult run_in_arena(const sim::RunConfig& config, const sim::Registries& registries,
                          const RunOneOptions& options, int threads,
                          const std::function<void(const sim::Simulation&)>& finished,
                          const output::CheckpointReader* resume) {
  output::WriterOptions wo;
  wo.path = options.output;
  wo.compression = config.output.compression;
  wo.chunk_months = config.output.chunk_months;
  wo.run_id = options.run_id.empty() ? output::new_run_id() : options.run_id;
  const std::string checkpoint =
      options.checkpoint.empty() ? options.output + ".ckpt" : options.checkpoint;

  sim::Simulation simulation(config, registries);
  output::History past;
  if (resume) {
    simulation.restore_state(*resume);
    past = resume->history(simulation.layout());
  }
  auto file = output::make_h5_recorder(wo);
  Tee tee(*file, options.observer);
  sim::RunOptions ro;
  ro.threads = threads;
  ro.stop = options.stop;
  ro.progress = options.progress;
  if (resume) {
    ro.replay = [&past](sim::Recorder& rec) {
      std::vector<std::span<const double>> spans;
      for (std::size_t s = 0; s < past.size(); ++s) {
        spans.assign(past[s].begin(), past[s].end());
        rec.record(static_cast<int>(s), spans);
      }
    };
  }
  if (options.checkpoint_every > 0) {
    ro.after_step = [&](int done) {
      if (done % options.checkpoint_every == 0 && done < config.n_steps())
        write_checkpoint(checkpoint, config, options, wo.run_id, simulation, tee);
    };
  }
  RunOneResult result;
  result.outcome = simulation.run(tee, ro);
  if (result.outcome.interrupted) {
    write_checkpoint(checkpoint, config, options, wo.run_id, simulation, tee);
    result.checkpoint = checkpoint;
    return result; // the unfinished recorder removes its temporary file when destroyed
  }
  std::error_code ec;
  std::filesystem::remove(checkpoint, ec); // the run is complete: its checkpoint is spent
  if (finished) finished(simulation);
  return result;
}

RunOneResult run_impl(const sim::RunConfig& config, const sim::Registries& registries,
                      const RunOneOptions& options,
                      const std::function<void(const sim::Simulation&)>& finished,
                      const output::CheckpointReader* resume) {
  const int threads = options.threads > 0 ? options.threads : tbb::info::default_concurrency();
  // The run, world generation included, works in an arena of its own with `threads` slots:
  // the limit is this run's, not the process's. (A tbb::global_control is process-wide, and
  // the sweep and calibration pools run several runs at once, each creating one: the TSan
  // pass found them racing inside oneTBB's control list.)
  tbb::task_arena arena(threads);
  return arena.execute(
      [&] { return run_in_arena(config, registries, options, threads, finished, resume); });
}

} // namespace

RunOneResult run_one(const sim::RunConfig& config, const sim::Registries& registries,
                     const RunOneOptions& options,
                     const std::function<void(const sim::Simulation&)>& finished) {
  return run_impl(config, registries, options, finished, nullptr);
}

RunOneResult resume_one(const std::string& checkpoint, const sim::Registries& registries,
                        RunOneOptions options,
                        const std::function<void(const sim::Simulation&)>& finished) {
  const output::CheckpointReader reader(checkpoint);
  const auto& info = reader.info();
  scenarios::LoadOptions lo;
  lo.overrides = info.overrides;
  if (info.seed_given) lo.seed = info.seed;
  const sim::RunConfig config = scenarios::load_scenario(info.scenario_path, registries, lo);
  if (config.resolved_yaml != info.scenario_yaml)
    throw sim::InputError(checkpoint + ": error: the scenario '" + info.scenario_path +
                          "' has changed since the checkpoint was written\n  hint: restore it, or "
                          "start the run again with kochmon run");
  if (options.output.empty()) options.output = info.output_path;
  options.run_id = info.run_id;
  options.overrides = info.overrides;
  options.seed_given = info.seed_given;
  if (options.checkpoint.empty()) options.checkpoint = checkpoint;
  return run_impl(config, registries, options, finished, &reader);
}

} // namespace kochmon::tools
