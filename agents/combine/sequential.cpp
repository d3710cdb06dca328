#include "agents/combine/sequential.h"

#include <array>

#include "agents/combine/rule_logit.h"
#include "sim/core/error.h"

namespace kochmon::agents {

sim::PluginInfo Sequential::info() {
  return {"sequential",
          "One rule decides whether to go (its logit probability of going), another where (its "
          "destination shares).",
          "p_d = rate·P_whether(go)·share_where(d)",
          "§5",
          {{"whether", 0, 0, 15, "rule index",
            "Position in decision.rules of the rule that decides whether."},
           {"where", 1, 0, 15, "rule index",
            "Position in decision.rules of the rule that decides where."}}};
}

Sequential::Sequential(const sim::Params& p)
    : whether_(static_cast<std::size_t>(p.at("whether"))),
      where_(static_cast<std::size_t>(p.at("where"))) {}

void Sequential::probabilities(const sim::CombineInput& in, std::span<double> p) const {
  const std::size_t O = in.options.size();
  KOCHMON_ASSERT(whether_ < in.weights.size() && where_ < in.weights.size(),
                 "sequential rule indices are validated against decision.rules");
  std::array<double, sim::MAX_OPTIONS> share{};
  const double go = in.monthly_rate * rule_logit(in, whether_, std::span<double>(share.data(), O));
  rule_logit(in, where_, p);
  scale_to_go(p, go);
}

} // namespace kochmon::agents
