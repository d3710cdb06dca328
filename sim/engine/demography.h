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

//! Household h's demographic month, before anything else in it: members come of age or retire,
//! then at most one of a death, a birth or a young adult leaving happens, with probability the
//! sum of the members' hazards (competing risks; the sum is of the order of 1e-2). Returns
//! false when nobody is left.
[[gnu::always_inline]] inline bool
Simulation::Impl::demography_month(std::size_t h, const r123::Philox4x64::ctr_type& hm,
                                   double* __restrict part) {
  const auto& hh = world.households();
  const double* fert = &frame.fert_rb[static_cast<std::size_t>(hh.region[h]) * AGE_BANDS];
  const std::size_t a0 = hh.first_adult[h], d0 = h * MAX_DEPENDANTS;
  const int n_adults = hh.n_adults[h], n_dependants = hh.n_dependants[h];
  double hazard = 0;
  int home = 0, may_leave = 0;
  bool transition = false;
  for (int k = 0; k < n_adults; ++k) {
    const std::size_t a = a0 + static_cast<std::size_t>(k);
    const int age = t - hh.birth[a];
    const int w = Traits::woman(hh.traits[a]) ? 1 : 0;
    const int band = age_band(age);
    const bool at_home = hh.status[a] != AdultStatus::away;
    hazard += death_q[static_cast<std::size_t>(w)][static_cast<std::size_t>(band)];
    hazard += at_home && w ? fert[band] : 0.0;
    home += at_home;
    may_leave += at_home && age >= form_lo_m && age < form_hi_m;
    transition = transition || (at_home && age >= retire_m[static_cast<std::size_t>(w)]);
  }
  for (int j = 0; j < n_dependants; ++j) {
    const int age = t - hh.dependant_birth[d0 + static_cast<std::size_t>(j)];
    const int w = (hh.dependant_women[h] >> j) & 1;
    const int band = age_band(age);
    hazard += death_q[static_cast<std::size_t>(w)][static_cast<std::size_t>(band)];
    hazard += w ? fert[band] : 0.0; // dependants are at home
    transition = transition || (n_adults < MAX_ADULTS && age >= wa_from_m &&
                                age < retire_m[static_cast<std::size_t>(w)]);
  }
  hazard += home >= 2 ? may_leave * cfg.demography.formation_monthly : 0.0;
  if (transition) [[unlikely]]
    hazard = age_transitions(h);
  const double u = demography_uniform(hm);
  if (u < hazard) [[unlikely]]
    demographic_event(h, u, part);
  return hh.size[h] > 0;
}

inline void Simulation::Impl::tally_ages(std::size_t h, std::size_t r, HouseholdTally& ht,
                                         double* __restrict part) const {
  const auto& hh = world.households();
  const int clock = demography_on ? t : 0; // without demography, ages are those at the start
  const std::size_t a0 = hh.first_adult[h], d0 = h * MAX_DEPENDANTS;
  double* pop = part + off[Sum::pop_age] + r * 4 * AGE_BANDS;
  double* away = part + off[Sum::stock_age];
  for (int k = 0; k < hh.n_adults[h]; ++k) {
    const std::size_t a = a0 + static_cast<std::size_t>(k);
    const int age = clock - hh.birth[a];
    const int w = Traits::woman(hh.traits[a]) ? 1 : 0;
    const auto band = static_cast<std::size_t>(age_band(age));
    const bool is_away = hh.status[a] == AdultStatus::away;
    pop[((is_away ? 1u : 0u) * 2 + static_cast<unsigned>(w)) * AGE_BANDS + band] += 1;
    if (is_away) away[(hh.dest[a] * 2u + static_cast<unsigned>(w)) * AGE_BANDS + band] += 1;
    ht.working_age += age >= wa_from_m && age < retire_m[static_cast<std::size_t>(w)];
  }
  for (int j = 0; j < hh.n_dependants[h]; ++j) {
    const int age = clock - hh.dependant_birth[d0 + static_cast<std::size_t>(j)];
    const int w = (hh.dependant_women[h] >> j) & 1;
    pop[static_cast<unsigned>(w) * AGE_BANDS + static_cast<std::size_t>(age_band(age))] += 1;
    ht.working_age += age >= wa_from_m && age < retire_m[static_cast<std::size_t>(w)];
  }
}

} // namespace kochmon::sim

#endif
