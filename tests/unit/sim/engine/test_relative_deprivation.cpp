#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "sim/core/rng.h"
#include "sim/engine/relative_deprivation.h"

namespace kochmon::sim {
namespace {

double exact_rd(const std::vector<double>& y, double yh) {
  double mean = 0, excess = 0;
  for (double v : y)
    mean += v;
  mean /= static_cast<double>(y.size());
  for (double v : y)
    if (v > yh) excess += v - yh;
  return excess / (static_cast<double>(y.size()) * mean);
}

TEST(IncomeHistogram, MatchesExactRelativeDeprivation) {
  // A lognormal income distribution around 15,000 som, with a mass of zero incomes.
  std::vector<double> y;
  for (std::uint64_t i = 0; i < 5000; ++i) {
    const auto b = KeyedDraws(3, Stream::world, i, 0, Purpose::income).block(0);
    y.push_back(i % 10 == 0 ? 0.0 : 15000 * std::exp(0.7 * KeyedDraws::normal(b.v[0], b.v[1])));
  }
  IncomeHistogram hist;
  for (double v : y)
    hist.add(v);
  hist.finish();
  double mean_exact = 0;
  for (std::size_t i = 0; i < y.size(); i += 7) {
    const double e = exact_rd(y, y[i]);
    EXPECT_NEAR(hist.relative_deprivation(y[i]), e, 2e-3) << "income " << y[i];
  }
  for (double v : y)
    mean_exact += exact_rd(y, v);
  mean_exact /= static_cast<double>(y.size());
  EXPECT_NEAR(hist.mean_relative_deprivation(), mean_exact, 1e-3);
  // The richest household is not deprived; the poorest is deprived by about the mean gap.
  EXPECT_NEAR(hist.relative_deprivation(1e9), 0.0, 1e-12);
  EXPECT_NEAR(hist.relative_deprivation(0.0), 1.0, 1e-5);
}

TEST(IncomeHistogram, EqualIncomesMeanNoDeprivation) {
  IncomeHistogram hist;
  for (int i = 0; i < 100; ++i)
    hist.add(10000);
  hist.finish();
  // Equal incomes share one bin; the within-bin spread assumed is at most half a bin (0.2%).
  EXPECT_LT(hist.relative_deprivation(10000), 2e-3);
  EXPECT_LT(hist.mean_relative_deprivation(), 2e-3);
}

} // namespace
} // namespace kochmon::sim
