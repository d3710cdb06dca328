// Demography's rare part (MODEL.md §3, sim/DESIGN.md "Demography"): deaths, births, coming of
// age, retirement, and the month's new households. demography.h has the pass every household
// makes; this file runs for the few households in which something happens.

#include "sim/engine/demography.h"

#include <algorithm>
#include <cmath>

#include "sim/core/error.h"

namespace kochmon::sim {

// The constant tables, and last month's counts for the first month.
void Simulation::Impl::init_demography() {
  const auto& pop = cfg.population;
  const auto& dm = cfg.demography;
  demography_on = dm.enabled;
  band_of_age.resize(static_cast<std::size_t>(OLDEST_AGE_MONTHS + 12 * 30));
  for (std::size_t m = 0; m < band_of_age.size(); ++m)
    band_of_age[m] = static_cast<std::uint8_t>(age_band_of_years(static_cast<int>(m / 12)));
  for (std::size_t s = 0; s < 2; ++s)
    for (std::size_t b = 0; b < AGE_BANDS; ++b)
      death_q[s][b] = dm.enabled
                          ? 1.0 - std::pow(1.0 - dm.death_rate_per_1000[s][b] / 1000.0, 1.0 / 12.0)
                          : 0.0;
  for (std::size_t b = 0; b < AGE_BANDS; ++b)
    return_age_factor[b] = std::exp(cfg.abroad.return_age_gradient *
                                    (5.0 * static_cast<double>(b) + 2.5 - 30.0) / 10.0);
  wa_from_m = 12 * pop.working_age_from;
  retire_m = {12 * pop.retirement_age[0], 12 * pop.retirement_age[1]};
  form_lo_m = 12 * dm.formation_age_min;
  form_hi_m = 12 * dm.formation_age_max;
  mean_skill_factor = 0;
  for (std::size_t s = 0; s < pop.skill_shares.size(); ++s)
    mean_skill_factor += pop.skill_shares[s] * pop.skill_wage_factor[s];
  const auto uR = static_cast<std::size_t>(R);
  members_r.assign(uR, 0.0);
  women_home_rb.assign(uR * AGE_BANDS, 0.0);
  frame.fert_rb.assign(uR * AGE_BANDS, 0.0);
  frame.demography_bound_r.assign(uR, 0.0);
  if (!demography_on) return;
  for (std::size_t h = 0; h < world.households().n_households(); ++h)
    if (world.households().size[h] > 0) update_next_transition(h, 0);
  const auto& hh = world.households();
  for (std::size_t h = 0; h < hh.n_households(); ++h) {
    if (hh.size[h] == 0) continue;
    const std::size_t r = hh.region[h];
    members_r[r] += hh.size[h];
    for (int k = 0; k < hh.n_adults[h]; ++k) {
      const std::size_t a = hh.first_adult[h] + static_cast<std::size_t>(k);
      if (Traits::woman(hh.traits[a]) && hh.status[a] != AdultStatus::away)
        women_home_rb[r * AGE_BANDS + static_cast<std::size_t>(age_band(-hh.birth[a]))] += 1;
    }
    for (int j = 0; j < hh.n_dependants[h]; ++j)
      if ((hh.dependant_women[h] >> j) & 1)
        women_home_rb[r * AGE_BANDS + static_cast<std::size_t>(age_band(
                                          -hh.dependant_birth[h * MAX_DEPENDANTS +
                                                              static_cast<std::size_t>(j)]))] += 1;
  }
}

// This month's fertility: the region's births (its crude birth rate of last month's members)
// spread over the working-age women at home by the shares of births by mother's age.
// The bound of one member's hazard (demography_month's thinning): the largest death
// probability, the region's largest birth probability and the formation rate, with a margin
// for the rounding of a sum of up to 16 terms.
void Simulation::Impl::prepare_demography() {
  const Month m = cfg.start + t;
  const auto& shares = cfg.demography.fertility_age_shares;
  double q_max = 0;
  for (const auto& by_band : death_q)
    for (double q : by_band)
      q_max = std::max(q_max, q);
  for (std::size_t r = 0; r < static_cast<std::size_t>(R); ++r) {
    const double births = cfg.regions[r].birth_rate_per_1000.at(m) / 12000.0 * members_r[r];
    double f_max = 0;
    for (std::size_t b = 0; b < AGE_BANDS; ++b) {
      const std::size_t i = b - FIRST_FERTILE_BAND;
      const double women = women_home_rb[r * AGE_BANDS + b];
      frame.fert_rb[r * AGE_BANDS + b] = b >= FIRST_FERTILE_BAND && i < FERTILITY_BANDS && women > 0
                                             ? std::min(0.1, births * shares[i] / women)
                                             : 0.0;
      f_max = std::max(f_max, frame.fert_rb[r * AGE_BANDS + b]);
    }
    frame.demography_bound_r[r] = (q_max + f_max + cfg.demography.formation_monthly) * (1.0 + 1e-9);
  }
}

// Who can come of age: a child in the month of the birthday, a dependant of working age as
// soon as an adult slot is free; who can retire: an adult at home in the month of the
// birthday, or at once if retired in place. Adults away wait for their return (come_home).
// `from`: the first step still to come (0 before the run, else the next month).
void Simulation::Impl::update_next_transition(std::size_t h, int from) {
  auto& hh = world.households();
  int next = NEVER;
  for (int k = 0; k < hh.n_adults[h]; ++k) {
    const std::size_t a = hh.first_adult[h] + static_cast<std::size_t>(k);
    if (hh.status[a] == AdultStatus::away) continue;
    const int due = hh.birth[a] + retire_m[Traits::woman(hh.traits[a]) ? 1 : 0];
    next = std::min(next, std::max(due, from));
  }
  for (int j = 0; j < hh.n_dependants[h]; ++j) {
    const int birth = hh.dependant_birth[h * MAX_DEPENDANTS + static_cast<std::size_t>(j)];
    const int retire = retire_m[(hh.dependant_women[h] >> j) & 1];
    if (t - birth < wa_from_m)
      next = std::min(next, birth + wa_from_m);
    else if (t - birth < retire && hh.n_adults[h] < MAX_ADULTS)
      next = std::min(next, from);
  }
  hh.next_transition[h] = static_cast<std::int16_t>(std::min<int>(next, NEVER));
}

// The same sum as demography_month's, on the household as it is now (after coming of age or
// retirement), in the order demographic_event walks it.
double Simulation::Impl::demographic_hazard(std::size_t h) const {
  const auto& hh = world.households();
  const double* fert = &frame.fert_rb[static_cast<std::size_t>(hh.region[h]) * AGE_BANDS];
  double hazard = 0;
  int home = 0, may_leave = 0;
  for (int k = 0; k < hh.n_adults[h]; ++k) {
    const std::size_t a = hh.first_adult[h] + static_cast<std::size_t>(k);
    const int age = t - hh.birth[a];
    const int w = Traits::woman(hh.traits[a]) ? 1 : 0;
    const int band = age_band(age);
    const bool at_home = hh.status[a] != AdultStatus::away;
    hazard += death_q[static_cast<std::size_t>(w)][static_cast<std::size_t>(band)];
    hazard += at_home && w ? fert[band] : 0.0;
    home += at_home;
    may_leave += at_home && age >= form_lo_m && age < form_hi_m;
  }
  for (int j = 0; j < hh.n_dependants[h]; ++j) {
    const int age = t - hh.dependant_birth[h * MAX_DEPENDANTS + static_cast<std::size_t>(j)];
    const int w = (hh.dependant_women[h] >> j) & 1;
    const int band = age_band(age);
    hazard += death_q[static_cast<std::size_t>(w)][static_cast<std::size_t>(band)];
    hazard += w ? fert[band] : 0.0;
  }
  return hazard + (home >= 2 ? may_leave * cfg.demography.formation_monthly : 0.0);
}

// u < the household's hazard: which event it is, by the same walk over the members (a death,
// a birth to a woman at home, then a young adult leaving). Rounding can leave u just above the
// last hazard: then nothing happens.
void Simulation::Impl::demographic_event(std::size_t h, double u, double* __restrict part) {
  auto& hh = world.households();
  const auto r = static_cast<std::size_t>(hh.region[h]);
  const double* fert = &frame.fert_rb[r * AGE_BANDS];
  int home = 0;
  for (int k = 0; k < hh.n_adults[h]; ++k) {
    const std::size_t a = hh.first_adult[h] + static_cast<std::size_t>(k);
    const int w = Traits::woman(hh.traits[a]) ? 1 : 0;
    const int band = age_band(t - hh.birth[a]);
    const bool at_home = hh.status[a] != AdultStatus::away;
    home += at_home;
    const double q = death_q[static_cast<std::size_t>(w)][static_cast<std::size_t>(band)];
    if (u < q) {
      part[off[Sum::deaths] + r] += 1;
      if (!at_home) part[off[Sum::deaths_away] + hh.dest[a]] += 1;
      remove_adult(h, k);
      if (hh.size[h] == 0) part[off[Sum::dissolved] + r] += 1;
      update_next_transition(h, t + 1);
      return;
    }
    u -= q;
    const double f = at_home && w ? fert[band] : 0.0;
    if (u < f) {
      give_birth(h, part);
      return;
    }
    u -= f;
  }
  for (int j = 0; j < hh.n_dependants[h]; ++j) {
    const int age = t - hh.dependant_birth[h * MAX_DEPENDANTS + static_cast<std::size_t>(j)];
    const int w = (hh.dependant_women[h] >> j) & 1;
    const int band = age_band(age);
    const double q = death_q[static_cast<std::size_t>(w)][static_cast<std::size_t>(band)];
    if (u < q) {
      part[off[Sum::deaths] + r] += 1;
      remove_dependant(h, j);
      if (hh.size[h] == 0) part[off[Sum::dissolved] + r] += 1;
      update_next_transition(h, t + 1);
      return;
    }
    u -= q;
    const double f = w ? fert[band] : 0.0;
    if (u < f) {
      give_birth(h, part);
      return;
    }
    u -= f;
  }
  if (home < 2) return;
  const double rate = cfg.demography.formation_monthly;
  for (int k = 0; k < hh.n_adults[h]; ++k) {
    const std::size_t a = hh.first_adult[h] + static_cast<std::size_t>(k);
    const int age = t - hh.birth[a];
    if (hh.status[a] == AdultStatus::away || age < form_lo_m || age >= form_hi_m) continue;
    if (u < rate) {
      // Set up after the month, in household order (form_households).
      hh.leaver[h] = static_cast<std::uint8_t>(k);
      part[off[Sum::leavers] + r] += 1;
      return;
    }
    u -= rate;
  }
}

//! A child is born to household h (none when its dependant slots are full: documented, rare).
void Simulation::Impl::give_birth(std::size_t h, double* __restrict part) {
  auto& hh = world.households();
  if (hh.n_dependants[h] >= MAX_DEPENDANTS) return;
  // The newborn's sex: the event's own draw.
  const auto b = KeyedDraws(cfg.seed, Stream::dynamics, h, t, Purpose::demography).block(0);
  add_dependant(h, static_cast<std::int16_t>(t),
                KeyedDraws::to_unit(b.v[0]) >= cfg.demography.boys_share);
  part[off[Sum::births] + hh.region[h]] += 1;
  update_next_transition(h, t + 1);
}

// Adults at home who reach retirement age become dependants; dependants of working age take a
// free adult slot (a child who comes of age looks for work with the region's activity rate).
void Simulation::Impl::age_transitions(std::size_t h) {
  auto& hh = world.households();
  for (int k = hh.n_adults[h] - 1; k >= 0; --k) {
    const std::size_t a = hh.first_adult[h] + static_cast<std::size_t>(k);
    if (hh.status[a] == AdultStatus::away || !over_age(hh, a)) continue;
    if (hh.n_dependants[h] < MAX_DEPENDANTS) {
      add_dependant(h, hh.birth[a], Traits::woman(hh.traits[a]));
      remove_adult(h, k);
    } else {
      hh.status[a] = AdultStatus::inactive; // no dependant slot: retired in place
    }
  }
  const auto& pop = cfg.population;
  const auto& region = cfg.regions[hh.region[h]];
  for (int j = hh.n_dependants[h] - 1; j >= 0 && hh.n_adults[h] < MAX_ADULTS; --j) {
    const std::size_t slot = h * MAX_DEPENDANTS + static_cast<std::size_t>(j);
    const int age = t - hh.dependant_birth[slot];
    const bool woman = ((hh.dependant_women[h] >> j) & 1) != 0;
    if (age < wa_from_m || age >= retire_m[woman ? 1 : 0]) continue;
    const auto b = KeyedDraws(cfg.seed, Stream::dynamics, h, t, Purpose::coming_of_age)
                       .block(static_cast<std::uint32_t>(j));
    const std::size_t a = hh.first_adult[h] + hh.n_adults[h];
    const int skill = [&] {
      double cdf = 0, u = KeyedDraws::to_unit(b.v[0]);
      for (std::size_t s = 0; s + 1 < pop.skill_shares.size(); ++s)
        if (u < (cdf += pop.skill_shares[s])) return static_cast<int>(s);
      return static_cast<int>(pop.skill_shares.size()) - 1;
    }();
    const double sigma = pop.wage_sigma;
    const double z = KeyedDraws::normal(b.v[1], b.v[2]);
    hh.traits[a] = Traits::pack(woman, 0, skill);
    hh.wage_factor[a] =
        static_cast<float>(pop.skill_wage_factor[static_cast<std::size_t>(skill)] /
                           mean_skill_factor * std::exp(sigma * z - 0.5 * sigma * sigma));
    hh.status[a] = KeyedDraws::to_unit(b.v[3]) < region.activity_rate ? AdultStatus::home_unemployed
                                                                      : AdultStatus::inactive;
    hh.dest[a] = NO_DEST;
    hh.away_flags[a] = 0;
    hh.since_step[a] = 0;
    hh.months_jobless[a] = 0;
    hh.earnings_abroad_som[a] = 0;
    hh.ban_dest[a] = NO_DEST;
    hh.ban_until[a] = 0;
    hh.birth[a] = hh.dependant_birth[slot];
    ++hh.n_adults[h];
    ++hh.size[h]; // remove_dependant takes it off again
    remove_dependant(h, j);
  }
  update_next_transition(h, t + 1);
}

//! Adult k leaves the household's slots (death, retirement, a new household): the last adult
//! takes its slot.
void Simulation::Impl::remove_adult(std::size_t h, int k) {
  auto& hh = world.households();
  const std::size_t a = hh.first_adult[h] + static_cast<std::size_t>(k);
  const std::size_t last = hh.first_adult[h] + hh.n_adults[h] - 1u;
  if (a != last) hh.copy_adult(last, a);
  hh.status[last] = AdultStatus::inactive;
  hh.dest[last] = NO_DEST;
  hh.ban_dest[last] = NO_DEST;
  --hh.n_adults[h];
  --hh.size[h];
}

void Simulation::Impl::remove_dependant(std::size_t h, int j) {
  auto& hh = world.households();
  const int last = hh.n_dependants[h] - 1;
  const std::size_t d0 = h * MAX_DEPENDANTS;
  hh.dependant_birth[d0 + static_cast<std::size_t>(j)] =
      hh.dependant_birth[d0 + static_cast<std::size_t>(last)];
  const unsigned w_last = (hh.dependant_women[h] >> last) & 1u;
  const auto cleared = static_cast<unsigned>(hh.dependant_women[h]) & ~(1u << j) & ~(1u << last);
  hh.dependant_women[h] = static_cast<std::uint16_t>(cleared | (w_last << j));
  --hh.n_dependants[h];
  --hh.size[h];
}

void Simulation::Impl::add_dependant(std::size_t h, std::int16_t birth, bool woman) {
  auto& hh = world.households();
  const int j = hh.n_dependants[h];
  KOCHMON_ASSERT(j < MAX_DEPENDANTS, "a dependant slot is free");
  hh.dependant_birth[h * MAX_DEPENDANTS + static_cast<std::size_t>(j)] = birth;
  hh.dependant_women[h] =
      static_cast<std::uint16_t>(hh.dependant_women[h] | (woman ? 1u << j : 0u));
  ++hh.n_dependants[h];
  ++hh.size[h];
}

// After the households' month, on the calling thread: the young adults who leave set up their
// households in chunk and household order, each in the next free slot of its region's block,
// so a new household's id depends on nothing but the run's history (never on threads).
void Simulation::Impl::form_households() {
  auto& hh = world.households();
  for (std::size_t c = 0; c < chunk_begin.size(); ++c) {
    double* part = &partials[c * off.size];
    double leaving = 0;
    for (std::size_t r = 0; r < static_cast<std::size_t>(R); ++r)
      leaving += part[off[Sum::leavers] + r];
    if (leaving == 0) continue;
    const std::size_t end = std::min<std::size_t>(
        chunk_end[c], hh.block_end[static_cast<std::size_t>(chunk_region[c])]);
    for (std::size_t h = chunk_begin[c]; h < end; ++h)
      if (hh.leaver[h] != NO_DEST) form_household(h, part);
  }
}

// The leaver of household h sets up a household of its own in the region where h lives now,
// with its share of the savings and demography.formation_land_share of the land.
void Simulation::Impl::form_household(std::size_t h, double* __restrict part) {
  auto& hh = world.households();
  const int k = hh.leaver[h];
  hh.leaver[h] = NO_DEST;
  const std::size_t r = hh.region[h];
  if (hh.block_end[r] == hh.block_capacity_end[r]) {
    part[off[Sum::not_formed] + r] += 1;
    return;
  }
  const std::size_t n = hh.block_end[r]++;
  const double per_member = 1.0 / hh.size[h];
  hh.region[n] = static_cast<std::uint8_t>(r);
  hh.size[n] = 1;
  hh.n_adults[n] = 1;
  hh.n_dependants[n] = 0;
  hh.dependant_women[n] = 0;
  hh.leaver[n] = NO_DEST;
  const auto land = static_cast<float>(cfg.demography.formation_land_share * hh.land_ha[h]);
  hh.land_ha[n] = land;
  hh.land_ha[h] -= land;
  const auto savings = static_cast<float>(hh.savings_som[h] * per_member);
  hh.savings_som[n] = savings;
  hh.savings_som[h] -= savings;
  hh.income_som[n] = static_cast<float>(hh.income_som[h] * per_member);
  hh.income_mean_som[n] = static_cast<float>(hh.income_mean_som[h] * per_member);
  hh.income_var[n] = 0;
  hh.remit_som[n] = 0;
  hh.shock[n] = hh.shock[h];
  hh.copy_adult(hh.first_adult[h] + static_cast<std::size_t>(k), hh.first_adult[n]);
  remove_adult(h, k);
  update_next_transition(h, t + 1);
  update_next_transition(n, t + 1);
  part[off[Sum::new_households] + r] += 1;
}

} // namespace kochmon::sim
