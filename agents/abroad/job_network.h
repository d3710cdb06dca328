#ifndef KOCHMON_AGENTS_ABROAD_JOB_NETWORK_H
#define KOCHMON_AGENTS_ABROAD_JOB_NETWORK_H

#include "sim/api/abroad_model.h"

namespace kochmon::agents {

//! Job finding abroad through the destination's labour market and the migrant network
//! (MODEL.md §6): the base rate scaled by the destination's employment rate and by the
//! network of the household's region there, higher after pre-departure training, lower for
//! illegal migrants. The default model: the scenario's flat keys are its parameters.
class JobNetwork final : public sim::JobFindingModel {
public:
  static sim::PluginInfo info();
  explicit JobNetwork(const sim::Params& p);
  void fill(const sim::AbroadContext& ctx, std::span<double> table) const override;

private:
  double base_, network_effect_, network_scale_, training_effect_, illegal_factor_;
};

} // namespace kochmon::agents

#endif
