// `kochmon validate RUN.h5 [--targets FILE] [-o DIR]`: the validation table of a run against the
// targets of its scenario (validation/README.md): printed, written to validation.csv and
// to the /validation group of the run file (output/FORMAT.md).

#include "validation/validate.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "output/reader.h"
#include "sim/core/error.h"
#include "tools/kochmon/commands.h"

namespace kochmon::tools {
namespace {

struct ValidateArgs {
  std::string run;
  std::string targets;
  std::string dir;
  bool no_write = false;
  bool quiet = false;
};

constexpr const char* KYRGYZ_TARGETS = "scenarios/kyrgyzstan/targets.yaml";

//! The targets of a run: --targets, or the Kyrgyz targets for a scenario named kyrgyzstan*.
std::string default_targets(const std::string& run) {
  const std::string name = output::RunFile(run).meta().scenario_name;
  if (name.rfind("kyrgyzstan", 0) != 0)
    throw sim::InputError("kochmon validate: error: scenario '" + name +
                          "' has no default targets\n  hint: pass --targets FILE "
                          "(e.g. scenarios/kyrgyzstan/targets.yaml)");
  std::error_code ec;
  if (std::filesystem::is_regular_file(KYRGYZ_TARGETS, ec)) return KYRGYZ_TARGETS;
  if (const char* src = std::getenv("KOCHMON_SOURCE_DIR"); src && *src) {
    const auto p = std::filesystem::path(src) / KYRGYZ_TARGETS;
    if (std::filesystem::is_regular_file(p, ec)) return p.string();
  }
  throw sim::InputError(std::string("kochmon validate: error: no ") + KYRGYZ_TARGETS +
                        " here or under $KOCHMON_SOURCE_DIR\n  hint: pass --targets FILE, or run "
                        "from the source tree");
}

int validate_command(const ValidateArgs& a) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(a.run, ec))
    throw sim::InputError("kochmon validate: error: no run file '" + a.run + "'");
  const std::string targets_path = a.targets.empty() ? default_targets(a.run) : a.targets;
  const validation::Targets targets = validation::load_targets(targets_path);
  const validation::Extract x = validation::extract(a.run, targets);
  const validation::Report report = validation::evaluate(targets, x, a.run);
  if (!a.quiet) {
    std::printf("kochmon validate: %s against %s\n\n", a.run.c_str(), targets_path.c_str());
    std::fputs(validation::format_table(report).c_str(), stdout);
  }
  if (!a.no_write) {
    const std::filesystem::path dir =
        a.dir.empty() ? std::filesystem::path(a.run).parent_path() : std::filesystem::path(a.dir);
    if (!dir.empty()) std::filesystem::create_directories(dir, ec);
    const std::string csv = (dir / "validation.csv").string();
    validation::write_csv(report, csv);
    validation::write_group(report, targets, a.run);
    if (!a.quiet)
      std::fprintf(stderr, "kochmon validate: wrote %s and the /validation group of %s\n",
                   csv.c_str(), a.run.c_str());
  }
  return EXIT_OK;
}

} // namespace

Action add_validate_command(CLI::App& app) {
  auto args = std::make_shared<ValidateArgs>();
  auto* cmd = app.add_subcommand(
      "validate", "Compare a run with observed targets (table, validation.csv, /validation)");
  cmd->add_option("run", args->run, "Result file (.h5)")->required();
  cmd->add_option(
      "--targets", args->targets,
      "Targets file (default for kyrgyzstan* scenarios: " + std::string(KYRGYZ_TARGETS) + ")");
  cmd->add_option("-o,--output", args->dir,
                  "Directory of validation.csv (default: the run file's directory)");
  cmd->add_flag("--no-write", args->no_write, "Print only; write neither CSV nor /validation");
  cmd->add_flag("-q,--quiet", args->quiet, "Do not print the table");
  return [cmd, args]() {
    if (!*cmd) return -1;
    return validate_command(*args);
  };
}

} // namespace kochmon::tools
