#ifndef KOCHMON_AGENTS_ABROAD_RETURN_TERMS_H
#define KOCHMON_AGENTS_ABROAD_RETURN_TERMS_H

// What the return models share: the base hazard and the two household-class terms (long
// unemployment abroad, a met savings target; sim::RETURN_LONG_JOBLESS, RETURN_TARGET_MET),
// declared once, and the start of their formula.

#include <string>
#include <vector>

#include "sim/api/plugin_info.h"

namespace kochmon::agents {

//! The formula's common part, as every return model's info() begins it.
inline const std::string RETURN_CLASS_FORMULA =
    "h_rd = return_monthly + return_unemployed_monthly·[jobless ≥ long_unemployed_months]"
    " + return_target_monthly·[savings ≥ target]";

//! The parameters of the common part (`base_default`: the model's default base hazard),
//! followed by the model's own.
inline std::vector<sim::ParamInfo> return_class_params(double base_default,
                                                       const std::vector<sim::ParamInfo>& own) {
  std::vector<sim::ParamInfo> p = {
      {"return_monthly", base_default, 0, 1, "1/month", "Base monthly return hazard."},
      {"return_unemployed_monthly", 0.10, 0, 1, "1/month",
       "Extra hazard once unemployed abroad for at least abroad.long_unemployed_months."},
      {"return_target_monthly", 0.03, 0, 1, "1/month",
       "Extra hazard once the household's savings target is met."},
  };
  p.insert(p.end(), own.begin(), own.end());
  return p;
}

} // namespace kochmon::agents

#endif
