#ifndef KOCHMON_SIM_ENGINE_ABROAD_H
#define KOCHMON_SIM_ENGINE_ABROAD_H

// Life abroad (MODEL.md §6), one member's month: job, legality, detection, the return hazard,
// earnings and remittances. Inline, because the household month calls it for every adult
// away (tests/bench/PROFILE.md: a call per adult costs more than the work); coming home
// (expulsion, bans, returnee businesses) is rarer and lives in abroad.cpp. The job-finding
// and return tables are filled once a month by the life-abroad models (sim/api/abroad_model.h,
// conditions.cpp), so a model's covariates never reach this code.

#include <algorithm>

#include "sim/engine/engine.h"

namespace kochmon::sim {

//! Adult a (the k-th of household h, region ur, `target_met` its savings target) spends the
//! month abroad; returns its status at the end. A member who stays adds its remittances to
//! `remit` and the region's by-source sum, and its slot to the household's tally.
[[gnu::always_inline]] inline AdultStatus
Simulation::Impl::month_abroad(std::size_t h, int k, std::size_t a, std::size_t ur, bool target_met,
                               double& remit, HouseholdTally& ht, double* __restrict part) {
  const MonthFrame& fr = frame;
  auto& hh = world.households();
  const auto& ab = cfg.abroad;
  const int d = hh.dest[a];
  const auto ud = static_cast<std::size_t>(d);
  const std::size_t rd = ur * static_cast<std::size_t>(D) + ud;
  // One block per member abroad: job, detection, return; word 3 in 16-bit slices for
  // regularising, the ban's length and starting a business.
  const auto w = KeyedDraws(cfg.seed, Stream::dynamics, h, t, Purpose::abroad_job)
                     .block(static_cast<std::uint32_t>(k));
  const std::uint8_t flags = hh.away_flags[a];
  bool employed = (flags & AwayFlags::EMPLOYED) != 0;
  bool legal = (flags & AwayFlags::LEGAL) != 0;
  const bool trained = (flags & AwayFlags::TRAINED) != 0;
  legal = legal || KeyedDraws::unit16(w.v[3], 0) < fr.legalise_d[ud];
  const double u_job = KeyedDraws::to_unit(w.v[0]);
  const std::size_t job_class = (trained ? JOB_TRAINED : 0) | (legal ? JOB_LEGAL : 0);
  employed =
      employed ? u_job >= ab.job_loss_monthly : u_job < fr.find_rd[rd * JOB_CLASSES + job_class];
  const bool expelled = !legal && KeyedDraws::to_unit(w.v[1]) < fr.env.detect_d[ud];
  const int jobless = employed ? 0 : std::min(255, hh.months_jobless[a] + 1);
  const std::size_t return_class =
      (jobless >= ab.long_unemployed_months ? RETURN_LONG_JOBLESS : 0) |
      (target_met ? RETURN_TARGET_MET : 0);
  const double hazard =
      fr.hazard_rd[rd * RETURN_CLASSES + return_class] *
      return_age_factor[static_cast<std::size_t>(age_band((demography_on ? t : 0) - hh.birth[a]))];
  if (expelled || KeyedDraws::to_unit(w.v[2]) < hazard) [[unlikely]]
    return come_home(h, a, d, w, expelled, part);
  hh.away_flags[a] = static_cast<std::uint8_t>((legal ? AwayFlags::LEGAL : 0) |
                                               (employed ? AwayFlags::EMPLOYED : 0) |
                                               (trained ? AwayFlags::TRAINED : 0));
  hh.months_jobless[a] = static_cast<std::uint8_t>(jobless);
  const double net = employed ? fr.net_d[ud * 2 + (legal ? 1 : 0)] : 0.0;
  const double smooth =
      hh.earnings_abroad_som[a] + REMIT_SMOOTHING * (net - hh.earnings_abroad_som[a]);
  hh.earnings_abroad_som[a] = static_cast<float>(smooth);
  const double sent = ab.remit_share * smooth * (1.0 - fr.env.fee_d[ud]);
  remit += sent;
  part[off[Sum::remit_src] + rd] += sent;
  const bool foreign = world.is_foreign(d);
  ht.abroad = ht.abroad || foreign;
  ht.established = ht.established || (foreign && t - hh.since_step[a] >= ESTABLISHED_MONTHS);
  ht.stock_sl[static_cast<std::size_t>(ht.away)] = stock_sl_code(hh, a, d, legal);
  ++ht.away;
  return AdultStatus::away;
}

} // namespace kochmon::sim

#endif
