// The keyed draws (sim/core/rng.h, MODEL.md §9): the generator against Random123's published
// known answers, the key layout pinned, the inverse normal against a reference quantile, and
// the independence of keys and purposes.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <set>
#include <utility>
#include <vector>

#include <boost/math/distributions/normal.hpp>
#include <gtest/gtest.h>

#include "sim/core/rng.h"

namespace kochmon::sim {
namespace {

// Random123 1.14's kat_vectors for philox4x64-10 (counter, key, expected output): the library
// as packaged computes the published function.
TEST(Rng, Philox4x64MatchesRandom123KnownAnswers) {
  struct Kat {
    r123::Philox4x64::ctr_type ctr;
    r123::Philox4x64::key_type key;
    r123::Philox4x64::ctr_type out;
  };
  const Kat kats[] = {
      {{{0, 0, 0, 0}},
       {{0, 0}},
       {{0x16554d9eca36314cULL, 0xdb20fe9d672d0fdcULL, 0xd7e772cee186176bULL,
         0x7e68b68aec7ba23bULL}}},
      {{{~0ULL, ~0ULL, ~0ULL, ~0ULL}},
       {{~0ULL, ~0ULL}},
       {{0x87b092c3013fe90bULL, 0x438c3c67be8d0224ULL, 0x9cc7d7c69cd777b6ULL,
         0xa09caebf594f0ba0ULL}}},
      {{{0x243f6a8885a308d3ULL, 0x13198a2e03707344ULL, 0xa4093822299f31d0ULL,
         0x082efa98ec4e6c89ULL}},
       {{0x452821e638d01377ULL, 0xbe5466cf34e90c6cULL}},
       {{0xa528f45403e61d95ULL, 0x38c72dbd566e9788ULL, 0xa5a1610e72fd18b5ULL,
         0x57bd43b5e52b7fe6ULL}}},
  };
  for (const auto& k : kats) {
    const auto out = r123::Philox4x64{}(k.ctr, k.key);
    for (int w = 0; w < 4; ++w)
      EXPECT_EQ(out.v[w], k.out.v[w]) << "word " << w;
  }
}

// The mapping of (seed, stream, household, step, purpose, index) to the generator's key and
// counter is part of every result: a change to it changes every run. Values recorded when the
// test was written (from the KAT-checked generator above).
TEST(Rng, KeyLayoutIsPinned) {
  struct Case {
    std::uint64_t seed;
    Stream stream;
    std::uint64_t household;
    std::int64_t step;
    Purpose purpose;
    std::uint32_t index;
    std::uint64_t words[4];
  };
  const Case cases[] = {
      {20100101,
       Stream::dynamics,
       0,
       0,
       Purpose::household_month,
       0,
       {0x0435674cc31dca3dULL, 0x25e18a7f82617a62ULL, 0xc964ce60cc221215ULL,
        0x47e0cda70da029adULL}},
      {20100101,
       Stream::dynamics,
       123456,
       251,
       Purpose::decide,
       3,
       {0x5d778830d8833457ULL, 0x525144eb6d830b73ULL, 0x587f318626bb029cULL,
        0x2d8460ae35155a09ULL}},
      {7,
       Stream::world,
       5999999,
       0,
       Purpose::adult_traits,
       1,
       {0x58121e76dc43fe6fULL, 0x0b77296aeb42132eULL, 0xe109087e5c613e92ULL,
        0x5f73908661f39709ULL}},
  };
  for (const auto& c : cases) {
    const auto b = KeyedDraws(c.seed, c.stream, c.household, c.step, c.purpose).block(c.index);
    for (int w = 0; w < 4; ++w)
      EXPECT_EQ(b.v[w], c.words[w]) << "household " << c.household << " word " << w;
  }
}

//! rng.h's map of a word to the inverse normal's probability: k = bits >> 11 (53 bits),
//! p = (min(k, 2^53 - 2) + 1/2) 2^-53, so p is in (0, 1) for every word.
double p_of(std::uint64_t bits) {
  const std::uint64_t k = std::min(bits >> 11, (std::uint64_t{1} << 53) - 2);
  return (static_cast<double>(k) + 0.5) * 0x1.0p-53;
}

//! A word whose probability is p.
std::uint64_t bits_for(double p) {
  return static_cast<std::uint64_t>(std::floor(p * 0x1.0p53)) << 11;
}

// Acklam's approximation claims a relative error below 1.15e-9 over (0, 1); checked against
// Boost.Math's quantile (accurate to a few ulp) on a grid that is dense in both tails, down to
// the smallest probability a 53-bit draw can give (2^-54, x = -8.3).
TEST(Rng, InverseNormalIsAccurateAgainstAReferenceQuantile) {
  const boost::math::normal_distribution<double> n01;
  double worst = 0, worst_p = 0;
  auto check = [&](std::uint64_t bits) {
    const double p = p_of(bits);
    ASSERT_GT(p, 0.0);
    ASSERT_LT(p, 1.0);
    const double ref = boost::math::quantile(n01, p);
    const double got = KeyedDraws::normal(bits);
    const double err = std::abs(got - ref) / std::max(std::abs(ref), 1e-300);
    if (std::abs(ref) > 1e-6 && err > worst) { // relative error is not meaningful at x = 0
      worst = err;
      worst_p = p;
    }
    EXPECT_LT(std::abs(got - ref), 1.2e-9 * std::max(std::abs(ref), 1.0)) << "p = " << p;
  };
  for (int e = 1; e <= 53; ++e) { // the tails: p = 2^-e and 1 - 2^-e
    check(bits_for(std::ldexp(1.0, -e)));
    check(bits_for(1.0 - std::ldexp(1.0, -e)));
  }
  check(0);                 // the smallest p
  check(~std::uint64_t{0}); // the largest word (it once gave p = 1 and an infinite draw)
  EXPECT_TRUE(std::isfinite(KeyedDraws::normal(~std::uint64_t{0})));
  for (int i = 1; i < 10000; ++i) // the body, including both sides of the 0.02425 break
    check(bits_for(i / 10000.0));
  EXPECT_LT(worst, 1.2e-9) << "at p = " << worst_p;
}

// Draws that differ in any one key component are independent: over N keys, the correlation of
// the uniforms of two neighbouring keys has sd 1/sqrt(N); 5 sd. And no two of the N blocks
// share a word (collisions of 64-bit words among 4N values have probability ~1e-12).
TEST(Rng, KeysAndPurposesGiveIndependentDraws) {
  constexpr int N = 20000;
  auto corr = [](auto a, auto b) {
    double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
    for (int i = 0; i < N; ++i) {
      const double x = a(i), y = b(i);
      sa += x, sb += y, saa += x * x, sbb += y * y, sab += x * y;
    }
    const double ma = sa / N, mb = sb / N;
    return (sab / N - ma * mb) / std::sqrt((saa / N - ma * ma) * (sbb / N - mb * mb));
  };
  const double tol = 5.0 / std::sqrt(double(N));
  auto u = [](std::uint64_t seed, Stream s, std::uint64_t h, std::int64_t t, Purpose p,
              std::uint32_t idx = 0) { return KeyedDraws(seed, s, h, t, p).uniform(idx); };
  const auto D = Stream::dynamics, W = Stream::world;
  const auto P = Purpose::decide, Q = Purpose::choose_member;
  EXPECT_LT(std::abs(corr([&](int i) { return u(1, D, i, 5, P); },
                          [&](int i) { return u(1, D, i + 1, 5, P); })),
            tol); // neighbouring households
  EXPECT_LT(std::abs(corr([&](int i) { return u(1, D, 9, i, P); },
                          [&](int i) { return u(1, D, 9, i + 1, P); })),
            tol); // consecutive months
  EXPECT_LT(std::abs(corr([&](int i) { return u(1, D, i, 5, P); },
                          [&](int i) { return u(1, D, i, 5, Q); })),
            tol); // purposes
  EXPECT_LT(std::abs(corr([&](int i) { return u(1, D, i, 5, P); },
                          [&](int i) { return u(1, W, i, 5, P); })),
            tol); // streams
  EXPECT_LT(std::abs(corr([&](int i) { return u(1, D, i, 5, P); },
                          [&](int i) { return u(2, D, i, 5, P); })),
            tol); // seeds
  EXPECT_LT(std::abs(corr([&](int i) { return u(1, D, i, 5, P, 0); },
                          [&](int i) { return u(1, D, i, 5, P, 1); })),
            tol); // block indices
  std::set<std::uint64_t> words;
  for (int i = 0; i < N; ++i)
    for (auto w : KeyedDraws(1, D, i, 5, P).block(0).v)
      words.insert(w);
  EXPECT_EQ(words.size(), 4u * N);
}

//! Every purpose of each stream, as rng.h lists them.
const std::vector<Purpose> WORLD_PURPOSES{Purpose::household_size,
                                          Purpose::adults,
                                          Purpose::adult_traits,
                                          Purpose::land,
                                          Purpose::income,
                                          Purpose::labour_status,
                                          Purpose::trajectory_sample,
                                          Purpose::initial_abroad};
const std::vector<Purpose> DYNAMICS_PURPOSES{
    Purpose::household_month, Purpose::decide,         Purpose::choose_member,
    Purpose::home_labour,     Purpose::abroad_job,     Purpose::abroad_detect,
    Purpose::abroad_return,   Purpose::income_shock,   Purpose::abroad_ban,
    Purpose::business,        Purpose::legal_status,   Purpose::regional_shock,
    Purpose::amnesty,         Purpose::ban_enforcement};

//! Word `word` of block 0 for households 0..n-1 at step 5, as uniforms.
std::vector<double> uniforms(Stream s, Purpose p, int n, unsigned word = 0) {
  std::vector<double> u(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i)
    u[static_cast<std::size_t>(i)] =
        KeyedDraws(1, s, static_cast<std::uint64_t>(i), 5, p).uniform(0, word);
  return u;
}

double correlation(const std::vector<double>& a, const std::vector<double>& b) {
  const double n = static_cast<double>(a.size());
  double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sa += a[i], sb += b[i], saa += a[i] * a[i], sbb += b[i] * b[i], sab += a[i] * b[i];
  }
  const double ma = sa / n, mb = sb / n;
  return (sab / n - ma * mb) / std::sqrt((saa / n - ma * ma) * (sbb / n - mb * mb));
}

// The two streams with every other key part equal (seed, household, step, purpose, index) are
// independent, for every purpose and every word of the block: under independence the sample
// correlation of n pairs has sd 1/sqrt(n), so |r| < 4/sqrt(n) (92 comparisons: a correct
// generator exceeds it somewhere with probability ≈ 88 · 6e-5 ≈ 0.6%). And n·Σr² over the K
// comparisons is χ²_K: below K + 4·sqrt(2K), which a small common correlation would exceed.
TEST(Rng, StreamsAreIndependentForEveryPurpose) {
  constexpr int N = 20000;
  const double tol = 4.0 / std::sqrt(double(N));
  double chi2 = 0;
  int k = 0;
  for (const auto& purposes : {WORLD_PURPOSES, DYNAMICS_PURPOSES})
    for (Purpose p : purposes)
      for (unsigned word = 0; word < 4; ++word, ++k) {
        const double r = correlation(uniforms(Stream::world, p, N, word),
                                     uniforms(Stream::dynamics, p, N, word));
        EXPECT_LT(std::abs(r), tol) << "purpose " << static_cast<int>(p) << " word " << word;
        chi2 += N * r * r;
      }
  EXPECT_LT(chi2, k + 4 * std::sqrt(2.0 * k));
}

// Purposes are independent of each other within a stream, with every other key part equal:
// each pair of the stream's purposes (28 world, 91 dynamics), the same 4/sqrt(n) bound on |r|
// (119 comparisons: ≈ 0.8% for a correct generator to exceed it somewhere) and the χ² bound on
// their sum. Each dynamics purpose's draws are also independent of its next block index (the
// index shares the counter word with the purpose, in its low bits).
TEST(Rng, PurposesAreIndependentWithinAStream) {
  constexpr int N = 20000;
  const double tol = 4.0 / std::sqrt(double(N));
  double chi2 = 0;
  int k = 0;
  for (const auto& [stream, purposes] :
       {std::pair{Stream::world, WORLD_PURPOSES}, std::pair{Stream::dynamics, DYNAMICS_PURPOSES}}) {
    std::vector<std::vector<double>> u;
    for (Purpose p : purposes)
      u.push_back(uniforms(stream, p, N));
    for (std::size_t i = 0; i < u.size(); ++i)
      for (std::size_t j = i + 1; j < u.size(); ++j, ++k) {
        const double r = correlation(u[i], u[j]);
        EXPECT_LT(std::abs(r), tol) << "purposes " << static_cast<int>(purposes[i]) << " and "
                                    << static_cast<int>(purposes[j]);
        chi2 += N * r * r;
      }
  }
  EXPECT_LT(chi2, k + 4 * std::sqrt(2.0 * k));
  for (Purpose p : DYNAMICS_PURPOSES) {
    std::vector<double> next(N);
    for (int i = 0; i < N; ++i)
      next[static_cast<std::size_t>(i)] =
          KeyedDraws(1, Stream::dynamics, static_cast<std::uint64_t>(i), 5, p).uniform(1);
    EXPECT_LT(std::abs(correlation(uniforms(Stream::dynamics, p, N), next)), tol)
        << "purpose " << static_cast<int>(p) << ", blocks 0 and 1";
  }
}

// Uniforms and both normals have the moments they should: mean and variance within 5 sd of
// their sampling error over N draws (sd of a uniform's mean sqrt(1/12 / N); of a normal's mean
// 1/sqrt(N); of a normal's variance sqrt(2 / N)).
TEST(Rng, UniformAndNormalDrawsHaveTheRightMoments) {
  constexpr int N = 200000;
  double su = 0, sn = 0, snn = 0, sb = 0, sbb = 0;
  for (int i = 0; i < N; ++i) {
    const auto b = KeyedDraws(3, Stream::dynamics, i, 0, Purpose::income_shock).block(0);
    const double u = KeyedDraws::to_unit(b.v[0]);
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    su += u;
    const double z = KeyedDraws::normal(b.v[1]);
    sn += z, snn += z * z;
    const double y = KeyedDraws::normal(b.v[2], b.v[3]);
    sb += y, sbb += y * y;
  }
  EXPECT_NEAR(su / N, 0.5, 5 * std::sqrt(1.0 / 12 / N));
  EXPECT_NEAR(sn / N, 0.0, 5 / std::sqrt(double(N)));
  EXPECT_NEAR(snn / N, 1.0, 5 * std::sqrt(2.0 / N));
  EXPECT_NEAR(sb / N, 0.0, 5 / std::sqrt(double(N)));
  EXPECT_NEAR(sbb / N, 1.0, 5 * std::sqrt(2.0 / N));
}

} // namespace
} // namespace kochmon::sim
