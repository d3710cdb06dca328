#ifndef KOCHMON_SIM_API_DECISION_CONTEXT_H
#define KOCHMON_SIM_API_DECISION_CONTEXT_H

// The narrow, read-only view of the world a decision rule sees (MODEL.md §5). Everything is as
// of the end of last month, so every household of a step sees the same world whatever the
// order in which households are processed.

#include <span>

#include "sim/core/month.h"

namespace kochmon::sim {

//! Upper bound on options (stay + destinations): fixed-size buffers keep the step allocation-free.
inline constexpr std::size_t MAX_OPTIONS = 256;

//! One destination as weighed from an origin region this month.
struct OptionView {
  bool foreign = false;
  bool available = true; // false for the origin region itself
  bool urban = false;    // internal destination with an endogenous labour market
  double w_d = 0;        // wage at d, in d's currency per month
  double fx_d = 1;       // som per unit of d's currency
  double u_d = 0;        // unemployment rate at d (fraction)
  double p_d = 1;     // probability of being employed at d (1 - u_d, or the urban job-finding rate)
  double c_d = 0;     // cost of going, som: travel + legal_d × the regime's entry costs
  double dist_km = 0; // great-circle distance from the origin
  double N_rd = 0;    // persons from the origin currently at d (full scale)
  double fee_d = 0;   // remittance fee (fraction)
  double detect_d = 0;      // monthly detection probability of an illegal migrant
  double legal_d = 1;       // share of arrivals with legal status (the regime in force)
  double net_legal_d = 0;   // som per month an employed legal migrant keeps (tax, permit paid)
  double net_illegal_d = 0; // som per month an employed illegal migrant keeps (no tax, permit)
  //! Som per month an employed arrival can expect to keep over its first year: legal_d ·
  //! net_legal_d + (1 − legal_d) · net_illegal_d · S, with S = (1 − (1 − detect_d)^12) /
  //! (12·detect_d) the mean chance that an illegal migrant is not yet expelled (and banned).
  double net_earnings_d = 0;
  double m_d = 0; // share of net earnings remitted
  double sigma2_d =
      0; // relative variance of a migrant's remittances (unemployment, expulsion, exchange rate)
  double corr_rd = 0; // correlation of the destination's risk with the origin's income shocks
  double asc_d = 0;   // the scenario's attractiveness of d (language, history, ...), added by every
                      // rule; for a move to another region, plus the origin's internal_exit
};

//! The origin region this month.
struct OriginView {
  int region = 0;
  double w_r = 0;           // average wage, som per month
  double u_r = 0;           // unemployment rate
  double p_r = 1;           // probability of being employed at home (1 - u_r)
  double P_r = 0;           // persons living in the region (full scale)
  double poverty_r = 0;     // poverty rate (fraction of persons)
  double income_mean_r = 0; // mean household income, som per month (ȳ_r)
  double land_ha_mean = 0;  // mean land of a rural household
  double sigma2_r = 0;      // stationary variance of the regional income shock ε (fraction²)
};

//! Household-independent context: one origin region in one month, with every option.
//! options[0] is "stay"; options[1 + d] is destination d.
struct RegionContext {
  Month month;
  int step = 0;
  OriginView origin;
  std::span<const OptionView> options;
};

//! One household as a rule may see it (MODEL.md §3). A new attribute is a field here and its
//! line in sim/engine/household_view.h, where the engine fills the view.
struct HouseholdView {
  int size = 0;        // persons
  int adults_home = 0; // working-age adults at home
  int adults_away = 0; // members away (abroad or in another region)
  double land_ha = 0;
  double farm_income_som = 0; // this month's farm income (land × yield × shock)
  double income_som = 0;      // last month's income
  double income_mean_som = 0; // recent mean
  double income_var = 0;      // recent variance, som^2
  double savings_som = 0;
  double relative_deprivation = 0; // Stark's RD_h in its region (MODEL.md §5)
};

//! What a rule scores for one household.
struct DecisionContext {
  const RegionContext& region;
  const HouseholdView& household;
};

} // namespace kochmon::sim

#endif
