#include "agents/abroad/job_network.h"

#include <algorithm>
#include <cmath>

namespace kochmon::agents {

sim::PluginInfo JobNetwork::info() {
  return {
      "network",
      "Job finding abroad: a base rate times the destination's employment rate and the "
      "network effect, with training and illegal-status factors.",
      "f_rd = min(1, job_finding_monthly·(1 − u_d)·(1 + network_job_effect·ln(1 + "
      "network_scale·N_rd/P_r))·(1 + training_job_effect)^[trained]·"
      "illegal_job_factor^[illegal])",
      "§6",
      {
          {"job_finding_monthly", 0.4, 0, 1, "1/month",
           "Base monthly job-finding rate abroad, scaled by the employment rate (1 − u_d)."},
          {"network_job_effect", 0.2, 0, 10, "1",
           "Effect of the network ln(1 + network_scale·N_rd/P_r) on job finding."},
          {"network_scale", 10, 0, 1e4, "1",
           "Scale of the network: migrants from r at d per resident of r."},
          {"training_job_effect", 0.3, 0, 10, "1",
           "Relative rise of job finding after pre-departure training."},
          {"illegal_job_factor", 0.7, 0, 1, "1", "Job finding of an illegal migrant, relative."},
      }};
}

JobNetwork::JobNetwork(const sim::Params& p)
    : base_(p.at("job_finding_monthly")), network_effect_(p.at("network_job_effect")),
      network_scale_(p.at("network_scale")), training_effect_(p.at("training_job_effect")),
      illegal_factor_(p.at("illegal_job_factor")) {}

void JobNetwork::fill(const sim::AbroadContext& ctx, std::span<double> table) const {
  const auto R = static_cast<std::size_t>(ctx.n_regions);
  const auto D = static_cast<std::size_t>(ctx.n_destinations);
  for (std::size_t r = 0; r < R; ++r) {
    const double P = ctx.P_r[r];
    for (std::size_t d = 0; d < D; ++d) {
      const std::size_t rd = r * D + d;
      const double network_ln = P > 0 ? std::log1p(network_scale_ * ctx.N_rd[rd] / P) : 0.0;
      for (std::size_t c = 0; c < sim::JOB_CLASSES; ++c) {
        double find = base_ * (1.0 - ctx.u_d[d]) * (1.0 + network_effect_ * network_ln);
        if (c & sim::JOB_TRAINED) find *= 1.0 + training_effect_;
        if (!(c & sim::JOB_LEGAL)) find *= illegal_factor_;
        table[rd * sim::JOB_CLASSES + c] = std::min(1.0, find);
      }
    }
  }
}

} // namespace kochmon::agents
