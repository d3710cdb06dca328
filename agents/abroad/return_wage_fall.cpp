#include "agents/abroad/return_wage_fall.h"

#include <algorithm>

#include "agents/abroad/return_terms.h"

namespace kochmon::agents {

sim::PluginInfo ReturnWageFall::info() {
  return {
      "wage_fall",
      "Return hazard with terms for long unemployment abroad, a met savings target, a fall "
      "of the som wage against its 12-month mean, and a return grant.",
      RETURN_CLASS_FORMULA + " + return_wage_fall·max(0, 1 − w_d·fx_d / mean_12(w_d·fx_d)) + "
                             "return_grant_effect·grant / w_r",
      "§6",
      return_class_params(
          0.02,
          {
              {"return_wage_fall", 0.2, 0, 10, "1/month",
               "Extra hazard per unit relative fall of the som wage w_d·fx_d below its mean over "
               "the previous 12 months."},
              {"return_grant_effect", 0.02, 0, 10, "1/month",
               "Extra hazard per month of home wage paid as a return grant."},
          })};
}

ReturnWageFall::ReturnWageFall(const sim::Params& p)
    : base_(p.at("return_monthly")), unemployed_(p.at("return_unemployed_monthly")),
      target_(p.at("return_target_monthly")), wage_fall_(p.at("return_wage_fall")),
      grant_effect_(p.at("return_grant_effect")) {}

void ReturnWageFall::fill(const sim::AbroadContext& ctx, std::span<double> table) const {
  const auto R = static_cast<std::size_t>(ctx.n_regions);
  const auto D = static_cast<std::size_t>(ctx.n_destinations);
  for (std::size_t r = 0; r < R; ++r) {
    const double w_r = ctx.w_r[r];
    for (std::size_t d = 0; d < D; ++d) {
      const double som_wage = ctx.w_d[d] * ctx.fx_d[d];
      const double mean12 = ctx.wage_som_mean12[d];
      for (std::size_t c = 0; c < sim::RETURN_CLASSES; ++c) {
        double hazard = base_;
        if (c & sim::RETURN_LONG_JOBLESS) hazard += unemployed_;
        if (c & sim::RETURN_TARGET_MET) hazard += target_;
        if (mean12 > 0) hazard += wage_fall_ * std::max(0.0, 1.0 - som_wage / mean12);
        hazard += grant_effect_ * ctx.grant_som / w_r;
        table[(r * D + d) * sim::RETURN_CLASSES + c] = hazard;
      }
    }
  }
}

} // namespace kochmon::agents
