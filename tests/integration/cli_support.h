#ifndef KOCHMON_TESTS_INTEGRATION_CLI_SUPPORT_H
#define KOCHMON_TESTS_INTEGRATION_CLI_SUPPORT_H

// Running the kochmon binary (and Debian's python3) from tests: exit code and output.

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <sys/wait.h>

namespace kochmon::tests {

struct Outcome {
  int code = -1;
  std::string out; // stdout and stderr together
};

inline Outcome shell(const std::string& command) {
  Outcome o;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return o;
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), buf.size(), p) != nullptr)
    o.out += buf.data();
  const int status = pclose(p);
  o.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return o;
}

inline std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : fallback;
}

inline std::string kochmon_bin() {
  return env_or("KOCHMON_BIN", KOCHMON_BIN_PATH);
}
inline std::string source_dir() {
  return env_or("KOCHMON_SOURCE_DIR", KOCHMON_SOURCE_DIR);
}
inline std::string python() {
  return env_or("PYTHON", "/usr/bin/python3");
}

inline Outcome kochmon(const std::string& args) {
  return shell(kochmon_bin() + " " + args);
}

//! A fresh, empty directory for one test.
inline std::filesystem::path temp_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("kochmon-test-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

} // namespace kochmon::tests

#endif
