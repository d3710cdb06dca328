// libFuzzer target: any bytes as a long-format CSV data file. The bytes are read by the CSV
// reader (split_csv_line on every line, then CsvCache) and then as the data file of a small
// scenario whose series read rows of the Kyrgyzstan files' ids and variables, so that the
// series code (years, values, duplicates, ranges) runs on them too. Loading must either
// succeed or throw sim::InputError. Built by tools/dev/fuzz.sh.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <sstream>

#include "agents/builtin.h"
#include "scenarios/load/csv_table.h"
#include "scenarios/load/loader.h"
#include "sim/core/error.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

const char* const SCENARIO = R"(name: fuzz_csv
time: {start: 2010-01, end: 2012-12}
currencies:
  per_usd:
    som: {csv: input.csv, id: kyrgyzstan, variable: kgs_per_usd_avg}
    rub: {csv: input.csv, id: russia, variable: rub_per_usd_avg, source: T1}
regions:
  - id: north
    population: 400
    lat: 42
    lon: 74
    wage_som: {csv: input.csv, id: batken, variable: wage_avg_som_month, growth_after_pct: 6}
    unemployment: {csv: input.csv, id: batken, variable: unemployment_rate_pct, factor: 0.01}
    poverty_rate: {csv: input.csv, id: batken, variable: poverty_rate_pct, factor: 0.01, mode: hold}
destinations:
  - id: russia
    currency: rub
    lat: 55
    lon: 37
    wage_local: {csv: input.csv, id: russia, variable: wage_avg_nominal_month}
    unemployment: 0.05
    cost_som: {csv: input.csv, variable: cost_som}
decision:
  rules: [{rule: push_pull}]
)";

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace ks = kochmon::scenarios;
  static const kochmon::sim::Registries registries = kochmon::agents::builtin_registries();
  static const std::string scenario = [] {
    const std::string p = (kochmon::fuzz::work_dir() / "csv_scenario.yaml").string();
    std::ofstream(p) << SCENARIO;
    return p;
  }();
  const std::string path = kochmon::fuzz::write_input("input.csv", data, size);
  try {
    std::istringstream lines(std::string(reinterpret_cast<const char*>(data), size));
    std::string line;
    while (std::getline(lines, line))
      (void)ks::split_csv_line(line);
    ks::Diagnostics diag;
    ks::CsvCache cache(diag);
    (void)cache.get(path, {path, 1, 1}, "fuzz");
    ks::load_scenario(scenario, registries);
  } catch (const kochmon::sim::InputError&) {
    // the expected outcome for bad input
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz_csv: unexpected exception: %s\n", e.what());
    std::abort();
  }
  return 0;
}
