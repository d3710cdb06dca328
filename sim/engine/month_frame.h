#ifndef KOCHMON_SIM_ENGINE_MONTH_FRAME_H
#define KOCHMON_SIM_ENGINE_MONTH_FRAME_H

// The month frame: everything a household may read this month. Built once per step by the
// conditions of the month (conditions.cpp), before the parallel loop, and read-only while the
// households are processed (household_month.cpp, abroad.cpp, departure.cpp): a household reads
// only the frame and its own slots, so the order of processing cannot change any result.

#include <vector>

#include "sim/api/decision_context.h"
#include "sim/engine/relative_deprivation.h"
#include "sim/world/world.h"

namespace kochmon::sim {

struct MonthFrame {
  MonthEnv env;                        // exogenous conditions; u_r, u_d endogenous in urban regions
  std::vector<OptionView> options;     // R × O: what every option looks like from each origin
  std::vector<OriginView> origins;     // R
  std::vector<double> base_scores;     // R × K × O: each rule's household-independent scores
  std::vector<double> region_probs;    // R × O (when no rule looks at households)
  std::vector<double> u_eff;           // R: exogenous, or endogenous for urban regions
  std::vector<double> eta;             // R: this month's regional shock innovation
  std::vector<double> wage_som_mean12; // D: mean of w_d·fx_d over the last 12 months
  std::vector<double> wage_som_mean36; // D: the same over the last 36 months
  std::vector<double> net_expected_d;  // D: net wage of an employed migrant, legal-share weighted
  // D: what an arrival can expect to keep a month over its first year (som): net_d's legal
  // and illegal wages, the illegal one weighted by the mean survival against expulsion.
  std::vector<double> earn_d;
  std::vector<double> legal_share_d, permit_d, tax_d, legalise_d; // D, by the regime in force
  double training_share = 0, grant_som = 0, credit_som = 0, poverty_line = 0;
  double business_base = 0, business_savings_effect = 0, business_income_factor = 0;
  // Per-step tables for the hot loop, each the expression the household would evaluate.
  std::vector<double> sep_r;             // R: home job loss s = f·u/(1−u)
  std::vector<double> target_r;          // R: savings that meet a migrant's target, som
  std::vector<double> business_income_r; // R: a business's monthly income, som
  std::vector<double> find_rd;       // R × D × (trained, legal): P(finding a job abroad), ≤ 1
  std::vector<double> hazard_rd;     // R × D × (long jobless, target met): return hazard
  std::vector<double> net_d;         // D × legal: net monthly wage of an employed migrant, som
  std::vector<double> enforcement_d; // D: probability a ban stops a banned adult this month
  std::vector<double> amnesty_d;     // D: share of active bans lifted this month (events)
  bool amnesty_now = false;
  // Demography (demography.h): P(a woman at home of age band b gives birth this month), by
  // region (R × AGE_BANDS; 0 outside 15-49), from last month's members and women at home.
  std::vector<double> fert_rb;
  // R: an upper bound of one member's monthly hazard (death, birth, leaving) in the region.
  std::vector<double> demography_bound_r;
  // Relative deprivation: per region, the income distribution at the start of the month.
  std::vector<IncomeHistogram> rd_hist; // R
};

} // namespace kochmon::sim

#endif
