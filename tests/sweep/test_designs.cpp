// Designs: Sobol points, grid order, LHS strata, Saltelli and Morris layouts, derived seeds.

#include <cmath>
#include <set>

#include <gtest/gtest.h>

#include "sweep/design.h"
#include "sweep/identity.h"
#include "sweep/sobol.h"

using namespace kochmon::sweep;

TEST(Sobol, FirstPointsMatchJoeKuo) {
  const Sobol s(3);
  // Gray-code order, as scipy.stats.qmc.Sobol(d=3, scramble=False) gives them.
  const std::vector<std::vector<double>> expected = {
      {0, 0, 0}, {0.5, 0.5, 0.5}, {0.75, 0.25, 0.25}, {0.25, 0.75, 0.75}, {0.375, 0.375, 0.625}};
  for (std::size_t i = 0; i < expected.size(); ++i)
    EXPECT_EQ(s.point(i), expected[i]) << i;
}

TEST(Sobol, EveryDimensionIsStratified) {
  // The first 2^m points of each dimension hit every interval [j/2^m, (j+1)/2^m) once.
  const Sobol s(Sobol::MAX_DIMS);
  const auto pts = s.points(0, 64);
  for (int d = 0; d < Sobol::MAX_DIMS; ++d) {
    std::set<int> cells;
    for (const auto& p : pts)
      cells.insert(static_cast<int>(p[static_cast<std::size_t>(d)] * 64));
    EXPECT_EQ(cells.size(), 64u) << "dimension " << d;
  }
}

TEST(Designs, GridIsCartesianLastParameterFastest) {
  std::vector<Parameter> p(2);
  p[0].values = {"1", "2"};
  p[1].values = {"a", "b", "c"};
  const auto pts = make_design({Method::grid, 0, 4, 1}, p);
  ASSERT_EQ(pts.size(), 6u);
  EXPECT_EQ(pts[1].text, (std::vector<std::string>{"1", "b"}));
  EXPECT_EQ(pts[3].text, (std::vector<std::string>{"2", "a"}));
  EXPECT_TRUE(std::isnan(pts[3].number[1]));
  EXPECT_EQ(pts[3].number[0], 2.0);
}

TEST(Designs, LatinHypercubeHasOnePointPerStratumAndIsKeyedBySeed) {
  std::vector<Parameter> p(3);
  for (auto& q : p)
    q.min = 10, q.max = 20;
  const auto a = make_design({Method::lhs, 50, 4, 7}, p);
  const auto b = make_design({Method::lhs, 50, 4, 7}, p);
  const auto c = make_design({Method::lhs, 50, 4, 8}, p);
  ASSERT_EQ(a.size(), 50u);
  for (std::size_t d = 0; d < 3; ++d) {
    std::set<int> strata;
    for (const auto& pt : a) {
      strata.insert(static_cast<int>(pt.unit[d] * 50));
      EXPECT_GE(pt.number[d], 10.0);
      EXPECT_LT(pt.number[d], 20.0);
    }
    EXPECT_EQ(strata.size(), 50u);
  }
  EXPECT_EQ(a[17].text, b[17].text);
  EXPECT_NE(a[17].text, c[17].text);
}

TEST(Designs, SaltelliBlocksAreABiB) {
  const int k = 3;
  const auto u = saltelli_unit(8, k);
  ASSERT_EQ(u.size(), 8u * (k + 2));
  for (int j = 0; j < 8; ++j) {
    const auto& a = u[static_cast<std::size_t>(j * (k + 2))];
    const auto& b = u[static_cast<std::size_t>(j * (k + 2) + k + 1)];
    for (int i = 0; i < k; ++i) {
      const auto& ab = u[static_cast<std::size_t>(j * (k + 2) + 1 + i)];
      for (int d = 0; d < k; ++d)
        EXPECT_EQ(ab[static_cast<std::size_t>(d)],
                  d == i ? b[static_cast<std::size_t>(d)] : a[static_cast<std::size_t>(d)]);
    }
  }
}

TEST(Designs, MorrisTrajectoriesMoveOneFactorByDelta) {
  const int k = 4, p = 4;
  const double delta = p / (2.0 * (p - 1));
  const auto x = morris_unit(10, k, p, 3);
  ASSERT_EQ(x.size(), 10u * (k + 1));
  for (int t = 0; t < 10; ++t) {
    std::set<int> moved;
    for (int m = 0; m < k; ++m) {
      const auto& a = x[static_cast<std::size_t>(t * (k + 1) + m)];
      const auto& b = x[static_cast<std::size_t>(t * (k + 1) + m + 1)];
      int changed = 0;
      for (int i = 0; i < k; ++i) {
        const auto ii = static_cast<std::size_t>(i);
        EXPECT_GE(b[ii], -1e-12);
        EXPECT_LE(b[ii], 1 + 1e-12);
        if (a[ii] != b[ii]) {
          ++changed;
          moved.insert(i);
          EXPECT_NEAR(std::fabs(b[ii] - a[ii]), delta, 1e-12);
        }
      }
      EXPECT_EQ(changed, 1);
    }
    EXPECT_EQ(moved.size(), static_cast<std::size_t>(k));
  }
}

TEST(Identity, SeedsAreDeterministicAndDistinct) {
  EXPECT_EQ(derive_seed(1, 2, 3), derive_seed(1, 2, 3));
  std::set<std::uint64_t> seen;
  for (std::uint64_t p = 0; p < 100; ++p)
    for (std::uint64_t r = 0; r < 10; ++r) {
      const auto s = derive_seed(42, p, r);
      EXPECT_LT(s, std::uint64_t{1} << 62);
      seen.insert(s);
    }
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_EQ(derive_run_id("abc", 5).size(), 32u);
  EXPECT_NE(derive_run_id("abc", 5), derive_run_id("abc", 6));
}

TEST(Identity, NormalQuantile) {
  EXPECT_NEAR(normal_quantile(0.975), 1.959963984540054, 1e-12);
  EXPECT_NEAR(normal_quantile(0.5), 0.0, 1e-15);
  EXPECT_NEAR(normal_quantile(0.001), -3.090232306167813, 1e-10);
}
