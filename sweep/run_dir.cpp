#include "sweep/run_dir.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <unistd.h>

#include "sim/core/error.h"
#include "sweep/metrics.h"

namespace kochmon::sweep {
namespace fs = std::filesystem;

RunKey run_key(const Spec& spec, std::uint64_t index) {
  const auto r = static_cast<std::uint64_t>(spec.replicates);
  return {index, index / r, static_cast<int>(index % r)};
}

std::string run_path(const std::string& dir, const RunKey& key) {
  return fmt::format("{}/runs/p{:06d}-r{:03d}.h5", dir, key.point, key.replicate);
}

std::string failed_path(const std::string& dir, const RunKey& key) {
  return fmt::format("{}/runs/p{:06d}-r{:03d}.failed", dir, key.point, key.replicate);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

namespace {

std::string unique_tmp(const std::string& path) {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return fmt::format("{}.{}.{}.tmp", path, host, getpid());
}

void write_or_throw(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out)
    throw sim::RunError("sweep: cannot write '" + path + "': " + std::strerror(errno) +
                        "; hint: check that the directory is writable and not full");
}

// First line where two texts differ, for the "spec changed" message.
std::string first_difference(const std::string& a, const std::string& b) {
  std::istringstream sa(a), sb(b);
  std::string la, lb;
  for (int line = 1;; ++line) {
    const bool ga = static_cast<bool>(std::getline(sa, la));
    const bool gb = static_cast<bool>(std::getline(sb, lb));
    if (!ga && !gb) return {};
    if (!ga) la = "(end)";
    if (!gb) lb = "(end)";
    if (la != lb)
      return fmt::format("line {} of the normalised spec was '{}', is now '{}'", line, la, lb);
  }
}

} // namespace

void write_file_atomic(const std::string& path, const std::string& text) {
  const std::string tmp = unique_tmp(path);
  write_or_throw(tmp, text);
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec)
    throw sim::RunError("sweep: cannot rename '" + tmp + "' to '" + path + "': " + ec.message());
}

std::string recorded_hash(const std::string& dir) {
  std::string h = read_file(dir + "/sweep.hash");
  while (!h.empty() && (h.back() == '\n' || h.back() == ' '))
    h.pop_back();
  return h;
}

void claim_directory(const std::string& dir, const Spec& spec, const std::string& hash) {
  std::error_code ec;
  fs::create_directories(dir + "/runs", ec);
  if (ec)
    throw sim::RunError("sweep: cannot create '" + dir + "/runs': " + ec.message() +
                        "; hint: choose another -o directory");
  // The spec first (readers find it whenever the hash exists), then the hash, created with
  // link(): exactly one of several processes starting at once creates it.
  const std::string hash_path = dir + "/sweep.hash";
  if (!fs::exists(hash_path)) {
    if (!fs::exists(dir + "/sweep.yaml")) write_file_atomic(dir + "/sweep.yaml", spec.normalized);
    const std::string tmp = unique_tmp(hash_path);
    write_or_throw(tmp, hash + "\n");
    const int rc = link(tmp.c_str(), hash_path.c_str());
    const int err = errno;
    fs::remove(tmp, ec);
    if (rc != 0 && err != EEXIST)
      throw sim::RunError("sweep: cannot create '" + hash_path + "': " + std::strerror(err));
  }
  const std::string old = recorded_hash(dir);
  if (old == hash) return;
  const std::string diff = first_difference(read_file(dir + "/sweep.yaml"), spec.normalized);
  throw sim::InputError(
      spec.path + ": error: the sweep directory '" + dir +
      "' was started with a different spec (its hash " + old + ", this spec " + hash + "); " +
      (diff.empty() ? "the spec is the same, so the base scenario " + spec.base + " changed"
                    : diff) +
      "\n  hint: give a new -o directory, or restore the spec and --set options that started it (" +
      dir + "/sweep.yaml, whose set: ends with those --set)");
}

std::vector<std::uint64_t> pending_runs(const std::string& dir, const Spec& spec,
                                        const std::vector<std::uint64_t>& indices) {
  std::vector<std::uint64_t> out;
  for (const std::uint64_t i : indices) {
    const RunKey k = run_key(spec, i);
    const std::string path = run_path(dir, k);
    const std::string problem = run_file_problem(path, spec.run_seed(k.point, k.replicate));
    if (problem.empty()) continue;
    if (problem != "missing") {
      std::error_code ec;
      fs::remove(path, ec); // invalid under its final name: redo it
    }
    out.push_back(i);
  }
  return out;
}

} // namespace kochmon::sweep
