#include "tools/kochmon/run_one.h"

#include <tbb/global_control.h>
#include <tbb/info.h>

#include "output/writer.h"

namespace kochmon::tools {
namespace {

//! Sends every call to the file first, then to the observer.
class Tee final : public sim::Recorder {
 public:
  Tee(sim::Recorder& file, sim::Recorder* observer) : file_(file), observer_(observer) {}
  void begin(const sim::RunInfo& info, const sim::ResultsLayout& layout) override {
    file_.begin(info, layout);
    if (observer_) observer_->begin(info, layout);
  }
  void record(int step, std::span<const std::span<const double>> values) override {
    file_.record(step, values);
    if (observer_) observer_->record(step, values);
  }
  void finish(const sim::RunSummary& summary) override {
    file_.finish(summary);
    if (observer_) observer_->finish(summary);
  }

 private:
  sim::Recorder& file_;
  sim::Recorder* observer_;
};

}  // namespace

sim::RunOutcome run_one(const sim::RunConfig& config, const sim::Registries& registries,
                        const RunOneOptions& options,
                        const std::function<void(const sim::Simulation&)>& finished) {
  const int threads = options.threads > 0 ? options.threads : tbb::info::default_concurrency();
  tbb::global_control gc(tbb::global_control::max_allowed_parallelism,
                         static_cast<std::size_t>(threads));
  output::WriterOptions wo;
  wo.path = options.output;
  wo.compression = config.output.compression;
  wo.chunk_months = config.output.chunk_months;
  wo.run_id = options.run_id.empty() ? output::new_run_id() : options.run_id;

  sim::Simulation simulation(config, registries);
  auto file = output::make_h5_recorder(wo);
  Tee tee(*file, options.observer);
  sim::RunOptions ro;
  ro.threads = threads;
  ro.stop = options.stop;
  ro.progress = options.progress;
  const sim::RunOutcome out = simulation.run(tee, ro);
  if (!out.interrupted && finished) finished(simulation);
  return out;  // an unfinished recorder removes its temporary file when destroyed
}

}  // namespace kochmon::tools
