#include "agents/rules/nelm.h"

#include <algorithm>
#include <cmath>

namespace kochmon::agents {

sim::PluginInfo Nelm::info() {
  return {
      "nelm",
      "NELM risk diversification: the mean–variance gain of placing one adult at d, plus "
      "Stark's relative deprivation.",
      "ΔU(d) = ΔE[Y] − (ρ/2)·ΔVar[Y]/ȳ_r + g·RD_h·ȳ_r;  s_nelm(d) = b_nelm·ΔU(d)/ȳ_r + asc_d, "
      "where "
      "ΔE[Y] = m_d·p_d·e_d·(1 − fee_d) − p_r·w_r, "
      "ΔVar[Y] = (1−λ)²·V_h + σ²_R + 2·corr_rd·(1−λ)·√V_h·σ_R − V_h, λ = 1/adults at home, "
      "V_h the household's income variance (its recent history, at least w_r²·σ²_r), "
      "σ²_R = (m_d·p_d·e_d·(1 − fee_d))²·σ²_d, e_d = net_earnings_d (what an arrival keeps: "
      "taxes and permit for the legal share, the wage until expulsion for the others)",
      "§5",
      {
          {"b_nelm", 2.0, 0, 1000, "1",
           "Weight of the utility gain relative to mean regional income ȳ_r."},
          {"rho", 2.0, 0, 1000, "1",
           "Relative risk aversion: ρ of MODEL.md §5 is rho/ȳ_r, so the penalty is "
           "(rho/2)·ΔVar/ȳ_r²."},
          {"g", 1.0, 0, 1000, "1", "Weight of relative deprivation RD_h (MODEL.md's g is g·ȳ_r)."},
          {"asc_internal", -1.0, -50, 50, "1", "Constant for internal destinations."},
          {"asc_foreign", 0.0, -50, 50, "1", "Constant for foreign destinations."},
      }};
}

Nelm::Nelm(const sim::Params& p)
    : b_nelm_(p.at("b_nelm")), rho_(p.at("rho")), g_(p.at("g")),
      asc_internal_(p.at("asc_internal")), asc_foreign_(p.at("asc_foreign")) {}

void Nelm::score_region(const sim::RegionContext& ctx, std::span<double> s) const {
  // Everything depends on the household: the region part is only the constants.
  s[0] = 0.0;
  for (std::size_t i = 1; i < ctx.options.size(); ++i)
    s[i] = (ctx.options[i].foreign ? asc_foreign_ : asc_internal_) + ctx.options[i].asc_d;
}

double Nelm::delta_u(const sim::OriginView& o, const sim::OptionView& d,
                     const sim::HouseholdView& h) const {
  const double y_bar = std::max(1.0, o.income_mean_r);
  const double remit = d.m_d * d.p_d * d.net_earnings_d * (1.0 - d.fee_d);
  const double lost = o.p_r * o.w_r;
  const double dE = remit - lost;
  // The household's own income variance, but never below what the regional shock implies
  // for its labour income: a short history must not read as a safe income.
  const double V_h = std::max<double>(h.income_var, o.w_r * o.w_r * o.sigma2_r);
  const double lambda = h.adults_home > 0 ? 1.0 / h.adults_home : 1.0;
  const double var_R = remit * remit * d.sigma2_d;
  const double kept = 1.0 - lambda;
  const double dVar =
      kept * kept * V_h + var_R + 2.0 * d.corr_rd * kept * std::sqrt(V_h * var_R) - V_h;
  return dE / y_bar - 0.5 * rho_ * dVar / (y_bar * y_bar) + g_ * h.relative_deprivation;
}

void Nelm::score(const sim::DecisionContext& ctx, std::span<const double> base,
                 std::span<double> s) const {
  const auto& opts = ctx.region.options;
  s[0] = base[0];
  for (std::size_t i = 1; i < s.size(); ++i) {
    if (!opts[i].available) {
      s[i] = base[i];
      continue;
    }
    s[i] = base[i] + b_nelm_ * delta_u(ctx.region.origin, opts[i], ctx.household);
  }
}

} // namespace kochmon::agents
