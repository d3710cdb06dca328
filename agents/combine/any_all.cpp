#include "agents/combine/any_all.h"

#include <array>

#include "agents/combine/rule_logit.h"

namespace kochmon::agents {

sim::PluginInfo Any::info() {
  return {"any",
          "Go if any rule says go (independent yeses); destination by the mean of the rules' "
          "shares.",
          "P(go) = rate·(1 − Π_k (1 − P_k(go))); p_d = P(go)·(1/K)·Σ_k share_k(d)",
          "§5",
          {}};
}

sim::PluginInfo All::info() {
  return {"all",
          "Go only if every rule says go; destination by the mean of the rules' shares.",
          "P(go) = rate·Π_k P_k(go); p_d = P(go)·(1/K)·Σ_k share_k(d)",
          "§5",
          {}};
}

void AnyAll::probabilities(const sim::CombineInput& in, std::span<double> p) const {
  const std::size_t O = in.options.size();
  const std::size_t K = in.weights.size();
  std::array<double, sim::MAX_OPTIONS> share{};
  std::fill(p.begin(), p.end(), 0.0);
  double none = 1.0, every = 1.0;
  for (std::size_t k = 0; k < K; ++k) {
    const double go = rule_logit(in, k, std::span<double>(share.data(), O));
    none *= 1.0 - go;
    every *= go;
    for (std::size_t d = 1; d < O; ++d)
      p[d] += share[d] / static_cast<double>(K);
  }
  scale_to_go(p, in.monthly_rate * (any_ ? 1.0 - none : every));
}

} // namespace kochmon::agents
