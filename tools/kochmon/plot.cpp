// `kochmon plot`: figures of runs and sweeps. The figures are drawn by
// tools/analysis/kochmon_plot.py with Debian's /usr/bin/python3 (h5py, numpy, matplotlib);
// this command finds the script and hands over to it, so its exit code is kochmon's.

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include <unistd.h>

#include "tools/kochmon/commands.h"

namespace kochmon::tools {

namespace fs = std::filesystem;

//! The folder of the Python analysis scripts: $KOCHMON_ANALYSIS_DIR, else next to the
//! executable (a build tree: <source>/build/<preset>/tools/kochmon -> <source>/tools/analysis;
//! an install:
//! <prefix>/bin/kochmon -> <prefix>/share/kochmon/analysis), else
//! $KOCHMON_SOURCE_DIR/tools/analysis. Empty when none holds `script`.
std::string find_analysis_dir(const std::string& script) {
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("KOCHMON_ANALYSIS_DIR"); env && *env)
    candidates.emplace_back(env);
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path bin = exe.parent_path(); // <build>/tools or <prefix>/bin
    candidates.push_back((bin / ".." / ".." / ".." / "tools" / "analysis").lexically_normal());
    candidates.push_back((bin / ".." / "share" / "kochmon" / "analysis").lexically_normal());
  }
  if (const char* src = std::getenv("KOCHMON_SOURCE_DIR"); src && *src)
    candidates.push_back(fs::path(src) / "tools" / "analysis");
  for (const fs::path& dir : candidates) {
    if (fs::is_regular_file(dir / script, ec)) return fs::weakly_canonical(dir, ec).string();
  }
  return {};
}

//! Replaces this process by `/usr/bin/python3 <analysis dir>/<script> args...`
//! ($KOCHMON_PYTHON overrides the interpreter). Returns only on failure.
int exec_analysis_script(const std::string& script, const std::vector<std::string>& args) {
  const std::string dir = find_analysis_dir(script);
  if (dir.empty()) {
    std::fprintf(stderr,
                 "kochmon: error: cannot find %s\n  hint: set KOCHMON_ANALYSIS_DIR to the "
                 "tools/analysis folder of the kochmon sources\n",
                 script.c_str());
    return EXIT_FAILED;
  }
  const char* env_python = std::getenv("KOCHMON_PYTHON");
  const std::string python = env_python && *env_python ? env_python : "/usr/bin/python3";
  std::vector<std::string> argv_s{python, dir + "/" + script};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_s)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  std::fflush(stdout);
  std::fflush(stderr);
  ::execv(python.c_str(), argv.data());
  std::fprintf(stderr,
               "kochmon: error: cannot run %s: %s\n  hint: the figures need Debian's "
               "python3 with python3-h5py and python3-matplotlib (tools/setup.sh)\n",
               python.c_str(), std::strerror(errno));
  return EXIT_FAILED;
}

Action add_plot_command(CLI::App& app) {
  struct Options {
    std::vector<std::string> inputs;
    std::string out;
    std::string metric;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "plot", "Draw PNG figures of runs (replicates as bands) and sweep directories");
  cmd->add_option("inputs", o->inputs, "Result files (.h5) and sweep directories")->required();
  cmd->add_option("-o,--out", o->out, "Folder for the PNG files")->required();
  cmd->add_option("--metric", o->metric,
                  "Series shown on the regional map (default share_households_abroad; "
                  "net_internal for internal net migration)");
  return [cmd, o]() {
    if (!*cmd) return -1;
    std::vector<std::string> args = o->inputs;
    args.insert(args.end(), {"-o", o->out});
    if (!o->metric.empty()) args.insert(args.end(), {"--metric", o->metric});
    return exec_analysis_script("kochmon_plot.py", args);
  };
}

} // namespace kochmon::tools
