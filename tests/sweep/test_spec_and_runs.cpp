// Spec validation messages (exact text), metric reduction over a real run file, and the
// resume logic (which runs are pending, truncated files redone).

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "output/h5/h5.h"
#include "sim/core/error.h"
#include "sweep/metrics.h"
#include "sweep/run_dir.h"
#include "sweep/spec.h"
#include "sweep/summary.h"

using namespace kochmon::sweep;
namespace fs = std::filesystem;

namespace {

std::string source_dir() {
  const char* env = std::getenv("KOCHMON_SOURCE_DIR");
  return env ? env : KOCHMON_SOURCE_DIR;
}

std::string write_spec(const std::string& name, const std::string& text) {
  const fs::path dir = fs::temp_directory_path() / "kochmon_test_sweep";
  fs::create_directories(dir);
  const std::string path = (dir / name).string();
  std::ofstream(path) << text;
  return path;
}

std::string error_of(const std::string& path) {
  try {
    load_spec(path);
  } catch (const kochmon::sim::InputError& e) {
    return e.what();
  }
  return "(no error)";
}

const std::string BASE = "base: " + source_dir() + "/scenarios/examples/tiny.yaml\n";

} // namespace

TEST(SpecErrors, UnknownKeysTypesAndRangesAreReportedTogether) {
  const std::string p = write_spec("bad1.yaml", "name: s\n" + BASE +
                                                    "seed: -3\n"
                                                    "design: {method: latin}\n"
                                                    "parameters:\n"
                                                    "  - key: decision.monthly_rate\n"
                                                    "    valeus: [1, 2]\n"
                                                    "metircs: []\n");
  const std::string e = error_of(p);
  EXPECT_EQ(e.substr(0, e.find(p + ":7:5:")),
            p + ":3:7: error: seed: expected an integer >= 0, got -3\n" + p +
                ":4:18: error: design.method: expected one of grid, list, lhs, saltelli, morris, "
                "posterior, got 'latin'\n" +
                p +
                ":6:5: error: parameters[0]: a grid design needs values for every parameter\n"
                "  hint: give values: [...] or range: {from, to, count}\n");
  EXPECT_NE(error_of(p).find(":7:5: error: parameters[0].valeus: unknown key\n  hint: did "
                             "you mean 'values'?"),
            std::string::npos);
  EXPECT_NE(error_of(p).find(":8:1: error: metircs: unknown key\n  hint: did you mean 'metrics'?"),
            std::string::npos);
}

TEST(SpecErrors, DistributionsAndDesigns) {
  const std::string p =
      write_spec("bad2.yaml", "name: s\n" + BASE +
                                  "design: {method: saltelli}\n"
                                  "parameters:\n"
                                  "  - {key: a.b, min: 2, max: 1}\n"
                                  "  - {key: c.d, distribution: loguniform, min: 0, max: 1}\n"
                                  "metrics:\n"
                                  "  - {name: Stock, series: stock, reduce: median}\n");
  const std::string e = error_of(p);
  EXPECT_NE(e.find(p + ":3:9: error: design: missing required key 'samples' for a saltelli design"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find(p + ":5:29: error: parameters[0].max: expected a number > min (2), got '1'"),
            std::string::npos)
      << e;
  EXPECT_NE(
      e.find(p +
             ":6:47: error: parameters[1].min: a loguniform distribution needs min > 0, got '0'"),
      std::string::npos)
      << e;
  EXPECT_NE(e.find(p + ":8:12: error: metrics[0].name: expected an id (a-z, 0-9 and _, starting "
                       "with a letter), got 'Stock'"),
            std::string::npos)
      << e;
  EXPECT_NE(
      e.find("metrics[0].reduce: expected one of sum, mean, last, first, max, min, got 'median'"),
      std::string::npos)
      << e;
}

TEST(SpecErrors, TheShippedSpecsLoad) {
  for (const auto& entry : fs::directory_iterator(source_dir() + "/scenarios/sweeps")) {
    if (entry.path().extension() != ".yaml") continue;
    EXPECT_NO_THROW(load_spec(entry.path().string())) << entry.path();
  }
  const Spec s = load_spec(source_dir() + "/scenarios/sweeps/tiny_grid.yaml");
  EXPECT_EQ(s.runs(), 12u);
  EXPECT_EQ(s.parameters[1].values, (std::vector<std::string>{"0.03", "0.06"}));
  // The normalised spec reads back to the same spec.
  const std::string again = write_spec("normalised.yaml", s.normalized);
  EXPECT_EQ(load_spec(again).normalized, s.normalized);
}

TEST(Runs, MetricsResumeAndTruncatedFiles) {
  const char* bin = std::getenv("KOCHMON_BIN");
  if (!bin) GTEST_SKIP() << "KOCHMON_BIN not set (ctest sets it)";
  const fs::path dir = fs::temp_directory_path() / "kochmon_test_sweep_runs";
  fs::remove_all(dir);
  const std::string spec_path = source_dir() + "/scenarios/sweeps/tiny_grid.yaml";
  const std::string cmd = std::string(bin) + " sweep " + spec_path + " -o " + dir.string() + " -q";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const Spec spec = load_spec(spec_path);
  const std::string file = run_path(dir.string(), run_key(spec, 5));
  EXPECT_EQ(run_file_problem(file, spec.run_seed(2, 1)), "");
  EXPECT_EQ(run_file_problem(file, 7),
            "seed " + std::to_string(spec.run_seed(2, 1)) + ", expected 7");

  // stock at the last month, Russia, summed over regions: read by hand.
  namespace h5 = kochmon::output::h5;
  double by_hand = 0;
  {
    const auto f = h5::File::open_read(file);
    const auto ds = f.open_group("series").open_dataset("stock");
    const auto dims = ds.space().dims();
    const auto v = ds.read_doubles();
    const auto dest = f.open_group("axes").open_dataset("destination").read_strings();
    const std::size_t d =
        static_cast<std::size_t>(std::find(dest.begin(), dest.end(), "russia") - dest.begin());
    for (std::size_t r = 0; r < dims[1]; ++r)
      by_hand += v[(dims[0] - 1) * dims[1] * dims[2] + r * dims[2] + d];
  }
  const auto m = compute_metrics(file, spec.metrics);
  EXPECT_EQ(m[0], by_hand);
  const Table t = read_summary_csv((dir / "summary.csv").string());
  EXPECT_EQ(cell_number(t.rows[5][static_cast<std::size_t>(t.column("stock_russia_end"))]),
            by_hand);
  const Table th = read_summary_h5((dir / "summary.h5").string());
  EXPECT_EQ(th.columns, t.columns);
  EXPECT_EQ(th.rows[5][static_cast<std::size_t>(th.column("run_id"))],
            t.rows[5][static_cast<std::size_t>(t.column("run_id"))]);

  // An unknown label is a spec error at the metric's position.
  Metric bad = spec.metrics[0];
  bad.select = {{"destination", {"rusia"}}};
  try {
    compute_metrics(file, {bad});
    ADD_FAILURE() << "no error";
  } catch (const kochmon::sim::InputError& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "error: metric 'stock_russia_end': axis 'destination' has no label 'rusia'\n"
                  "  hint: did you mean 'russia'?"),
              std::string::npos)
        << e.what();
  }

  // Truncate one file and delete another: exactly those two are pending, and the truncated one
  // is removed.
  const std::string cut = run_path(dir.string(), run_key(spec, 3));
  fs::resize_file(cut, fs::file_size(cut) / 3);
  EXPECT_NE(run_file_problem(cut, spec.run_seed(1, 1)), "");
  fs::remove(run_path(dir.string(), run_key(spec, 8)));
  std::vector<std::uint64_t> all(spec.runs());
  for (std::uint64_t i = 0; i < all.size(); ++i)
    all[i] = i;
  EXPECT_EQ(pending_runs(dir.string(), spec, all), (std::vector<std::uint64_t>{3, 8}));
  EXPECT_FALSE(fs::exists(cut));
  fs::remove_all(dir);
}
