#include "calibration/evaluations.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

#include <fcntl.h>
#include <unistd.h>

#include "sim/core/error.h"

namespace kochmon::calibration {

std::uint64_t point_hash(std::span<const double> z) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (double v : z) {
    unsigned char b[sizeof v];
    std::memcpy(b, &v, sizeof v);
    for (unsigned char c : b) {
      h ^= c;
      h *= 0x100000001b3ULL;
    }
  }
  return h;
}

EvaluationLog::EvaluationLog(std::string dir, int shard) : dir_(std::move(dir)), shard_(shard) {}

EvaluationLog::~EvaluationLog() {
  if (fd_ >= 0) ::close(fd_);
}

void EvaluationLog::open_generation(int t) {
  if (t == generation_) return;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  entries_.clear();
  offsets_.clear();
  generation_ = t;
  const std::string gen = dir_ + "/gen-" + std::to_string(t);
  std::error_code ec;
  std::filesystem::create_directories(gen, ec); // another shard may create it at once
  const std::string own = gen + "/shard-" + std::to_string(shard_) + ".txt";
  fd_ = ::open(own.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw sim::RunError("calibrate: cannot open the evaluation log " + own + ": " +
                        std::strerror(errno));
}

std::size_t EvaluationLog::refresh(int t) {
  const std::lock_guard lock(mutex_);
  open_generation(t);
  const std::string gen = dir_ + "/gen-" + std::to_string(t);
  const std::string own = "shard-" + std::to_string(shard_) + ".txt";
  std::size_t news = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(gen, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("shard-", 0) != 0 || e.path().extension() != ".txt") continue;
    std::uint64_t& offset = offsets_[name];
    std::ifstream in(e.path(), std::ios::binary);
    in.seekg(static_cast<std::streamoff>(offset));
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::size_t end = text.rfind('\n');
    if (end == std::string::npos) continue; // nothing complete yet (or a torn last line)
    offset += end + 1;
    std::size_t pos = 0;
    while (pos <= end) {
      const std::size_t nl = text.find('\n', pos);
      const std::string line = text.substr(pos, nl - pos);
      pos = nl + 1;
      char* a = nullptr;
      char* b = nullptr;
      char* c = nullptr;
      const long long p = std::strtoll(line.c_str(), &a, 10);
      const unsigned long long h = std::strtoull(a, &b, 16);
      const double d = std::strtod(b, &c);
      if (a == line.c_str() || b == a || c == b) continue; // not a line of ours: ignore it
      bool seen = false;
      for (auto [it, last] = entries_.equal_range(p); it != last; ++it)
        seen = seen || it->second.hash == h;
      if (seen) continue;
      entries_.emplace(p, Entry{h, d});
      if (name != own) ++news;
    }
  }
  return news;
}

bool EvaluationLog::find(int t, std::int64_t p, std::uint64_t h, double& distance) const {
  const std::lock_guard lock(mutex_);
  if (t != generation_) return false;
  for (auto [it, last] = entries_.equal_range(p); it != last; ++it)
    if (it->second.hash == h) {
      distance = it->second.distance;
      return true;
    }
  return false;
}

void EvaluationLog::append(int t, std::int64_t p, std::uint64_t h, double distance) {
  const std::lock_guard lock(mutex_);
  open_generation(t);
  char line[96];
  // %a: the exact double back from strtod (inf and nan included).
  const int n = std::snprintf(line, sizeof line, "%lld %016llx %a\n", static_cast<long long>(p),
                              static_cast<unsigned long long>(h), distance);
  if (::write(fd_, line, static_cast<std::size_t>(n)) != n)
    throw sim::RunError("calibrate: cannot write the evaluation log in " + dir_ + ": " +
                        std::strerror(errno));
  entries_.emplace(p, Entry{h, distance});
}

std::size_t EvaluationLog::known(int t) const {
  const std::lock_guard lock(mutex_);
  return t == generation_ ? entries_.size() : 0;
}

AbcBatch logged_batch(const AbcDistance& f, EvaluationLog& log, const ShardSettings& s,
                      std::function<void(const std::string&)> note) {
  // alone: this shard took over the others' share and does every batch itself until one of
  // them writes again (so a dead shard costs one wait, not one per batch).
  auto alone = std::make_shared<bool>(false);
  return
      [&f, &log, s, note, alone](int t, std::int64_t first, std::span<const std::vector<double>> zs,
                                 std::span<double> dist) {
        using clock = std::chrono::steady_clock;
        const std::size_t m = zs.size();
        std::vector<std::uint64_t> hash(m);
        for (std::size_t k = 0; k < m; ++k)
          hash[k] = point_hash(zs[k]);
        if (log.refresh(t) > 0) *alone = false;
        std::vector<char> have(m, 0);
        auto missing = [&] {
          std::vector<std::size_t> out;
          for (std::size_t k = 0; k < m; ++k)
            if (!have[k]) {
              if (log.find(t, first + static_cast<std::int64_t>(k), hash[k], dist[k]))
                have[k] = 1;
              else
                out.push_back(k);
            }
          return out;
        };
        auto run = [&](const std::vector<std::size_t>& ks) {
          run_indices(ks.size(), s.jobs, [&](std::size_t i, int worker) {
            const std::size_t k = ks[i];
            const auto p = first + static_cast<std::int64_t>(k);
            const double d = f(zs[k], t, p, worker);
            log.append(t, p, hash[k], d);
            dist[k] = d;
            have[k] = 1;
          });
        };
        std::vector<std::size_t> mine;
        for (std::size_t k : missing())
          if (*alone ||
              static_cast<int>((first + static_cast<std::int64_t>(k)) % s.count) == s.index - 1)
            mine.push_back(k);
        run(mine);
        auto news = clock::now();
        for (;;) {
          const std::vector<std::size_t> rest = missing();
          if (rest.empty()) break;
          if (std::chrono::duration<double>(clock::now() - news).count() > s.wait) {
            if (note)
              note("shard " + std::to_string(s.index) + ": nothing new from the other shards for " +
                   std::to_string(static_cast<int>(s.wait)) +
                   " s; doing their share (the same distances result)");
            *alone = true;
            run(rest);
            break;
          }
          std::this_thread::sleep_for(std::chrono::duration<double>(s.poll));
          if (log.refresh(t) > 0) {
            news = clock::now();
            *alone = false;
          }
        }
      };
}

} // namespace kochmon::calibration
