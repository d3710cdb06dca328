// kochmon: the command-line front. Each subcommand registers itself (commands.h); main parses
// the command line, runs the chosen one, and turns exceptions into messages and exit codes
// (0 ok, 1 failure, 2 bad input).

#include <csignal>
#include <cstdio>
#include <exception>
#include <new>
#include <vector>

#include "sim/core/error.h"
#include "sim/core/version.h"
#include "tools/kochmon/commands.h"

int main(int argc, char** argv) {
  using namespace kochmon::tools;
  // Past a file-size limit (ulimit -f, a cluster's quota) the kernel sends SIGXFSZ, whose
  // default action kills the process before it can remove its .tmp file or say why. Ignored,
  // the write fails with EFBIG and is reported like a full disk.
  std::signal(SIGXFSZ, SIG_IGN);
  CLI::App app{"kochmon: agent-based simulator of labour migration from Kyrgyzstan"};
  app.set_version_flag("--version", std::string(kochmon::VERSION) + " (" + kochmon::GIT_SHA + ")");
  app.require_subcommand(1);

  const std::vector<Action> actions{
      add_run_command(app),       add_resume_command(app), add_inspect_command(app),
      add_reference_command(app), add_sweep_command(app),  add_sensitivity_command(app),
      add_plot_command(app),      add_report_command(app), add_validate_command(app),
      add_calibrate_command(app),
  };

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return EXIT_BAD_INPUT;
  }

  try {
    for (const auto& action : actions) {
      const int code = action();
      if (code >= 0) return code;
    }
  } catch (const kochmon::sim::InputError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return EXIT_BAD_INPUT;
  } catch (const kochmon::sim::RunError& e) {
    std::fprintf(stderr, "kochmon: error: %s\n", e.what());
    return EXIT_FAILED;
  } catch (const std::bad_alloc&) {
    std::fprintf(
        stderr, "kochmon: error: out of memory\n  hint: lower scale (about 20 bytes per person are "
                "needed), or run on a machine with more memory\n");
    return EXIT_FAILED;
  } catch (const std::exception& e) {
    std::fprintf(stderr,
                 "kochmon: internal error: %s\n  please report it with the scenario and seed\n",
                 e.what());
    return EXIT_FAILED;
  }
  return EXIT_FAILED;
}
