#ifndef KOCHMON_TOOLS_KOCHMON_COMMANDS_H
#define KOCHMON_TOOLS_KOCHMON_COMMANDS_H

// The subcommands of `kochmon`; main.cpp parses the command line and dispatches.
// Exit codes (STYLE.md §7): 0 ok, 1 failure, 2 bad input, 130/143 interrupted.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kochmon::tools {

inline constexpr int EXIT_OK = 0;
inline constexpr int EXIT_FAILURE_ = 1;
inline constexpr int EXIT_BAD_INPUT = 2;

struct RunArgs {
  std::string scenario;
  std::string output;  // empty: runs/<name>-seed<seed>.h5
  int threads = 0;
  std::optional<std::uint64_t> seed;
  std::vector<std::string> sets;
  bool quiet = false;
};

int run_command(const RunArgs& args);
int inspect_command(const std::string& file);
int reference_command(const std::string& example);

}  // namespace kochmon::tools

#endif
