#ifndef KOCHMON_AGENTS_RULES_NELM_H
#define KOCHMON_AGENTS_RULES_NELM_H

#include "sim/api/decision_rule.h"

namespace kochmon::agents {

//! New Economics of Labour Migration (Stark; Stark & Levhari; Taylor; MODEL.md §5): the
//! household places one adult abroad to raise expected income, to diversify its income risk
//! (a destination whose risk is uncorrelated with home's shocks lowers the portfolio's
//! variance), and to escape relative deprivation in its region.
class Nelm final : public sim::DecisionRule {
public:
  static sim::PluginInfo info();
  explicit Nelm(const sim::Params& p);
  void score_region(const sim::RegionContext& ctx, std::span<double> s) const override;
  bool uses_household() const override { return true; }
  bool needs_relative_deprivation() const override { return g_ != 0.0; }
  void score(const sim::DecisionContext& ctx, std::span<const double> base,
             std::span<double> s) const override;

  //! ΔU(d)/ȳ_r for one household and destination (exposed for tests).
  double delta_u(const sim::OriginView& o, const sim::OptionView& d,
                 const sim::HouseholdView& h) const;

private:
  double b_nelm_, rho_, g_, asc_internal_, asc_foreign_;
};

} // namespace kochmon::agents

#endif
