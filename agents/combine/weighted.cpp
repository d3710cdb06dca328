#include "agents/combine/weighted.h"

#include <array>

#include "agents/combine/rule_logit.h"

namespace kochmon::agents {

sim::PluginInfo Weighted::info() {
  return {"weighted",
          "Weighted mean of each rule's own logit probabilities, scaled by the monthly rate.",
          "p_d = rate·Σ_k w_k·P_k(go)·share_k(d) / Σ_k w_k, with P_k and share_k rule k's logit "
          "(stay = 0)",
          "§5",
          {}};
}

Weighted::Weighted(const sim::Params&) {}

void Weighted::probabilities(const sim::CombineInput& in, std::span<double> p) const {
  const std::size_t O = in.options.size();
  double w_total = 0.0;
  for (double w : in.weights)
    w_total += w;
  std::fill(p.begin(), p.end(), 0.0);
  std::array<double, sim::MAX_OPTIONS> share{}; // on the stack: the step allocates nothing
  double go_total = 0.0;
  for (std::size_t k = 0; k < in.weights.size(); ++k) {
    if (in.weights[k] <= 0.0 || w_total <= 0.0) continue;
    const double go = rule_logit(in, k, std::span<double>(share.data(), O));
    const double w = in.weights[k] / w_total * in.monthly_rate * go;
    for (std::size_t d = 1; d < O; ++d)
      p[d] += w * share[d];
    go_total += w;
  }
  p[0] = 1.0 - go_total;
}

} // namespace kochmon::agents
