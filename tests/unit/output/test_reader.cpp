// output/reader.h (RunFile) and output/validation.h (write_validation): what the recorder
// writes reads back exactly; another filetype, a newer format version, a truncated or
// incomplete file are ReadErrors naming the file; the /validation group round-trips and is
// replaced whole; checkpoints share the identity check.

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <hdf5.h>
#include <unistd.h>

#include "output/checkpoint.h"
#include "output/format_version.h"
#include "output/reader.h"
#include "output/validation.h"
#include "output/writer.h"
#include "sim/core/error.h"
#include "sim/core/version.h"
#include "tests/unit/output/small_run.h"

namespace kochmon::output {
namespace {

namespace fs = std::filesystem;

using small_run::expected;
using small_run::N_STEPS;
using small_run::record_steps;
using small_run::small_info;
using small_run::small_layout;

std::string bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Changes to a finished file go through the plain HDF5 C API, independent of output/.
void set_string_attribute(const std::string& file, const char* object, const char* name,
                          const std::string& value) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  const hid_t obj = H5Oopen(f, object, H5P_DEFAULT);
  ASSERT_GE(obj, 0);
  if (H5Aexists(obj, name) > 0) H5Adelete(obj, name);
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, value.size() + 1);
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t attr = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(attr, 0);
  H5Awrite(attr, type, value.c_str());
  H5Aclose(attr);
  H5Sclose(space);
  H5Tclose(type);
  H5Oclose(obj);
  H5Fclose(f);
}

void set_int_attribute(const std::string& file, const char* object, const char* name,
                       std::int32_t value) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  const hid_t obj = H5Oopen(f, object, H5P_DEFAULT);
  ASSERT_GE(obj, 0);
  const hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
  ASSERT_GE(attr, 0);
  EXPECT_GE(H5Awrite(attr, H5T_NATIVE_INT32, &value), 0);
  H5Aclose(attr);
  H5Oclose(obj);
  H5Fclose(f);
}

void remove_link(const std::string& file, const char* name) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  ASSERT_GE(H5Ldelete(f, name, H5P_DEFAULT), 0);
  H5Fclose(f);
}

//! The ReadError that `f` throws (ADD_FAILURE when it throws none).
template <class F> std::optional<ReadError> read_error(F&& f) {
  try {
    f();
  } catch (const ReadError& e) {
    return e;
  }
  ADD_FAILURE() << "no ReadError";
  return std::nullopt;
}

class ReaderTest : public ::testing::Test {
protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("kochmon_reader_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "run.h5").string();
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  //! A run of N_STEPS months of which `done` are recorded.
  void write_run(int done = N_STEPS) {
    WriterOptions o;
    o.path = path_;
    o.run_id = "0123456789abcdef0123456789abcdef";
    const auto layout = small_layout();
    auto rec = make_h5_recorder(o);
    rec->begin(small_info(), layout);
    record_steps(*rec, layout, 0, done);
    rec->finish(sim::RunSummary{1.5, done});
  }

  fs::path dir_;
  std::string path_;
};

TEST_F(ReaderTest, MetaReadsBackWhatTheRecorderWrote) {
  write_run();
  const RunFile f(path_);
  EXPECT_EQ(f.path(), path_);
  const Meta& m = f.meta();
  EXPECT_EQ(m.format_version, "1.0");
  EXPECT_EQ(m.kochmon_version, VERSION);
  EXPECT_EQ(m.git_sha, GIT_SHA);
  EXPECT_EQ(m.run_id, "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(m.scenario_name, "tiny");
  EXPECT_EQ(m.seed, 18446744073709551557ULL);
  EXPECT_EQ(m.scale, 0.01);
  EXPECT_EQ(m.threads, 2);
  EXPECT_EQ(m.wall_seconds, 1.5);
  EXPECT_EQ(m.households, 200);
  EXPECT_EQ(m.persons, 812);
  EXPECT_EQ(m.n_steps, N_STEPS);
  EXPECT_EQ(m.steps_done, N_STEPS);
  EXPECT_EQ(m.start, sim::Month::of(2010, 1));
  EXPECT_EQ(m.last(), sim::Month::of(2012, 6));
  EXPECT_TRUE(m.complete);
  EXPECT_TRUE(m.finished());
  EXPECT_EQ(f.scenario_yaml(), small_info().resolved_yaml);
  EXPECT_FALSE(f.has_validation());
  EXPECT_FALSE(f.validation().has_value());
}

TEST_F(ReaderTest, AxesReadBackWithTheirLabels) {
  write_run();
  const RunFile f(path_);
  const std::vector<Axis> axes = f.axes();
  ASSERT_EQ(axes.size(), 3U);
  EXPECT_EQ(axes[0].name, "time");
  ASSERT_EQ(axes[0].labels.size(), static_cast<std::size_t>(N_STEPS));
  EXPECT_EQ(axes[0].labels[0], "2010-01");
  EXPECT_EQ(axes[0].labels[12], "2011-01");
  EXPECT_EQ(axes[0].labels[29], "2012-06");
  EXPECT_EQ(axes[1].name, "destination"); // /axes in name order after time
  EXPECT_EQ(axes[1].labels, (std::vector<std::string>{"ru", "kz", "tr"}));
  EXPECT_EQ(axes[2].name, "region");
  EXPECT_EQ(axes[2].labels, (std::vector<std::string>{"chuy", "osh"}));
  EXPECT_EQ(f.axis_labels("region"), (std::vector<std::string>{"chuy", "osh"}));
  const auto e = read_error([&] { (void)f.axis_labels("sex"); });
  ASSERT_TRUE(e);
  EXPECT_EQ(std::string(e->what()),
            path_ + ": error: cannot read result file: no axis 'sex' in /axes");
}

TEST_F(ReaderTest, SeriesInfoAndValuesReadBack) {
  write_run();
  const RunFile f(path_);
  const auto layout = small_layout();
  EXPECT_EQ(f.series_names(),
            (std::vector<std::string>{"remittances_som", "stock", "total_abroad"}));
  EXPECT_TRUE(f.has_series("stock"));
  EXPECT_FALSE(f.has_series("stocks"));
  const std::vector<std::vector<std::size_t>> shapes = {{N_STEPS, 2, 3}, {N_STEPS, 2}, {N_STEPS}};
  const std::vector<std::vector<std::string>> axes = {
      {"time", "region", "destination"}, {"time", "region"}, {"time"}};
  for (std::size_t s = 0; s < layout.series.size(); ++s) {
    const std::string& name = layout.series[s].name;
    const SeriesInfo info = f.series_info(name);
    EXPECT_EQ(info.name, name);
    EXPECT_EQ(info.unit, layout.series[s].unit) << name;
    EXPECT_EQ(info.description, layout.series[s].description) << name;
    EXPECT_EQ(info.axes, axes[s]) << name;
    EXPECT_EQ(info.shape, shapes[s]) << name;
    EXPECT_EQ(info.width(), layout.size(s)) << name;
    const SeriesValues v = f.values(name);
    EXPECT_EQ(v.shape, shapes[s]) << name;
    ASSERT_EQ(v.values.size(), N_STEPS * layout.size(s)) << name;
    for (int t = 0; t < N_STEPS; ++t)
      for (std::size_t j = 0; j < layout.size(s); ++j)
        ASSERT_EQ(v.values[static_cast<std::size_t>(t) * layout.size(s) + j], expected(s, t, j))
            << name << " t=" << t << " j=" << j;
  }
  EXPECT_EQ(f.series().size(), 3U);
  try {
    (void)f.values("stocks");
    FAIL() << "no error";
  } catch (const sim::InputError& e) {
    EXPECT_EQ(std::string(e.what()), path_ +
                                         ": error: no series 'stocks' in this file\n"
                                         "  hint: `kochmon inspect " +
                                         path_ + "` lists its series");
  }
}

TEST_F(ReaderTest, AnUnfinishedRunSaysSo) {
  write_run(14);
  {
    const RunFile f(path_);
    EXPECT_EQ(f.meta().steps_done, 14);
    EXPECT_TRUE(f.meta().complete);
    EXPECT_FALSE(f.meta().finished());
    const auto v = f.values("remittances_som").values;
    EXPECT_EQ(v[13 * 2 + 1], expected(1, 13, 1));
    EXPECT_TRUE(std::isnan(v[14 * 2]));
  }
  set_int_attribute(path_, "/meta", "complete", 0);
  EXPECT_FALSE(RunFile(path_).meta().complete);
  set_int_attribute(path_, "/meta", "steps_done", 31);
  const auto e = read_error([&] { RunFile f(path_); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind(), ReadError::Kind::unreadable);
  EXPECT_EQ(std::string(e->what()), path_ + ": error: cannot read result file: /meta@n_steps = 30, "
                                            "/meta@steps_done = 31 are not plausible");
}

TEST_F(ReaderTest, RejectsAnotherFiletype) {
  write_run();
  set_string_attribute(path_, "/", "filetype", "openmc-statepoint");
  auto e = read_error([&] { RunFile f(path_); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind(), ReadError::Kind::wrong_file);
  EXPECT_EQ(std::string(e->what()), path_ + ": error: not a kochmon result file (filetype "
                                            "'openmc-statepoint', expected 'kochmon-run')");
  // No filetype at all: an HDF5 file of someone else's.
  const std::string other = (dir_ / "other.h5").string();
  const hid_t f = H5Fcreate(other.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  H5Fclose(f);
  e = read_error([&] { RunFile r(other); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind(), ReadError::Kind::wrong_file);
  EXPECT_EQ(std::string(e->what()),
            other + ": error: not a kochmon result file (no filetype attribute)");
}

TEST_F(ReaderTest, RejectsANewerFormatVersionAndReadsANewerMinor) {
  write_run();
  set_string_attribute(path_, "/", "format_version", "1.7"); // a field added: still readable
  EXPECT_EQ(RunFile(path_).meta().format_version, "1.7");
  set_string_attribute(path_, "/", "format_version", "2.0");
  auto e = read_error([&] { RunFile f(path_); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind(), ReadError::Kind::wrong_file);
  EXPECT_EQ(std::string(e->what()),
            path_ + ": error: format_version '2.0' is not supported (this kochmon reads 1.x)\n"
                    "  hint: read it with the kochmon that wrote it");
  set_string_attribute(path_, "/", "format_version", "one");
  e = read_error([&] { RunFile f(path_); });
  ASSERT_TRUE(e);
  EXPECT_NE(std::string(e->what()).find("format_version 'one' is not supported"), std::string::npos)
      << e->what();
}

TEST(FormatMajor, ParsesMajorDotMinorOnly) {
  EXPECT_EQ(format_major("1.0"), 1);
  EXPECT_EQ(format_major("12.3"), 12);
  EXPECT_EQ(format_major("1"), std::nullopt);
  EXPECT_EQ(format_major("1."), std::nullopt);
  EXPECT_EQ(format_major(".1"), std::nullopt);
  EXPECT_EQ(format_major("1.0.2"), std::nullopt);
  EXPECT_EQ(format_major("v1.0"), std::nullopt);
  EXPECT_EQ(format_major(""), std::nullopt);
}

TEST_F(ReaderTest, ATruncatedOrMissingFileIsAnInputError) {
  write_run();
  const std::string cut = (dir_ / "cut.h5").string();
  {
    const std::string bytes = bytes_of(path_).substr(0, 1000);
    std::ofstream(cut, std::ios::binary) << bytes;
  }
  auto e = read_error([&] { RunFile f(cut); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind(), ReadError::Kind::unreadable);
  EXPECT_EQ(std::string(e->what()).rfind(cut + ": error: cannot read result file: ", 0), 0U)
      << e->what();
  // A sim::InputError: exit code 2 in the command line.
  EXPECT_TRUE(dynamic_cast<const sim::InputError*>(&*e) != nullptr);

  // Half a file: the superblock is there, the data is not; it fails at the latest when the
  // series are read.
  const std::string half = (dir_ / "half.h5").string();
  fs::copy_file(path_, half);
  fs::resize_file(half, fs::file_size(path_) / 2);
  e = read_error([&] {
    const RunFile f(half);
    for (const auto& name : f.series_names())
      (void)f.values(name);
  });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind(), ReadError::Kind::unreadable);
  EXPECT_EQ(std::string(e->what()).rfind(half + ": error: cannot read result file: ", 0), 0U)
      << e->what();

  const std::string missing = (dir_ / "missing.h5").string();
  e = read_error([&] { RunFile f(missing); });
  ASSERT_TRUE(e);
  EXPECT_EQ(std::string(e->what()),
            missing + ": error: cannot read result file: No such file or directory");
}

TEST_F(ReaderTest, AFileWithoutSeriesIsDamaged) {
  write_run();
  remove_link(path_, "/series");
  const auto e = read_error([&] { RunFile f(path_); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind(), ReadError::Kind::unreadable);
  EXPECT_EQ(std::string(e->what()), path_ + ": error: cannot read result file: no /series group");
}

ValidationTable sample_table() {
  ValidationTable t;
  t.targets_file = "scenarios/kyrgyzstan/targets.yaml";
  t.targets_name = "kyrgyzstan";
  t.targets_yaml = "name: kyrgyzstan\ntargets: []\n# ünïcode\n";
  t.passed = 1;
  t.failed = 1;
  t.not_covered = 1;
  t.objective = 0.25;
  t.mean_relative_difference = 0.064;
  t.rows.push_back({"stock_abroad", "2013", 630, ValidationRow::none, 600, 700, 0,
                    ValidationStatus::pass, "persons", ""});
  t.rows.push_back({"remit", "2013-01..2014-12", 72, 80, ValidationRow::none, ValidationRow::none,
                    -0.1, ValidationStatus::fail, "musd", "a note, with a comma"});
  t.rows.push_back({"stock_abroad", "2016", ValidationRow::none, ValidationRow::none, 600, 700,
                    ValidationRow::none, ValidationStatus::not_covered, "persons", ""});
  t.regions.push_back({"a", 2013, 600, 500, 0.2, 276, 300, -0.08});
  t.regions.push_back({"b", 2014, 504, 504, 0, 504, 504, 0});
  return t;
}

void expect_same(double a, double b, const std::string& what) {
  if (std::isnan(b))
    EXPECT_TRUE(std::isnan(a)) << what << ": " << a;
  else
    EXPECT_EQ(a, b) << what;
}

void expect_equal(const ValidationTable& got, const ValidationTable& want) {
  EXPECT_EQ(got.layout_version, "1.0");
  EXPECT_EQ(got.kochmon_version, VERSION);
  EXPECT_EQ(got.targets_file, want.targets_file);
  EXPECT_EQ(got.targets_name, want.targets_name);
  EXPECT_EQ(got.targets_yaml, want.targets_yaml);
  EXPECT_EQ(got.passed, want.passed);
  EXPECT_EQ(got.failed, want.failed);
  EXPECT_EQ(got.not_covered, want.not_covered);
  EXPECT_EQ(got.objective, want.objective);
  EXPECT_EQ(got.mean_relative_difference, want.mean_relative_difference);
  ASSERT_EQ(got.rows.size(), want.rows.size());
  for (std::size_t i = 0; i < want.rows.size(); ++i) {
    const ValidationRow &g = got.rows[i], &w = want.rows[i];
    const std::string at = "row " + std::to_string(i);
    EXPECT_EQ(g.target, w.target) << at;
    EXPECT_EQ(g.period, w.period) << at;
    expect_same(g.simulated, w.simulated, at + " simulated");
    expect_same(g.value, w.value, at + " value");
    expect_same(g.low, w.low, at + " low");
    expect_same(g.high, w.high, at + " high");
    expect_same(g.error, w.error, at + " error");
    EXPECT_EQ(g.status, w.status) << at;
    EXPECT_EQ(g.unit, w.unit) << at;
    EXPECT_EQ(g.note, w.note) << at;
  }
  ASSERT_EQ(got.regions.size(), want.regions.size());
  for (std::size_t i = 0; i < want.regions.size(); ++i) {
    const ValidationRegionRow &g = got.regions[i], &w = want.regions[i];
    const std::string at = "region row " + std::to_string(i);
    EXPECT_EQ(g.region, w.region) << at;
    EXPECT_EQ(g.year, w.year) << at;
    expect_same(g.arrivals_sim, w.arrivals_sim, at);
    expect_same(g.arrivals_obs, w.arrivals_obs, at);
    expect_same(g.arrivals_rel_diff, w.arrivals_rel_diff, at);
    expect_same(g.departures_sim, w.departures_sim, at);
    expect_same(g.departures_obs, w.departures_obs, at);
    expect_same(g.departures_rel_diff, w.departures_rel_diff, at);
  }
}

TEST_F(ReaderTest, TheValidationGroupRoundTripsAndIsReplacedWhole) {
  write_run();
  const auto series_before = RunFile(path_).values("stock").values;
  const ValidationTable t = sample_table();
  write_validation(path_, t);
  EXPECT_FALSE(fs::exists(path_ + ".validating.tmp"));
  {
    const RunFile f(path_);
    ASSERT_TRUE(f.has_validation());
    const auto got = f.validation();
    ASSERT_TRUE(got);
    expect_equal(*got, t);
    // The run's own data are untouched.
    EXPECT_EQ(f.values("stock").values, series_before);
    EXPECT_TRUE(f.meta().finished());
  }
  // The status datasets FORMAT.md documents, read with the plain C API.
  {
    const hid_t f = H5Fopen(path_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    ASSERT_GE(f, 0);
    const hid_t d = H5Dopen2(f, "/validation/pass", H5P_DEFAULT);
    ASSERT_GE(d, 0);
    std::int32_t pass[3] = {};
    H5Dread(d, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, pass);
    EXPECT_EQ(pass[0], 1);
    EXPECT_EQ(pass[1], 0);
    EXPECT_EQ(pass[2], -1);
    H5Dclose(d);
    H5Fclose(f);
  }
  // A second validation replaces the group whole: fewer rows, no inter-oblast subgroup.
  ValidationTable again = t;
  again.rows.resize(1);
  again.regions.clear();
  again.targets_name = "second";
  write_validation(path_, again);
  const auto got = RunFile(path_).validation();
  ASSERT_TRUE(got);
  expect_equal(*got, again);
  EXPECT_EQ(inspect(path_).find("internal_migration/"), std::string::npos);
}

TEST_F(ReaderTest, AFailedValidationLeavesTheFileAsItWas) {
  write_run();
  write_validation(path_, sample_table());
  const std::string before = bytes_of(path_);
  // The temporary copy cannot be made: a directory is in its place.
  fs::create_directories(path_ + ".validating.tmp");
  try {
    write_validation(path_, ValidationTable{});
    FAIL() << "no error";
  } catch (const sim::RunError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot copy " + path_), std::string::npos) << e.what();
  }
  EXPECT_EQ(bytes_of(path_), before);
  fs::remove(path_ + ".validating.tmp");
  // A file that is not a kochmon run is refused before anything is written.
  const std::string other = (dir_ / "other.h5").string();
  const hid_t f = H5Fcreate(other.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  H5Fclose(f);
  const std::string other_before = bytes_of(other);
  const auto e = read_error([&] { write_validation(other, sample_table()); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind(), ReadError::Kind::wrong_file);
  EXPECT_EQ(bytes_of(other), other_before);
  EXPECT_FALSE(fs::exists(other + ".validating.tmp"));
}

TEST_F(ReaderTest, ANewerValidationLayoutIsRefused) {
  write_run();
  write_validation(path_, sample_table());
  set_string_attribute(path_, "/validation", "layout_version", "2.0");
  const RunFile f(path_); // the run itself stays readable
  EXPECT_TRUE(f.meta().finished());
  const auto e = read_error([&] { (void)f.validation(); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind(), ReadError::Kind::wrong_file);
  EXPECT_NE(std::string(e->what()).find("/validation@layout_version '2.0' is not supported"),
            std::string::npos)
      << e->what();
}

TEST_F(ReaderTest, CheckpointsAndResultFilesShareOneIdentityCheck) {
  write_run();
  const std::string ckpt = (dir_ / "run.h5.ckpt").string();
  {
    CheckpointWriter w(ckpt);
    CheckpointInfo info;
    info.scenario_yaml = "name: tiny\n";
    info.n_steps = N_STEPS;
    w.write_info(info);
    w.write_history(small_layout(), {});
    w.finish();
  }
  EXPECT_NO_THROW(CheckpointReader{ckpt});
  // A checkpoint is not a result file, and a result file is not a checkpoint.
  auto e = read_error([&] { RunFile f(ckpt); });
  ASSERT_TRUE(e);
  EXPECT_EQ(std::string(e->what()), ckpt + ": error: not a kochmon result file (filetype "
                                           "'kochmon-checkpoint', expected 'kochmon-run')");
  e = read_error([&] { CheckpointReader r(path_); });
  ASSERT_TRUE(e);
  EXPECT_EQ(std::string(e->what()), path_ + ": error: not a kochmon checkpoint (filetype "
                                            "'kochmon-run', expected 'kochmon-checkpoint')\n"
                                            "  hint: a result file is resumed from its .ckpt file");
  // Checkpoints get the version check too.
  set_string_attribute(ckpt, "/", "format_version", "2.0");
  e = read_error([&] { CheckpointReader r(ckpt); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind(), ReadError::Kind::wrong_file);
  EXPECT_NE(std::string(e->what()).find("format_version '2.0' is not supported"), std::string::npos)
      << e->what();
}

} // namespace
} // namespace kochmon::output
