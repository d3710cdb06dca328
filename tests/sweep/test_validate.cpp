// Validation targets and calibration (validation/README.md, calibration/README.md): target file
// errors, metric, ratio and annual reductions and inter-oblast rows on a hand-made run file
// (checked against hand computations), not-covered periods, the /validation group, the logit
// transform, and Nelder–Mead on known functions.

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "calibration/calibrate.h"
#include "output/format_version.h"
#include "output/h5/h5.h"
#include "sim/core/error.h"
#include "validation/validate.h"

using namespace kochmon;
namespace fs = std::filesystem;
namespace h5 = kochmon::output::h5;

namespace {

fs::path scratch() {
  const fs::path dir = fs::temp_directory_path() / "kochmon_test_validate";
  fs::create_directories(dir);
  return dir;
}

std::string write(const std::string& name, const std::string& text) {
  const std::string path = (scratch() / name).string();
  std::ofstream(path) << text;
  return path;
}

std::string error_of(const std::string& path) {
  try {
    validation::load_targets(path);
  } catch (const sim::InputError& e) {
    return e.what();
  }
  return "(no error)";
}

constexpr int T = 24; // 2013-01 .. 2014-12
const std::vector<std::string> REGIONS = {"a", "b", "c"};
const std::vector<std::string> DESTS = {"a", "b", "c", "russia", "other"};

void series(h5::Group& g, const std::string& name, const std::string& axes,
            const std::vector<hsize_t>& dims, const std::vector<double>& v) {
  auto ds = g.create_dataset(name, H5T_IEEE_F64LE, h5::Dataspace::simple(dims));
  ds.write_all(H5T_NATIVE_DOUBLE, v.data());
  ds.set_attribute("axes", axes);
}

//! A run file by hand: 3 regions, destinations = regions + russia + other, 2013-01..2014-12.
std::string hand_made_run() {
  const std::string path = (scratch() / "hand.h5").string();
  auto f = h5::File::create(path);
  f.set_attribute("filetype", output::FILETYPE);
  f.set_attribute("format_version", "1.0");
  auto meta = f.create_group("meta");
  meta.set_attribute("start", "2013-01");
  meta.set_attribute("n_steps", std::int32_t{T});
  meta.set_attribute("steps_done", std::int32_t{T});
  meta.set_attribute("complete", std::int32_t{1});
  meta.set_attribute("seed", std::uint64_t{1});
  meta.set_attribute("scenario_name", "hand");
  auto axes = f.create_group("axes");
  axes.write_strings("region", REGIONS);
  axes.write_strings("origin_region", REGIONS);
  axes.write_strings("destination", DESTS);
  auto s = f.create_group("series");
  const hsize_t R = 3, D = 5;
  std::vector<double> stock(T * R * D, 0.0), moves(T * R * R), remit(T * R), pop(T * R, 1000.0),
      share(T * R);
  for (int t = 0; t < T; ++t)
    for (hsize_t r = 0; r < R; ++r) {
      stock[(t * R + r) * D + 3] = 100.0 * static_cast<double>(r + 1); // russia
      stock[(t * R + r) * D + 4] = 10.0;                               // other
      stock[(t * R + r) * D + (r + 1) % 3] = 5000.0; // internal migrants: not abroad
      remit[t * R + r] = t < 12 ? 2e6 : 1e6;
      share[t * R + r] = 0.1 * static_cast<double>(r + 1);
      for (hsize_t o = 0; o < R; ++o)
        moves[(t * R + o) * R + r] =
            o == r ? 999.0 : 10.0 * static_cast<double>(o + 1) + static_cast<double>(r);
    }
  series(s, "stock", "time,region,destination", {T, R, D}, stock);
  series(s, "internal_moves", "time,origin_region,region", {T, R, R}, moves);
  series(s, "remittances_usd", "time,region", {T, R}, remit);
  series(s, "population_home", "time,region", {T, R}, pop);
  series(s, "share_households_abroad", "time,region", {T, R}, share);
  f.close_checked();
  return path;
}

const char* ABROAD = "destination: [russia, other]";

std::string targets_text(const std::string& csv) {
  return std::string("name: hand\n"
                     "targets:\n"
                     "  - id: stock_abroad\n"
                     "    description: d\n"
                     "    source: s\n"
                     "    years: [2013, 2014, 2016]\n"
                     "    metric: {series: stock, select: {") +
         ABROAD +
         "}, reduce: mean}\n"
         "    low: 600\n"
         "    high: 700\n"
         "  - id: share_russia\n"
         "    description: d\n"
         "    source: s\n"
         "    years: [2013]\n"
         "    ratio:\n"
         "      - {series: stock, select: {destination: russia}, reduce: mean}\n"
         "      - {series: stock, select: {" +
         ABROAD +
         "}, reduce: mean}\n"
         "    low: 0.85\n"
         "    high: 0.92\n"
         "  - id: remit_2013\n"
         "    description: d\n"
         "    source: s\n"
         "    metric: {series: remittances_usd, year: 2013, reduce: sum, scale: 1.0e-6}\n"
         "    value: 80\n"
         "    tolerance: 0.05\n"
         "  - id: remit_fall\n"
         "    description: d\n"
         "    source: s\n"
         "    ratio:\n"
         "      - {series: remittances_usd, year: 2014, reduce: sum}\n"
         "      - {series: remittances_usd, year: 2013, reduce: sum}\n"
         "    high: 1\n"
         "  - id: households\n"
         "    description: d\n"
         "    source: s\n"
         "    years: [2014]\n"
         "    metric: {series: share_households_abroad, across: mean, weight: population_home, "
         "reduce: mean}\n"
         "    low: 0.4\n"
         "  - id: south\n"
         "    description: d\n"
         "    source: s\n"
         "    years: [2013]\n"
         "    sum:\n"
         "      - {series: population_home, select: {region: a}, reduce: last}\n"
         "      - {series: stock, select: {region: a, destination: russia}, reduce: last}\n"
         "    value: 1100\n"
         "    tolerance: 0\n"
         "  - id: moves\n"
         "    kind: internal_migration\n"
         "    description: d\n"
         "    source: s\n"
         "    csv: " +
         csv +
         "\n"
         "    years: [2013, 2014, 2015]\n"
         "    max_mean_relative_difference: 0.5\n"
         "    net_gainers: [a]\n";
}

std::string internal_csv() {
  std::string text = "region,year_printed,year,variable,value,unit,source,note\n";
  for (int y : {2013, 2014, 2015})
    for (const auto& [r, arr, dep] : std::vector<std::tuple<std::string, int, int>>{
             {"a", 500, 300}, {"b", 504, 504}, {"c", 400, 800}}) {
      text += r + "," + std::to_string(y) + "," + std::to_string(y) +
              ",interoblast_arrivals_persons," + std::to_string(arr) + ",persons,T,\n";
      text += r + "," + std::to_string(y) + "," + std::to_string(y) +
              ",interoblast_departures_persons," + std::to_string(dep) + ",persons,T,\n";
    }
  text += "kyrgyzstan,2013,2013,interoblast_arrivals_persons,1404,persons,T,\n";
  return text;
}

} // namespace

TEST(Targets, ErrorsAreReportedTogetherWithPositions) {
  const std::string p = write("bad.yaml", "name: x\n"
                                          "targets:\n"
                                          "  - id: t1\n"
                                          "    description: d\n"
                                          "    metric: {series: stock, year: 2013, from: 2013-01}\n"
                                          "    value: 3\n"
                                          "    colour: red\n"
                                          "  - id: t1\n"
                                          "    description: d\n"
                                          "    source: s\n"
                                          "    ratio: [{series: stock, year: 2013}]\n"
                                          "    low: 5\n"
                                          "    high: 2\n"
                                          "  - id: t3\n"
                                          "    description: d\n"
                                          "    source: s\n"
                                          "    metric: {series: stock}\n"
                                          "    low: 1\n");
  const std::string e = error_of(p);
  EXPECT_NE(e.find(p + ":7:5: error: targets[0].colour: unknown key"), std::string::npos) << e;
  EXPECT_NE(e.find(p + ":3:5: error: targets[0].source: required key is missing\n  hint: add "
                       "'source:' to targets[0]"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("targets[0].metric.year: give year or from/to, not both"), std::string::npos)
      << e;
  EXPECT_NE(e.find("a target with a value alone needs a tolerance"), std::string::npos) << e;
  EXPECT_NE(e.find(p + ":8:9: error: targets[1].id: target 't1' is already defined"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("targets[1].ratio: expected a list of two expressions"), std::string::npos) << e;
  EXPECT_NE(e.find("targets[1].high: expected high > low"), std::string::npos) << e;
  EXPECT_NE(e.find("targets[2].metric: a target metric needs a window"), std::string::npos) << e;
}

TEST(Targets, TheShippedTargetsLoad) {
  const char* env = std::getenv("KOCHMON_SOURCE_DIR");
  const std::string src = env ? env : KOCHMON_SOURCE_DIR;
  const auto t = validation::load_targets(src + "/scenarios/kyrgyzstan/targets.yaml");
  EXPECT_GE(t.targets.size(), 8u);
  const auto spec = calibration::load_spec(src + "/scenarios/calibration/kyrgyzstan.yaml");
  EXPECT_EQ(spec.from_year, 2013);
  EXPECT_EQ(spec.to_year, 2017); // the hindcast 2013-2017; the stock 2018-2020 out of sample
  // The calibration drops the years outside its period.
  const auto pt = calibration::period_targets(spec);
  for (const auto& target : pt.targets)
    for (int y : target.years) {
      EXPECT_GE(y, 2013) << target.id;
      EXPECT_LE(y, 2017) << target.id;
    }
}

TEST(Validate, ReductionsRatiosAnnualSumsAndInternalRowsMatchHandComputations) {
  const std::string run = hand_made_run();
  const std::string csv = write("internal.csv", internal_csv());
  const auto targets = validation::load_targets(write("hand.yaml", targets_text(csv)));
  const auto x = validation::extract(run, targets);
  const auto rep = validation::evaluate(targets, x, run);
  auto row = [&](const std::string& id, const std::string& period) -> const validation::Row& {
    for (const auto& r : rep.rows)
      if (r.target == id && r.period == period) return r;
    ADD_FAILURE() << "no row " << id << " " << period;
    return rep.rows.front();
  };
  // Abroad: 100 + 200 + 300 in Russia, 3 x 10 elsewhere; internal migrants do not count.
  EXPECT_DOUBLE_EQ(row("stock_abroad", "2013").simulated, 630);
  EXPECT_EQ(row("stock_abroad", "2013").status, validation::Status::pass);
  EXPECT_EQ(row("stock_abroad", "2016").status, validation::Status::not_covered);
  EXPECT_TRUE(std::isnan(row("stock_abroad", "2016").simulated));
  EXPECT_DOUBLE_EQ(row("share_russia", "2013").simulated, 600.0 / 630.0);
  EXPECT_NEAR(row("share_russia", "2013").error, (600.0 / 630.0 - 0.92) / 0.07, 1e-12);
  EXPECT_EQ(row("share_russia", "2013").status, validation::Status::fail);
  // 3 regions x 12 months x 2e6 = 72e6; 80 +- 5% fails with error -0.1.
  EXPECT_DOUBLE_EQ(row("remit_2013", "2013").simulated, 72);
  EXPECT_NEAR(row("remit_2013", "2013").error, -0.1, 1e-12);
  EXPECT_EQ(row("remit_2013", "2013").status, validation::Status::fail);
  EXPECT_DOUBLE_EQ(row("remit_fall", "2013-2014").simulated, 0.5);
  EXPECT_EQ(row("remit_fall", "2013-2014").status, validation::Status::pass);
  // Equal weights: the mean of 0.1, 0.2, 0.3; below the bound 0.4 by 0.2 of 0.4.
  EXPECT_NEAR(row("households", "2014").simulated, 0.2, 1e-12);
  EXPECT_NEAR(row("households", "2014").error, 0.5, 1e-12);
  EXPECT_DOUBLE_EQ(row("south", "2013").simulated, 1100);
  // Internal: arrivals to r sum the other origins, departures the other destinations; the
  // diagonal (999) is not a move. a: arr 12 (20 + 30) = 600, dep 12 (11 + 12) = 276; b: 504,
  // 504; c: 408, 732. 2015 is outside the run: its rows are left out.
  ASSERT_EQ(rep.regions.size(), 6u);
  const auto& a13 = rep.regions[0];
  EXPECT_EQ(a13.region, "a");
  EXPECT_EQ(a13.year, 2013);
  EXPECT_DOUBLE_EQ(a13.arrivals_sim, 600);
  EXPECT_DOUBLE_EQ(a13.departures_sim, 276);
  EXPECT_DOUBLE_EQ(a13.arrivals_obs, 500);
  EXPECT_DOUBLE_EQ(a13.departures_obs, 300);
  EXPECT_DOUBLE_EQ(rep.regions[1].arrivals_sim, 504);
  EXPECT_DOUBLE_EQ(rep.regions[2].arrivals_sim, 408);
  EXPECT_DOUBLE_EQ(rep.regions[2].departures_sim, 732);
  const double mrd = (0.2 + 0.08 + 0 + 0 + 0.02 + 0.085) / 6;
  EXPECT_NEAR(rep.mean_relative_difference, mrd, 1e-12);
  EXPECT_EQ(row("moves_mean_rel_diff", "2013-2014 (part)").status, validation::Status::pass);
  EXPECT_EQ(row("moves_net_gainers", "2013-2014 (part)").status, validation::Status::pass);
  EXPECT_EQ(rep.not_covered, 1);
  // The table prints every row and the regions.
  const std::string table = validation::format_table(rep);
  EXPECT_NE(table.find("not covered"), std::string::npos);
  EXPECT_NE(table.find("mean |relative difference| 0.064"), std::string::npos) << table;

  // The /validation group, written twice (replaced), then read back.
  validation::write_group(rep, targets, run);
  validation::write_group(rep, targets, run);
  EXPECT_FALSE(fs::exists(run + ".validating.tmp"));
  const auto f = h5::File::open_read(run);
  const auto g = f.open_group("validation");
  EXPECT_EQ(g.int_attribute("not_covered"), 1);
  const auto ids = g.open_dataset("target").read_strings();
  EXPECT_EQ(ids.size(), rep.rows.size());
  EXPECT_EQ(ids.front(), "stock_abroad");
  const auto sim = g.open_dataset("simulated").read_doubles();
  EXPECT_DOUBLE_EQ(sim.front(), 630);
  const auto pass = g.open_dataset("pass").read_doubles();
  EXPECT_EQ(pass[2], -1); // 2016: not covered
  const auto im = g.open_group("internal_migration");
  EXPECT_EQ(im.open_dataset("arrivals_sim").read_doubles().front(), 600);
  // The run's own data are untouched.
  EXPECT_EQ(f.open_group("series").open_dataset("stock").read_doubles().size(),
            static_cast<std::size_t>(T * 3 * 5));
  validation::write_csv(rep, (scratch() / "validation.csv").string());
  std::ifstream in(scratch() / "validation.csv");
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(header, "target,period,simulated,value,low,high,error,status,unit,note");
}

TEST(Calibrate, TransformKeepsBoundsAndRoundTrips) {
  calibration::Param lin{"k", "k", -4, 4, 0, false, {}};
  calibration::Param lg{"k", "k", 0.002, 0.1, 0.02, true, {}};
  for (double x : {-3.9, -1.0, 0.0, 2.5})
    EXPECT_NEAR(calibration::from_search(lin, calibration::to_search(lin, x)), x, 1e-9);
  for (double x : {0.0021, 0.02, 0.09})
    EXPECT_NEAR(calibration::from_search(lg, calibration::to_search(lg, x)), x, 1e-12);
  for (double u : {-1e3, -30.0, 0.0, 30.0, 1e3}) {
    const double x = calibration::from_search(lg, u);
    EXPECT_GE(x, 0.002);
    EXPECT_LE(x, 0.1);
  }
  EXPECT_NEAR(calibration::to_search(lin, 0.0), 0.0, 1e-12);
}

TEST(Calibrate, NelderMeadFindsTheMinimumOfKnownFunctions) {
  auto rosen = [](const std::vector<double>& x) {
    return 100 * std::pow(x[1] - x[0] * x[0], 2) + std::pow(1 - x[0], 2);
  };
  const auto r = calibration::nelder_mead(rosen, {-1.2, 1.0}, 0.5, 2000, 1e-14);
  EXPECT_NEAR(r.x[0], 1.0, 1e-3);
  EXPECT_NEAR(r.x[1], 1.0, 2e-3);
  EXPECT_TRUE(r.converged);
  auto quad = [](const std::vector<double>& x) {
    double s = 0;
    for (std::size_t i = 0; i < x.size(); ++i)
      s += static_cast<double>(i + 1) * std::pow(x[i] - 0.5 * static_cast<double>(i), 2);
    return s;
  };
  const auto q = calibration::nelder_mead(quad, {3, 3, 3, 3}, 1.0, 3000, 1e-16);
  for (std::size_t i = 0; i < 4; ++i)
    EXPECT_NEAR(q.x[i], 0.5 * static_cast<double>(i), 1e-4);
  // Deterministic, and the budget holds.
  const auto again = calibration::nelder_mead(rosen, {-1.2, 1.0}, 0.5, 2000, 1e-14);
  EXPECT_EQ(again.x, r.x);
  const auto short_run = calibration::nelder_mead(rosen, {-1.2, 1.0}, 0.5, 10, 0);
  EXPECT_LE(short_run.evaluations, 10);
  EXPECT_FALSE(short_run.converged);
}
