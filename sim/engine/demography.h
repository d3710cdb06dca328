#ifndef KOCHMON_SIM_ENGINE_DEMOGRAPHY_H
#define KOCHMON_SIM_ENGINE_DEMOGRAPHY_H

// A household's demographic month (MODEL.md §3, sim/DESIGN.md "Demography"), the part that runs
// for every household: one pass over its members adds up the month's hazards of a death, a
// birth and a young adult leaving, and notes whether anyone comes of age or retires. The rare
// part (the events themselves) lives in demography.cpp. Inline, because it runs for every
// household every month (tests/bench/PROFILE.md).

#include "sim/engine/engine.h"

namespace kochmon::sim {

//! A uniform in [0, 1) from the 22 bits of the household-month block that nothing else uses:
//! the low 11 bits of words 0 and 1 (the decision and the income shock read the top 53).
//! Resolution 2^-22 (2.4e-7): enough for monthly hazards of 1e-4 and up.
inline double demography_uniform(const r123::Philox4x64::ctr_type& hm) {
  const std::uint64_t bits = ((hm.v[0] & 0x7FFu) << 11) | (hm.v[1] & 0x7FFu);
  return static_cast<double>(bits) * 0x1.0p-22;
}

//! Household h's demographic month, before anything else in it: members come of age or retire
//! (in the month `next_transition` says), then at most one of a death, a birth or a young
//! adult leaving happens, with probability the sum of the members' hazards (competing risks;
//! the sum is of the order of 1e-2). The sum is needed only when the draw is below an upper
//! bound, size × the region's largest hazard of one member (thinning: the same events as
//! computing it always, for a multiply and a compare). Returns false when nobody is left.
[[gnu::always_inline]] inline bool
Simulation::Impl::demography_month(std::size_t h, const r123::Philox4x64::ctr_type& hm,
                                   double* __restrict part) {
  const auto& hh = world.households();
  if (t >= hh.next_transition[h]) [[unlikely]]
    age_transitions(h);
  const double u = demography_uniform(hm);
  if (u < hh.size[h] * frame.demography_bound_r[hh.region[h]]) [[unlikely]]
    if (u < demographic_hazard(h)) demographic_event(h, u, part);
  return hh.size[h] > 0;
}

//! Members by place, sex and age band into `pop` (place × sex × band of the household's
//! region at the end of the month: the chunk's counts, or the partial sums of another region),
//! members away into the partial sums by destination, and those of working age into `ht`.
template <class Count>
inline void Simulation::Impl::tally_ages(std::size_t h, Count* __restrict pop, HouseholdTally& ht,
                                         double* __restrict part) const {
  const auto& hh = world.households();
  const int clock = demography_on ? t : 0; // without demography, ages are those at the start
  const std::size_t a0 = hh.first_adult[h], d0 = h * MAX_DEPENDANTS;
  double* away = part + off[Sum::stock_age];
  int working = 0;
  for (int k = 0; k < hh.n_adults[h]; ++k) {
    const std::size_t a = a0 + static_cast<std::size_t>(k);
    const int age = clock - hh.birth[a];
    const int w = Traits::woman(hh.traits[a]) ? 1 : 0;
    const auto band = static_cast<std::size_t>(age_band(age));
    const bool is_away = hh.status[a] == AdultStatus::away;
    pop[((is_away ? 1u : 0u) * 2 + static_cast<unsigned>(w)) * AGE_BANDS + band] += 1;
    if (is_away) away[(hh.dest[a] * 2u + static_cast<unsigned>(w)) * AGE_BANDS + band] += 1;
    working += (age >= wa_from_m) & (age < retire_m[static_cast<std::size_t>(w)]);
  }
  const unsigned women = hh.dependant_women[h];
  for (int j = 0; j < hh.n_dependants[h]; ++j) {
    const int age = clock - hh.dependant_birth[d0 + static_cast<std::size_t>(j)];
    const unsigned w = (women >> j) & 1u;
    pop[w * AGE_BANDS + static_cast<std::size_t>(age_band(age))] += 1;
    working += (age >= wa_from_m) & (age < retire_m[w]);
  }
  ht.working_age = working;
}

} // namespace kochmon::sim

#endif
