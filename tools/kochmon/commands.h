#ifndef KOCHMON_TOOLS_KOCHMON_COMMANDS_H
#define KOCHMON_TOOLS_KOCHMON_COMMANDS_H

// The subcommands of `kochmon`. Each lives in its own file and registers itself on the
// command line with add_<name>_command(app), returning the action to run when chosen;
// main.cpp lists them and turns exceptions into exit codes.
// Exit codes (STYLE.md §7): 0 ok, 1 failure, 2 bad input, 130/143 interrupted.

#include <functional>
#include <string>
#include <utility>

#include <CLI/CLI.hpp>

namespace kochmon::tools {

inline constexpr int EXIT_OK = 0;
inline constexpr int EXIT_FAILED = 1;
inline constexpr int EXIT_BAD_INPUT = 2;

//! What a subcommand does once the command line is parsed; returns the exit code.
using Action = std::function<int()>;

//! `--shard I/N` of sweep and calibrate: (I, N) with 1 <= I <= N, else a sim::InputError
//! naming `command` (exit 2).
std::pair<int, int> shard_option(const std::string& command, const std::string& text);

Action add_run_command(CLI::App& app);
Action add_resume_command(CLI::App& app);
Action add_inspect_command(CLI::App& app);
Action add_reference_command(CLI::App& app);
Action add_sweep_command(CLI::App& app);
Action add_sensitivity_command(CLI::App& app);
Action add_plot_command(CLI::App& app);
Action add_report_command(CLI::App& app);
Action add_validate_command(CLI::App& app);
Action add_calibrate_command(CLI::App& app);

} // namespace kochmon::tools

#endif
