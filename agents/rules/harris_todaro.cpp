#include "agents/rules/harris_todaro.h"

#include <cmath>

namespace kochmon::agents {

sim::PluginInfo HarrisTodaro::info() {
  return {"harris_todaro",
          "Harris–Todaro expected income: present value of the expected earnings gap minus the "
          "cost, in months of home wage; abroad, net of taxes and permits by legal status and "
          "cut short by expulsion.",
          "s_ht(d) = b_ht·( Σ_{t<H} δ^t·(p_d·w_d·fx_d − p_r·w_r) − c_d ) / w_r + asc_d "
          "internally; abroad, the gap is legal_d·PV(δ)·(p_d·v_d·net_legal_d − p_r·w_r) + "
          "(1 − legal_d)·PV(δ·(1 − detect_d))·(p_d·v_d·net_illegal_d − p_r·w_r), PV(x) = "
          "Σ_{t<H} x^t, v_d = 1 − a + a·m_d·(1 − fee_d), a = remittance_view",
          "§5",
          {
              {"b_ht", 0.2, 0, 1000, "per month of home wage",
               "Weight of the expected-income gain, measured in months of home wage."},
              {"horizon_months", 24, 1, 600, "months", "Horizon H of the present value."},
              {"discount_monthly", 0.99, 0, 1, "1", "Monthly discount factor δ."},
              {"remittance_view", 0, 0, 1, "1",
               "Whose gain abroad: 0 the migrant's net earnings (Harris–Todaro's individual), 1 "
               "what the household receives of them, the remitted share net of the transfer "
               "fee, m_d·(1 − fee_d) (NELM's household); in between, a mix."},
              {"asc_internal", 0.0, -50, 50, "1", "Constant for internal destinations."},
              {"asc_foreign", 0.0, -50, 50, "1", "Constant for foreign destinations."},
          }};
}

HarrisTodaro::HarrisTodaro(const sim::Params& p)
    : b_ht_(p.at("b_ht")), delta_(p.at("discount_monthly")),
      remittance_view_(p.at("remittance_view")), asc_internal_(p.at("asc_internal")),
      asc_foreign_(p.at("asc_foreign")), horizon_(static_cast<int>(p.at("horizon_months"))) {
  pv_factor_ = present_value(delta_); // the present value of one som a month for H months
}

double HarrisTodaro::present_value(double x) const {
  return x == 1.0 ? horizon_ : (1.0 - std::pow(x, horizon_)) / (1.0 - x);
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
    double value;
    if (!d.foreign) {
      value = pv_factor_ * (d.p_d * d.w_d * d.fx_d - home);
    } else {
      // A legal migrant earns the net wage for the horizon; an illegal one until expelled
      // (monthly hazard detect_d), then is home and banned: the gap ends.
      const double v = 1.0 - remittance_view_ + remittance_view_ * d.m_d * (1.0 - d.fee_d);
      value = d.legal_d * pv_factor_ * (d.p_d * v * d.net_legal_d - home) +
              (1.0 - d.legal_d) * present_value(delta_ * (1.0 - d.detect_d)) *
                  (d.p_d * v * d.net_illegal_d - home);
    }
    s[i] = b_ht_ * (value - d.c_d) / o.w_r + (d.foreign ? asc_foreign_ : asc_internal_) + d.asc_d;
  }
}

} // namespace kochmon::agents
