// The command line end to end: exit codes, output files, determinism across thread counts,
// and the HDF5 file read back by Python (h5py).

#include <filesystem>

#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/integration/cli_support.h"

namespace kochmon::tests {
namespace {

namespace fs = std::filesystem;

std::string tiny() {
  return source_dir() + "/scenarios/examples/tiny.yaml";
}

TEST(Cli, HelpAndVersionExitZero) {
  EXPECT_EQ(kochmon("--help").code, 0);
  EXPECT_EQ(kochmon("run --help").code, 0);
  EXPECT_EQ(kochmon("inspect --help").code, 0);
  const auto v = kochmon("--version");
  EXPECT_EQ(v.code, 0);
  EXPECT_NE(v.out.find("0."), std::string::npos);
}

TEST(Cli, BadCommandLineIsExitTwo) {
  EXPECT_EQ(kochmon("").code, 2);
  EXPECT_EQ(kochmon("run").code, 2);
  EXPECT_EQ(kochmon("run x.yaml --threads -3").code, 2);
  EXPECT_EQ(kochmon("frobnicate").code, 2);
}

TEST(Cli, RunWritesOneCompleteFileAndInspectReadsIt) {
  const auto dir = temp_dir("run");
  const auto out = (dir / "tiny.h5").string();
  const auto r = kochmon("run " + tiny() + " -o " + out);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(fs::exists(out));
  EXPECT_FALSE(fs::exists(out + ".tmp"));
  EXPECT_NE(r.out.find("kochmon run: tiny"), std::string::npos) << r.out;
  const auto i = kochmon("inspect " + out);
  EXPECT_EQ(i.code, 0) << i.out;
  EXPECT_NE(i.out.find("tiny"), std::string::npos) << i.out;
  EXPECT_NE(i.out.find("stock"), std::string::npos) << i.out;
}

TEST(Cli, BadScenarioIsExitTwoAndWritesNothing) {
  const auto dir = temp_dir("bad");
  const auto bad = dir / "bad.yaml";
  {
    std::FILE* f = std::fopen(bad.c_str(), "w");
    std::fputs("name: bad\ntiem: {start: 2010-01}\n", f);
    std::fclose(f);
  }
  const auto out = (dir / "bad.h5").string();
  const auto r = kochmon("run " + bad.string() + " -o " + out);
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("bad.yaml:2:1: error: tiem: unknown key"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("did you mean 'time'?"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(out + ".tmp"));
  // A missing scenario and a bad --set are bad input too.
  EXPECT_EQ(kochmon("run " + (dir / "missing.yaml").string() + " -o " + out).code, 2);
  EXPECT_EQ(kochmon("run " + tiny() + " -o " + out + " --set decision.monthly_rate=abc").code, 2);
  EXPECT_FALSE(fs::exists(out));
}

TEST(Cli, UnwritableOutputIsExitOneAndLeavesNothing) {
  const auto dir = temp_dir("unwritable");
  const auto out = (dir / "no" / "such" / "dir" / "x.h5").string();
  const auto r = kochmon("run " + tiny() + " -q -o " + out);
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("cannot create"), std::string::npos) << r.out;
}

TEST(Cli, ThreadCountsGiveIdenticalDatasets) {
  const auto dir = temp_dir("threads");
  std::string files[3];
  const int threads[3] = {1, 2, 4};
  for (int i = 0; i < 3; ++i) {
    files[i] = (dir / ("t" + std::to_string(threads[i]) + ".h5")).string();
    const auto r =
        kochmon("run " + tiny() + " -q --set scale=1 --set decision.monthly_rate=0.2 --threads " +
                std::to_string(threads[i]) + " -o " + files[i]);
    ASSERT_EQ(r.code, 0) << r.out;
  }
  // h5diff compares every value of every dataset under /series exactly; exit 0 = identical.
  for (int i = 1; i < 3; ++i) {
    const auto d = shell("h5diff " + files[0] + " " + files[i] + " /series /series");
    EXPECT_EQ(d.code, 0) << d.out;
  }
  // ... while a different seed does differ (the comparison can fail).
  const auto other = (dir / "seed.h5").string();
  ASSERT_EQ(
      kochmon("run " + tiny() + " -q --seed 43 --set decision.monthly_rate=0.2 -o " + other).code,
      0);
  EXPECT_NE(shell("h5diff -q " + files[0] + " " + other + " /series /series").code, 0);
}

TEST(Cli, PythonReadsTheFileWithH5py) {
  const auto dir = temp_dir("python");
  const auto out = (dir / "tiny.h5").string();
  ASSERT_EQ(kochmon("run " + tiny() + " -q -o " + out).code, 0);
  const auto check = shell(python() + " " + source_dir() + "/tools/analysis/check_run.py " + out);
  EXPECT_EQ(check.code, 0) << check.out;
  // pandas, through the reading helper: the tidy frame has the labelled axes.
  const auto frame =
      shell(python() + " -c \"import sys; sys.path.insert(0, '" + source_dir() +
            "/tools/analysis'); import kochmon_read as k; df = k.series_frame('" + out +
            "', 'stock'); print(sorted(df.columns)); print(sorted(df['destination'].unique()))\"");
  EXPECT_EQ(frame.code, 0) << frame.out;
  EXPECT_NE(frame.out.find("region"), std::string::npos) << frame.out;
  EXPECT_NE(frame.out.find("russia"), std::string::npos) << frame.out;
}

TEST(Cli, ProvenanceCarriesSeedAndScenario) {
  const auto dir = temp_dir("meta");
  const auto out = (dir / "tiny.h5").string();
  ASSERT_EQ(
      kochmon("run " + tiny() + " -q --seed 77 --set decision.monthly_rate=0.07 -o " + out).code,
      0);
  const auto meta =
      shell(python() + " -c \"import h5py; f = h5py.File('" + out +
            "', 'r'); m = f['meta']; print(m.attrs['seed']); s = m['scenario'][()]; "
            "s = s.decode() if isinstance(s, bytes) else s; print('monthly_rate: 0.07' in s); "
            "print(m.attrs['run_id'])\"");
  ASSERT_EQ(meta.code, 0) << meta.out;
  EXPECT_NE(meta.out.find("77\nTrue\n"), std::string::npos) << meta.out;
}

} // namespace
} // namespace kochmon::tests
