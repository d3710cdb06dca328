#ifndef KOCHMON_AGENTS_ABROAD_RETURN_WAGE_FALL_H
#define KOCHMON_AGENTS_ABROAD_RETURN_WAGE_FALL_H

#include "sim/api/abroad_model.h"

namespace kochmon::agents {

//! The return hazard of the calibrated base (MODEL.md §6): a base hazard, raised by long
//! unemployment abroad, by a met savings target, by a fall of the som value of the
//! destination's wage below its own 12-month mean (a crisis such as the 2014–15 rouble fall)
//! and by a return grant in months of home wage. The default model: the scenario's flat keys
//! abroad.return_* are its parameters.
class ReturnWageFall final : public sim::ReturnModel {
public:
  static sim::PluginInfo info();
  explicit ReturnWageFall(const sim::Params& p);
  void fill(const sim::AbroadContext& ctx, std::span<double> table) const override;

private:
  double base_, unemployed_, target_, wage_fall_, grant_effect_;
};

} // namespace kochmon::agents

#endif
