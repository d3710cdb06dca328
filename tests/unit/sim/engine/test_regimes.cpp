// Entry regimes in the engine's month (MODEL.md §2, §6): EAEU accession raises the legal
// share of the stock abroad.

#include <cmath>

#include <gtest/gtest.h>

#include "agents/builtin.h"
#include "sim/engine/simulation.h"
#include "tests/support/configs.h"

namespace kochmon::agents {
namespace {

TEST(Regimes, EaeuAccessionRaisesTheLegalShareOfTheStock) {
  auto c = tests::two_region_config(3000, 48);
  c.regimes[1].legal_share = sim::Series::constant(0.95);
  c.regimes[1].legalise_monthly = sim::Series::constant(0.2);
  struct Legal {
    double share = 0, n = 0; // legal share of the stock abroad at the end, and that stock
  };
  auto legal_share = [](const sim::RunConfig& cfg) {
    const auto reg = builtin_registries();
    sim::Simulation sim(cfg, reg);
    for (int t = 0; t < cfg.n_steps(); ++t)
      sim.step();
    const auto v = sim.values(sim.series_index("stock_by_sex_legal"));
    double legal = 0, all = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
      all += v[i];
      if (i % 2 == 0) legal += v[i];
    }
    return Legal{legal / all, all};
  };
  const Legal before = legal_share(c);
  c.destinations[0].regimes = {{c.start, sim::Regime::pre_eaeu}, {c.start + 24, sim::Regime::eaeu}};
  const Legal after = legal_share(c);
  // n ≈ 5,600 members abroad: binomial sd sqrt(s (1 − s) / n) ≈ 0.0055 before (s ≈ 0.78),
  // 0.0011 after; the paths part at month 24, so the sd of the difference ≤ sqrt of the sum
  // (0.0054 measured over 20 seeds); the effect exceeds 4 sd.
  EXPECT_GT(after.share - before.share, 4 * std::sqrt(before.share * (1 - before.share) / before.n +
                                                      after.share * (1 - after.share) / after.n));
  // Its size: after 24 months of EAEU at most 1 − 0.95 of the arrivals came illegally, and
  // of the illegal ones from before at most (1 − 0.2)^24 ≈ 0.5% have not regularised, so the
  // legal share is at least 0.95 − 0.005 less 4 binomial sd (≈ 0.003).
  const auto& eaeu = c.regimes[static_cast<std::size_t>(sim::Regime::eaeu)];
  const double least =
      eaeu.legal_share.at(c.start) - std::pow(1 - eaeu.legalise_monthly.at(c.start), 24);
  EXPECT_GT(after.share, least - 4 * std::sqrt(least * (1 - least) / after.n));
}

} // namespace
} // namespace kochmon::agents
