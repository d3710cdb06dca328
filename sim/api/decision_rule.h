#ifndef KOCHMON_SIM_API_DECISION_RULE_H
#define KOCHMON_SIM_API_DECISION_RULE_H

#include <span>

#include "sim/api/decision_context.h"
#include "sim/api/plugin_info.h"

namespace kochmon::sim {

//! A decision rule (MODEL.md §5) scores every option of a household, "stay" included (index 0,
//! conventionally 0). It is a pure function of a read-only context and its parameters: it never
//! draws random numbers (the combinator's probabilities and the engine's draw decide) and never
//! writes to the world. Scores of unavailable options are ignored.
//!
//! The work is split in two so that a country of a million households stays fast: the part
//! that depends only on the origin region is computed once per region and month, and the
//! household part is added per household, only when `uses_household()` says so.
class DecisionRule {
public:
  virtual ~DecisionRule() = default;

  //! Scores of every option for the region, before household terms. s.size() == options.size().
  virtual void score_region(const RegionContext& ctx, std::span<double> s) const = 0;

  //! Whether score() adds anything to score_region()'s result.
  virtual bool uses_household() const { return false; }

  //! Whether the engine must compute HouseholdView::relative_deprivation (a sort per region).
  virtual bool needs_relative_deprivation() const { return false; }

  //! Final scores of one household, given its region's `base` (what score_region wrote).
  virtual void score(const DecisionContext& ctx, std::span<const double> base,
                     std::span<double> s) const {
    (void)ctx;
    for (std::size_t i = 0; i < s.size(); ++i)
      s[i] = base[i];
  }
};

//! What a combinator receives: K rules' scores over O options, with the rules' weights.
struct CombineInput {
  std::span<const double> scores;      // K × O, row-major (rule k's scores at [k*O, (k+1)*O))
  std::span<const double> weights;     // K
  std::span<const OptionView> options; // O; options[0] is stay
  double monthly_rate = 0;             // the scenario's decision rate
};

//! A combinator (MODEL.md §5 "Combining") turns the rules' scores into this month's choice
//! probabilities p over the options (p[0] = stay, sum 1). The engine then makes one keyed draw.
class Combinator {
public:
  virtual ~Combinator() = default;
  virtual void probabilities(const CombineInput& in, std::span<double> p) const = 0;
};

} // namespace kochmon::sim

#endif
