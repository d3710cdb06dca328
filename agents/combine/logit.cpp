#include "agents/combine/logit.h"

#include <algorithm>
#include <cmath>

namespace kochmon::agents {

sim::PluginInfo Logit::info() {
  return {"logit",
          "Multinomial logit over the weighted sum of the rules' scores, scaled by the monthly "
          "decision rate.",
          "V_d = Σ_k θ_k·s_k(d), V_stay = 0; p_d = rate·exp(V_d) / (1 + Σ_d' exp(V_d')); "
          "p_stay = 1 − Σ_d p_d",
          "§5",
          {}};
}

Logit::Logit(const sim::Params&) {}

void Logit::probabilities(const sim::CombineInput& in, std::span<double> p) const {
  const std::size_t O = in.options.size();
  const std::size_t K = in.weights.size();
  // Utilities, shifted by their maximum (and stay's 0) so exp never overflows.
  double v_max = 0.0;
  for (std::size_t d = 1; d < O; ++d) {
    if (!in.options[d].available) continue;
    double v = 0.0;
    for (std::size_t k = 0; k < K; ++k)
      v += in.weights[k] * in.scores[k * O + d];
    p[d] = v;
    v_max = std::max(v_max, v);
  }
  double denom = std::exp(-v_max); // stay
  for (std::size_t d = 1; d < O; ++d) {
    if (!in.options[d].available) {
      p[d] = 0.0;
      continue;
    }
    p[d] = std::exp(p[d] - v_max);
    denom += p[d];
  }
  double go = 0.0;
  for (std::size_t d = 1; d < O; ++d) {
    p[d] *= in.monthly_rate / denom;
    go += p[d];
  }
  p[0] = 1.0 - go;
}

} // namespace kochmon::agents
