// The household store and the synthetic population (sim/world/households.h, World's
// generation, MODEL.md §3): counts per region from population and scale, the layout, sizes
// and adults in range, land, labour status, wages and opening income, members abroad at the
// start, and determinism in the world seed. Sampling tolerances are 4 sd of the statistic.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include "sim/world/world.h"
#include "tests/unit/sim/world/tiny_world.h"

namespace kochmon::sim {
namespace {

using tests::tiny_world_config;

//! Households per region, counted from the store.
std::vector<std::size_t> households_per_region(const World& w) {
  std::vector<std::size_t> n(static_cast<std::size_t>(w.n_regions()), 0);
  for (auto r : w.households().region)
    ++n[r];
  return n;
}

TEST(Households, ResizeSizesEveryArrayAndMarksNewAdultsWithNoDestination) {
  Households hh;
  hh.resize_households(5);
  for (std::size_t n :
       {hh.region.size(), hh.size.size(), hh.n_adults.size(), hh.first_adult.size(),
        hh.land_ha.size(), hh.savings_som.size(), hh.income_som.size(), hh.remit_som.size(),
        hh.income_mean_som.size(), hh.income_var.size(), hh.shock.size(), hh.n_dependants.size(),
        hh.dependant_women.size(), hh.leaver.size()})
    EXPECT_EQ(n, 5u);
  EXPECT_EQ(hh.dependant_birth.size(), 5u * MAX_DEPENDANTS);
  EXPECT_EQ(hh.n_households(), 5u);
  EXPECT_EQ(hh.n_adults_total(), 0u);
  hh.resize_adults(7);
  for (std::size_t n :
       {hh.traits.size(), hh.status.size(), hh.dest.size(), hh.away_flags.size(),
        hh.since_step.size(), hh.months_jobless.size(), hh.wage_factor.size(),
        hh.earnings_abroad_som.size(), hh.ban_dest.size(), hh.ban_until.size(), hh.birth.size()})
    EXPECT_EQ(n, 7u);
  EXPECT_EQ(hh.n_adults_total(), 7u);
  for (std::size_t a = 0; a < 7; ++a) {
    EXPECT_EQ(hh.dest[a], NO_DEST);
    EXPECT_EQ(hh.ban_dest[a], NO_DEST);
  }
}

// What the benchmark reports as bytes per person: every array of the store, by its capacity.
// Per household 5 one-byte arrays, two two-byte, first_adult (4 bytes), 7 floats and 12
// two-byte dependant births = 65 bytes; per adult 6 one-byte arrays, 3 two-byte and 2 floats =
// 20 bytes. A new array must be counted here too.
TEST(Households, BytesCountsEveryArray) {
  Households hh;
  EXPECT_EQ(hh.bytes(), 0u);
  hh.resize_households(100);
  hh.resize_adults(250);
  EXPECT_EQ(hh.bytes(), 65 * hh.region.capacity() + 20 * hh.traits.capacity());
  EXPECT_GE(hh.bytes(), 65u * 100 + 20u * 250);
}

TEST(Households, TraitsPackSexAgeBandAndSkillIntoOneByte) {
  // Bit 0 sex, bits 1–2 age band, bits 3–4 skill: 1 + 2·2 + 8·1 = 13.
  EXPECT_EQ(Traits::pack(true, 2, 1), 13);
  EXPECT_EQ(Traits::pack(false, 0, 0), 0);
  EXPECT_EQ(Traits::pack(false, 3, 3), 6 + 24);
  for (int woman = 0; woman < 2; ++woman)
    for (int age = 0; age < 4; ++age)
      for (int skill = 0; skill < 4; ++skill) {
        const auto t = Traits::pack(woman == 1, age, skill);
        EXPECT_EQ(Traits::woman(t), woman == 1);
        EXPECT_EQ(Traits::age_band(t), age);
        EXPECT_EQ(Traits::skill(t), skill);
      }
}

// llround(scale · population / household_size) households per region, at least one: a at
// 40,000 / 4 = 10,000, b at 11,000 / 5.5 = 2,000, c at 2 / 4 = 0.5 → 1 (0.125 → 0 → 1 at a
// quarter), laid out region by region.
TEST(Population, HouseholdsPerRegionArePopulationTimesScaleOverHouseholdSize) {
  RunConfig c = tiny_world_config();
  {
    const World w(c);
    EXPECT_EQ(households_per_region(w), (std::vector<std::size_t>{10000, 2000, 1}));
    EXPECT_EQ(w.households().n_households(), 12001u);
  }
  c.scale = 0.25;
  const World w(c);
  EXPECT_EQ(households_per_region(w), (std::vector<std::size_t>{2500, 500, 1}));
  const auto& region = w.households().region;
  EXPECT_TRUE(std::is_sorted(region.begin(), region.end())) << "households region by region";
}

TEST(Population, SizesAndAdultsAreInRangeAndEachHouseholdHasItsSlots) {
  RunConfig c = tiny_world_config();
  c.population.max_household_size = 8; // binds: 1 + Poisson(4.5) exceeds 8 for 9% in b
  const World w(c);
  const auto& hh = w.households();
  std::int64_t persons = 0;
  int largest = 0;
  for (std::size_t h = 0; h < hh.n_households(); ++h) {
    ASSERT_GE(hh.size[h], 1);
    ASSERT_LE(hh.size[h], 8);
    ASSERT_GE(hh.n_adults[h], 1);
    ASSERT_LE(hh.n_adults[h], std::min<int>(hh.size[h], MAX_ADULTS));
    ASSERT_EQ(hh.size[h], hh.n_adults[h] + hh.n_dependants[h]) << "household " << h;
    ASSERT_EQ(hh.first_adult[h], h * MAX_ADULTS) << "household " << h;
    persons += hh.size[h];
    largest = std::max<int>(largest, hh.size[h]);
  }
  EXPECT_EQ(largest, 8);
  EXPECT_EQ(hh.n_adults_total(), hh.n_households() * MAX_ADULTS);
  EXPECT_EQ(w.persons(), persons);
  for (std::size_t n : {hh.status.size(), hh.dest.size(), hh.wage_factor.size()})
    EXPECT_EQ(n, hh.n_households() * MAX_ADULTS);
}

// Sizes are 1 + Poisson(m − 1) (MODEL.md §3): the mean size of a region's n households is m
// within 4 sd, sd = sqrt((m − 1) / n) (0.017 in a, 0.047 in b; the cap of 12 cuts off
// P(Poisson(4.5) ≥ 12) ≈ 0.003 of b's households, a bias below 0.001).
TEST(Population, MeanHouseholdSizeIsTheRegionsWithinSamplingError) {
  const RunConfig c = tiny_world_config();
  const World w(c);
  const auto& hh = w.households();
  std::vector<double> persons(3, 0), n(3, 0);
  for (std::size_t h = 0; h < hh.n_households(); ++h) {
    persons[hh.region[h]] += hh.size[h];
    n[hh.region[h]] += 1;
  }
  for (std::size_t r = 0; r < 2; ++r) {
    const double m = c.regions[r].household_size;
    EXPECT_NEAR(persons[r] / n[r], m, 4 * std::sqrt((m - 1) / n[r])) << "region " << r;
  }
}

// Working-age adults are Binomial(size, share), clamped to 1..min(size, 4): a share of 1 makes
// every member up to four an adult, a share of 0 leaves the one adult every household has.
TEST(Population, WorkingAgeShareOfOneOrZeroGivesExactAdultCounts) {
  RunConfig c = tiny_world_config();
  c.regions[0].working_age_share = 1.0;
  c.regions[1].working_age_share = 0.0;
  const World w(c);
  const auto& hh = w.households();
  for (std::size_t h = 0; h < hh.n_households(); ++h) {
    if (hh.region[h] == 0) {
      ASSERT_EQ(hh.n_adults[h], std::min<int>(hh.size[h], MAX_ADULTS));
    } else if (hh.region[h] == 1) {
      ASSERT_EQ(hh.n_adults[h], 1);
    }
  }
}

// Land: a household is rural with probability rural_share and then holds an exponential plot
// of mean land_ha_mean. a (share 0.3, n = 10,000): share with land within 4·sqrt(0.21 / n) =
// 0.018; b (share 1, mean 0.8, n = 2,000): mean plot within 4·0.8 / sqrt(n) = 0.072.
TEST(Population, LandGoesToTheRuralShareWithTheMeanPlot) {
  RunConfig c = tiny_world_config();
  c.regions[0].rural_share = 0.3;
  c.regions[1].rural_share = 1.0;
  c.regions[1].land_ha_mean = 0.8;
  const World w(c);
  const auto& hh = w.households();
  double with_land_a = 0, n_a = 0, land_b = 0, n_b = 0;
  for (std::size_t h = 0; h < hh.n_households(); ++h) {
    ASSERT_GE(hh.land_ha[h], 0.0f);
    if (hh.region[h] == 0) {
      with_land_a += hh.land_ha[h] > 0;
      n_a += 1;
    } else if (hh.region[h] == 1) {
      land_b += hh.land_ha[h];
      n_b += 1;
    }
  }
  EXPECT_NEAR(with_land_a / n_a, 0.3, 4 * std::sqrt(0.3 * 0.7 / n_a));
  EXPECT_NEAR(land_b / n_b, 0.8, 4 * 0.8 / std::sqrt(n_b));
}

// Labour status from activity_rate and the region's unemployment at the start; the opening
// income is the farm income of the plot plus the wages of the adults employed at home, and the
// savings are initial_savings_months of it.
TEST(Population, LabourStatusAndOpeningIncomeFollowTheRegion) {
  RunConfig c = tiny_world_config();
  c.regions[0].activity_rate = 1.0; // everyone active: unemployed at u = 0.05
  c.regions[1].activity_rate = 0.0; // nobody active
  c.population.initial_savings_months = 3;
  const World w(c);
  const auto& hh = w.households();
  double unemployed = 0, active = 0;
  for (std::size_t h = 0; h < hh.n_households(); ++h) {
    const std::size_t r = hh.region[h];
    double wages = 0;
    for (std::size_t a = hh.first_adult[h]; a < hh.first_adult[h] + hh.n_adults[h]; ++a) {
      ASSERT_EQ(hh.dest[a], NO_DEST); // no initial stock abroad in tiny_world
      ASSERT_EQ(hh.ban_dest[a], NO_DEST);
      if (r == 1) {
        ASSERT_EQ(hh.status[a], AdultStatus::inactive);
      }
      if (r == 0) {
        ASSERT_TRUE(hh.status[a] == AdultStatus::home_employed ||
                    hh.status[a] == AdultStatus::home_unemployed);
        active += 1;
        unemployed += hh.status[a] == AdultStatus::home_unemployed;
      }
      if (hh.status[a] == AdultStatus::home_employed)
        wages += c.regions[r].wage_som.at(c.start) * hh.wage_factor[a];
    }
    const double income = hh.land_ha[h] * c.regions[r].farm_income_som_per_ha.at(c.start) + wages;
    ASSERT_NEAR(hh.income_som[h], income, 1e-6 * income + 1e-3) << "household " << h;
    ASSERT_EQ(hh.income_mean_som[h], hh.income_som[h]);
    ASSERT_EQ(hh.income_var[h], 0.0f);
    ASSERT_NEAR(hh.savings_som[h], 3 * income, 1e-6 * income + 1e-3);
    ASSERT_EQ(hh.remit_som[h], 0.0f);
  }
  // n ≈ 36,000 active adults in a: sd of the share sqrt(0.05·0.95 / n) ≈ 0.0011.
  EXPECT_NEAR(unemployed / active, 0.05, 4 * std::sqrt(0.05 * 0.95 / active));
}

// Traits, ages and wages over all ≈ 37,000 adults: shares within 4 binomial sd; wage factors
// are skill_factor / mean skill factor × a lognormal of mean 1, so log wage_factor for skill k
// has mean ln(f_k / f̄) − σ²/2 and sd σ (4σ / sqrt(n_k)), and the factors average 1 (sd of one
// factor sqrt(E[f²] / f̄² · e^{σ²} − 1)). Skill factors far from mean 1 (f̄ = 1.8), so that
// leaving out the normalisation would show. Ages lie in working age (16 up to 63 for men, 58
// for women) with the age_shares' mass there, uniform within a band.
TEST(Population, TraitsAndWageFactorsFollowThePopulationShares) {
  RunConfig c = tiny_world_config();
  c.population.skill_wage_factor = {1.0, 2.0, 4.0};
  const World w(c);
  const auto& hh = w.households();
  const auto& pop = c.population;
  std::vector<double> age(AGE_BANDS, 0), men_age(AGE_BANDS, 0), skill(3, 0), log_wage(3, 0);
  double women = 0, wage = 0, n = 0, men = 0;
  for (std::size_t h = 0; h < hh.n_households(); ++h)
    for (int k = 0; k < hh.n_adults[h]; ++k) {
      const std::size_t a = hh.first_adult[h] + static_cast<std::size_t>(k);
      const auto t = hh.traits[a];
      ASSERT_LT(Traits::skill(t), 3);
      const bool woman = Traits::woman(t);
      const int months = -hh.birth[a];
      ASSERT_GE(months, 12 * pop.working_age_from);
      ASSERT_LT(months, 12 * pop.retirement_age[woman ? 1 : 0]);
      women += woman;
      n += 1;
      if (!woman) {
        men += 1;
        men_age[static_cast<std::size_t>(age_band_of_years(months / 12))] += 1;
      }
      skill[static_cast<std::size_t>(Traits::skill(t))] += 1;
      log_wage[static_cast<std::size_t>(Traits::skill(t))] += std::log(hh.wage_factor[a]);
      wage += hh.wage_factor[a];
    }
  auto share_tol = [](double p, double of) { return 4 * std::sqrt(p * (1 - p) / of); };
  EXPECT_NEAR(women / n, pop.women_share, share_tol(pop.women_share, n));
  // Men's ages: band b's share of the age_shares' mass over 16..62 (band 3 holds 16-19, 4 of
  // its 5 years; band 12 holds 60-62, 3 of 5).
  double mass = 0;
  std::vector<double> expect(AGE_BANDS, 0);
  for (int b = 3; b <= 12; ++b) {
    const double years = b == 3 ? 4 : b == 12 ? 3 : 5;
    expect[static_cast<std::size_t>(b)] = pop.age_shares[static_cast<std::size_t>(b)] * years / 5;
    mass += expect[static_cast<std::size_t>(b)];
  }
  for (int b = 0; b < AGE_BANDS; ++b) {
    const double p = expect[static_cast<std::size_t>(b)] / mass;
    EXPECT_NEAR(men_age[static_cast<std::size_t>(b)] / men, p, share_tol(p, men) + 1e-12) << b;
  }
  double f_mean = 0, f2 = 0;
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_NEAR(skill[k] / n, pop.skill_shares[k], share_tol(pop.skill_shares[k], n)) << k;
    f_mean += pop.skill_shares[k] * pop.skill_wage_factor[k];
    f2 += pop.skill_shares[k] * pop.skill_wage_factor[k] * pop.skill_wage_factor[k];
  }
  const double sigma = pop.wage_sigma;
  for (std::size_t k = 0; k < 3; ++k)
    EXPECT_NEAR(log_wage[k] / skill[k],
                std::log(pop.skill_wage_factor[k] / f_mean) - sigma * sigma / 2,
                4 * sigma / std::sqrt(skill[k]))
        << "skill " << k;
  const double sd_factor = std::sqrt(f2 / (f_mean * f_mean) * std::exp(sigma * sigma) - 1);
  EXPECT_NEAR(wage / n, 1.0, 4 * sd_factor / std::sqrt(n));
}

// Members abroad at the start: each adult is away at foreign destination f with probability
// initial_stock_f / Σ_r population_r · working_age_share_r, employed, legal with the share of
// the regime in force at the start (ru EAEU 0.9, kz pre-EAEU 0.3 here). Counts are binomial
// over the A adults: sd sqrt(A q (1 − q)); legal shares over the members away.
TEST(Population, MembersAbroadAtTheStartFollowTheInitialStockAndRegime) {
  RunConfig c = tiny_world_config();
  c.destinations[0].initial_stock = 2000;
  c.destinations[1].initial_stock = 1000;
  c.regimes[static_cast<std::size_t>(Regime::eaeu)].legal_share = Series::constant(0.9);
  c.regimes[static_cast<std::size_t>(Regime::pre_eaeu)].legal_share = Series::constant(0.3);
  const World w(c);
  const auto& hh = w.households();
  double adults_full = 0;
  for (const auto& r : c.regions)
    adults_full += r.population * r.working_age_share;
  double A = 0;
  for (std::size_t h = 0; h < hh.n_households(); ++h)
    A += hh.n_adults[h];
  double away[2] = {0, 0}, legal[2] = {0, 0};
  for (std::size_t a = 0; a < hh.n_adults_total(); ++a) {
    if (hh.status[a] != AdultStatus::away) {
      ASSERT_EQ(hh.dest[a], NO_DEST);
      continue;
    }
    ASSERT_TRUE(hh.dest[a] == 3 || hh.dest[a] == 4) << "away only at a foreign destination";
    ASSERT_EQ(hh.since_step[a], -1);
    ASSERT_NE(hh.away_flags[a] & AwayFlags::EMPLOYED, 0);
    const std::size_t f = hh.dest[a] - 3u;
    away[f] += 1;
    legal[f] += (hh.away_flags[a] & AwayFlags::LEGAL) != 0;
  }
  const double legal_share[2] = {0.9, 0.3};
  for (std::size_t f = 0; f < 2; ++f) {
    const double q = c.destinations[f].initial_stock / adults_full;
    EXPECT_NEAR(away[f], A * q, 4 * std::sqrt(A * q * (1 - q))) << "destination " << f;
    const double p = legal_share[f];
    EXPECT_NEAR(legal[f] / away[f], p, 4 * std::sqrt(p * (1 - p) / away[f])) << "destination " << f;
  }
}

//! Every array the generation fills, compared bit for bit.
bool same_population(const Households& x, const Households& y) {
  return x.region == y.region && x.size == y.size && x.n_adults == y.n_adults &&
         x.first_adult == y.first_adult && x.land_ha == y.land_ha &&
         x.savings_som == y.savings_som && x.income_som == y.income_som && x.traits == y.traits &&
         x.status == y.status && x.dest == y.dest && x.away_flags == y.away_flags &&
         x.wage_factor == y.wage_factor;
}

// The population is a function of world_seed alone (keyed draws): the same for the same world
// seed whatever the dynamics seed and thread count (a has 10,000 households, three chunks of
// the parallel generation), different for another world seed.
TEST(Population, IsDeterminedByTheWorldSeedAlone) {
  RunConfig c = tiny_world_config();
  c.destinations[0].initial_stock = 2000; // the initial-abroad draws too
  auto generate = [](const RunConfig& cfg, int threads) {
    tbb::global_control gc(tbb::global_control::max_allowed_parallelism,
                           static_cast<std::size_t>(threads));
    const World w(cfg);
    return w.households();
  };
  const Households one = generate(c, 1);
  EXPECT_TRUE(same_population(one, generate(c, 2)));
  RunConfig other_dynamics = c;
  other_dynamics.seed = 12345;
  EXPECT_TRUE(same_population(one, generate(other_dynamics, 2)));
  RunConfig other_world = c;
  other_world.world_seed = 12;
  const Households two = generate(other_world, 1);
  EXPECT_FALSE(same_population(one, two));
  // Not just one array: the household draws move, and so do the adults' (compared household by
  // household on the first adult, whose slot moves with the sizes before it).
  EXPECT_NE(one.size, two.size);
  EXPECT_NE(one.land_ha, two.land_ha);
  std::size_t same_traits = 0, same_wage = 0, different_dest = 0;
  for (std::size_t h = 0; h < one.n_households(); ++h) {
    const std::size_t a = one.first_adult[h], b = two.first_adult[h];
    same_traits += one.traits[a] == two.traits[b];
    same_wage += one.wage_factor[a] == two.wage_factor[b];
    different_dest += one.dest[a] != two.dest[b];
  }
  EXPECT_LT(same_traits, one.n_households() / 2); // ≈ 7% agree by chance
  EXPECT_EQ(same_wage, 0u);
  EXPECT_GT(different_dest, 0u);
  // The counts per region do not depend on the seed.
  EXPECT_EQ(std::count(two.region.begin(), two.region.end(), 0), 10000);
}

} // namespace
} // namespace kochmon::sim
