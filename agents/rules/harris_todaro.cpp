#include "agents/rules/harris_todaro.h"

#include <cmath>

namespace kochmon::agents {

sim::PluginInfo HarrisTodaro::info() {
  return {"harris_todaro",
          "Harris–Todaro expected income: present value of the expected earnings gap minus the "
          "cost, in months of home wage.",
          "s_ht(d) = b_ht·( Σ_{t<H} δ^t·(p_d·w_d·fx_d − p_r·w_r) − c_d ) / w_r + asc_d",
          "§5",
          {
              {"b_ht", 0.2, 0, 1000, "per month of home wage",
               "Weight of the expected-income gain, measured in months of home wage."},
              {"horizon_months", 24, 1, 600, "months", "Horizon H of the present value."},
              {"discount_monthly", 0.99, 0, 1, "1", "Monthly discount factor δ."},
              {"asc_internal", 0.0, -50, 50, "1", "Constant for internal destinations."},
              {"asc_foreign", 0.0, -50, 50, "1", "Constant for foreign destinations."},
          }};
}

HarrisTodaro::HarrisTodaro(const sim::Params& p)
    : b_ht_(p.at("b_ht")), asc_internal_(p.at("asc_internal")), asc_foreign_(p.at("asc_foreign")) {
  // Σ_{t<H} δ^t, the present value of one som a month for H months.
  const double delta = p.at("discount_monthly");
  const int H = static_cast<int>(p.at("horizon_months"));
  pv_factor_ = delta == 1.0 ? H : (1.0 - std::pow(delta, H)) / (1.0 - delta);
}

void HarrisTodaro::score_region(const sim::RegionContext& ctx, std::span<double> s) const {
  const auto& o = ctx.origin;
  const double home = o.p_r * o.w_r;
  s[0] = 0.0;
  for (std::size_t i = 1; i < ctx.options.size(); ++i) {
    const auto& d = ctx.options[i];
    if (!d.available) {
      s[i] = 0.0;
      continue;
    }
    const double gap = d.p_d * d.w_d * d.fx_d - home;
    s[i] = b_ht_ * (pv_factor_ * gap - d.c_d) / o.w_r + (d.foreign ? asc_foreign_ : asc_internal_) +
           d.asc_d;
  }
}

} // namespace kochmon::agents
