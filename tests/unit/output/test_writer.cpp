#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>
#include <vector>

#include <grp.h>
#include <gtest/gtest.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <sys/wait.h>
#include <unistd.h>

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

// Reading back goes through the plain HDF5 C API, independent of output/h5.
std::string read_string_attr(hid_t obj, const char* name) {
  const hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
  EXPECT_GE(attr, 0) << name;
  // Fixed-length, null-terminated UTF-8 (FORMAT.md).
  const hid_t type = H5Aget_type(attr);
  EXPECT_EQ(H5Tget_class(type), H5T_STRING) << name;
  EXPECT_EQ(H5Tis_variable_str(type), 0) << name;
  EXPECT_EQ(H5Tget_cset(type), H5T_CSET_UTF8) << name;
  std::string out(H5Tget_size(type), '\0');
  EXPECT_GE(H5Aread(attr, type, out.data()), 0);
  out.resize(out.find('\0'));
  H5Tclose(type);
  H5Aclose(attr);
  return out;
}

template <class T> T read_attr(hid_t obj, const char* name, hid_t mem_type) {
  T v{};
  const hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
  EXPECT_GE(attr, 0) << name;
  EXPECT_GE(H5Aread(attr, mem_type, &v), 0) << name;
  H5Aclose(attr);
  return v;
}

std::vector<hsize_t> dims_of(hid_t dset) {
  const hid_t space = H5Dget_space(dset);
  std::vector<hsize_t> dims(static_cast<std::size_t>(H5Sget_simple_extent_ndims(space)));
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  H5Sclose(space);
  return dims;
}

std::vector<std::string> read_strings(hid_t file, const char* name) {
  const hid_t d = H5Dopen2(file, name, H5P_DEFAULT);
  EXPECT_GE(d, 0) << name;
  const auto n = static_cast<std::size_t>(dims_of(d).at(0));
  std::vector<char*> raw(n);
  const hid_t type = H5Dget_type(d);
  EXPECT_GE(H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()), 0);
  std::vector<std::string> out(raw.begin(), raw.end());
  const hid_t space = H5Dget_space(d);
  H5Dvlen_reclaim(type, space, H5P_DEFAULT, raw.data());
  H5Sclose(space);
  H5Tclose(type);
  H5Dclose(d);
  return out;
}

class WriterTest : public ::testing::Test {
protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("kochmon_output_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "run.h5").string();
  }
  void TearDown() override {
    std::error_code ec;
    fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(dir_, ec);
  }

  WriterOptions options() const {
    WriterOptions o;
    o.path = path_;
    o.compression = 4;
    o.chunk_months = 12;
    o.run_id = "0123456789abcdef0123456789abcdef";
    return o;
  }

  void write_full_run() {
    const auto layout = small_layout();
    auto rec = make_h5_recorder(options());
    rec->begin(small_info(), layout);
    record_steps(*rec, layout, 0, N_STEPS);
    rec->finish(sim::RunSummary{1.5, N_STEPS});
  }

  fs::path dir_;
  std::string path_;
};

TEST_F(WriterTest, RenamesTheTemporaryFileOnFinish) {
  const auto layout = small_layout();
  auto rec = make_h5_recorder(options());
  rec->begin(small_info(), layout);
  EXPECT_TRUE(fs::exists(path_ + ".tmp"));
  EXPECT_FALSE(fs::exists(path_));
  record_steps(*rec, layout, 0, N_STEPS);
  EXPECT_FALSE(fs::exists(path_));
  rec->finish(sim::RunSummary{1.5, N_STEPS});
  EXPECT_TRUE(fs::exists(path_));
  EXPECT_FALSE(fs::exists(path_ + ".tmp"));
  rec.reset();
  EXPECT_TRUE(fs::exists(path_)); // destroying after finish keeps the result
}

TEST_F(WriterTest, EveryValueReadsBack) {
  write_full_run();
  const auto layout = small_layout();
  const hid_t file = H5Fopen(path_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  const std::vector<std::vector<hsize_t>> shapes = {{N_STEPS, 2, 3}, {N_STEPS, 2}, {N_STEPS}};
  for (std::size_t s = 0; s < layout.series.size(); ++s) {
    const std::string name = "/series/" + layout.series[s].name;
    const hid_t d = H5Dopen2(file, name.c_str(), H5P_DEFAULT);
    ASSERT_GE(d, 0) << name;
    EXPECT_EQ(dims_of(d), shapes[s]) << name;
    const hid_t type = H5Dget_type(d);
    EXPECT_EQ(H5Tget_class(type), H5T_FLOAT);
    EXPECT_EQ(H5Tget_size(type), 8U);
    H5Tclose(type);

    const std::size_t width = layout.size(s);
    std::vector<double> v(N_STEPS * width);
    ASSERT_GE(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), 0);
    for (int t = 0; t < N_STEPS; ++t) {
      for (std::size_t j = 0; j < width; ++j) {
        ASSERT_EQ(v[static_cast<std::size_t>(t) * width + j], expected(s, t, j))
            << name << " t=" << t << " j=" << j;
      }
    }

    EXPECT_EQ(read_string_attr(d, "unit"), layout.series[s].unit);
    EXPECT_EQ(read_string_attr(d, "description"), layout.series[s].description);

    // Chunked along time by chunk_months, full along the other axes, gzip + shuffle.
    const hid_t dcpl = H5Dget_create_plist(d);
    EXPECT_EQ(H5Pget_layout(dcpl), H5D_CHUNKED);
    std::vector<hsize_t> chunk(shapes[s].size());
    H5Pget_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data());
    std::vector<hsize_t> want = shapes[s];
    want[0] = 12;
    EXPECT_EQ(chunk, want);
    EXPECT_EQ(H5Pget_nfilters(dcpl), 2);
    H5Pclose(dcpl);
    H5Dclose(d);
  }
  H5Fclose(file);
}

TEST_F(WriterTest, SeriesCarryAxesAndAttachedScales) {
  write_full_run();
  const hid_t file = H5Fopen(path_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  const hid_t stock = H5Dopen2(file, "/series/stock", H5P_DEFAULT);
  const hid_t time = H5Dopen2(file, "/axes/time", H5P_DEFAULT);
  const hid_t region = H5Dopen2(file, "/axes/region", H5P_DEFAULT);
  const hid_t destination = H5Dopen2(file, "/axes/destination", H5P_DEFAULT);
  ASSERT_GE(stock, 0);
  ASSERT_GE(time, 0);
  ASSERT_GE(region, 0);
  ASSERT_GE(destination, 0);

  EXPECT_EQ(read_string_attr(stock, "axes"), "time,region,destination");
  EXPECT_GT(H5DSis_scale(time), 0);
  EXPECT_GT(H5DSis_scale(region), 0);
  EXPECT_GT(H5DSis_attached(stock, time, 0), 0);
  EXPECT_GT(H5DSis_attached(stock, region, 1), 0);
  EXPECT_GT(H5DSis_attached(stock, destination, 2), 0);
  EXPECT_EQ(H5DSis_attached(stock, region, 2), 0);
  char label[64] = {};
  H5DSget_label(stock, 2, label, sizeof label);
  EXPECT_STREQ(label, "destination");
  H5DSget_scale_name(region, label, sizeof label);
  EXPECT_STREQ(label, "region");

  const hid_t scalar = H5Dopen2(file, "/series/total_abroad", H5P_DEFAULT);
  EXPECT_GT(H5DSis_attached(scalar, time, 0), 0);
  EXPECT_EQ(read_string_attr(scalar, "axes"), "time");
  H5Dclose(scalar);

  // The time axis: 0..n-1 with its calendar, and the labels of the other axes.
  EXPECT_EQ(dims_of(time), (std::vector<hsize_t>{N_STEPS}));
  std::vector<std::int32_t> months(N_STEPS);
  H5Dread(time, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, months.data());
  for (int t = 0; t < N_STEPS; ++t)
    EXPECT_EQ(months[static_cast<std::size_t>(t)], t);
  EXPECT_EQ(read_string_attr(time, "units"), "months since 2010-01");
  EXPECT_EQ(read_string_attr(time, "start"), "2010-01");
  const auto labels = read_strings(file, "/axes/time_label");
  ASSERT_EQ(labels.size(), static_cast<std::size_t>(N_STEPS));
  EXPECT_EQ(labels[0], "2010-01");
  EXPECT_EQ(labels[12], "2011-01");
  EXPECT_EQ(labels[29], "2012-06");
  EXPECT_EQ(read_strings(file, "/axes/destination"), (std::vector<std::string>{"ru", "kz", "tr"}));
  EXPECT_EQ(read_string_attr(region, "description"), "Home region");

  for (hid_t h : {stock, time, region, destination})
    H5Dclose(h);
  H5Fclose(file);
}

TEST_F(WriterTest, RootAndMetaDescribeTheRun) {
  write_full_run();
  const hid_t file = H5Fopen(path_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  EXPECT_EQ(read_string_attr(file, "filetype"), "kochmon-run");
  EXPECT_EQ(read_string_attr(file, "format_version"), "1.0");
  const hid_t meta = H5Gopen2(file, "/meta", H5P_DEFAULT);
  ASSERT_GE(meta, 0);
  EXPECT_EQ(read_string_attr(meta, "kochmon_version"), VERSION);
  EXPECT_EQ(read_string_attr(meta, "git_sha"), GIT_SHA);
  EXPECT_EQ(read_string_attr(meta, "run_id"), "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(read_string_attr(meta, "scenario_name"), "tiny");
  EXPECT_EQ(read_string_attr(meta, "start"), "2010-01");
  EXPECT_EQ(read_attr<std::uint64_t>(meta, "seed", H5T_NATIVE_UINT64), 18446744073709551557ULL);
  EXPECT_EQ(read_attr<double>(meta, "scale", H5T_NATIVE_DOUBLE), 0.01);
  EXPECT_EQ(read_attr<double>(meta, "wall_seconds", H5T_NATIVE_DOUBLE), 1.5);
  EXPECT_EQ(read_attr<std::int32_t>(meta, "threads", H5T_NATIVE_INT32), 2);
  EXPECT_EQ(read_attr<std::int64_t>(meta, "households", H5T_NATIVE_INT64), 200);
  EXPECT_EQ(read_attr<std::int64_t>(meta, "persons", H5T_NATIVE_INT64), 812);
  EXPECT_EQ(read_attr<std::int32_t>(meta, "n_steps", H5T_NATIVE_INT32), N_STEPS);
  EXPECT_EQ(read_attr<std::int32_t>(meta, "steps_done", H5T_NATIVE_INT32), N_STEPS);
  EXPECT_EQ(read_attr<std::int32_t>(meta, "complete", H5T_NATIVE_INT32), 1);

  const hid_t yaml = H5Dopen2(meta, "scenario", H5P_DEFAULT);
  ASSERT_GE(yaml, 0);
  const hid_t type = H5Dget_type(yaml);
  EXPECT_EQ(H5Tget_cset(type), H5T_CSET_UTF8);
  char* p = nullptr;
  H5Dread(yaml, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, &p);
  EXPECT_EQ(std::string(p), small_info().resolved_yaml);
  H5free_memory(p);
  H5Tclose(type);
  H5Dclose(yaml);
  H5Gclose(meta);
  H5Fclose(file);
}

TEST_F(WriterTest, DestroyedWithoutFinishLeavesNoFile) {
  const auto layout = small_layout();
  {
    auto rec = make_h5_recorder(options());
    rec->begin(small_info(), layout);
    record_steps(*rec, layout, 0, 17); // one chunk written, part of the next buffered
    EXPECT_TRUE(fs::exists(path_ + ".tmp"));
  }
  EXPECT_FALSE(fs::exists(path_ + ".tmp"));
  EXPECT_FALSE(fs::exists(path_));
}

TEST_F(WriterTest, AnEarlierResultSurvivesAnAbortedRun) {
  write_full_run();
  const auto size = fs::file_size(path_);
  {
    auto rec = make_h5_recorder(options());
    rec->begin(small_info(), small_layout());
  }
  EXPECT_TRUE(fs::exists(path_));
  EXPECT_EQ(fs::file_size(path_), size);
  EXPECT_FALSE(fs::exists(path_ + ".tmp"));
}

TEST_F(WriterTest, MissingDirectoryIsARunErrorNamingThePath) {
  WriterOptions o = options();
  o.path = (dir_ / "no_such_dir" / "run.h5").string();
  auto rec = make_h5_recorder(o);
  try {
    rec->begin(small_info(), small_layout());
    FAIL() << "expected RunError";
  } catch (const sim::RunError& e) {
    EXPECT_EQ(std::string(e.what()), "output: cannot create '" + o.path +
                                         ".tmp': No such file or directory; hint: create the "
                                         "directory or pass -o");
  }
  rec.reset();
  EXPECT_FALSE(fs::exists(o.path + ".tmp"));
}

TEST_F(WriterTest, UnwritableDirectoryIsARunError) {
  // CI runs as root, which may write anywhere: then the writer runs in a child process that
  // has given up root for the unprivileged `nobody` (uid/gid 65534), as a user would run it.
  fs::permissions(dir_, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                            fs::perms::group_exec | fs::perms::others_read |
                            fs::perms::others_exec);
  auto attempt = [&]() -> std::string {
    auto rec = make_h5_recorder(options());
    try {
      rec->begin(small_info(), small_layout());
    } catch (const sim::RunError& e) {
      return e.what();
    }
    return "no RunError";
  };
  if (::geteuid() != 0) {
    const std::string what = attempt();
    EXPECT_NE(what.find("'" + path_ + ".tmp'"), std::string::npos) << what;
    EXPECT_NE(what.find("Permission denied"), std::string::npos) << what;
    return;
  }
  int pipe_fd[2];
  ASSERT_EQ(::pipe(pipe_fd), 0);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(pipe_fd[0]);
    std::string what = ::setgroups(0, nullptr) == 0 && ::setresgid(65534, 65534, 65534) == 0 &&
                               ::setresuid(65534, 65534, 65534) == 0
                           ? attempt()
                           : "could not drop root";
    const ssize_t n = ::write(pipe_fd[1], what.data(), what.size());
    ::_exit(n == static_cast<ssize_t>(what.size()) ? 0 : 1);
  }
  ::close(pipe_fd[1]);
  std::string what;
  char buf[512];
  for (ssize_t n; (n = ::read(pipe_fd[0], buf, sizeof buf)) > 0;)
    what.append(buf, static_cast<std::size_t>(n));
  ::close(pipe_fd[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << what;
  EXPECT_NE(what.find("'" + path_ + ".tmp'"), std::string::npos) << what;
  EXPECT_NE(what.find("Permission denied"), std::string::npos) << what;
}

TEST_F(WriterTest, ShortRunsAndUncompressedSeries) {
  WriterOptions o = options();
  o.compression = 0;
  o.chunk_months = 12;
  const auto layout = small_layout();
  auto rec = make_h5_recorder(o);
  rec->begin(small_info(5), layout); // fewer steps than one chunk
  record_steps(*rec, layout, 0, 5);
  rec->finish(sim::RunSummary{0.1, 5});

  const hid_t file = H5Fopen(path_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  const hid_t d = H5Dopen2(file, "/series/stock", H5P_DEFAULT);
  const hid_t dcpl = H5Dget_create_plist(d);
  std::vector<hsize_t> chunk(3);
  H5Pget_chunk(dcpl, 3, chunk.data());
  EXPECT_EQ(chunk, (std::vector<hsize_t>{5, 2, 3}));
  EXPECT_EQ(H5Pget_nfilters(dcpl), 0);
  std::vector<double> v(5 * 6);
  H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  EXPECT_EQ(v[29], expected(0, 4, 5));
  H5Pclose(dcpl);
  H5Dclose(d);
  H5Fclose(file);
}

TEST_F(WriterTest, StepsNotRecordedAreNaN) {
  const auto layout = small_layout();
  auto rec = make_h5_recorder(options());
  rec->begin(small_info(), layout);
  record_steps(*rec, layout, 0, 14);
  rec->finish(sim::RunSummary{0.2, 14});

  const hid_t file = H5Fopen(path_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  const hid_t meta = H5Gopen2(file, "/meta", H5P_DEFAULT);
  EXPECT_EQ(read_attr<std::int32_t>(meta, "steps_done", H5T_NATIVE_INT32), 14);
  const hid_t d = H5Dopen2(file, "/series/remittances_som", H5P_DEFAULT);
  std::vector<double> v(N_STEPS * 2);
  H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  EXPECT_EQ(v[13 * 2 + 1], expected(1, 13, 1));
  EXPECT_TRUE(std::isnan(v[14 * 2]));
  EXPECT_TRUE(std::isnan(v[29 * 2 + 1]));
  H5Dclose(d);
  H5Gclose(meta);
  H5Fclose(file);
}

TEST(RunId, Is32HexCharactersAndFresh) {
  const std::string a = new_run_id();
  const std::string b = new_run_id();
  EXPECT_EQ(a.size(), 32U);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos) << a;
  EXPECT_NE(a, b);
}

// ---- inspect ----

TEST_F(WriterTest, InspectSummarisesARun) {
  write_full_run();
  const std::string text = inspect(path_);
  for (const char* want : {"kochmon-run 1.0", "tiny", "seed 18446744073709551557", "scale 0.01",
                           "0123456789abcdef0123456789abcdef", "2 threads", "200 households",
                           "812 persons", "2010-01 .. 2012-06, 30 months, 30 done", "stock",
                           "30x2x3", "remittances_som", "som/month", "total_abroad"}) {
    EXPECT_NE(text.find(want), std::string::npos) << "missing '" << want << "' in\n" << text;
  }
  // stock at step t sums to 6t + 0.15; its peak is the last month.
  EXPECT_NE(text.find("0.15"), std::string::npos) << text;
  EXPECT_NE(text.find("174.15"), std::string::npos) << text;
  EXPECT_NE(text.find("2012-06"), std::string::npos) << text;
}

void expect_input_error(const std::string& path, const std::string& start) {
  try {
    (void)inspect(path);
    FAIL() << "expected InputError for " << path;
  } catch (const sim::InputError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(start, 0), 0U) << e.what();
  }
}

TEST_F(WriterTest, InspectRejectsATruncatedFile) {
  write_full_run();
  const std::string cut = (dir_ / "cut.h5").string();
  {
    std::ifstream in(path_, std::ios::binary);
    std::string bytes(1000, '\0');
    in.read(bytes.data(), 1000);
    std::ofstream(cut, std::ios::binary).write(bytes.data(), 1000);
  }
  expect_input_error(cut, cut + ": error: cannot read result file: ");

  // Half a file: the superblock is there, the data is not.
  const std::string half = (dir_ / "half.h5").string();
  fs::copy_file(path_, half);
  fs::resize_file(half, fs::file_size(path_) / 2);
  expect_input_error(half, half + ": error: cannot read result file: ");
}

TEST_F(WriterTest, InspectRejectsOtherFiles) {
  const std::string text = (dir_ / "notes.h5").string();
  std::ofstream(text) << "not an HDF5 file\n";
  expect_input_error(text, text + ": error: cannot read result file: ");

  const std::string missing = (dir_ / "missing.h5").string();
  expect_input_error(missing,
                     missing + ": error: cannot read result file: No such file or directory");

  const std::string other = (dir_ / "other.h5").string();
  const hid_t f = H5Fcreate(other.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  H5Fclose(f);
  expect_input_error(other, other + ": error: not a kochmon result file (no filetype attribute)");
}

TEST_F(WriterTest, InspectRejectsAnotherFiletype) {
  const std::string other = (dir_ / "other.h5").string();
  const hid_t f = H5Fcreate(other.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t attr = H5Acreate2(f, "filetype", type, space, H5P_DEFAULT, H5P_DEFAULT);
  const char* value = "openmc-statepoint";
  H5Awrite(attr, type, &value);
  H5Aclose(attr);
  H5Sclose(space);
  H5Tclose(type);
  H5Fclose(f);
  expect_input_error(other, other + ": error: not a kochmon result file (filetype "
                                    "'openmc-statepoint', expected 'kochmon-run')");
}

TEST_F(WriterTest, AnAxisWithoutLabelsGivesAnEmptySeries) {
  auto layout = small_layout();
  layout.axes[1].labels.clear(); // no destinations
  auto rec = make_h5_recorder(options());
  rec->begin(small_info(), layout);
  record_steps(*rec, layout, 0, N_STEPS);
  rec->finish(sim::RunSummary{0.1, N_STEPS});
  const hid_t file = H5Fopen(path_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  const hid_t d = H5Dopen2(file, "/series/stock", H5P_DEFAULT);
  EXPECT_EQ(dims_of(d), (std::vector<hsize_t>{N_STEPS, 2, 0}));
  H5Dclose(d);
  H5Fclose(file);
  EXPECT_NE(inspect(path_).find("30x2x0"), std::string::npos);
  const std::string cmd = std::string("/usr/bin/python3 ") + KOCHMON_SOURCE_DIR +
                          "/tools/analysis/check_run.py '" + path_ + "' > /dev/null";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd; // NOLINT(concurrency-mt-unsafe)
}

TEST_F(WriterTest, CheckRunPyAcceptsTheFile) {
  write_full_run();
  const std::string cmd = std::string("/usr/bin/python3 ") + KOCHMON_SOURCE_DIR +
                          "/tools/analysis/check_run.py '" + path_ + "' > /dev/null";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd; // NOLINT(concurrency-mt-unsafe)
}

TEST_F(WriterTest, CheckRunPyFindsADetachedScale) {
  write_full_run();
  const hid_t file = H5Fopen(path_.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  const hid_t stock = H5Dopen2(file, "/series/stock", H5P_DEFAULT);
  const hid_t destination = H5Dopen2(file, "/axes/destination", H5P_DEFAULT);
  ASSERT_GE(H5DSdetach_scale(stock, destination, 2), 0);
  H5Dclose(destination);
  H5Dclose(stock);
  H5Fclose(file);
  const std::string cmd = std::string("/usr/bin/python3 ") + KOCHMON_SOURCE_DIR +
                          "/tools/analysis/check_run.py '" + path_ + "' 2> /dev/null";
  EXPECT_NE(std::system(cmd.c_str()), 0) << cmd; // NOLINT(concurrency-mt-unsafe)
}

} // namespace
} // namespace kochmon::output
