// `kochmon sweep --set` and `kochmon calibrate --set` (issue #13): where the command line's
// overrides go among a run's overrides, that they are part of the sweep's identity, and that
// the specs check key paths with the loader's parser.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "calibration/calibrate.h"
#include "sim/core/error.h"
#include "sweep/design.h"
#include "sweep/spec.h"

namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string source_dir() {
  const char* env = std::getenv("KOCHMON_SOURCE_DIR");
  return env ? env : KOCHMON_SOURCE_DIR;
}

std::string write(const std::string& name, const std::string& text) {
  const fs::path dir = fs::temp_directory_path() / "kochmon_test_command_line_set";
  fs::create_directories(dir);
  const std::string path = (dir / name).string();
  std::ofstream(path) << text;
  return path;
}

const std::string TINY = source_dir() + "/scenarios/examples/tiny.yaml";

std::string sweep_spec(const std::string& set) {
  return "name: s\nbase: " + TINY + "\nset: " + set +
         "\nparameters:\n  - {key: decision.monthly_rate, values: [0.01, 0.02]}\n";
}

template <class F> std::string error_of(F f) {
  try {
    f();
  } catch (const kochmon::sim::InputError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(SweepCommandLineSet, ComesAfterSetAndBeforeTheParameters) {
  using namespace kochmon::sweep;
  const std::string path = write("order.yaml", sweep_spec("[time.end=2010-06]"));
  const Spec s = load_spec(path, true, {"regions[south].population=2000"});
  const auto points = make_design(s.design, s.parameters);
  ASSERT_EQ(points.size(), 2u);
  EXPECT_THAT(run_overrides(s, points[1]),
              ElementsAre("time.end=2010-06", "regions[south].population=2000",
                          "decision.monthly_rate=0.02"));
  // The normalised spec (DIR/sweep.yaml) lists them in set:, after the spec's own, so that it
  // reproduces the sweep by itself.
  EXPECT_THAT(s.normalized,
              HasSubstr("set: [time.end=2010-06, \"regions[south].population=2000\"]"));
  const Spec again = load_spec(write("again.yaml", s.normalized));
  EXPECT_EQ(again.normalized, s.normalized);
  EXPECT_THAT(run_overrides(again, points[1]),
              ElementsAre("time.end=2010-06", "regions[south].population=2000",
                          "decision.monthly_rate=0.02"));
}

TEST(SweepCommandLineSet, IsPartOfTheSweepIdentity) {
  using namespace kochmon::sweep;
  const std::string path = write("identity.yaml", sweep_spec("[time.end=2010-06]"));
  const std::string base = "resolved base";
  const std::string none = sweep_hash(load_spec(path), base);
  const std::string a = sweep_hash(load_spec(path, true, {"regions[south].population=2000"}), base);
  const std::string b = sweep_hash(load_spec(path, true, {"regions[south].population=3000"}), base);
  EXPECT_NE(none, a);
  EXPECT_NE(a, b);
  EXPECT_EQ(a, sweep_hash(load_spec(path, true, {"regions[south].population=2000"}), base));
  // Without --set the identity is what it was before --set existed: the spec alone.
  EXPECT_EQ(none, sweep_hash(load_spec(path, true, {}), base));
}

TEST(SweepCommandLineSet, SyntaxErrorsAreReportedByTheLoadersParser) {
  using namespace kochmon::sweep;
  const std::string path = write("syntax.yaml", sweep_spec("[time.end=2010-06]"));
  const std::string e = error_of([&] { load_spec(path, true, {"regions[", "scale"}); });
  EXPECT_THAT(e, HasSubstr("--set regions[: error: regions[: '[' without a closing ']'"));
  EXPECT_THAT(e, HasSubstr("--set scale: error: expected key.path=value, got 'scale'"));
  // In the spec: set: entries and parameter keys, at their positions.
  const std::string in_spec =
      write("in_spec.yaml", "name: s\nbase: " + TINY +
                                "\nset: [\"regions[].population=1\"]\nparameters:\n"
                                "  - {key: \"regions[0]x\", values: [1, 2]}\n");
  const std::string e2 = error_of([&] { load_spec(in_spec); });
  EXPECT_THAT(e2, HasSubstr(in_spec + ":3:7: error: set[0]: regions[].population: empty "
                                      "brackets '[]'"));
  EXPECT_THAT(e2, HasSubstr(in_spec + ":5:11: error: parameters[0].key: 'regions[0]x': expected "
                                      "'.' or '[' after ']', got 'x'"));
}

TEST(CalibrateCommandLineSet, ComesAfterSetRunEndAndScaleAndBeforeTheParameters) {
  using namespace kochmon::calibration;
  const std::string targets = write("targets.yaml", "name: t\ntargets: []\n");
  const std::string path =
      write("cal.yaml",
            "name: c\nbase: " + TINY + "\ntargets: " + targets +
                "\nset: [decision.monthly_rate=0.05]\nperiod: {from: 2011, to: "
                "2011}\nscale: 0.5\nseeds: [1]\nparameters:\n"
                "  - {key: \"regions[south].population\", min: 100, max: 1000, start: 500}\n");
  const Spec s = load_spec(path, {"destinations[russia].cost_som=1000"});
  EXPECT_THAT(overrides(s, {250}),
              ElementsAre("decision.monthly_rate=0.05", "time.end=2011-12", "scale=0.5",
                          "destinations[russia].cost_som=1000", "regions[south].population=250"));
  EXPECT_THAT(error_of([&] { load_spec(path, {"destinations[]"}); }),
              HasSubstr("--set destinations[]: error: destinations[]: empty brackets '[]'"));
  const std::string bad_key = write(
      "cal_bad.yaml", "name: c\nbase: " + TINY + "\ntargets: " + targets +
                          "\nseeds: [1]\nparameters:\n"
                          "  - {key: \"regions[south.population\", min: 1, max: 9, start: 5}\n");
  EXPECT_THAT(error_of([&] { load_spec(bad_key); }),
              HasSubstr(bad_key + ":6:11: error: parameters[0].key: 'regions[south.population': "
                                  "'[' without a closing ']'"));
}

} // namespace
