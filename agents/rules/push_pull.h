#ifndef KOCHMON_AGENTS_RULES_PUSH_PULL_H
#define KOCHMON_AGENTS_RULES_PUSH_PULL_H

#include "sim/api/decision_rule.h"

namespace kochmon::agents {

//! Push–pull in gravity form (Ravenstein, Lee; MODEL.md §5): a destination attracts by its
//! wage and employment against home's, by the network already there, and repels by cost and
//! distance; poverty and land shortage push from home.
class PushPull final : public sim::DecisionRule {
public:
  static sim::PluginInfo info();
  explicit PushPull(const sim::Params& p);
  void score_region(const sim::RegionContext& ctx, std::span<double> s) const override;
  bool uses_household() const override {
    return b_land_ != 0.0 || b_farm_ != 0.0 || b_away_ != 0.0;
  }
  void score(const sim::DecisionContext& ctx, std::span<const double> base,
             std::span<double> s) const override;

private:
  double b_wage_, b_unemp_, b_network_, k_network_, b_cost_, b_dist_, b_poverty_, b_land_,
      land_need_ha_, b_farm_, b_away_, b_policy_, asc_internal_, asc_foreign_;
};

} // namespace kochmon::agents

#endif
