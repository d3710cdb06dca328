// Life abroad: a member abroad comes home (expelled, or by the return hazard).

#include <algorithm>

#include "sim/engine/engine.h"

namespace kochmon::sim {

//! Adult a returns from d this month (expelled, or by the return hazard); returns the new
//! status at home.
AdultStatus Simulation::Impl::come_home(std::size_t h, std::size_t a, int d,
                                        const r123::Philox4x64::ctr_type& w, bool expelled,
                                        double* __restrict part) {
  const MonthFrame& fr = frame;
  auto& hh = world.households();
  const auto uD = static_cast<std::size_t>(D), uR = static_cast<std::size_t>(R);
  const auto ur = static_cast<std::size_t>(hh.region[h]);
  const auto ud = static_cast<std::size_t>(d);
  const std::size_t rd = ur * uD + ud;
  part[off[Sum::ret] + rd] += 1;
  if (expelled) {
    part[off[Sum::exp] + rd] += 1;
    // An entry ban of 3, 5 or 10 years with the destination's shares (MODEL.md §6).
    if (world.is_foreign(d)) {
      const auto& shares = cfg.destinations[ud - uR].ban_shares;
      const double u = KeyedDraws::unit16(w.v[3], 1);
      const int years = u < shares[0]                           ? 3
                        : u < shares[0] + shares[1]             ? 5
                        : u < shares[0] + shares[1] + shares[2] ? 10
                                                                : 0;
      if (years > 0) {
        hh.ban_dest[a] = static_cast<std::uint8_t>(d);
        hh.ban_until[a] = static_cast<std::int16_t>(t + 1 + 12 * years);
        part[off[Sum::new_bans] + ud] += 1;
      }
    }
  }
  hh.status[a] = AdultStatus::home_unemployed;
  hh.dest[a] = NO_DEST;
  // Back home, the returnee retires when due (next month if already past it; demography.cpp).
  if (demography_on) {
    const int due = std::max(t + 1, hh.birth[a] + retire_m[Traits::woman(hh.traits[a]) ? 1 : 0]);
    if (due < hh.next_transition[h]) hh.next_transition[h] = static_cast<std::int16_t>(due);
  }
  hh.away_flags[a] = 0;
  hh.months_jobless[a] = 0;
  // Returnees may start a business, more likely with savings (MODEL.md §6). The savings are
  // those at the start of the month (not yet updated by this month's income).
  const double p_business = fr.business_base + fr.business_savings_effect *
                                                   std::max(0.0f, hh.savings_som[h]) /
                                                   (12.0 * fr.env.w_r[ur]);
  if (!expelled && KeyedDraws::unit16(w.v[3], 2) < p_business) {
    hh.status[a] = AdultStatus::home_business;
    part[off[Sum::new_business] + ur] += 1;
  }
  return hh.status[a];
}

} // namespace kochmon::sim
