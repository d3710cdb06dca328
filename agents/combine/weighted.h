#ifndef KOCHMON_AGENTS_COMBINE_WEIGHTED_H
#define KOCHMON_AGENTS_COMBINE_WEIGHTED_H

#include "sim/api/decision_rule.h"

namespace kochmon::agents {

//! Weighted mean of the rules' own logit probabilities (MODEL.md §5 "Combining"); the rules'
//! `weight`s are the mixing weights.
class Weighted final : public sim::Combinator {
public:
  static sim::PluginInfo info();
  explicit Weighted(const sim::Params& p);
  void probabilities(const sim::CombineInput& in, std::span<double> p) const override;
};

} // namespace kochmon::agents

#endif
