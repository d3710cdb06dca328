// Combinators (MODEL.md §5 "Combining"): any ≥ each single rule ≥ all; sequential equals its
// parts; weighted is the weighted mean; logit is the textbook formula.

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include <gtest/gtest.h>

#include "agents/builtin.h"
#include "agents/combine/any_all.h"
#include "agents/combine/logit.h"
#include "agents/combine/rule_logit.h"
#include "agents/combine/sequential.h"
#include "agents/combine/weighted.h"
#include "agents/rules/harris_todaro.h"
#include "sim/engine/simulation.h"
#include "tests/support/configs.h"

namespace kochmon::agents {
namespace {

struct Scores {
  std::vector<sim::OptionView> options = std::vector<sim::OptionView>(4);
  // Two rules over stay + 3 destinations; destination 2 unavailable.
  std::vector<double> s{0, 0.5,  3.0, -1.0, //
                        0, -0.5, 2.0, 1.5};
  std::vector<double> w{1.0, 1.0};
  Scores() { options[2].available = false; }
  sim::CombineInput input(double rate = 0.1) const { return {s, w, options, rate}; }
};

double go(std::span<const double> p) {
  return 1.0 - p[0];
}

std::vector<double> probs(const sim::Combinator& c, const sim::CombineInput& in) {
  std::vector<double> p(in.options.size());
  c.probabilities(in, p);
  return p;
}

TEST(Combinators, ProbabilitiesSumToOneAndSkipUnavailableOptions) {
  const Scores sc;
  const sim::Params seq{{"whether", 0}, {"where", 1}};
  const Logit logit({});
  const Weighted weighted({});
  const Any any({});
  const All all({});
  const Sequential sequential(seq);
  for (const sim::Combinator* c :
       std::initializer_list<const sim::Combinator*>{&logit, &weighted, &any, &all, &sequential}) {
    const auto p = probs(*c, sc.input());
    EXPECT_NEAR(std::accumulate(p.begin(), p.end(), 0.0), 1.0, 1e-12);
    EXPECT_EQ(p[2], 0.0);
    for (double x : p)
      EXPECT_GE(x, 0.0);
  }
}

TEST(Combinators, LogitIsTheTextbookFormula) {
  const Scores sc;
  const auto p = probs(Logit({}), sc.input(0.1));
  // V_d = s_1(d) + s_2(d) over available d = 1, 3.
  const double e1 = std::exp(0.5 - 0.5), e3 = std::exp(-1.0 + 1.5);
  EXPECT_NEAR(p[1], 0.1 * e1 / (1 + e1 + e3), 1e-12);
  EXPECT_NEAR(p[3], 0.1 * e3 / (1 + e1 + e3), 1e-12);
}

TEST(Combinators, AnyAtLeastEachRuleAtLeastAll) {
  const Scores sc;
  const double any = go(probs(Any({}), sc.input()));
  const double all = go(probs(All({}), sc.input()));
  std::vector<double> share(4);
  for (std::size_t k = 0; k < 2; ++k) {
    const double single = 0.1 * rule_logit(sc.input(), k, share);
    EXPECT_GE(any, single);
    EXPECT_LE(all, single);
  }
  EXPECT_GT(any, all);
}

TEST(Combinators, SequentialEqualsItsParts) {
  const Scores sc;
  const auto p = probs(Sequential({{"whether", 0}, {"where", 1}}), sc.input());
  std::vector<double> share0(4), share1(4);
  const double whether = 0.1 * rule_logit(sc.input(), 0, share0);
  rule_logit(sc.input(), 1, share1);
  EXPECT_NEAR(go(p), whether, 1e-12);
  for (std::size_t d = 1; d < 4; ++d)
    EXPECT_NEAR(p[d], whether * share1[d], 1e-12);
  // Swapping the roles swaps the parts.
  const auto q = probs(Sequential({{"whether", 1}, {"where", 0}}), sc.input());
  EXPECT_NEAR(go(q), 0.1 * rule_logit(sc.input(), 1, share1), 1e-12);
}

TEST(Combinators, WeightedIsTheWeightedMean) {
  Scores sc;
  sc.w = {3.0, 1.0};
  const auto p = probs(Weighted({}), sc.input());
  std::vector<double> s0(4), s1(4);
  const double g0 = rule_logit(sc.input(), 0, s0), g1 = rule_logit(sc.input(), 1, s1);
  for (std::size_t d = 1; d < 4; ++d)
    EXPECT_NEAR(p[d], 0.1 * (0.75 * g0 * s0[d] + 0.25 * g1 * s1[d]), 1e-12);
}

// In a simulation: the departure rate under any ≥ under each rule alone ≥ under all.
struct Departures {
  double first_month = 0, total = 0;
};

Departures departures(const sim::RunConfig& c) {
  const auto reg = builtin_registries();
  sim::Simulation sim(c, reg);
  const std::size_t dep = sim.series_index("departures");
  Departures n;
  for (int t = 0; t < c.n_steps(); ++t) {
    sim.step();
    for (double v : sim.values(dep)) {
      n.total += v;
      if (t == 0) n.first_month += v;
    }
  }
  return n;
}

TEST(CombinatorsSimulation, AnyRateAtLeastSingleRatesAtLeastAllRate) {
  auto base = tests::two_region_config(3000, 12);
  sim::RuleSpec ht;
  ht.rule = "harris_todaro";
  ht.params = tests::defaults_of<HarrisTodaro>();
  ht.params["asc_foreign"] = -1.0;
  // b_ht 0.02 (not the default 0.2, at which Harris–Todaro's P(go) is ≈ 1 and any ≈ ht,
  // all ≈ push–pull): P(go) ≈ 0.5 in the north and 0.8 in the south, so every inequality
  // below is strict and the sizes can be checked.
  ht.params["b_ht"] = 0.02;
  base.decision.rules.push_back(ht);
  auto with = [&](const std::string& combine) {
    auto c = base;
    c.decision.combine = combine;
    return departures(c);
  };
  auto only = [&](std::size_t k) {
    auto c = base;
    c.decision.rules = {base.decision.rules[k]};
    return departures(c);
  };
  const Departures any = with("any"), all = with("all"), pp = only(0), htr = only(1);
  ASSERT_GT(all.total, 0);
  // Month 1: the same households with the same keyed draws in every arm, and a household goes
  // when its decision draw is below rate·P(go), with P_any ≥ P_k ≥ P_all household by
  // household: the counts nest exactly (no sampling error).
  EXPECT_GE(any.first_month, pp.first_month);
  EXPECT_GE(any.first_month, htr.first_month);
  EXPECT_LE(all.first_month, std::min(pp.first_month, htr.first_month));
  // Their sizes: P_any = r·(g1 + g2 − g1·g2) and P_all = r·g1·g2, so E[any + all − pp − ht] =
  // 0; a household counts ±1 in it only when its draw falls between the nested thresholds, so
  // var = E[those] ≤ (any − max(pp, ht)) + (min(pp, ht) − all) (≈ 95 of ≈ 300 deciders;
  // z = 0.1 ± 1.1 over 50 seeds); 4 sd.
  const double between = (any.first_month - std::max(pp.first_month, htr.first_month)) +
                         (std::min(pp.first_month, htr.first_month) - all.first_month);
  EXPECT_NEAR(any.first_month + all.first_month, pp.first_month + htr.first_month,
              4 * std::sqrt(std::max(0.0, between)));
  // Over 12 months the paths part (who is away changes who can go), so the gaps are compared
  // with their noise: for counts a, b sd(a − b) ≤ sqrt(a + b) (≈ 75; the common draws only
  // lower it). Measured over 50 seeds the gaps are 5.7 (any − pp), 9.5 (any − ht), 10.9
  // (pp − all) and 7.1 (ht − all) times sqrt(a + b); each must exceed 4 sd.
  auto noise = [](const Departures& a, const Departures& b) {
    return 4 * std::sqrt(a.total + b.total);
  };
  EXPECT_GT(any.total - pp.total, noise(any, pp));
  EXPECT_GT(any.total - htr.total, noise(any, htr));
  EXPECT_GT(pp.total - all.total, noise(pp, all));
  EXPECT_GT(htr.total - all.total, noise(htr, all));
}

} // namespace
} // namespace kochmon::agents
