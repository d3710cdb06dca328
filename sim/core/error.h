#ifndef KOCHMON_SIM_CORE_ERROR_H
#define KOCHMON_SIM_CORE_ERROR_H

#include <stdexcept>
#include <string>
#include <vector>

namespace kochmon::sim {

//! Bad input of any kind (scenario, data file, command line): the user can fix it. Exit code 2.
//! `what()` holds every message, one per line, in the compiler format
//! "file:line:col: error: key.path: expected X, got 'Y'" followed by an optional "  hint: ..."
//! line.
class InputError : public std::runtime_error {
public:
  explicit InputError(const std::string& message) : std::runtime_error(message) {}
  explicit InputError(const std::vector<std::string>& messages)
      : std::runtime_error(join(messages)) {}

private:
  static std::string join(const std::vector<std::string>& messages) {
    std::string out;
    for (const auto& m : messages) {
      if (!out.empty()) out += '\n';
      out += m;
    }
    return out;
  }
};

//! An environment failure (I/O, a file we could not write): exit code 1.
class RunError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

[[noreturn]] void assertion_failed(const char* cond, const char* msg, const char* file, int line);

} // namespace kochmon::sim

//! A broken invariant is our bug, not the user's: it names the place and asks for a report.
#define KOCHMON_ASSERT(cond, msg)                                                                  \
  do {                                                                                             \
    if (!(cond)) ::kochmon::sim::assertion_failed(#cond, msg, __FILE__, __LINE__);                 \
  } while (false)

#endif
