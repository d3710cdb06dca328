// `kochmon inspect`: a readable summary of a result file.

#include <cstdio>
#include <memory>

#include "output/writer.h"
#include "tools/kochmon/commands.h"

namespace kochmon::tools {

Action add_inspect_command(CLI::App& app) {
  auto file = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("inspect", "Summarise a result file");
  cmd->add_option("file", *file, "Result file (.h5)")->required();
  return [cmd, file]() {
    if (!*cmd) return -1;
    std::fputs(output::inspect(*file).c_str(), stdout);
    return EXIT_OK;
  };
}

} // namespace kochmon::tools
