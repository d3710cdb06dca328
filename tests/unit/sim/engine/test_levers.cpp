// Levers as series from a date (issue #15): urban job growth compounds at each month's rate.

#include <cmath>

#include <gtest/gtest.h>

#include "sim/engine/engine.h"

namespace kochmon::sim {
namespace {

TEST(Levers, JobGrowthCompoundsAtEachMonthsRate) {
  const Month start = Month::of(2010, 1);
  // A constant rate is one pow: exactly the closed form the engine used before rates became
  // series (the golden digests of every scenario with urban job growth depend on it).
  const Series two = Series::constant(2.0);
  for (int t : {0, 1, 12, 131})
    EXPECT_EQ(job_growth_factor(two, start, t), std::pow(1.02, t / 12.0)) << t;
  // No growth for the first year, then 12% a year from 2011-01: after 18 months, half a year
  // at 12%.
  const Series step{
      {{static_cast<double>(start.index), 0.0}, {static_cast<double>((start + 12).index), 12.0}},
      Series::Mode::hold,
      0.0};
  EXPECT_EQ(job_growth_factor(step, start, 12), 1.0);
  EXPECT_NEAR(job_growth_factor(step, start, 18), std::pow(1.12, 0.5), 1e-14);
  // Interpolated rates change every month: the product of the monthly factors.
  const Series ramp{
      {{static_cast<double>(start.index), 0.0}, {static_cast<double>((start + 10).index), 10.0}},
      Series::Mode::interpolate,
      0.0};
  double want = 1.0;
  for (int k = 0; k < 10; ++k)
    want *= std::pow(1.0 + k / 100.0, 1.0 / 12.0);
  EXPECT_NEAR(job_growth_factor(ramp, start, 10), want, 1e-14);
}

} // namespace
} // namespace kochmon::sim
