#ifndef KOCHMON_AGENTS_COMBINE_SEQUENTIAL_H
#define KOCHMON_AGENTS_COMBINE_SEQUENTIAL_H

#include "sim/api/decision_rule.h"

namespace kochmon::agents {

//! One rule decides whether to go, another where (MODEL.md §5): the household goes with the
//! `whether` rule's probability, and picks a destination by the `where` rule's shares.
class Sequential final : public sim::Combinator {
public:
  static sim::PluginInfo info();
  explicit Sequential(const sim::Params& p);
  void probabilities(const sim::CombineInput& in, std::span<double> p) const override;

private:
  std::size_t whether_, where_;
};

} // namespace kochmon::agents

#endif
