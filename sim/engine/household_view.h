#ifndef KOCHMON_SIM_ENGINE_HOUSEHOLD_VIEW_H
#define KOCHMON_SIM_ENGINE_HOUSEHOLD_VIEW_H

// What a decision rule sees of one household (sim/api/decision_context.h, HouseholdView),
// filled in this one place. A household attribute a rule needs is a field of HouseholdView
// and its line here (from the household store, sim/world/households.h, or a fact of this
// month in HouseholdMonthFacts); the decision step (departure.cpp) does not change.

#include <cstddef>

#include "sim/api/decision_context.h"
#include "sim/world/households.h"

namespace kochmon::sim {

//! What the household's month has worked out by the time it decides.
struct HouseholdMonthFacts {
  int adults_home = 0;             // after this month's returns
  double income_som = 0;           // this month's income
  double farm_income_som = 0;      // this month's farm income (land × yield × shock)
  double relative_deprivation = 0; // RD_h from last month's income (0 unless a rule needs it)
};

inline HouseholdView household_view(const Households& hh, std::size_t h,
                                    const HouseholdMonthFacts& m) {
  HouseholdView v;
  v.size = hh.size[h];
  v.adults_home = m.adults_home;
  v.adults_away = hh.n_adults[h] - m.adults_home;
  v.land_ha = hh.land_ha[h];
  v.farm_income_som = m.farm_income_som;
  v.income_som = m.income_som;
  v.income_mean_som = hh.income_mean_som[h];
  v.income_var = hh.income_var[h];
  v.savings_som = hh.savings_som[h];
  v.relative_deprivation = m.relative_deprivation;
  return v;
}

} // namespace kochmon::sim

#endif
