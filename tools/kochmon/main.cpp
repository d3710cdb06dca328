// kochmon: the command-line front. Parses arguments, dispatches to a subcommand, and turns
// exceptions into messages and exit codes (0 ok, 1 failure, 2 bad input).

#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>

#include "sim/core/error.h"
#include "sim/core/version.h"
#include "tools/kochmon/commands.h"

int main(int argc, char** argv) {
  using namespace kochmon::tools;
  CLI::App app{"kochmon: agent-based simulator of labour migration from Kyrgyzstan"};
  app.set_version_flag("--version", std::string(kochmon::VERSION) + " (" + kochmon::GIT_SHA + ")");
  app.require_subcommand(1);

  RunArgs run;
  auto* run_cmd = app.add_subcommand("run", "Simulate a scenario and write its trajectories to HDF5");
  run_cmd->add_option("scenario", run.scenario, "Scenario YAML file")->required();
  run_cmd->add_option("-o,--output", run.output, "Result file (default: runs/<name>-seed<seed>.h5)");
  run_cmd->add_option("--threads", run.threads, "Worker threads (0 = all cores); results do not depend on it")
      ->check(CLI::Range(0, 1024));
  run_cmd->add_option("--seed", run.seed, "Random seed, overrides the scenario's seed");
  run_cmd->add_option("--set", run.sets, "Override a scenario key: key.path=value (repeatable)");
  run_cmd->add_flag("-q,--quiet", run.quiet, "No progress bar and no summary");

  std::string inspect_file;
  auto* inspect_cmd = app.add_subcommand("inspect", "Summarise a result file");
  inspect_cmd->add_option("file", inspect_file, "Result file (.h5)")->required();

  auto* reference_cmd =
      app.add_subcommand("reference", "Print the scenario reference (scenarios/REFERENCE.md)");
  std::string example = "scenarios/examples/tiny.yaml";
  reference_cmd->add_option("--example", example,
                            "Scenario shown as the full example (default: scenarios/examples/tiny.yaml, if present)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return EXIT_BAD_INPUT;
  }

  try {
    if (*run_cmd) return run_command(run);
    if (*inspect_cmd) return inspect_command(inspect_file);
    if (*reference_cmd) return reference_command(example);
  } catch (const kochmon::sim::InputError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return EXIT_BAD_INPUT;
  } catch (const kochmon::sim::RunError& e) {
    std::fprintf(stderr, "kochmon: error: %s\n", e.what());
    return EXIT_FAILURE_;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kochmon: internal error: %s\n  please report it with the scenario and seed\n",
                 e.what());
    return EXIT_FAILURE_;
  }
  return EXIT_FAILURE_;
}
