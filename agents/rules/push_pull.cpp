#include "agents/rules/push_pull.h"

#include <algorithm>
#include <cmath>

namespace kochmon::agents {

sim::PluginInfo PushPull::info() {
  return {"push_pull",
          "Push–pull (Ravenstein/Lee), gravity form: wage and unemployment differentials, "
          "network, cost, distance, poverty and land shortage.",
          "s_pp(d) = b_wage·ln(w_d·fx_d / w_r) + b_unemp·(u_r − u_d) + b_network·ln(1 + "
          "k_network·N_rd/P_r)"
          " − b_cost·c_d/w_r − b_dist·dist_rd/1000 km + b_poverty·poverty_r + b_land·shortage_h"
          " − b_farm·farm_h/w_r − b_away·away_h + b_policy·ln(max(e_d, 1e-6·w_d·fx_d) / "
          "(w_d·fx_d)) [abroad] + asc_internal|foreign + attractiveness_d",
          "§5",
          {
              {"b_wage", 1.0, 0, 20, "1", "Weight of the log wage ratio ln(w_d·fx_d / w_r)."},
              {"b_unemp", 2.0, 0, 50, "1", "Weight of the unemployment gap u_r − u_d (fractions)."},
              {"b_network", 0.5, 0, 20, "1", "Weight of the network term ln(1 + k·N_rd/P_r)."},
              {"k_network", 10.0, 0, 1e4, "1",
               "Scale of the network: migrants from r at d per resident of r."},
              {"b_cost", 0.1, 0, 20, "per month of home wage",
               "Weight of the cost of going in months of home wage, c_d / w_r."},
              {"b_dist", 0.2, 0, 20, "per 1000 km", "Weight of great-circle distance."},
              {"b_poverty", 1.0, 0, 20, "1", "Push of the origin's poverty rate (fraction)."},
              {"b_land", 0.5, 0, 20, "per hectare",
               "Push of the household's land shortfall max(0, land_need_ha − land)."},
              {"land_need_ha", 0.5, 0, 100, "ha", "Land a household needs to live from farming."},
              {"b_farm", 0.2, 0, 20, "per month of home wage",
               "Hold of the household's farm income, in months of home wage (farm_h / w_r): more "
               "productive land keeps people home."},
              {"b_away", 0.0, 0, 20, "per member away",
               "Hold of the members already away (abroad or in another region), away_h: a "
               "household that has sent someone, and lives on the remittances with fewer hands "
               "at home, is less likely to send another."},
              {"b_policy", 1.0, 0, 20, "1",
               "Weight of the policy term abroad, ln(e_d / (w_d·fx_d)): the log share of the "
               "wage an arrival can expect to keep over its first year, e_d = net_earnings_d "
               "(taxes and permit for the legal share, expulsion risk for the others; "
               "sim/api/decision_context.h). 1 counts a som kept like a som of wage (b_wage = "
               "1); the cost of going c_d carries the regime's entry costs."},
              {"asc_internal", -1.0, -50, 50, "1",
               "Constant for internal destinations: the intervening obstacles of a move within the "
               "country."},
              {"asc_foreign", 0.0, -50, 50, "1",
               "Constant for foreign destinations: the intervening obstacles of going abroad."},
          }};
}

PushPull::PushPull(const sim::Params& p)
    : b_wage_(p.at("b_wage")), b_unemp_(p.at("b_unemp")), b_network_(p.at("b_network")),
      k_network_(p.at("k_network")), b_cost_(p.at("b_cost")), b_dist_(p.at("b_dist")),
      b_poverty_(p.at("b_poverty")), b_land_(p.at("b_land")), land_need_ha_(p.at("land_need_ha")),
      b_farm_(p.at("b_farm")), b_away_(p.at("b_away")), b_policy_(p.at("b_policy")),
      asc_internal_(p.at("asc_internal")), asc_foreign_(p.at("asc_foreign")) {}

void PushPull::score_region(const sim::RegionContext& ctx, std::span<double> s) const {
  const auto& o = ctx.origin;
  s[0] = 0.0; // stay
  for (std::size_t i = 1; i < ctx.options.size(); ++i) {
    const auto& d = ctx.options[i];
    if (!d.available) {
      s[i] = 0.0;
      continue;
    }
    const double network = o.P_r > 0 ? std::log1p(k_network_ * d.N_rd / o.P_r) : 0.0;
    const double wage = d.w_d * d.fx_d;
    s[i] = b_wage_ * std::log(wage / o.w_r) + b_unemp_ * (o.u_r - d.u_d) + b_network_ * network -
           b_cost_ * d.c_d / o.w_r - b_dist_ * d.dist_km / 1000.0 + b_poverty_ * o.poverty_r +
           (d.foreign ? asc_foreign_ : asc_internal_) + d.asc_d;
    // Policy abroad: taxes, permits, legality and expulsion, as the share of the wage kept.
    if (d.foreign && b_policy_ != 0)
      s[i] += b_policy_ * std::log(std::max(d.net_earnings_d, 1e-6 * wage) / wage);
  }
}

void PushPull::score(const sim::DecisionContext& ctx, std::span<const double> base,
                     std::span<double> s) const {
  const double shortage = std::max(0.0, land_need_ha_ - ctx.household.land_ha);
  const double w_r = ctx.region.origin.w_r;
  const double push = b_land_ * shortage - b_farm_ * ctx.household.farm_income_som / w_r -
                      b_away_ * ctx.household.adults_away;
  s[0] = base[0];
  for (std::size_t i = 1; i < s.size(); ++i)
    s[i] = base[i] + push;
}

} // namespace kochmon::agents
