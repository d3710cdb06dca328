#ifndef KOCHMON_SIM_API_ABROAD_MODEL_H
#define KOCHMON_SIM_API_ABROAD_MODEL_H

// Life abroad as plug-ins (MODEL.md §6): the return hazard and job finding abroad. Like a
// decision rule, a model is one class with a static info() (agents/abroad/, registered in
// agents/builtin.cpp) and is chosen in the scenario (abroad.return, abroad.job_finding).
//
// A model does not see adults. Once a month it fills a table over (origin region,
// destination, household class) from the month's conditions (AbroadContext); the engine's
// per-adult loop then reads one entry, so the hot path stays a table lookup with no virtual
// call per adult (tests/bench/PROFILE.md). What a model may use:
//  - anything in AbroadContext: conditions at home (wage, unemployment) and at the
//    destination (wage, exchange rate, unemployment, the som wage's 12-month mean), the
//    migrant network, the return grant — a new covariate of this kind is a change in the
//    model's file only;
//  - the household class, the engine's menu of per-adult covariates (the Class* constants
//    below); a new per-adult covariate (an age band, for instance) is added to that menu.

#include <cstddef>
#include <span>

#include "sim/api/plugin_info.h"
#include "sim/core/month.h"

namespace kochmon::sim {

//! The month's conditions a life-abroad model may read. Spans over regions have R entries,
//! over destinations D (every region first, as an internal destination, then the foreign
//! ones), over (region, destination) pairs R × D (row-major).
struct AbroadContext {
  Month month;
  int step = 0;
  int n_regions = 0, n_destinations = 0;
  std::span<const double> w_r;  // R: average wage at home, som/month
  std::span<const double> u_r;  // R: unemployment rate at home (endogenous if urban)
  std::span<const double> w_d;  // D: wage at the destination, local currency/month
  std::span<const double> fx_d; // D: som per unit of the local currency
  std::span<const double> u_d;  // D: unemployment rate at the destination
  //! D: mean of w_d·fx_d over the previous 12 months, at this month's home prices (each month's
  //! som wage × P_now / P_then): comparing w_d·fx_d with it compares purchasing power at home.
  std::span<const double> wage_som_mean12;
  std::span<const double> N_rd; // R × D: members of region r away at d (last month, persons)
  std::span<const double> P_r;  // R: persons at home (last month)
  double grant_som = 0;         // the return grant this month, som
  // P: home CPI relative to currencies.price_base (real = nominal / P), for a model that
  // compares wages over time in real terms.
  double price_level = 1;
  std::span<const double> net_som_d;       // D: net monthly wage of an employed member at d, som
                                           //    (tax and permit weighted by the share legal)
  std::span<const double> wage_som_mean36; // D: as wage_som_mean12, over 36 months
};

//! The return hazard of a member abroad: table[(r·D + d)·RETURN_CLASSES + class], the monthly
//! probability of coming home (expulsions come on top). Class bits: long unemployed abroad
//! (months jobless ≥ abroad.long_unemployed_months), the household's savings target met.
inline constexpr std::size_t RETURN_LONG_JOBLESS = 2, RETURN_TARGET_MET = 1, RETURN_CLASSES = 4;

class ReturnModel {
public:
  virtual ~ReturnModel() = default;
  //! Fills `table` (R × D × RETURN_CLASSES entries) for this month.
  virtual void fill(const AbroadContext& ctx, std::span<double> table) const = 0;
};

//! Job finding abroad: table[(r·D + d)·JOB_CLASSES + class], the monthly probability that a
//! member abroad without work finds a job (≤ 1). Class bits: pre-departure training, legal
//! status.
inline constexpr std::size_t JOB_TRAINED = 2, JOB_LEGAL = 1, JOB_CLASSES = 4;

class JobFindingModel {
public:
  virtual ~JobFindingModel() = default;
  //! Fills `table` (R × D × JOB_CLASSES entries) for this month.
  virtual void fill(const AbroadContext& ctx, std::span<double> table) const = 0;
};

} // namespace kochmon::sim

#endif
