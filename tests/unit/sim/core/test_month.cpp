#include <gtest/gtest.h>

#include "sim/core/month.h"
#include "sim/core/series.h"

namespace kochmon::sim {

TEST(Month, ParsesAndPrints) {
  auto m = Month::parse("2015-08");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->year(), 2015);
  EXPECT_EQ(m->month(), 8);
  EXPECT_EQ(m->str(), "2015-08");
  EXPECT_EQ((*m + 5).str(), "2016-01");
  EXPECT_FALSE(Month::parse("2015-13"));
  EXPECT_FALSE(Month::parse("2015-8"));
  EXPECT_FALSE(Month::parse("15-08-01"));
}

TEST(Series, InterpolatesHoldsAndGrows) {
  Series s{{{Month::of(2010, 7).index, 100.0}, {Month::of(2011, 7).index, 112.0}},
           Series::Mode::interpolate,
           0.10};
  EXPECT_DOUBLE_EQ(s.at(Month::of(2009, 1)), 100.0);
  EXPECT_DOUBLE_EQ(s.at(Month::of(2011, 1)), 106.0);
  EXPECT_NEAR(s.at(Month::of(2012, 7)), 112.0 * 1.10, 1e-9);
  s.mode = Series::Mode::hold;
  EXPECT_DOUBLE_EQ(s.at(Month::of(2011, 1)), 100.0);
}

// A lever from a date: before's value before from_t, the series' own from then on, where the
// series reads as if alone (its first value holds back to from_t).
TEST(Series, FromADateKeepsWhatCameBefore) {
  Series before = Series::constant(7.0);
  Series s{{{Month::of(2020, 7).index, 10.0}, {Month::of(2021, 7).index, 20.0}},
           Series::Mode::interpolate,
           0.0};
  s.before = std::make_shared<const Series>(before);
  s.from_t = Month::of(2020, 1).index;
  EXPECT_EQ(s.at(Month::of(2010, 1)), 7.0);
  EXPECT_EQ(s.at(Month::of(2019, 12)), 7.0);
  EXPECT_EQ(s.at(Month::of(2020, 1)), 10.0);
  EXPECT_DOUBLE_EQ(s.at(Month::of(2021, 1)), 15.0);
  const Series copy = s; // copies share the (immutable) earlier part
  EXPECT_EQ(copy.at(Month::of(2019, 12)), 7.0);
}

} // namespace kochmon::sim
