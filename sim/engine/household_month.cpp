// The household's month: the fused one-pass loop over a chunk's households.

#include <algorithm>
#include <cmath>

#include "sim/engine/abroad.h"
#include "sim/engine/demography.h"
#include "sim/engine/engine.h"

namespace kochmon::sim {

// --- 3: the households of one chunk, in order.
//
// The hot loop (tests/bench/PROFILE.md). What depends only on the region or the destination
// was evaluated once in prepare_tables() by the same expressions, so these lookups give the
// same bits as evaluating them here. Each adult is visited once (which status an adult has
// is as good as random to the branch predictor, so every extra loop over the adults costs
// mispredictions), and the month's tallies are gathered on the way and corrected for a
// departure.
void Simulation::Impl::process_chunk(std::size_t begin, std::size_t end, int region,
                                     double* __restrict part, double* scr, OptionView* hopt) {
  Tally home; // the chunk's region; households living elsewhere are tallied one by one
  Counts counts;
  // The chunk's live households: its block's reserve beyond them is empty; a household that
  // has died out keeps its slot with size 0.
  end = std::min<std::size_t>(end, world.households().block_end[static_cast<std::size_t>(region)]);
  const auto& size = world.households().size;
  for (std::size_t h = begin; h < end; ++h)
    if (size[h] > 0) [[likely]]
      process_household(h, region, home, counts, part, scr, hopt);
  flush(home, static_cast<std::size_t>(region), part);
  flush(counts, static_cast<std::size_t>(region), part);
}

void Simulation::Impl::process_household(std::size_t h, int chunk_region, Tally& chunk_tally,
                                         Counts& counts, double* __restrict part, double* scr,
                                         OptionView* hopt) {
  const MonthFrame& fr = frame;
  auto& hh = world.households();
  const std::uint64_t seed = cfg.seed;
  const auto uD = static_cast<std::size_t>(D);

  // The month's own draws, one counter-based block: word 0 decides, word 1 is the income
  // shock, word 2 the home labour market (16 bits per adult), word 3 the details of a
  // departure (16 bits each: who goes, legal status, training, slipping through a ban); the
  // low 11 bits of words 0 and 1, which those leave unused, gate the demographic month.
  const auto hm = KeyedDraws(seed, Stream::dynamics, h, t, Purpose::household_month).block(0);
  // Demography first (demography.h): who is alive, of working age, at home this month.
  if (demography_on && !demography_month(h, hm, part)) [[unlikely]]
    return;

  const int r = hh.region[h];
  const auto ur = static_cast<std::size_t>(r);
  const std::size_t a0 = hh.first_adult[h];
  const int n_adults = hh.n_adults[h];
  const double w_r = fr.env.w_r[ur];
  const double income_before = hh.income_som[h];
  const float savings = hh.savings_som[h];
  double remit = 0, labour = 0;
  HouseholdTally ht;

  // Income shock (MODEL.md §4): ε = φ·ε + η_r + ν_h.
  const double eps = cfg.shocks.persistence * hh.shock[h] + fr.eta[ur] +
                     cfg.shocks.household_sd * KeyedDraws::normal(hm.v[1]);
  hh.shock[h] = static_cast<float>(eps);
  const double shock_factor = std::max(0.0, 1.0 + eps);

  // An amnesty lifts a share of the active bans (MODEL.md §7).
  if (fr.amnesty_now) [[unlikely]] {
    const auto am = KeyedDraws(seed, Stream::dynamics, h, t, Purpose::amnesty).block(0);
    for (int k = 0; k < n_adults; ++k) {
      const std::size_t a = a0 + static_cast<std::size_t>(k);
      if (hh.ban_dest[a] != NO_DEST && KeyedDraws::unit16(am.v[0], static_cast<unsigned>(k & 3)) <
                                           fr.amnesty_d[hh.ban_dest[a]]) {
        hh.ban_dest[a] = NO_DEST;
        hh.ban_until[a] = 0;
      }
    }
  }

  // Each adult: life abroad (MODEL.md §6), then the home labour market, where a returnee of
  // this month already looks for work: finding at f, losing at s = f·u/(1−u), so u is the
  // steady state.
  const double f = cfg.home_labour.job_finding_monthly;
  const double s = fr.sep_r[ur];
  const double business_income = fr.business_income_r[ur];
  const bool target_met = savings >= fr.target_r[ur];
  for (int k = 0; k < n_adults; ++k) {
    const std::size_t a = a0 + static_cast<std::size_t>(k);
    AdultStatus st = hh.status[a];
    if (st == AdultStatus::away) st = month_abroad(h, k, a, ur, target_met, remit, ht, part);
    if (st != AdultStatus::away) {
      // Branch-free: which transition applies is a select, not a jump.
      const double u = KeyedDraws::unit16(hm.v[2], static_cast<unsigned>(k & 3));
      const bool emp = st == AdultStatus::home_employed, une = st == AdultStatus::home_unemployed,
                 bus = st == AdultStatus::home_business;
      const bool lose = (emp || bus) && u < s; // businesses fail too
      const bool find = une && u < f;
      st = lose ? AdultStatus::home_unemployed : find ? AdultStatus::home_employed : st;
      hh.status[a] = st;
      // Adding 0.0 leaves a non-negative sum's bits unchanged.
      labour += st == AdultStatus::home_employed ? w_r * hh.wage_factor[a] : 0.0;
      labour += st == AdultStatus::home_business ? business_income : 0.0;
      ht.active += st != AdultStatus::inactive;
      ht.unemployed += st == AdultStatus::home_unemployed;
      ht.business += st == AdultStatus::home_business;
    }
    const bool banned_now = hh.ban_dest[a] != NO_DEST && hh.ban_until[a] > t + 1;
    ++counts.bans[banned_now ? hh.ban_dest[a] : Counts::NONE_BAN + static_cast<unsigned>(k)];
  }
  const int home = n_adults - ht.away;

  // Income and savings (MODEL.md §4).
  const double farm = hh.land_ha[h] * fr.env.farm_som_per_ha[ur];
  const double income = (labour + farm) * shock_factor + remit;
  hh.income_som[h] = static_cast<float>(income);
  hh.remit_som[h] = static_cast<float>(remit);
  const double mean_prev = hh.income_mean_som[h];
  const double dev = income - mean_prev;
  hh.income_mean_som[h] = static_cast<float>(mean_prev + INCOME_SMOOTHING * dev);
  hh.income_var[h] = static_cast<float>((1.0 - INCOME_SMOOTHING) *
                                        (hh.income_var[h] + INCOME_SMOOTHING * dev * dev));
  hh.savings_som[h] = savings + static_cast<float>(cfg.population.savings_rate * income);

  // The decision (MODEL.md §5).
  int region_now = r;
  // One keyed draw decides. Every combinator keeps the probability of going at or below the
  // monthly rate, and the options are laid out "go" first, so a household whose draw is at
  // or above the rate stays without any rule being consulted (most households, most months).
  const double u_decide = KeyedDraws::to_unit(hm.v[0]);
  if (home > 0 && u_decide < cfg.decision.monthly_rate) [[unlikely]] {
    const int choice =
        decide(h, hm, u_decide, income_before, income, farm * shock_factor, home, scr, hopt);
    if (choice > 0) region_now = depart(h, hm, choice - 1, ht, part);
  }
  if (region_now == chunk_region) [[likely]] {
    tally_ages(h, counts.pop_age.data(), ht, part);
    tally(h, income, remit, ht, chunk_tally);
    // The members away, branch-free: unused entries count into the spare slots.
    for (int k = 0; k < MAX_ADULTS; ++k)
      ++counts.stock_sl[k < ht.away ? ht.stock_sl[static_cast<std::size_t>(k)]
                                    : Counts::NONE_SL + static_cast<unsigned>(k)];
  } else {
    const auto un = static_cast<std::size_t>(region_now);
    tally_ages(h, part + off[Sum::pop_age] + un * 4 * AGE_BANDS, ht, part);
    Tally one;
    tally(h, income, remit, ht, one);
    flush(one, un, part);
    for (int k = 0; k < ht.away; ++k) {
      const std::size_t code = ht.stock_sl[static_cast<std::size_t>(k)];
      part[off[Sum::stock_sl] + un * uD * 4 + code] += 1;
      part[off[Sum::stock] + un * uD + code / 4] += 1;
    }
  }
}

//! This month's tallies, into those of the household's region at the end of the month.
void Simulation::Impl::tally(std::size_t h, double income, double remit, const HouseholdTally& ht,
                             Tally& x) const {
  const MonthFrame& fr = frame;
  const auto& hh = world.households();
  const int size = hh.size[h];
  x.active += ht.active;
  x.unemployed += ht.unemployed;
  x.business += ht.business;
  x.remit += remit;
  x.hh += 1;
  x.hh_abroad += ht.abroad ? 1 : 0;
  x.persons += size - ht.away;
  x.members += size;
  x.working_age += ht.working_age;
  x.income += income;
  x.poor += income / size < fr.poverty_line ? size : 0;
  // NELM diagnostics compare the income risk of established migrant households with that of
  // households with nobody away; the months around a departure are a planned change of
  // income, not risk, and are left out of both.
  if (ht.established || ht.away == 0) {
    const double m = hh.income_mean_som[h];
    const double v = hh.income_var[h];
    const double relvar = m > 0 ? v / (m * m) : 0.0;
    if (ht.established) {
      x.var_with += v;
      x.relvar_with += relvar;
      ++x.n_with;
    } else {
      x.var_without += v;
      x.relvar_without += relvar;
      ++x.n_without;
    }
  }
}

} // namespace kochmon::sim
