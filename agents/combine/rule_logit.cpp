#include "agents/combine/rule_logit.h"

#include <algorithm>
#include <cmath>

namespace kochmon::agents {

double rule_logit(const sim::CombineInput& in, std::size_t k, std::span<double> share) {
  const std::size_t O = in.options.size();
  const double* s = &in.scores[k * O];
  double v_max = 0.0; // stay's utility, so exp never overflows
  for (std::size_t d = 1; d < O; ++d)
    if (in.options[d].available) v_max = std::max(v_max, s[d]);
  double go = 0.0;
  share[0] = 0.0;
  for (std::size_t d = 1; d < O; ++d) {
    share[d] = in.options[d].available ? std::exp(s[d] - v_max) : 0.0;
    go += share[d];
  }
  if (go <= 0.0) return 0.0;
  for (std::size_t d = 1; d < O; ++d)
    share[d] /= go;
  return go / (go + std::exp(-v_max));
}

void scale_to_go(std::span<double> p, double go) {
  double sum = 0.0;
  for (std::size_t d = 1; d < p.size(); ++d) {
    p[d] *= go;
    sum += p[d];
  }
  p[0] = 1.0 - sum;
}

} // namespace kochmon::agents
