#ifndef KOCHMON_AGENTS_RULES_HARRIS_TODARO_H
#define KOCHMON_AGENTS_RULES_HARRIS_TODARO_H

#include "sim/api/decision_rule.h"

namespace kochmon::agents {

//! Harris–Todaro expected income (MODEL.md §5): the present value over a horizon of the
//! expected earnings difference, employment probability × wage, minus the cost of going, in
//! months of home wage. With an endogenous urban labour market, migration stops where
//! p_urban·w_urban ≈ p_r·w_r, with urban unemployment. Abroad the wage is what a legal or an
//! illegal migrant keeps, and an illegal migrant's gain lasts until detection and expulsion.
class HarrisTodaro final : public sim::DecisionRule {
public:
  static sim::PluginInfo info();
  explicit HarrisTodaro(const sim::Params& p);
  void score_region(const sim::RegionContext& ctx, std::span<double> s) const override;

private:
  //! Σ_{t<H} x^t.
  double present_value(double x) const;

  double b_ht_, delta_, pv_factor_, remittance_view_, asc_internal_, asc_foreign_;
  int horizon_;
};

} // namespace kochmon::agents

#endif
