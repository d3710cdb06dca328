#include "agents/abroad/return_home_gap.h"

#include <algorithm>

#include "agents/abroad/return_terms.h"

namespace kochmon::agents {

namespace {
// Grant months are capped: a grant worth more than a year of the gap adds no more.
constexpr double MAX_GRANT_MONTHS = 12.0;
// The gap a grant is valued against is floored at a tenth of the home wage, so that a grant is
// finite where home pays as much as abroad.
constexpr double MIN_GAP_SHARE = 0.1;
} // namespace

sim::PluginInfo ReturnHomeGap::info() {
  return {
      "home_gap",
      "Return hazard that weighs home: expected income at home against expected net "
      "earnings abroad, a lasting fall of the som wage abroad, long unemployment, a met "
      "savings target, and a grant valued against the income gap.",
      RETURN_CLASS_FORMULA +
          " + home_effect·min(1, y_r / y_d) + "
          "fall_effect·max(0, 1 − w_d·fx_d / mean_36(w_d·fx_d)) + grant_effect·min(12, grant / "
          "max(y_d − y_r, 0.1·w_r)), with y_r = (1 − u_r)·w_r and y_d = (1 − u_d)·net_d "
          "(net_d: the net wage, tax and permit weighted by the share legal)",
      "§6",
      return_class_params(
          0.01,
          {
              {"home_effect", 0.02, 0, 1, "1/month",
               "Extra hazard per unit of y_r / y_d, expected income at home over expected net "
               "earnings abroad (capped at 1: abroad paying no more than home gives all of it)."},
              {"fall_effect", 0.2, 0, 10, "1/month",
               "Extra hazard per unit relative fall of the som wage w_d·fx_d below its mean over "
               "the previous 36 months at this month's home prices (currencies.cpi): a fall "
               "of purchasing power at home."},
              {"grant_effect", 0.005, 0, 1, "1/month",
               "Extra hazard per month of the income gap y_d − y_r that the return grant pays "
               "(at most 12 months)."},
          })};
}

ReturnHomeGap::ReturnHomeGap(const sim::Params& p)
    : base_(p.at("return_monthly")), unemployed_(p.at("return_unemployed_monthly")),
      target_(p.at("return_target_monthly")), home_(p.at("home_effect")),
      fall_(p.at("fall_effect")), grant_(p.at("grant_effect")) {}

void ReturnHomeGap::fill(const sim::AbroadContext& ctx, std::span<double> table) const {
  const auto R = static_cast<std::size_t>(ctx.n_regions);
  const auto D = static_cast<std::size_t>(ctx.n_destinations);
  for (std::size_t r = 0; r < R; ++r) {
    const double y_home = (1.0 - ctx.u_r[r]) * ctx.w_r[r];
    for (std::size_t d = 0; d < D; ++d) {
      const double y_abroad = (1.0 - ctx.u_d[d]) * ctx.net_som_d[d];
      const double mean36 = ctx.wage_som_mean36[d];
      double common = base_;
      common += home_ * (y_abroad > 0 ? std::min(1.0, y_home / y_abroad) : 1.0);
      if (mean36 > 0) common += fall_ * std::max(0.0, 1.0 - ctx.w_d[d] * ctx.fx_d[d] / mean36);
      const double gap = std::max(y_abroad - y_home, MIN_GAP_SHARE * ctx.w_r[r]);
      if (gap > 0) common += grant_ * std::min(MAX_GRANT_MONTHS, ctx.grant_som / gap);
      for (std::size_t c = 0; c < sim::RETURN_CLASSES; ++c) {
        double hazard = common;
        if (c & sim::RETURN_LONG_JOBLESS) hazard += unemployed_;
        if (c & sim::RETURN_TARGET_MET) hazard += target_;
        table[(r * D + d) * sim::RETURN_CLASSES + c] = std::min(1.0, hazard);
      }
    }
  }
}

} // namespace kochmon::agents
