// Sobol indices and Morris effects on the Ishigami function, whose indices are known
// analytically (a = 7, b = 0.1): S1 = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437).

#include <cmath>

#include <gtest/gtest.h>

#include "sweep/design.h"
#include "sweep/sensitivity.h"

using namespace kochmon::sweep;

namespace {

double ishigami(const std::vector<double>& u) {
  const double pi = M_PI;
  const double x1 = -pi + 2 * pi * u[0], x2 = -pi + 2 * pi * u[1], x3 = -pi + 2 * pi * u[2];
  return std::sin(x1) + 7 * std::sin(x2) * std::sin(x2) + 0.1 * std::pow(x3, 4) * std::sin(x1);
}

} // namespace

TEST(Sensitivity, SobolIndicesOfIshigami) {
  const int n = 8192, k = 3;
  std::vector<double> y;
  for (const auto& u : saltelli_unit(n, k))
    y.push_back(ishigami(u));
  const auto s = sobol_indices(y, n, k, 200);
  const double s1[] = {0.3139, 0.4424, 0.0}, st[] = {0.5576, 0.4424, 0.2437};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_NEAR(s.s1[i], s1[i], 0.02) << "S1 of x" << i + 1;
    EXPECT_NEAR(s.st[i], st[i], 0.02) << "ST of x" << i + 1;
    EXPECT_GT(s.s1_conf[i], 0.0);
    EXPECT_LT(s.s1_conf[i], 0.1);
    // The analytic value lies within a generous multiple of the bootstrap half-width.
    EXPECT_LT(std::fabs(s.st[i] - st[i]), 3 * s.st_conf[i] + 0.01);
  }
  // Fixed bootstrap seed: the same table every time.
  const auto again = sobol_indices(y, n, k, 200);
  EXPECT_EQ(again.s1_conf, s.s1_conf);
}

TEST(Sensitivity, MorrisOfALinearFunctionGivesItsSlopes) {
  const int k = 3;
  const auto x = morris_unit(20, k, 4, 11);
  std::vector<double> y;
  for (const auto& u : x)
    y.push_back(2 * u[0] - 5 * u[1] + 0 * u[2]);
  const auto m = morris_indices(x, y, k, 100);
  EXPECT_NEAR(m.mu[0], 2, 1e-9);
  EXPECT_NEAR(m.mu[1], -5, 1e-9);
  EXPECT_NEAR(m.mu_star[1], 5, 1e-9);
  EXPECT_NEAR(m.mu_star[2], 0, 1e-12);
  EXPECT_NEAR(m.sigma[0], 0, 1e-9);
}

TEST(Sensitivity, MorrisRanksIshigami) {
  const int k = 3;
  const auto x = morris_unit(200, k, 4, 5);
  std::vector<double> y;
  for (const auto& u : x)
    y.push_back(ishigami(u));
  const auto m = morris_indices(x, y, k, 100);
  // x3 acts only through its interaction with x1: mu near 0, but mu* and sigma large.
  EXPECT_GT(m.mu_star[0], m.mu_star[2] * 0.5);
  EXPECT_GT(m.mu_star[2], 1.0);
  EXPECT_LT(std::fabs(m.mu[2]), m.mu_star[2]);
  EXPECT_GT(m.sigma[2], m.mu_star[2] * 0.5);
  EXPECT_GT(m.mu_star[1], 1.0);
}
