#include "output/reader.h"

#include <cctype>
#include <utility>

#include "output/h5/h5.h"

namespace kochmon::output {

namespace {

// Bounds that no real run reaches; beyond them the file is damaged.
constexpr std::int64_t MAX_STEPS = 100000;
constexpr std::size_t MAX_VALUES = std::size_t{1} << 28;

std::string shape_text(const std::vector<std::size_t>& dims) {
  std::string out;
  for (std::size_t d : dims) {
    if (!out.empty()) out += "x";
    out += std::to_string(d);
  }
  return out;
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

ReadError damaged(const std::string& path, const std::string& reason) {
  return ReadError(ReadError::Kind::unreadable, path, RESULT_FILE.noun, reason);
}

//! Runs `f`, turning HDF5's errors into ReadError: a damaged file is bad input, not our failure.
template <class F> auto guarded(const std::string& path, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const h5::Error& e) {
    throw unreadable(path, e);
  }
}

Meta read_meta(const h5::File& f, const std::string& path) {
  Meta m;
  m.format_version = f.string_attribute("format_version");
  const h5::Group g = f.open_group("meta");
  for (const char* required : {"n_steps", "steps_done", "start", "complete"})
    if (!g.has_attribute(required)) throw damaged(path, std::string("no /meta@") + required);
  auto text = [&](const char* name) {
    return g.has_attribute(name) ? g.string_attribute(name) : std::string();
  };
  auto integer = [&](const char* name) -> std::int64_t {
    return g.has_attribute(name) ? g.int_attribute(name) : 0;
  };
  m.kochmon_version = text("kochmon_version");
  m.git_sha = text("git_sha");
  m.run_id = text("run_id");
  m.scenario_name = text("scenario_name");
  m.seed = g.has_attribute("seed") ? g.uint_attribute("seed") : 0;
  m.scale = g.has_attribute("scale") ? g.double_attribute("scale") : 0.0;
  m.threads = static_cast<int>(integer("threads"));
  m.wall_seconds = g.has_attribute("wall_seconds") ? g.double_attribute("wall_seconds") : 0.0;
  m.households = integer("households");
  m.persons = integer("persons");

  const std::int64_t n_steps = g.int_attribute("n_steps");
  const std::int64_t steps_done = g.int_attribute("steps_done");
  if (n_steps < 0 || n_steps > MAX_STEPS || steps_done < 0 || steps_done > n_steps) {
    throw damaged(path, "/meta@n_steps = " + std::to_string(n_steps) + ", /meta@steps_done = " +
                            std::to_string(steps_done) + " are not plausible");
  }
  m.n_steps = static_cast<int>(n_steps);
  m.steps_done = static_cast<int>(steps_done);
  const std::string start = g.string_attribute("start");
  const std::optional<sim::Month> month = sim::Month::parse(start);
  if (!month) throw damaged(path, "/meta@start is '" + start + "', expected YYYY-MM");
  m.start = *month;
  m.complete = g.int_attribute("complete") != 0;
  return m;
}

std::optional<ValidationStatus> status_of(std::int32_t pass) {
  switch (pass) {
  case 1:
    return ValidationStatus::pass;
  case 0:
    return ValidationStatus::fail;
  case -1:
    return ValidationStatus::not_covered;
  default:
    return std::nullopt;
  }
}

} // namespace

// ---- errors and the file's identity ----

ReadError unreadable(const std::string& path, const h5::Error& e, const char* noun) {
  std::string reason = e.reason();
  if (!e.object().empty() && e.object() != "/")
    reason = e.action() + " '" + e.object() + "': " + reason;
  return ReadError(ReadError::Kind::unreadable, path, noun, reason);
}

ReadError::ReadError(Kind kind, const std::string& path, const std::string& noun,
                     const std::string& reason, const std::string& hint)
    : sim::InputError(path + ": error: " +
                      (kind == Kind::unreadable ? "cannot read " + noun + ": " : std::string()) +
                      reason + (hint.empty() ? std::string() : "\n  hint: " + hint)),
      kind_(kind), path_(path), reason_(reason) {}

std::optional<int> format_major(const std::string& version) {
  const auto dot = version.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == version.size() || dot > 6) {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < version.size(); ++i) {
    if (i != dot && std::isdigit(static_cast<unsigned char>(version[i])) == 0) return std::nullopt;
  }
  return std::stoi(version.substr(0, dot));
}

void check_file_kind(const h5::Object& root, const std::string& path, const FileKind& kind) {
  const std::string what = std::string("not a kochmon ") + kind.noun;
  const std::string hint = kind.hint_if_other != nullptr ? kind.hint_if_other : "";
  if (!root.has_attribute("filetype")) {
    throw ReadError(ReadError::Kind::wrong_file, path, kind.noun, what + " (no filetype attribute)",
                    hint);
  }
  const std::string filetype = root.string_attribute("filetype");
  if (filetype != kind.filetype) {
    throw ReadError(ReadError::Kind::wrong_file, path, kind.noun,
                    what + " (filetype '" + filetype + "', expected '" + kind.filetype + "')",
                    hint);
  }
  if (!root.has_attribute("format_version")) {
    throw ReadError(ReadError::Kind::wrong_file, path, kind.noun,
                    what + " (no format_version attribute)");
  }
  const std::string version = root.string_attribute("format_version");
  if (format_major(version) != kind.major) {
    throw ReadError(ReadError::Kind::wrong_file, path, kind.noun,
                    "format_version '" + version + "' is not supported (this kochmon reads " +
                        std::to_string(kind.major) + ".x)",
                    "read it with the kochmon that wrote it");
  }
}

// ---- SeriesInfo ----

std::size_t SeriesInfo::width() const {
  std::size_t n = 1;
  for (std::size_t k = 1; k < shape.size(); ++k)
    n *= shape[k];
  return n;
}

// ---- RunFile ----

struct RunFile::Impl {
  std::string path;
  std::optional<h5::File> file;
  Meta meta;
};

RunFile::RunFile(const std::string& path) : impl_(std::make_unique<Impl>()) {
  impl_->path = path;
  guarded(path, [&] {
    impl_->file.emplace(h5::File::open_read(path));
    const h5::File& f = *impl_->file;
    check_file_kind(f, path, RESULT_FILE);
    for (const char* group : {"meta", "axes", "series"})
      if (!f.has(group)) throw damaged(path, std::string("no /") + group + " group");
    impl_->meta = read_meta(f, path);
  });
}

RunFile::~RunFile() = default;
RunFile::RunFile(RunFile&&) noexcept = default;
RunFile& RunFile::operator=(RunFile&&) noexcept = default;

const std::string& RunFile::path() const {
  return impl_->path;
}

const Meta& RunFile::meta() const {
  return impl_->meta;
}

const h5::File& RunFile::file() const {
  return *impl_->file;
}

namespace {

//! The scalar string dataset /meta/<name>; "" when it is absent and `optional`.
std::string meta_text(const h5::File& f, const std::string& path, const std::string& name,
                      bool optional) {
  return guarded(path, [&] {
    const auto meta = f.open_group("meta");
    if (optional && !meta.has(name)) return std::string();
    const auto text = meta.open_dataset(name).read_strings();
    if (text.size() != 1) throw damaged(path, "/meta/" + name + " is not one string");
    return text.front();
  });
}

} // namespace

std::string RunFile::scenario_yaml() const {
  return meta_text(*impl_->file, impl_->path, "scenario", false);
}

std::string RunFile::scenario_values() const {
  return meta_text(*impl_->file, impl_->path, "scenario_values", true);
}

std::vector<std::string> RunFile::axis_labels(const std::string& axis) const {
  if (axis == "time") {
    std::vector<std::string> months;
    months.reserve(static_cast<std::size_t>(impl_->meta.n_steps));
    for (int t = 0; t < impl_->meta.n_steps; ++t)
      months.push_back((impl_->meta.start + t).str());
    return months;
  }
  return guarded(impl_->path, [&] {
    const h5::Group axes = impl_->file->open_group("axes");
    if (axis == "time_label" || !axes.has(axis))
      throw damaged(impl_->path, "no axis '" + axis + "' in /axes");
    return axes.open_dataset(axis).read_strings();
  });
}

std::vector<Axis> RunFile::axes() const {
  std::vector<Axis> out{{"time", axis_labels("time")}};
  const auto names =
      guarded(impl_->path, [&] { return impl_->file->open_group("axes").members(); });
  for (const std::string& name : names) {
    if (name == "time" || name == "time_label") continue;
    out.push_back({name, axis_labels(name)});
  }
  return out;
}

std::vector<std::string> RunFile::series_names() const {
  return guarded(impl_->path, [&] { return impl_->file->open_group("series").members(); });
}

bool RunFile::has_series(const std::string& name) const {
  return guarded(impl_->path, [&] { return impl_->file->open_group("series").has(name); });
}

SeriesInfo RunFile::series_info(const std::string& name) const {
  const std::string& path = impl_->path;
  if (!has_series(name)) {
    throw sim::InputError(path + ": error: no series '" + name + "' in this file\n  hint: " +
                          "`kochmon inspect " + path + "` lists its series");
  }
  return guarded(path, [&] {
    const h5::Dataset d = impl_->file->open_group("series").open_dataset(name);
    SeriesInfo info;
    info.name = name;
    std::size_t count = 1;
    for (hsize_t n : d.space().dims()) {
      info.shape.push_back(static_cast<std::size_t>(n));
      count = (count > MAX_VALUES || n > MAX_VALUES) ? MAX_VALUES + 1 : count * n;
    }
    if (info.shape.empty() || info.shape[0] != static_cast<std::size_t>(impl_->meta.n_steps) ||
        count > MAX_VALUES) {
      throw damaged(path, "/series/" + name + " has shape " + shape_text(info.shape) +
                              ", expected " + std::to_string(impl_->meta.n_steps) +
                              " months first");
    }
    info.unit = d.has_attribute("unit") ? d.string_attribute("unit") : "";
    info.description = d.has_attribute("description") ? d.string_attribute("description") : "";
    if (d.has_attribute("axes")) {
      const std::string axes = d.string_attribute("axes");
      info.axes = split(axes, ',');
      if (info.axes.size() != info.shape.size() || info.axes.front() != "time") {
        throw damaged(path, "/series/" + name + "@axes is '" + axes + "' for shape " +
                                shape_text(info.shape));
      }
    }
    return info;
  });
}

std::vector<SeriesInfo> RunFile::series() const {
  std::vector<SeriesInfo> out;
  for (const std::string& name : series_names())
    out.push_back(series_info(name));
  return out;
}

SeriesValues RunFile::values(const std::string& name) const {
  SeriesInfo info = series_info(name);
  return guarded(impl_->path, [&] {
    SeriesValues out{std::move(info.shape),
                     impl_->file->open_group("series").open_dataset(name).read_doubles()};
    return out;
  });
}

bool RunFile::has_validation() const {
  return guarded(impl_->path, [&] { return impl_->file->has("validation"); });
}

std::optional<ValidationTable> RunFile::validation() const {
  if (!has_validation()) return std::nullopt;
  const std::string& path = impl_->path;
  return guarded(path, [&]() -> std::optional<ValidationTable> {
    const h5::Group g = impl_->file->open_group("validation");
    ValidationTable v;
    v.layout_version = g.string_attribute("layout_version");
    if (format_major(v.layout_version) != VALIDATION_LAYOUT_MAJOR) {
      throw ReadError(ReadError::Kind::wrong_file, path, RESULT_FILE.noun,
                      "/validation@layout_version '" + v.layout_version +
                          "' is not supported (this kochmon reads " +
                          std::to_string(VALIDATION_LAYOUT_MAJOR) + ".x)",
                      "read it with the kochmon that validated it, or run kochmon validate again");
    }
    v.targets_file = g.string_attribute("targets_file");
    v.targets_name = g.string_attribute("targets_name");
    v.kochmon_version = g.string_attribute("kochmon_version");
    v.passed = static_cast<std::int32_t>(g.int_attribute("passed"));
    v.failed = static_cast<std::int32_t>(g.int_attribute("failed"));
    v.not_covered = static_cast<std::int32_t>(g.int_attribute("not_covered"));
    v.objective = g.double_attribute("objective");
    v.mean_relative_difference = g.double_attribute("mean_relative_difference");
    const auto yaml = g.open_dataset("targets_yaml").read_strings();
    v.targets_yaml = yaml.empty() ? std::string() : yaml.front();

    auto strings = [&](const h5::Group& grp, const char* name) {
      return grp.open_dataset(name).read_strings();
    };
    auto doubles = [&](const h5::Group& grp, const char* name) {
      return grp.open_dataset(name).read_doubles();
    };
    auto ints = [&](const h5::Group& grp, const char* name) {
      return grp.open_dataset(name).read_ints();
    };
    const auto target = strings(g, "target"), period = strings(g, "period"),
               unit = strings(g, "unit"), note = strings(g, "note");
    const auto simulated = doubles(g, "simulated"), value = doubles(g, "value"),
               low = doubles(g, "low"), high = doubles(g, "high"), error = doubles(g, "error");
    const auto pass = ints(g, "pass");
    const std::size_t n = target.size();
    for (std::size_t len : {period.size(), unit.size(), note.size(), simulated.size(), value.size(),
                            low.size(), high.size(), error.size(), pass.size()}) {
      if (len != n) throw damaged(path, "the datasets of /validation differ in length");
    }
    for (std::size_t i = 0; i < n; ++i) {
      const auto status = status_of(pass[i]);
      if (!status) {
        throw damaged(path, "/validation/pass[" + std::to_string(i) + "] is " +
                                std::to_string(pass[i]) + ", expected 1, 0 or -1");
      }
      v.rows.push_back({target[i], period[i], simulated[i], value[i], low[i], high[i], error[i],
                        *status, unit[i], note[i]});
    }

    if (g.has("internal_migration")) {
      const h5::Group im = g.open_group("internal_migration");
      const auto region = strings(im, "region");
      const auto year = ints(im, "year");
      const auto as = doubles(im, "arrivals_sim"), ao = doubles(im, "arrivals_obs"),
                 ar = doubles(im, "arrivals_rel_diff"), ds = doubles(im, "departures_sim"),
                 dobs = doubles(im, "departures_obs"), dr = doubles(im, "departures_rel_diff");
      const std::size_t m = region.size();
      for (std::size_t len :
           {year.size(), as.size(), ao.size(), ar.size(), ds.size(), dobs.size(), dr.size()}) {
        if (len != m)
          throw damaged(path, "the datasets of /validation/internal_migration differ in length");
      }
      for (std::size_t i = 0; i < m; ++i)
        v.regions.push_back({region[i], year[i], as[i], ao[i], ar[i], ds[i], dobs[i], dr[i]});
    }
    return v;
  });
}

} // namespace kochmon::output
