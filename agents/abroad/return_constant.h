#ifndef KOCHMON_AGENTS_ABROAD_RETURN_CONSTANT_H
#define KOCHMON_AGENTS_ABROAD_RETURN_CONSTANT_H

#include "sim/api/abroad_model.h"

namespace kochmon::agents {

//! A constant return hazard: the exponential duration of a stay abroad, with no response to
//! conditions (the null model against which the others are compared, MODEL.md §6).
class ReturnConstant final : public sim::ReturnModel {
public:
  static sim::PluginInfo info();
  explicit ReturnConstant(const sim::Params& p);
  void fill(const sim::AbroadContext& ctx, std::span<double> table) const override;

private:
  double monthly_;
};

} // namespace kochmon::agents

#endif
