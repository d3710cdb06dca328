// Demography (issue #14): the accounting identity every month and region, the series agree
// with each other, births and deaths at their expected rates, ages crossing the working-age
// thresholds in the right month, who goes by sex and age, and new households.

#include <cmath>
#include <numeric>

#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include "agents/builtin.h"
#include "sim/engine/simulation.h"
#include "tests/support/configs.h"

namespace kochmon::sim {
namespace {

using tests::every_feature_config;

std::vector<double> copy(const Simulation& sim, const char* name) {
  const auto v = sim.values(sim.series_index(name));
  return {v.begin(), v.end()};
}
double total(const Simulation& sim, const char* name) {
  const auto v = sim.values(sim.series_index(name));
  return std::accumulate(v.begin(), v.end(), 0.0);
}

// population(t) = population(t−1) + births − deaths + arrivals − departures, every month and
// region, where population counts a region's households' members at home and away, and
// arrivals and departures are the persons of households moving between regions
// (internal_move: household; a member who goes abroad or to another region stays a member).
// With every feature on: bans, regimes, amnesty, household moves, new households.
TEST(Demography, AccountingIdentityEveryMonthAndRegion) {
  tbb::global_control gc(tbb::global_control::max_allowed_parallelism, 2);
  const auto reg = agents::builtin_registries();
  auto c = every_feature_config(reg, "logit", 6000, 36);
  ASSERT_TRUE(c.demography.enabled);
  ASSERT_EQ(c.decision.internal_move, DecisionConfig::InternalMove::household);
  Simulation sim(c, reg);
  const std::size_t R = c.regions.size();
  std::vector<double> before;
  double births = 0, deaths = 0, moved = 0, formed = 0;
  for (int t = 0; t < c.n_steps(); ++t) {
    sim.step();
    const auto pop = copy(sim, "population");
    const auto b = copy(sim, "births"), d = copy(sim, "deaths");
    const auto moves = copy(sim, "internal_moves"); // origin × region
    if (!before.empty()) {
      for (std::size_t r = 0; r < R; ++r) {
        double in = 0, out = 0;
        for (std::size_t o = 0; o < R; ++o) {
          if (o == r) continue;
          in += moves[o * R + r];
          out += moves[r * R + o];
        }
        EXPECT_EQ(pop[r], before[r] + b[r] - d[r] + in - out) << "month " << t << " region " << r;
        moved += in;
      }
    }
    births += total(sim, "births");
    deaths += total(sim, "deaths");
    formed += total(sim, "new_households");
    before = pop;
  }
  // The identity was tested on a month with every kind of change.
  EXPECT_GT(births, 0);
  EXPECT_GT(deaths, 0);
  EXPECT_GT(moved, 0);
  EXPECT_GT(formed, 0);
}

// The new series agree with the old and with each other: members by age sum to the
// population (at home: population_home), members away by age to the stock.
TEST(Demography, AgeSeriesAddUpToThePopulationAndTheStock) {
  tbb::global_control gc(tbb::global_control::max_allowed_parallelism, 2);
  const auto reg = agents::builtin_registries();
  const auto c = every_feature_config(reg, "logit", 3000, 14);
  Simulation sim(c, reg);
  const std::size_t R = c.regions.size(), D = R + c.destinations.size();
  for (int t = 0; t < c.n_steps(); ++t) {
    sim.step();
    const auto by_age = copy(sim, "population_by_age"); // region × place × sex × age
    const auto pop = copy(sim, "population"), home = copy(sim, "population_home");
    for (std::size_t r = 0; r < R; ++r) {
      double all = 0, at_home = 0;
      for (std::size_t i = 0; i < 4 * AGE_BANDS; ++i) {
        all += by_age[r * 4 * AGE_BANDS + i];
        at_home += i < 2 * AGE_BANDS ? by_age[r * 4 * AGE_BANDS + i] : 0.0;
      }
      EXPECT_EQ(all, pop[r]) << t << " " << r;
      EXPECT_EQ(at_home, home[r]) << t << " " << r;
    }
    const auto stock = copy(sim, "stock"), stock_age = copy(sim, "stock_by_age");
    for (std::size_t d = 0; d < D; ++d) {
      double s = 0, a = 0;
      for (std::size_t r = 0; r < R; ++r)
        s += stock[r * D + d];
      for (std::size_t i = 0; i < 2 * AGE_BANDS; ++i)
        a += stock_age[d * 2 * AGE_BANDS + i];
      EXPECT_EQ(s, a) << t << " " << d;
    }
  }
}

// Births and deaths happen at their rates: over 24 months the counts are within 4 standard
// errors (Poisson) of what the crude birth rate and the death rates by age imply for the
// previous month's members. About 25 thousand births and 5 thousand deaths: the tolerances
// are 2.5% and 6%.
TEST(Demography, BirthsAndDeathsAtTheirRates) {
  tbb::global_control gc(tbb::global_control::max_allowed_parallelism, 2);
  const auto reg = agents::builtin_registries();
  auto c = every_feature_config(reg, "logit", 6000, 24);
  for (auto& r : c.regions)
    r.birth_rate_per_1000 = Series::constant(25);
  Simulation sim(c, reg);
  const std::size_t R = c.regions.size();
  double births = 0, deaths = 0, expected_births = 0, expected_deaths = 0;
  std::vector<double> members, by_age;
  for (int t = 0; t < c.n_steps(); ++t) {
    sim.step();
    if (!members.empty()) {
      for (std::size_t r = 0; r < R; ++r)
        expected_births += 25.0 / 12000.0 * members[r];
      for (std::size_t r = 0; r < R; ++r)
        for (std::size_t place = 0; place < 2; ++place)
          for (std::size_t s = 0; s < 2; ++s)
            for (std::size_t b = 0; b < AGE_BANDS; ++b) {
              const double rate = c.demography.death_rate_per_1000[s][b] / 1000.0;
              expected_deaths += by_age[((r * 2 + place) * 2 + s) * AGE_BANDS + b] *
                                 (1.0 - std::pow(1.0 - rate, 1.0 / 12.0));
            }
      births += total(sim, "births");
      deaths += total(sim, "deaths");
    }
    members = copy(sim, "population");
    by_age = copy(sim, "population_by_age");
  }
  ASSERT_GT(expected_births, 10000);
  ASSERT_GT(expected_deaths, 2000);
  EXPECT_NEAR(births, expected_births, 4 * std::sqrt(expected_births));
  EXPECT_NEAR(deaths, expected_deaths, 4 * std::sqrt(expected_deaths));
}

// Without births, deaths or new households, the working-age population each month is exactly
// the members whose age (step − month of birth) lies in [working_age_from, retirement age):
// everyone comes of age and retires in the right month, whether or not an adult slot is free.
TEST(Demography, AgesCrossTheWorkingAgeThresholdsInTheRightMonth) {
  tbb::global_control gc(tbb::global_control::max_allowed_parallelism, 2);
  const auto reg = agents::builtin_registries();
  auto c = every_feature_config(reg, "logit", 1500, 30);
  for (auto& r : c.regions)
    r.birth_rate_per_1000 = Series::constant(0);
  for (auto& by_age : c.demography.death_rate_per_1000)
    std::fill(by_age.begin(), by_age.end(), 0.0);
  c.demography.formation_monthly = 0;
  Simulation sim(c, reg);
  // The opening members' births and sexes, read from the world before it changes.
  const auto& hh = sim.world().households();
  std::vector<std::pair<int, bool>> members; // birth, woman
  for (std::size_t h = 0; h < hh.n_households(); ++h) {
    for (int k = 0; k < hh.n_adults[h]; ++k) {
      const std::size_t a = hh.first_adult[h] + static_cast<std::size_t>(k);
      members.emplace_back(hh.birth[a], Traits::woman(hh.traits[a]));
    }
    for (int j = 0; j < hh.n_dependants[h]; ++j)
      members.emplace_back(hh.dependant_birth[h * MAX_DEPENDANTS + static_cast<std::size_t>(j)],
                           ((hh.dependant_women[h] >> j) & 1) != 0);
  }
  const int from = 12 * c.population.working_age_from;
  double changes = 0, previous = -1;
  for (int t = 0; t < c.n_steps(); ++t) {
    sim.step();
    double expected = 0;
    for (const auto& [birth, woman] : members) {
      const int age = t - birth;
      expected += age >= from && age < 12 * c.population.retirement_age[woman ? 1 : 0];
    }
    const double simulated = total(sim, "working_age_population");
    EXPECT_EQ(simulated, expected) << "month " << t;
    if (previous >= 0) changes += std::abs(simulated - previous);
    previous = simulated;
  }
  EXPECT_GT(changes, 50); // people did come of age and retire
}

//! The share of young men (15-29) in the stock abroad over a year.
double young_men_share(const RunConfig& c) {
  const auto reg = agents::builtin_registries();
  Simulation sim(c, reg);
  const std::size_t R = c.regions.size(), D = R + c.destinations.size();
  double young_men = 0, all = 0;
  for (int t = 0; t < c.n_steps(); ++t) {
    sim.step();
    const auto stock_age = copy(sim, "stock_by_age"); // destination × sex × age
    for (std::size_t d = R; d < D; ++d)
      for (std::size_t s = 0; s < 2; ++s)
        for (std::size_t b = 0; b < AGE_BANDS; ++b) {
          const double n = stock_age[(d * 2 + s) * AGE_BANDS + b];
          young_men += s == 0 && b >= 3 && b <= 5 ? n : 0.0;
          all += n;
        }
  }
  return young_men / all;
}

// Who goes: propensities that favour young men give a stock with far more young men than a
// uniform pick (the opening stock is drawn with the same propensities). Not all of it: a
// household whose only adults at home are women or older still sends one of them.
TEST(Demography, WhoGoesFollowsThePropensities) {
  tbb::global_control gc(tbb::global_control::max_allowed_parallelism, 2);
  const auto reg = agents::builtin_registries();
  auto c = every_feature_config(reg, "logit", 3000, 12);
  c.abroad.return_age_gradient = 0;
  c.decision.who_goes[0] = std::vector<double>(PROPENSITY_BANDS, 1.0);
  c.decision.who_goes[1] = std::vector<double>(PROPENSITY_BANDS, 1.0);
  const double uniform = young_men_share(c);
  c.decision.who_goes[0] = {1, 1, 1, 0, 0, 0, 0, 0, 0, 0}; // men 15-29
  c.decision.who_goes[1] = std::vector<double>(PROPENSITY_BANDS, 0.0);
  const double favoured = young_men_share(c);
  // Young men are about a fifth of the adults; sampling error over ~10,000 migrants < 0.01.
  EXPECT_NEAR(uniform, 0.2, 0.05);
  EXPECT_GT(favoured, 2 * uniform);
}

} // namespace
} // namespace kochmon::sim
