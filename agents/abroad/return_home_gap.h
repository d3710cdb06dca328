#ifndef KOCHMON_AGENTS_ABROAD_RETURN_HOME_GAP_H
#define KOCHMON_AGENTS_ABROAD_RETURN_HOME_GAP_H

#include "sim/api/abroad_model.h"

namespace kochmon::agents {

//! A return hazard that weighs home (MODEL.md §6, issue #15): it rises as expected income at
//! home comes closer to expected net earnings abroad, with a fall of the som wage abroad that
//! lasts (against its 36-month mean, so a crisis of several years keeps counting), and with a
//! return grant valued in months of the income gap it closes. Not the base's model until the
//! base is recalibrated with it.
class ReturnHomeGap final : public sim::ReturnModel {
public:
  static sim::PluginInfo info();
  explicit ReturnHomeGap(const sim::Params& p);
  void fill(const sim::AbroadContext& ctx, std::span<double> table) const override;

private:
  double base_, unemployed_, target_, home_, fall_, grant_;
};

} // namespace kochmon::agents

#endif
