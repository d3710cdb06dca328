// The evaluation log of an ABC calibration and its drivers (calibration/evaluations.h, issue
// #16) on the toy of test_abc.cpp: shards sharing a log, a shard left alone, a rerun on a
// complete log and the lines the log must not trust. Each compares with the sample of one
// process (the thread driver, same batch size), which the drivers must give bit for bit.

#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "calibration/abc.h"
#include "calibration/evaluations.h"
#include "sim/core/rng.h"

namespace kochmon::calibration {
namespace {

namespace fs = std::filesystem;

//! |theta + 0.2 e - 0.3| with theta = -5 + 10 z and e keyed by generation and proposal;
//! counts its calls.
AbcDistance toy(std::atomic<long>& calls) {
  return [&calls](std::span<const double> z, int generation, std::int64_t proposal, int) {
    ++calls;
    const sim::KeyedDraws d(5, sim::Stream::calibration, static_cast<std::uint64_t>(proposal),
                            generation, sim::Purpose::decide);
    return std::fabs(-5.0 + 10.0 * z[0] + 0.2 * sim::KeyedDraws::normal(d.block(0).v[0]) - 0.3);
  };
}

AbcSettings settings() {
  AbcSettings s;
  s.particles = 40;
  s.generations = 4;
  s.quantile = 0.5;
  s.min_acceptance = 0.0;
  s.max_simulations = 100000;
  s.seed = 11;
  s.jobs = 2;
  return s;
}

constexpr std::size_t BATCH = 8;

struct TempDir {
  std::string path;
  TempDir() {
    char name[] = "/tmp/kochmon-evaluations.XXXXXX";
    path = ::mkdtemp(name);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

void expect_same_sample(const AbcState& a, const AbcState& b) {
  ASSERT_EQ(a.generations.size(), b.generations.size());
  for (std::size_t t = 0; t < a.generations.size(); ++t) {
    EXPECT_EQ(a.generations[t].z, b.generations[t].z) << "generation " << t;
    EXPECT_EQ(a.generations[t].weights, b.generations[t].weights) << "generation " << t;
    EXPECT_EQ(a.generations[t].proposals, b.generations[t].proposals) << "generation " << t;
  }
}

//! Shard index of count, 2 evaluations at once, polling every ms.
ShardSettings shard(int index, int count, double wait) {
  ShardSettings s;
  s.index = index;
  s.count = count;
  s.jobs = 2;
  s.wait = wait;
  s.poll = 0.001;
  return s;
}

AbcState one_process(std::atomic<long>& calls) {
  return abc_smc(1, abc_thread_batch(toy(calls), 2), BATCH, settings());
}

AbcState logged(const std::string& dir, ShardSettings s, std::atomic<long>& calls,
                std::vector<std::string>* notes = nullptr) {
  EvaluationLog log(dir, s.index);
  auto note = [notes](const std::string& text) {
    if (notes) notes->push_back(text);
  };
  return abc_smc(1, logged_batch(toy(calls), log, s, note), BATCH, settings());
}

TEST(EvaluationLog, TwoShardsShareTheWorkAndGiveTheSampleOfOneProcess) {
  std::atomic<long> c0{0}, c1{0}, c2{0};
  const AbcState ref = one_process(c0);
  TempDir d;
  // A wait of 60 s: no takeover, so each proposal is evaluated once, by its shard.
  AbcState b;
  std::thread other([&] { b = logged(d.path, shard(2, 2, 60), c2); });
  const AbcState a = logged(d.path, shard(1, 2, 60), c1);
  other.join();
  expect_same_sample(ref, a);
  expect_same_sample(ref, b);
  EXPECT_EQ(c1 + c2, c0.load()) << "each proposal once, by one shard";
  // Proposal p is shard (p mod 2) + 1's: the shares differ by at most a batch per generation.
  EXPECT_LE(std::labs(c1 - c2), static_cast<long>(BATCH * ref.generations.size()));
}

TEST(EvaluationLog, AShardAloneTakesOverTheSilentShardsShare) {
  std::atomic<long> c0{0}, c1{0};
  const AbcState ref = one_process(c0);
  TempDir d;
  std::vector<std::string> notes;
  const AbcState a = logged(d.path, shard(1, 3, 0.05), c1, &notes);
  expect_same_sample(ref, a);
  EXPECT_EQ(c1.load(), c0.load());
  // One wait, then it stays alone: not one takeover per batch.
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("doing their share"), std::string::npos) << notes[0];
}

TEST(EvaluationLog, ARerunOnACompleteLogEvaluatesNothing) {
  std::atomic<long> c0{0}, c1{0}, c2{0};
  const AbcState ref = one_process(c0);
  TempDir d;
  expect_same_sample(ref, logged(d.path, shard(1, 1, 60), c1));
  EXPECT_EQ(c1.load(), c0.load());
  expect_same_sample(ref, logged(d.path, shard(1, 1, 60), c2));
  EXPECT_EQ(c2.load(), 0);
}

TEST(EvaluationLog, TornForeignAndOtherPointLinesAreNotTrusted) {
  TempDir d;
  const std::vector<double> z{0.25};
  const std::uint64_t h = point_hash(z);
  fs::create_directories(d.path + "/gen-0");
  {
    std::ofstream f(d.path + "/gen-0/shard-2.txt");
    char line[96];
    std::snprintf(line, sizeof line, "0 %016llx %a\n", static_cast<unsigned long long>(h ^ 1), 1.5);
    f << line << "not a line of the log\n";
    std::snprintf(line, sizeof line, "1 %016llx %a", static_cast<unsigned long long>(h), 2.5);
    f << line; // torn: no newline
  }
  EvaluationLog log(d.path, 1);
  EXPECT_EQ(log.refresh(0), 1u) << "only the other point's line is a line";
  double x = 0;
  EXPECT_FALSE(log.find(0, 0, h, x)) << "a line of another point";
  EXPECT_FALSE(log.find(0, 1, h, x)) << "a torn line";
  EXPECT_TRUE(log.find(0, 0, h ^ 1, x));
  EXPECT_EQ(x, 1.5);
  // The torn line's end arrives: now it counts, read exactly (hexadecimal float).
  std::ofstream(d.path + "/gen-0/shard-2.txt", std::ios::app) << "\n";
  EXPECT_EQ(log.refresh(0), 1u);
  EXPECT_TRUE(log.find(0, 1, h, x));
  EXPECT_EQ(x, 2.5);
  // An appended distance is read back bit for bit by another process's log.
  log.append(0, 2, h, 1.0 / 3.0);
  EvaluationLog again(d.path, 3);
  again.refresh(0);
  EXPECT_TRUE(again.find(0, 2, h, x));
  EXPECT_EQ(x, 1.0 / 3.0);
  EXPECT_FALSE(again.find(1, 2, h, x)) << "another generation";
}

} // namespace
} // namespace kochmon::calibration
