// `kochmon reference`: scenarios/REFERENCE.md, generated from the schema and the plug-ins; with
// --spec, the reference of a spec file (sweep/, validation/, calibration/REFERENCE.md).

#include "scenarios/load/reference.h"

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

#include "agents/builtin.h"
#include "calibration/schema.h"
#include "scenarios/load/loader.h"
#include "sweep/schema.h"
#include "tools/kochmon/commands.h"
#include "validation/schema.h"

namespace kochmon::tools {

Action add_reference_command(CLI::App& app) {
  auto example = std::make_shared<std::string>("scenarios/examples/tiny.yaml");
  auto spec = std::make_shared<std::string>();
  auto* cmd =
      app.add_subcommand("reference", "Print the scenario reference (scenarios/REFERENCE.md)");
  cmd->add_option(
      "--example", *example,
      "Scenario shown as the full example (default: scenarios/examples/tiny.yaml, if present)");
  cmd->add_option("--spec", *spec,
                  "Print a spec file's reference instead: sweep (sweep/REFERENCE.md), targets "
                  "(validation/REFERENCE.md) or calibration (calibration/REFERENCE.md)")
      ->check(CLI::IsMember({"sweep", "targets", "calibration"}));
  return [cmd, example, spec]() {
    if (!*cmd) return -1;
    if (!spec->empty()) {
      const std::string text = *spec == "sweep"     ? sweep::spec_reference_markdown()
                               : *spec == "targets" ? validation::targets_reference_markdown()
                                                    : calibration::spec_reference_markdown();
      std::fputs(text.c_str(), stdout);
      return EXIT_OK;
    }
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
