// The decision (MODEL.md §5) and the departure.

#include <algorithm>
#include <array>

#include "sim/engine/engine.h"
#include "sim/engine/household_view.h"

namespace kochmon::sim {

//! The choice of a household whose decision draw is below the monthly rate: 0 stays, o > 0
//! goes to destination o − 1.
int Simulation::Impl::decide(std::size_t h, const r123::Philox4x64::ctr_type& hm, double u_decide,
                             double income_before, double income, double farm_income, int home,
                             double* scr, OptionView* hopt) {
  const MonthFrame& fr = frame;
  const auto& hh = world.households();
  const auto uO = static_cast<std::size_t>(O);
  const auto ur = static_cast<std::size_t>(hh.region[h]);
  const std::size_t a0 = hh.first_adult[h];
  const int n_adults = hh.n_adults[h];
  const double rd = needs_rd ? fr.rd_hist[ur].relative_deprivation(income_before) : 0.0;
  // Which options this household can take: bans on every adult at home (unless this
  // month's attempt slips through, e.g. under a new name before fingerprinting), liquidity.
  // Most households have no adult at home under a ban, and then (without a liquidity
  // constraint) nothing is blocked: the loop over destinations is skipped.
  // With demography, an adult past working age at home (retired in place) goes nowhere.
  bool any_ban = false;
  for (int k = 0; k < n_adults; ++k) {
    const std::size_t a = a0 + static_cast<std::size_t>(k);
    any_ban = any_ban || (hh.status[a] != AdultStatus::away &&
                          ((hh.ban_dest[a] != NO_DEST && hh.ban_until[a] > t) || over_age(hh, a)));
  }
  bool restricted = false;
  std::array<bool, MAX_OPTIONS> blocked{};
  const double u_slip = KeyedDraws::unit16(hm.v[3], 3);
  for (int d = 0; (any_ban || cfg.decision.liquidity_constraint) && d < D; ++d) {
    const auto ud = static_cast<std::size_t>(d);
    bool all_banned = true;
    for (int k = 0; k < n_adults && all_banned; ++k) {
      const std::size_t a = a0 + static_cast<std::size_t>(k);
      if (hh.status[a] == AdultStatus::away) continue;
      all_banned = banned(hh, a, d, u_slip) || over_age(hh, a);
    }
    const bool broke =
        cfg.decision.liquidity_constraint && hh.savings_som[h] + fr.credit_som < fr.env.c_d[ud];
    blocked[1 + ud] = all_banned || broke;
    restricted = restricted || ((all_banned || broke) && fr.options[ur * uO + 1 + ud].available);
  }
  const double* p;
  if (any_household_rule || restricted) {
    // The region's options, or a copy with this household's blocked ones taken out.
    const OptionView* opts = &fr.options[ur * uO];
    if (restricted) {
      std::copy_n(opts, uO, hopt);
      for (std::size_t o = 1; o < uO; ++o)
        hopt[o].available = hopt[o].available && !blocked[o];
      opts = hopt;
    }
    const HouseholdView view = household_view(hh, h, {home, income, farm_income, rd});
    const RegionContext ctx{cfg.start + t, t, fr.origins[ur],
                            std::span<const OptionView>(opts, uO)};
    const DecisionContext dctx{ctx, view};
    const std::size_t K = rules.size();
    for (std::size_t k = 0; k < K; ++k) {
      if (rules[k]->uses_household())
        rules[k]->score(dctx, std::span<const double>(&fr.base_scores[(ur * K + k) * uO], uO),
                        std::span<double>(scr + k * uO, uO));
      else
        std::copy_n(&fr.base_scores[(ur * K + k) * uO], uO, scr + k * uO);
    }
    const CombineInput in{std::span<const double>(scr, K * uO), weights, ctx.options,
                          cfg.decision.monthly_rate};
    combinator->probabilities(in, std::span<double>(scr + K * uO, uO));
    p = scr + K * uO;
  } else {
    p = &fr.region_probs[ur * uO];
  }
  // Inverse CDF over the destinations; what is left above them is stay.
  double u = u_decide;
  for (int o = 1; o < O; ++o) {
    if (u < p[o]) return o;
    u -= p[o];
  }
  return 0;
}

//! A departure to d: the whole household moves (internal moves by household), or one adult
//! at home who is not banned from d (nor past working age) goes, picked with probability
//! proportional to decision.who_goes by sex and age band (uniformly when those are all 0).
//! Returns the region at the end.
int Simulation::Impl::depart(std::size_t h, const r123::Philox4x64::ctr_type& hm, int d,
                             HouseholdTally& ht, double* __restrict part) {
  const MonthFrame& fr = frame;
  auto& hh = world.households();
  const auto uD = static_cast<std::size_t>(D), uR = static_cast<std::size_t>(R);
  const int r = hh.region[h];
  const auto ur = static_cast<std::size_t>(r);
  const auto ud = static_cast<std::size_t>(d);
  const std::size_t a0 = hh.first_adult[h];
  const int n_adults = hh.n_adults[h];
  if (!world.is_foreign(d) &&
      cfg.decision.internal_move == DecisionConfig::InternalMove::household) {
    hh.region[h] = static_cast<std::uint8_t>(d);
    part[off[Sum::moves] + ur * uR + ud] += hh.size[h];
    return d;
  }
  const double u_slip = KeyedDraws::unit16(hm.v[3], 3);
  const int clock = demography_on ? t : 0;
  std::array<double, MAX_ADULTS> weight{};
  int eligible = 0;
  double total = 0;
  for (int k = 0; k < n_adults; ++k) {
    const std::size_t a = a0 + static_cast<std::size_t>(k);
    if (hh.status[a] == AdultStatus::away || banned(hh, a, d, u_slip) || over_age(hh, a)) continue;
    const auto& by_age = cfg.decision.who_goes[Traits::woman(hh.traits[a]) ? 1 : 0];
    const int band =
        std::clamp(age_band(clock - hh.birth[a]) - FIRST_WORKING_BAND, 0, PROPENSITY_BANDS - 1);
    weight[static_cast<std::size_t>(k)] = by_age[static_cast<std::size_t>(band)];
    total += weight[static_cast<std::size_t>(k)];
    ++eligible;
  }
  KOCHMON_ASSERT(eligible > 0, "a blocked destination was chosen");
  // With equal propensities the sums are whole numbers: the pick is the uniform one.
  const bool uniform = total <= 0;
  double target = KeyedDraws::unit16(hm.v[3], 0) * (uniform ? eligible : total);
  std::size_t a = a0; // the last eligible adult, should rounding leave target above them all
  for (int k = 0; k < n_adults; ++k) {
    const std::size_t c = a0 + static_cast<std::size_t>(k);
    if (hh.status[c] == AdultStatus::away || banned(hh, c, d, u_slip) || over_age(hh, c)) continue;
    a = c;
    const double w = uniform ? 1.0 : weight[static_cast<std::size_t>(k)];
    if (target < w) break;
    target -= w;
  }
  // The tallies counted a at home.
  const AdultStatus was = hh.status[a];
  ht.active -= was != AdultStatus::inactive;
  ht.unemployed -= was == AdultStatus::home_unemployed;
  ht.business -= was == AdultStatus::home_business;
  // Someone going despite a ban goes under a new name: never legally.
  const bool evading = hh.ban_dest[a] == d && hh.ban_until[a] > t;
  const bool legal = !evading && KeyedDraws::unit16(hm.v[3], 1) < fr.legal_share_d[ud];
  const bool trained = KeyedDraws::unit16(hm.v[3], 2) < fr.training_share;
  hh.status[a] = AdultStatus::away;
  hh.dest[a] = static_cast<std::uint8_t>(d);
  hh.away_flags[a] = static_cast<std::uint8_t>((legal ? AwayFlags::LEGAL : 0) |
                                               (trained ? AwayFlags::TRAINED : 0));
  hh.since_step[a] = static_cast<std::int16_t>(t);
  hh.months_jobless[a] = 0;
  hh.earnings_abroad_som[a] = 0;
  hh.savings_som[h] -= static_cast<float>(fr.env.c_d[ud]);
  part[off[Sum::dep] + ur * uD + ud] += 1;
  if (!world.is_foreign(d)) part[off[Sum::moves] + ur * uR + ud] += 1;
  ht.abroad = ht.abroad || world.is_foreign(d); // a new departure is not established
  ht.stock_sl[static_cast<std::size_t>(ht.away)] = stock_sl_code(hh, a, d, legal);
  ++ht.away;
  return r;
}

//! Whether adult a is kept from destination d by a ban this month: an active ban stops them
//! unless this month's attempt slips through (probability 1 − enforcement).
bool Simulation::Impl::banned(const Households& hh, std::size_t a, int d, double u_slip) const {
  const MonthFrame& fr = frame;
  return hh.ban_dest[a] == d && hh.ban_until[a] > t &&
         u_slip < fr.enforcement_d[static_cast<std::size_t>(d)];
}

} // namespace kochmon::sim
