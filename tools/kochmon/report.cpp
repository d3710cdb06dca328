// `kochmon report`: one self-contained HTML report of runs and sweeps, written by
// tools/analysis/kochmon_report.py with Debian's /usr/bin/python3 (see plot.cpp).

#include <memory>
#include <string>
#include <vector>

#include "tools/kochmon/commands.h"

namespace kochmon::tools {

int exec_analysis_script(const std::string& script,
                         const std::vector<std::string>& args); // plot.cpp

Action add_report_command(CLI::App& app) {
  struct Options {
    std::vector<std::string> inputs;
    std::string out;
    std::string base;
    std::string metric;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "report", "Write one self-contained HTML report (figures, scenario changes, validation, "
                "provenance) of runs and sweep directories");
  cmd->add_option("inputs", o->inputs, "Result files (.h5) and sweep directories")->required();
  cmd->add_option("-o,--out", o->out, "The HTML file to write")->required();
  cmd->add_option("--base", o->base, "Run the scenarios are compared with (default: the first)");
  cmd->add_option("--metric", o->metric, "Series shown on the regional map");
  return [cmd, o]() {
    if (!*cmd) return -1;
    std::vector<std::string> args = o->inputs;
    args.insert(args.end(), {"-o", o->out});
    if (!o->base.empty()) args.insert(args.end(), {"--base", o->base});
    if (!o->metric.empty()) args.insert(args.end(), {"--metric", o->metric});
    return exec_analysis_script("kochmon_report.py", args);
  };
}

} // namespace kochmon::tools
