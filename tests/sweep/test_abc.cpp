// The ABC-SMC sampler of `kochmon calibrate` (calibration/abc.h, issue #16) on a toy with a
// known posterior: the mean of 25 unit-variance observations, so the posterior of the mean
// under a flat prior on [-5, 5] is N(ybar, 0.2^2). The simulator draws the sample mean
// theta + 0.2 e from keyed draws (a proposal's own noise, as in calibrate).

#include <cmath>
#include <cstdio>
#include <vector>

#include <gtest/gtest.h>

#include "calibration/abc.h"
#include "sim/core/rng.h"

namespace kochmon::calibration {
namespace {

constexpr double SD = 0.2; // sd of the sample mean: 1 / sqrt(25)

double theta_of(double z) {
  return -5.0 + 10.0 * z;
}

//! |simulated mean - observed mean| for the proposal (noise keyed by generation and proposal).
AbcDistance toy(double ybar, std::uint64_t noise_seed) {
  return [=](std::span<const double> z, int generation, std::int64_t proposal, int) {
    const sim::KeyedDraws d(noise_seed, sim::Stream::calibration,
                            static_cast<std::uint64_t>(proposal), generation, sim::Purpose::decide);
    return std::fabs(theta_of(z[0]) + SD * sim::KeyedDraws::normal(d.block(0).v[0]) - ybar);
  };
}

struct Moments {
  double mean = 0, sd = 0;
};

Moments moments(const AbcGeneration& g) {
  Moments m;
  for (std::size_t i = 0; i < g.weights.size(); ++i)
    m.mean += g.weights[i] * theta_of(g.z[i]);
  for (std::size_t i = 0; i < g.weights.size(); ++i)
    m.sd += g.weights[i] * std::pow(theta_of(g.z[i]) - m.mean, 2);
  m.sd = std::sqrt(m.sd);
  return m;
}

AbcSettings settings(int particles, int generations, int jobs) {
  AbcSettings s;
  s.particles = particles;
  s.generations = generations;
  s.quantile = 0.5;
  s.min_acceptance = 0.0;
  s.max_simulations = 1000000;
  s.seed = 11;
  s.jobs = jobs;
  return s;
}

TEST(AbcSmc, PosteriorOfAGaussianMeanConcentratesOnTheTruth) {
  const AbcState st = abc_smc(1, toy(1.0, 5), settings(1000, 10, 1));
  ASSERT_EQ(st.generations.size(), 10u);
  const auto& last = st.generations.back();
  // The ABC posterior is N(1, SD^2) convolved with U(-h, h): variance SD^2 + h^2 / 3.
  const double h = last.tolerance;
  ASSERT_LT(h, 0.05) << "the tolerance did not fall";
  const double sd = std::sqrt(SD * SD + h * h / 3);
  const Moments m = moments(last);
  // Mean: within 4 standard errors of a weighted sample of size ESS (>= 300 here).
  ASSERT_GT(last.ess, 300);
  EXPECT_NEAR(m.mean, 1.0, 4 * sd / std::sqrt(last.ess));
  // sd: its sampling error is about sd / sqrt(2 ESS) (4%); 15% allows for the kernel's tails.
  EXPECT_NEAR(m.sd, sd, 0.15 * sd);
  // The tolerances fall and the acceptance rate with them.
  for (std::size_t t = 2; t < st.generations.size(); ++t)
    EXPECT_LT(st.generations[t].tolerance, st.generations[t - 1].tolerance);
  EXPECT_LT(last.acceptance, st.generations[1].acceptance);
}

TEST(AbcSmc, TheLocalKernelFindsTheSamePosteriorAndAcceptsMore) {
  AbcSettings local = settings(1000, 10, 1);
  local.kernel = AbcKernel::local;
  const AbcState g = abc_smc(1, toy(1.0, 5), settings(1000, 10, 1));
  const AbcState l = abc_smc(1, toy(1.0, 5), local);
  ASSERT_EQ(l.generations.size(), 10u);
  const auto& last = l.generations.back();
  const double h = last.tolerance;
  const double sd = std::sqrt(SD * SD + h * h / 3);
  const Moments m = moments(last);
  ASSERT_GT(last.ess, 300);
  EXPECT_NEAR(m.mean, 1.0, 4 * sd / std::sqrt(last.ess));
  EXPECT_NEAR(m.sd, sd, 0.15 * sd);
  // Fewer proposals for the same tolerances' schedule: the local kernel stays near the mass.
  long pg = 0, pl = 0;
  for (std::size_t t = 1; t < 10; ++t) {
    pg += g.generations[t].proposals;
    pl += l.generations[t].proposals;
  }
  std::printf("proposals in generations 1-9: global kernel %ld, local kernel %ld\n", pg, pl);
  EXPECT_LT(pl, pg);
}

TEST(AbcSmc, NinetyPercentIntervalsCoverTheTruth) {
  // Synthetic-data recovery: truths drawn from the prior, data simulated at each, the 90%
  // interval of each posterior checked. 40 repetitions: 36 expected, sd 1.9; at least 31 (the
  // 0.3% lower tail of Binomial(40, 0.9) is about 30).
  int covered = 0;
  const int reps = 40;
  for (int r = 0; r < reps; ++r) {
    const sim::KeyedDraws d(99, sim::Stream::calibration, static_cast<std::uint64_t>(r), 0,
                            sim::Purpose::decide);
    const double truth = -4.0 + 8.0 * sim::KeyedDraws::to_unit(d.block(0).v[0]);
    const double ybar = truth + SD * sim::KeyedDraws::normal(d.block(0).v[1]);
    const AbcState st =
        abc_smc(1, toy(ybar, 1000 + static_cast<std::uint64_t>(r)), settings(300, 8, 1));
    const auto& g = st.generations.back();
    std::vector<double> th(g.weights.size());
    for (std::size_t i = 0; i < th.size(); ++i)
      th[i] = theta_of(g.z[i]);
    const double lo = weighted_quantile(th, g.weights, 0.05);
    const double hi = weighted_quantile(th, g.weights, 0.95);
    covered += lo <= truth && truth <= hi;
  }
  std::printf("90%% intervals covering the truth: %d of %d\n", covered, reps);
  EXPECT_GE(covered, 31) << covered << " of " << reps;
  EXPECT_LE(covered, reps);
}

TEST(AbcSmc, SampleIsBitIdenticalForAnyNumberOfJobs) {
  const AbcState a = abc_smc(1, toy(0.3, 5), settings(64, 5, 1));
  const AbcState b = abc_smc(1, toy(0.3, 5), settings(64, 5, 3));
  ASSERT_EQ(a.generations.size(), b.generations.size());
  for (std::size_t t = 0; t < a.generations.size(); ++t) {
    EXPECT_EQ(a.generations[t].z, b.generations[t].z);
    EXPECT_EQ(a.generations[t].weights, b.generations[t].weights);
    EXPECT_EQ(a.generations[t].proposals, b.generations[t].proposals);
  }
}

TEST(AbcSmc, ResumingFromASavedGenerationGivesTheUnbrokenSample) {
  const AbcState whole = abc_smc(2, toy(0.3, 5), settings(50, 5, 2));
  AbcState part = abc_smc(2, toy(0.3, 5), settings(50, 2, 2));
  ASSERT_EQ(part.generations.size(), 2u);
  const AbcState resumed = abc_smc(2, toy(0.3, 5), settings(50, 5, 2), part);
  ASSERT_EQ(resumed.generations.size(), whole.generations.size());
  EXPECT_EQ(resumed.generations.back().z, whole.generations.back().z);
  EXPECT_EQ(resumed.generations.back().weights, whole.generations.back().weights);
}

TEST(AbcSmc, BudgetDropsTheIncompleteGeneration) {
  AbcSettings s = settings(20, 10, 2);
  s.max_simulations = 70; // 20 for the prior, about 40 for generation 1, not enough for 2
  const AbcState st = abc_smc(1, toy(0.3, 5), s);
  ASSERT_FALSE(st.generations.empty());
  EXPECT_LT(st.generations.size(), 10u);
  EXPECT_NE(st.stop.find("budget"), std::string::npos) << st.stop;
  long used = 0;
  for (const auto& g : st.generations)
    used += g.proposals;
  EXPECT_LE(used, 70);
}

// A budget stop then a resume counts each proposal once: the cut generation's proposals come
// again (from the evaluation log in calibrate) and were counted in the first sitting. One
// proposal a batch, so no batch overrun makes the two counts differ.
TEST(AbcSmc, AResumeAfterABudgetStopCountsEverySimulationOnce) {
  const AbcBatch one = abc_thread_batch(toy(0.3, 5), 1);
  AbcSettings s = settings(20, 4, 1);
  const AbcState whole = abc_smc(1, one, 1, s);
  ASSERT_EQ(whole.generations.size(), 4u);
  s.max_simulations = 70; // cuts generation 1 or 2 short
  const AbcState cut = abc_smc(1, one, 1, s);
  ASSERT_NE(cut.stop.find("budget"), std::string::npos) << cut.stop;
  ASSERT_EQ(cut.simulations, 70);
  EXPECT_GT(cut.cut_proposals, 0);
  // The same budget again (the command re-run as it was): nothing new is run or counted.
  const AbcState again = abc_smc(1, one, 1, s, cut);
  EXPECT_EQ(again.simulations, 70);
  EXPECT_EQ(again.cut_proposals, cut.cut_proposals);
  // A larger budget: the unbroken run's sample and count.
  s.max_simulations = 1000000;
  const AbcState resumed = abc_smc(1, one, 1, s, again);
  ASSERT_EQ(resumed.generations.size(), whole.generations.size());
  EXPECT_EQ(resumed.generations.back().z, whole.generations.back().z);
  EXPECT_EQ(resumed.simulations, whole.simulations);
  EXPECT_EQ(resumed.cut_proposals, 0);
}

TEST(AbcSmc, WeightedQuantile) {
  const std::vector<double> v{3, 1, 2, 4};
  const std::vector<double> w{1, 1, 1, 1};
  EXPECT_EQ(weighted_quantile(v, w, 0.5), 2);
  EXPECT_EQ(weighted_quantile(v, w, 0.75), 3);
  const std::vector<double> w2{0, 0, 0, 1};
  EXPECT_EQ(weighted_quantile(v, w2, 0.1), 4);
}

TEST(AbcSmc, RunSeedsDifferByProposalAndGeneration) {
  EXPECT_NE(abc_run_seed(1, 0, 0), abc_run_seed(1, 0, 1));
  EXPECT_NE(abc_run_seed(1, 0, 0), abc_run_seed(1, 1, 0));
  EXPECT_NE(abc_run_seed(1, 0, 0), abc_run_seed(2, 0, 0));
  EXPECT_EQ(abc_run_seed(1, 3, 4), abc_run_seed(1, 3, 4));
  EXPECT_LT(abc_run_seed(1, 3, 4), std::uint64_t{1} << 48);
}

} // namespace
} // namespace kochmon::calibration
