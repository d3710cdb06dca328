#ifndef KOCHMON_OUTPUT_READER_H
#define KOCHMON_OUTPUT_READER_H

// Reading a result file (FORMAT.md): the one place outside the writer that knows its layout.
// `kochmon inspect`, `kochmon validate`, sweep metrics and the calibration read through it.
// Every failure is a ReadError (a sim::InputError, exit code 2), "<path>: error: ...".

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "output/format_version.h"
#include "output/validation.h"
#include "sim/core/error.h"
#include "sim/core/month.h"

namespace kochmon::output {

namespace h5 {
class Error;
class Object;
class File;
} // namespace h5

//! A file that cannot be read as what it was opened as. what() is "<path>: error: <message>",
//! then "\n  hint: <hint>" when there is one.
class ReadError : public sim::InputError {
public:
  enum class Kind {
    unreadable, // missing, not HDF5, truncated, damaged: "cannot read <noun>: <reason>"
    wrong_file, // HDF5, but another filetype or a format version this kochmon does not read
  };
  ReadError(Kind kind, const std::string& path, const std::string& noun, const std::string& reason,
            const std::string& hint = {});
  Kind kind() const { return kind_; }
  const std::string& path() const { return path_; }
  //! The message without the path and the "cannot read ...: " prefix.
  const std::string& reason() const { return reason_; }

private:
  Kind kind_;
  std::string path_, reason_;
};

//! HDF5's failure to read `path` as a ReadError(unreadable): "cannot read <noun>: <reason>".
ReadError unreadable(const std::string& path, const h5::Error& e, const char* noun = "result file");

//! What a kochmon HDF5 file says it is: the root attributes `filetype` and `format_version`.
struct FileKind {
  const char* filetype;      // "kochmon-run"
  int major;                 // the format major version this build reads
  const char* noun;          // "result file": in messages
  const char* hint_if_other; // hint when the filetype differs (may be nullptr)
};

inline constexpr FileKind RESULT_FILE{FILETYPE, FORMAT_MAJOR, "result file", nullptr};

//! Checks the root attributes of an open file against `kind` (the one copy of this check:
//! result files and checkpoints). Throws ReadError(wrong_file).
void check_file_kind(const h5::Object& root, const std::string& path, const FileKind& kind);

//! The major version of "M.m" (digits, a dot, digits), or nullopt.
std::optional<int> format_major(const std::string& version);

//! /meta (FORMAT.md). n_steps, steps_done, start and complete are required and checked; the
//! provenance attributes read as empty / 0 when a file (made by hand) lacks them.
struct Meta {
  std::string format_version; // the root's
  std::string kochmon_version, git_sha, run_id, scenario_name;
  std::uint64_t seed = 0;
  double scale = 0;
  int threads = 0;
  double wall_seconds = 0;
  std::int64_t households = 0, persons = 0;
  int n_steps = 0;
  int steps_done = 0; // rows steps_done.. of every series are NaN
  sim::Month start{};
  bool complete = false;
  //! Complete and every month done: the file a finished run leaves.
  bool finished() const { return complete && steps_done == n_steps; }
  sim::Month last() const { return start + (n_steps - 1); }
};

//! An axis: its name and labels ("time": the months, YYYY-MM).
struct Axis {
  std::string name;
  std::vector<std::string> labels;
};

//! A series' attributes and shape: shape[0] is n_steps, then one size per axis after time.
struct SeriesInfo {
  std::string name, unit, description;
  std::vector<std::string> axes; // "time" first
  std::vector<std::size_t> shape;
  //! Values per month (the product of shape[1..]).
  std::size_t width() const;
};

//! A series' values, row-major (C order) over `shape`.
struct SeriesValues {
  std::vector<std::size_t> shape;
  std::vector<double> values;
};

//! A result file open for reading. Opening checks the filetype, the format version, the
//! groups /meta, /axes, /series and the /meta facts (a plausible n_steps, steps_done, start);
//! nothing variable-length is read until asked for. Not for several threads at once (several
//! RunFiles may be used by several threads).
class RunFile {
public:
  //! Throws ReadError.
  explicit RunFile(const std::string& path);
  ~RunFile();
  RunFile(RunFile&&) noexcept;
  RunFile& operator=(RunFile&&) noexcept;

  const std::string& path() const;
  const Meta& meta() const;
  //! /meta/scenario: the resolved scenario as YAML.
  std::string scenario_yaml() const;
  //! /meta/scenario_values (every series as the model reads it); "" in files without it.
  std::string scenario_values() const;

  //! "time" first (labels from /meta@start), then the datasets of /axes in name order.
  std::vector<Axis> axes() const;
  //! The labels of one axis; ReadError(unreadable) when the file has no such axis.
  std::vector<std::string> axis_labels(const std::string& axis) const;

  //! The names in /series, in name order.
  std::vector<std::string> series_names() const;
  bool has_series(const std::string& name) const;
  //! sim::InputError naming the series when there is none of that name.
  SeriesInfo series_info(const std::string& name) const;
  std::vector<SeriesInfo> series() const;
  SeriesValues values(const std::string& name) const;

  bool has_validation() const;
  //! The /validation group, if the file has one (ReadError when its layout is newer).
  std::optional<ValidationTable> validation() const;

  //! The open file, for output/ itself (inspect's generic views).
  const h5::File& file() const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace kochmon::output

#endif
