#include "output/checkpoint.h"

#include <array>
#include <cstdio>
#include <filesystem>

#include "output/h5/h5.h"
#include "output/reader.h"
#include "sim/core/error.h"
#include "sim/core/version.h"

namespace kochmon::output {
namespace {

constexpr const char* CHECKPOINT_FILETYPE = "kochmon-checkpoint";
constexpr const char* CHECKPOINT_FORMAT = "1.0";
constexpr FileKind CHECKPOINT{CHECKPOINT_FILETYPE, 1, "checkpoint",
                              "a result file is resumed from its .ckpt file"};

} // namespace

struct CheckpointWriter::Impl {
  std::string path, tmp;
  std::optional<h5::File> file;
  std::optional<h5::Group> state;
  bool finished = false;
};

CheckpointWriter::CheckpointWriter(const std::string& path) : impl_(std::make_unique<Impl>()) {
  h5::silence_errors();
  impl_->path = path;
  impl_->tmp = path + ".tmp";
  try {
    impl_->file.emplace(h5::File::create(impl_->tmp));
  } catch (const h5::Error& e) {
    throw sim::RunError("checkpoint: cannot create '" + impl_->tmp + "': " + e.reason());
  }
  impl_->file->set_attribute("filetype", CHECKPOINT_FILETYPE);
  impl_->file->set_attribute("format_version", CHECKPOINT_FORMAT);
  impl_->file->set_attribute("kochmon_version", kochmon::VERSION);
  impl_->file->set_attribute("git_sha", kochmon::GIT_SHA);
  impl_->state.emplace(impl_->file->create_group("state"));
}

CheckpointWriter::~CheckpointWriter() {
  if (impl_->finished) return;
  impl_->state.reset();
  impl_->file.reset();
  std::error_code ec;
  std::filesystem::remove(impl_->tmp, ec);
}

void CheckpointWriter::put(const std::string& name, std::span<const std::byte> bytes) {
  const std::array<hsize_t, 1> n{bytes.size()};
  auto d = impl_->state->create_dataset(name, H5T_STD_U8LE, h5::Dataspace::simple(n));
  if (!bytes.empty()) d.write_all(H5T_NATIVE_UINT8, bytes.data());
}

void CheckpointWriter::write_info(const CheckpointInfo& info) {
  auto& f = *impl_->file;
  f.write_string("scenario", info.scenario_yaml);
  f.set_attribute("scenario_path", info.scenario_path);
  f.write_strings("overrides", info.overrides);
  f.set_attribute("seed_given", std::int32_t{info.seed_given ? 1 : 0});
  f.set_attribute("output_path", info.output_path);
  f.set_attribute("run_id", info.run_id);
  f.set_attribute("seed", info.seed);
  f.set_attribute("steps_done", std::int32_t{info.steps_done});
  f.set_attribute("n_steps", std::int32_t{info.n_steps});
}

void CheckpointWriter::write_history(const sim::ResultsLayout& layout, const History& history) {
  auto g = impl_->file->create_group("history");
  for (std::size_t i = 0; i < layout.series.size(); ++i) {
    const std::size_t width = layout.size(i);
    const std::array<hsize_t, 2> dims{history.size(), width};
    std::vector<double> flat;
    flat.reserve(history.size() * width);
    for (const auto& step : history)
      flat.insert(flat.end(), step[i].begin(), step[i].end());
    auto d = g.create_dataset(layout.series[i].name, H5T_IEEE_F64LE, h5::Dataspace::simple(dims));
    if (!flat.empty()) d.write_all(H5T_NATIVE_DOUBLE, flat.data());
  }
}

void CheckpointWriter::finish() {
  impl_->state.reset();
  impl_->file->flush();
  impl_->file->close_checked();
  impl_->file.reset();
  std::error_code ec;
  std::filesystem::rename(impl_->tmp, impl_->path, ec);
  if (ec)
    throw sim::RunError("checkpoint: cannot rename '" + impl_->tmp + "' to '" + impl_->path +
                        "': " + ec.message());
  impl_->finished = true;
}

struct CheckpointReader::Impl {
  std::string path;
  std::optional<h5::File> file;
  CheckpointInfo info;
};

CheckpointReader::CheckpointReader(const std::string& path) : impl_(std::make_unique<Impl>()) {
  h5::silence_errors();
  impl_->path = path;
  auto bad = [&](const std::string& why) {
    return sim::InputError(path + ": error: cannot read checkpoint: " + why);
  };
  if (!std::filesystem::is_regular_file(path)) throw bad("no such file");
  try {
    impl_->file.emplace(h5::File::open_read(path));
    auto& f = *impl_->file;
    check_file_kind(f, path, CHECKPOINT);
    auto& i = impl_->info;
    i.scenario_yaml = f.open_dataset("scenario").read_strings().at(0);
    i.scenario_path = f.string_attribute("scenario_path");
    i.overrides = f.open_dataset("overrides").read_strings();
    i.seed_given = f.int_attribute("seed_given") != 0;
    i.output_path = f.string_attribute("output_path");
    i.run_id = f.string_attribute("run_id");
    i.seed = f.uint_attribute("seed");
    i.steps_done = static_cast<int>(f.int_attribute("steps_done"));
    i.n_steps = static_cast<int>(f.int_attribute("n_steps"));
  } catch (const h5::Error& e) {
    throw bad(e.reason());
  }
}

CheckpointReader::~CheckpointReader() = default;

const CheckpointInfo& CheckpointReader::info() const {
  return impl_->info;
}

std::vector<std::byte> CheckpointReader::get(const std::string& name) const {
  try {
    auto state = impl_->file->open_group("state");
    if (!state.has(name))
      throw sim::InputError(impl_->path + ": error: checkpoint has no state '" + name + "'");
    auto d = state.open_dataset(name);
    const auto dims = d.space().dims();
    std::vector<std::byte> out(dims.empty() ? 0 : dims[0]);
    if (!out.empty()) d.read_all(H5T_NATIVE_UINT8, out.data());
    return out;
  } catch (const h5::Error& e) {
    throw sim::InputError(impl_->path + ": error: cannot read checkpoint state '" + name +
                          "': " + e.reason());
  }
}

History CheckpointReader::history(const sim::ResultsLayout& layout) const {
  const auto steps = static_cast<std::size_t>(impl_->info.steps_done);
  History h(steps, std::vector<std::vector<double>>(layout.series.size()));
  try {
    auto g = impl_->file->open_group("history");
    for (std::size_t i = 0; i < layout.series.size(); ++i) {
      const std::size_t width = layout.size(i);
      const auto& name = layout.series[i].name;
      if (!g.has(name))
        throw sim::InputError(impl_->path + ": error: checkpoint has no history of '" + name + "'");
      const auto flat = g.open_dataset(name).read_doubles();
      if (flat.size() != steps * width)
        throw sim::InputError(impl_->path + ": error: checkpoint history of '" + name +
                              "' does not fit this run");
      for (std::size_t s = 0; s < steps; ++s)
        h[s][i].assign(flat.begin() + static_cast<std::ptrdiff_t>(s * width),
                       flat.begin() + static_cast<std::ptrdiff_t>((s + 1) * width));
    }
  } catch (const h5::Error& e) {
    throw sim::InputError(impl_->path + ": error: cannot read checkpoint history: " + e.reason());
  }
  return h;
}

} // namespace kochmon::output
