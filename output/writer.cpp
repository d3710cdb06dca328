#include "output/writer.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <optional>
#include <random>
#include <utility>
#include <vector>

#include <unistd.h>

#include "output/format_version.h"
#include "output/h5/h5.h"
#include "sim/core/error.h"
#include "sim/core/version.h"

namespace kochmon::output {

namespace {

namespace fs = std::filesystem;

//! Writes one run into `<path>.tmp` and renames it to `<path>` in finish(). FORMAT.md.
class H5Recorder final : public sim::Recorder {
public:
  explicit H5Recorder(WriterOptions options) : options_(std::move(options)) {
    tmp_path_ = options_.path + ".tmp";
  }
  H5Recorder(const H5Recorder&) = delete;
  H5Recorder& operator=(const H5Recorder&) = delete;
  ~H5Recorder() override { discard(); }

  void begin(const sim::RunInfo& info, const sim::ResultsLayout& layout) override;
  void record(int step, std::span<const std::span<const double>> values) override;
  void finish(const sim::RunSummary& summary) override;

private:
  // One /series dataset and everything needed to write a chunk of it without allocating.
  struct SeriesOut {
    h5::Dataset dataset;
    h5::Dataspace file_space;
    std::optional<h5::Dataspace> full_chunk; // memory space of a whole chunk
    std::vector<hsize_t> start, count;
    std::size_t width = 0; // values per step
    std::vector<double> buffer;
  };

  void create_file();
  void write_meta(const sim::RunInfo& info);
  std::vector<h5::Dataset> write_axes(const sim::RunInfo& info, const sim::ResultsLayout& layout);
  void create_series(const sim::ResultsLayout& layout, const std::vector<h5::Dataset>& scales);
  void write_buffered();
  void close_all() noexcept;
  void discard() noexcept;

  WriterOptions options_;
  std::string tmp_path_;
  std::optional<h5::File> file_;
  std::optional<h5::Group> meta_;
  std::vector<SeriesOut> series_;
  int n_steps_ = 0;
  int chunk_len_ = 1;
  int chunk_start_ = 0; // first step held in the buffers
  int next_step_ = 0;
  bool finished_ = false;
};

void H5Recorder::create_file() {
  try {
    file_.emplace(h5::File::create(tmp_path_));
  } catch (const h5::Error& e) {
    throw sim::RunError("output: cannot create '" + tmp_path_ + "': " + e.reason() +
                        "; hint: create the directory or pass -o");
  }
}

void H5Recorder::write_meta(const sim::RunInfo& info) {
  file_->set_attribute("filetype", FILETYPE);
  file_->set_attribute("format_version", FORMAT_VERSION);

  meta_.emplace(file_->create_group("meta"));
  h5::Group& m = *meta_;
  m.set_attribute("kochmon_version", VERSION);
  m.set_attribute("git_sha", GIT_SHA);
  m.set_attribute("run_id", options_.run_id);
  m.set_attribute("scenario_name", info.scenario_name);
  m.set_attribute("seed", info.seed);
  m.set_attribute("scale", info.scale);
  m.set_attribute("threads", std::int32_t{info.threads});
  m.set_attribute("wall_seconds", 0.0);
  m.set_attribute("households", info.households);
  m.set_attribute("persons", info.persons);
  m.set_attribute("n_steps", std::int32_t{info.n_steps});
  m.set_attribute("steps_done", std::int32_t{0});
  m.set_attribute("start", info.start.str());
  m.set_attribute("complete", std::int32_t{0});
  m.write_string("scenario", info.resolved_yaml);
  if (!info.resolved_values.empty()) m.write_string("scenario_values", info.resolved_values);
}

std::vector<h5::Dataset> H5Recorder::write_axes(const sim::RunInfo& info,
                                                const sim::ResultsLayout& layout) {
  h5::Group axes = file_->create_group("axes");
  std::vector<h5::Dataset> scales; // [0] is time, then one per layout axis

  const std::array<hsize_t, 1> n{static_cast<hsize_t>(info.n_steps)};
  h5::Dataset time = axes.create_dataset("time", H5T_STD_I32LE, h5::Dataspace::simple(n));
  std::vector<std::int32_t> months(static_cast<std::size_t>(info.n_steps));
  std::vector<std::string> labels(months.size());
  for (std::size_t t = 0; t < months.size(); ++t) {
    months[t] = static_cast<std::int32_t>(t);
    labels[t] = (info.start + static_cast<int>(t)).str();
  }
  if (!months.empty()) time.write_all(H5T_NATIVE_INT32, months.data());
  time.make_scale("time");
  time.set_attribute("units", "months since " + info.start.str());
  time.set_attribute("start", info.start.str());
  time.set_attribute("description", "Simulation step: months since start");
  axes.write_strings("time_label", labels)
      .set_attribute("description", "Calendar month of each step, YYYY-MM");
  scales.push_back(std::move(time));

  for (const sim::Axis& axis : layout.axes) {
    KOCHMON_ASSERT(axis.name != "time" && axis.name != "time_label",
                   "a layout axis may not be named time or time_label");
    h5::Dataset d = axes.write_strings(axis.name, axis.labels);
    d.make_scale(axis.name);
    d.set_attribute("description", axis.description);
    scales.push_back(std::move(d));
  }
  return scales;
}

void H5Recorder::create_series(const sim::ResultsLayout& layout,
                               const std::vector<h5::Dataset>& scales) {
  h5::Group group = file_->create_group("series");
  series_.reserve(layout.series.size());
  for (std::size_t i = 0; i < layout.series.size(); ++i) {
    const sim::SeriesInfo& info = layout.series[i];
    std::vector<hsize_t> dims{static_cast<hsize_t>(n_steps_)};
    std::string axes_attr = "time";
    for (int a : info.axes) {
      KOCHMON_ASSERT(a >= 0 && static_cast<std::size_t>(a) < layout.axes.size(),
                     "series axis index out of range");
      const sim::Axis& axis = layout.axes[static_cast<std::size_t>(a)];
      dims.push_back(axis.labels.size());
      axes_attr += "," + axis.name;
    }
    const bool empty = std::any_of(dims.begin(), dims.end(), [](hsize_t d) { return d == 0; });

    h5::CreateProps props;
    std::vector<hsize_t> chunk = dims;
    chunk[0] = static_cast<hsize_t>(chunk_len_);
    if (!empty) { // HDF5 has no chunks of extent 0
      props.chunk(chunk);
      if (options_.compression > 0) {
        props.shuffle();
        props.deflate(options_.compression);
      }
    }
    props.fill(std::numeric_limits<double>::quiet_NaN());

    SeriesOut out{
        group.create_dataset(info.name, H5T_IEEE_F64LE, h5::Dataspace::simple(dims), &props),
        h5::Dataspace::simple(dims),
        std::nullopt,
        std::vector<hsize_t>(dims.size(), 0),
        chunk,
        layout.size(i),
        {}};
    out.dataset.set_attribute("unit", info.unit);
    out.dataset.set_attribute("description", info.description);
    out.dataset.set_attribute("axes", axes_attr);
    out.dataset.attach_scale(scales[0], 0);
    out.dataset.set_label(0, "time");
    for (std::size_t k = 0; k < info.axes.size(); ++k) {
      const auto a = static_cast<std::size_t>(info.axes[k]);
      out.dataset.attach_scale(scales[a + 1], static_cast<unsigned>(k + 1));
      out.dataset.set_label(static_cast<unsigned>(k + 1), layout.axes[a].name);
    }
    if (!empty) {
      out.full_chunk.emplace(h5::Dataspace::simple(chunk));
      out.buffer.resize(static_cast<std::size_t>(chunk_len_) * out.width);
    }
    series_.push_back(std::move(out));
  }
}

void H5Recorder::begin(const sim::RunInfo& info, const sim::ResultsLayout& layout) {
  KOCHMON_ASSERT(!file_ && !finished_, "Recorder::begin called twice");
  KOCHMON_ASSERT(info.n_steps >= 0, "negative n_steps");
  KOCHMON_ASSERT(options_.compression >= 0 && options_.compression <= 9, "gzip level must be 0..9");
  h5::silence_errors();
  n_steps_ = info.n_steps;
  chunk_len_ = std::max(1, std::min(options_.chunk_months, std::max(1, n_steps_)));
  create_file();
  write_meta(info);
  const std::vector<h5::Dataset> scales = write_axes(info, layout);
  create_series(layout, scales);
}

void H5Recorder::record(int step, std::span<const std::span<const double>> values) {
  KOCHMON_ASSERT(file_ && !finished_, "Recorder::record outside begin/finish");
  KOCHMON_ASSERT(step == next_step_, "steps must be recorded in order, each once");
  KOCHMON_ASSERT(step < n_steps_, "step beyond n_steps");
  KOCHMON_ASSERT(values.size() == series_.size(), "one value span per series");
  const auto row = static_cast<std::size_t>(step - chunk_start_);
  for (std::size_t i = 0; i < series_.size(); ++i) {
    SeriesOut& s = series_[i];
    KOCHMON_ASSERT(values[i].size() == s.width, "series value count differs from its layout");
    if (s.width > 0) std::copy(values[i].begin(), values[i].end(), s.buffer.data() + row * s.width);
  }
  ++next_step_;
  if (next_step_ - chunk_start_ == chunk_len_) write_buffered();
}

void H5Recorder::write_buffered() {
  const int rows = next_step_ - chunk_start_;
  if (rows == 0) return;
  for (SeriesOut& s : series_) {
    if (!s.full_chunk) continue; // an empty dataset has nothing to write
    s.start[0] = static_cast<hsize_t>(chunk_start_);
    s.count[0] = static_cast<hsize_t>(rows);
    s.file_space.select(s.start, s.count);
    if (rows == chunk_len_) {
      s.dataset.write(H5T_NATIVE_DOUBLE, *s.full_chunk, s.file_space, s.buffer.data());
    } else {
      const h5::Dataspace partial = h5::Dataspace::simple(s.count);
      s.dataset.write(H5T_NATIVE_DOUBLE, partial, s.file_space, s.buffer.data());
    }
  }
  chunk_start_ = next_step_;
}

void H5Recorder::finish(const sim::RunSummary& summary) {
  KOCHMON_ASSERT(file_ && !finished_, "Recorder::finish outside begin");
  write_buffered();
  // steps_done describes the rows that hold data; it equals summary.steps_done unless the
  // engine recorded fewer steps than it claims.
  meta_->set_attribute("wall_seconds", summary.wall_seconds);
  meta_->set_attribute("steps_done", std::int32_t{std::min(summary.steps_done, next_step_)});
  meta_->set_attribute("complete", std::int32_t{1});
  series_.clear();
  meta_.reset();
  file_->flush();
  file_->close_checked();
  file_.reset();
  std::error_code ec;
  fs::rename(tmp_path_, options_.path, ec);
  if (ec) {
    throw sim::RunError("output: cannot rename '" + tmp_path_ + "' to '" + options_.path +
                        "': " + ec.message());
  }
  finished_ = true;
}

void H5Recorder::close_all() noexcept {
  series_.clear();
  meta_.reset();
  file_.reset();
}

void H5Recorder::discard() noexcept {
  if (finished_) return;
  try {
    close_all();
  } catch (...) { // closing never throws, but a destructor must not let anything escape
  }
  std::error_code ec;
  fs::remove(tmp_path_, ec);
}

// ---- new_run_id ----

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

} // namespace

std::unique_ptr<sim::Recorder> make_h5_recorder(const WriterOptions& options) {
  return std::make_unique<H5Recorder>(options);
}

std::string new_run_id() {
  // Provenance only: std::random_device is fine here because no result depends on it.
  std::random_device rd;
  const auto now =
      static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
  const auto pid = static_cast<std::uint64_t>(::getpid());
  const std::uint64_t r1 = (std::uint64_t{rd()} << 32) ^ rd();
  const std::uint64_t r2 = (std::uint64_t{rd()} << 32) ^ rd();
  const std::uint64_t hi = splitmix64(now ^ r1);
  const std::uint64_t lo = splitmix64((pid << 32) ^ r2 ^ splitmix64(now));
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(hi),
                static_cast<unsigned long long>(lo));
  return buf;
}

} // namespace kochmon::output
