// `kochmon sensitivity SUMMARY`: Sobol indices (Saltelli designs) or Morris elementary effects
// (Morris designs) of every metric of a finished sweep, as CSV.

#include "sweep/sensitivity.h"

#include <cstdio>
#include <memory>
#include <string>

#include "sweep/run_dir.h"
#include "tools/kochmon/commands.h"

namespace kochmon::tools {
namespace {

struct SensitivityArgs {
  std::string summary;
  std::string output;
  int bootstrap = 1000;
};

int sensitivity_command(const SensitivityArgs& args) {
  const std::string table = sweep::sensitivity_table(args.summary, args.bootstrap);
  if (args.output.empty()) {
    std::fputs(table.c_str(), stdout);
  } else {
    sweep::write_file_atomic(args.output, table);
    std::fprintf(stderr, "kochmon sensitivity: written %s\n", args.output.c_str());
  }
  return EXIT_OK;
}

} // namespace

Action add_sensitivity_command(CLI::App& app) {
  auto args = std::make_shared<SensitivityArgs>();
  auto* cmd = app.add_subcommand(
      "sensitivity",
      "Sobol indices (saltelli design) or Morris effects (morris design) of a sweep summary");
  cmd->add_option("summary", args->summary, "summary.csv or summary.h5 of a sweep directory")
      ->required();
  cmd->add_option("-o,--output", args->output, "CSV file (default: stdout)");
  cmd->add_option("--bootstrap", args->bootstrap,
                  "Bootstrap resamples for the confidence intervals")
      ->check(CLI::Range(0, 100000));
  return [cmd, args]() { return *cmd ? sensitivity_command(*args) : -1; };
}

} // namespace kochmon::tools
