#ifndef KOCHMON_AGENTS_COMBINE_ANY_ALL_H
#define KOCHMON_AGENTS_COMBINE_ANY_ALL_H

#include "sim/api/decision_rule.h"

namespace kochmon::agents {

//! The factor-combination question (MODEL.md §5): a household goes if ANY rule says go
//! (independent yeses) or only if ALL of them do. Where it goes is the mean of the rules' own
//! destination shares. The rules' weights are not used.
class AnyAll : public sim::Combinator {
public:
  void probabilities(const sim::CombineInput& in, std::span<double> p) const override;

protected:
  explicit AnyAll(bool any) : any_(any) {}

private:
  bool any_;
};

class Any final : public AnyAll {
public:
  static sim::PluginInfo info();
  explicit Any(const sim::Params&) : AnyAll(true) {}
};

class All final : public AnyAll {
public:
  static sim::PluginInfo info();
  explicit All(const sim::Params&) : AnyAll(false) {}
};

} // namespace kochmon::agents

#endif
