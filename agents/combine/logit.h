#ifndef KOCHMON_AGENTS_COMBINE_LOGIT_H
#define KOCHMON_AGENTS_COMBINE_LOGIT_H

#include "sim/api/decision_rule.h"

namespace kochmon::agents {

//! Multinomial logit over the rules' weighted scores (MODEL.md §5 "Combining"): a household
//! weighs a move with the monthly rate, and then picks among stay (utility 0) and the
//! available destinations with probabilities ∝ exp(Σ_k θ_k·s_k(d)).
class Logit final : public sim::Combinator {
public:
  static sim::PluginInfo info();
  explicit Logit(const sim::Params& p);
  void probabilities(const sim::CombineInput& in, std::span<double> p) const override;
};

} // namespace kochmon::agents

#endif
