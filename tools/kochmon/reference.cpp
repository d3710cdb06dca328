// `kochmon reference`: scenarios/REFERENCE.md, generated from the schema and the plug-ins.

#include "scenarios/load/reference.h"

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

#include "agents/builtin.h"
#include "scenarios/load/loader.h"
#include "tools/kochmon/commands.h"

namespace kochmon::tools {

Action add_reference_command(CLI::App& app) {
  auto example = std::make_shared<std::string>("scenarios/examples/tiny.yaml");
  auto* cmd =
      app.add_subcommand("reference", "Print the scenario reference (scenarios/REFERENCE.md)");
  cmd->add_option(
      "--example", *example,
      "Scenario shown as the full example (default: scenarios/examples/tiny.yaml, if present)");
  return [cmd, example]() {
    if (!*cmd) return -1;
    const auto registries = agents::builtin_registries();
    std::ifstream in(*example);
    if (!in) {
      std::fputs(scenarios::reference_markdown(registries).c_str(), stdout);
      return EXIT_OK;
    }
    std::stringstream text;
    text << in.rdbuf();
    std::fputs(scenarios::reference_markdown(registries, text.str()).c_str(), stdout);
    return EXIT_OK;
  };
}

} // namespace kochmon::tools
