// The results layout (series, units, axes) and the reduction of the chunks' partial sums
// into the step's series and next month's aggregates.

#include <algorithm>

#include "sim/engine/engine.h"

namespace kochmon::sim {

std::vector<int> shape_axes(Shape s) {
  switch (s) {
  case Shape::R:
    return {A_REGION};
  case Shape::D:
    return {A_DESTINATION};
  case Shape::RD:
    return {A_REGION, A_DESTINATION};
  case Shape::RD_SEX_LEGAL:
    return {A_REGION, A_DESTINATION, A_SEX, A_LEGAL};
  case Shape::OR:
    return {A_ORIGIN, A_REGION};
  case Shape::R_PLACE_SEX_AGE:
    return {A_REGION, A_PLACE, A_SEX, A_AGE};
  case Shape::D_SEX_AGE:
    return {A_DESTINATION, A_SEX, A_AGE};
  }
  return {};
}

std::size_t shape_extent(Shape s, int regions, int destinations) {
  const auto uR = static_cast<std::size_t>(regions), uD = static_cast<std::size_t>(destinations);
  switch (s) {
  case Shape::R:
    return uR;
  case Shape::D:
    return uD;
  case Shape::RD:
    return uR * uD;
  case Shape::RD_SEX_LEGAL:
    return uR * uD * 4;
  case Shape::OR:
    return uR * uR;
  case Shape::R_PLACE_SEX_AGE:
    return uR * 4 * AGE_BANDS;
  case Shape::D_SEX_AGE:
    return uD * 2 * AGE_BANDS;
  }
  return 0;
}

SumOffsets make_offsets(int regions, int destinations) {
  SumOffsets off;
  for (std::size_t s = 0; s < Sum::count; ++s) {
    off.at[s] = off.size;
    off.size += shape_extent(SUM_SHAPES[s], regions, destinations);
  }
  return off;
}

std::vector<std::string> age_band_labels() {
  std::vector<std::string> labels;
  for (int b = 0; b + 1 < AGE_BANDS; ++b)
    labels.push_back(std::to_string(5 * b) + "-" + std::to_string(5 * b + 4));
  labels.push_back(std::to_string(5 * (AGE_BANDS - 1)) + "+");
  return labels;
}

ResultsLayout make_layout(const World& w, const std::vector<std::size_t>& sampled) {
  ResultsLayout l;
  l.axes = {
      {"region", "Region of origin (household's residence), as in the scenario", w.region_ids()},
      {"destination", "Destination: every region (internal), then the foreign destinations",
       w.destination_ids()},
      {"origin_region", "Region a move starts from", w.region_ids()},
      {"sex", "Sex of the member", {"men", "women"}},
      {"legal_status", "Legal status at the destination", {"legal", "illegal"}},
      {"place",
       "Where a member is: at home, or away (abroad or in another region)",
       {"home", "away"}},
      {"age_band", "Five-year age band (years)", age_band_labels()},
  };
  for (const SeriesRow& s : SERIES_TABLE)
    l.series.push_back({s.name, s.unit, s.description, shape_axes(s.shape)});
  if (!sampled.empty()) {
    std::vector<std::string> ids;
    ids.reserve(sampled.size());
    for (auto h : sampled)
      ids.push_back(std::to_string(h));
    l.axes.push_back({"household", "Sampled household (its id in the synthetic population)", ids});
#define KOCHMON_TRAJ(id, name, unit, description)                                                  \
  l.series.push_back({name, unit, description, {A_HOUSEHOLD}});
    KOCHMON_TRAJECTORIES(KOCHMON_TRAJ)
#undef KOCHMON_TRAJ
  }
  return l;
}

std::vector<std::string> series_order() {
  std::vector<std::string> names;
  for (const SeriesRow& s : SERIES_TABLE)
    names.emplace_back(s.name);
#define KOCHMON_TRAJ(id, name, unit, description) names.emplace_back(name);
  KOCHMON_TRAJECTORIES(KOCHMON_TRAJ)
#undef KOCHMON_TRAJ
  return names;
}

void Simulation::Impl::flush(const Tally& x, std::size_t r, double* __restrict part) const {
#define KOCHMON_FLUSH(name) part[off[Sum::name] + r] += static_cast<double>(x.name);
  KOCHMON_HOUSEHOLD_COUNTS(KOCHMON_FLUSH)
  KOCHMON_HOUSEHOLD_SUMS(KOCHMON_FLUSH)
#undef KOCHMON_FLUSH
}

void Simulation::Impl::flush(const Counts& x, std::size_t r, double* __restrict part) const {
  const auto uD = static_cast<std::size_t>(D);
  for (std::size_t d = 0; d < uD; ++d) {
    std::int64_t stock = 0;
    for (std::size_t i = 0; i < 4; ++i) {
      stock += x.stock_sl[d * 4 + i];
      part[off[Sum::stock_sl] + (r * uD + d) * 4 + i] += x.stock_sl[d * 4 + i];
    }
    part[off[Sum::stock] + r * uD + d] += static_cast<double>(stock);
    part[off[Sum::bans] + d] += x.bans[d];
  }
  for (std::size_t i = 0; i < 4 * AGE_BANDS; ++i)
    part[off[Sum::pop_age] + r * 4 * AGE_BANDS + i] += x.pop_age[i];
}

// --- 4: reduction in chunk order, then this step's series and next step's aggregates.
void Simulation::Impl::reduce(std::vector<std::vector<double>>& values) {
  const std::size_t n = off.size;
  std::vector<double>& total = reduced;
  std::fill(total.begin(), total.end(), 0.0);
  for (std::size_t c = 0; c < chunk_begin.size(); ++c) {
    const double* p = &partials[c * n];
    for (std::size_t i = 0; i < n; ++i)
      total[i] += p[i];
  }
  const auto uR = static_cast<std::size_t>(R), uD = static_cast<std::size_t>(D);
  for (std::size_t i = 0; i < S_COUNT; ++i) {
    const SeriesRow& row = SERIES_TABLE[i];
    std::vector<double>& v = values[i];
    switch (row.reduce) {
    case Reduce::copy:
      for (std::size_t j = 0; j < v.size(); ++j)
        v[j] = total[off[row.a] + j] * inv_scale;
      break;
    case Reduce::ratio:
      for (std::size_t r = 0; r < uR; ++r) {
        const double den = total[off[row.b] + r];
        v[r] = den > 0 ? total[off[row.a] + r] / den : 0.0;
      }
      break;
    case Reduce::custom:
      custom_series(static_cast<SeriesId>(i), values);
      break;
    }
  }
  for (std::size_t r = 0; r < uR; ++r) {
    P_r[r] = total[off[Sum::persons] + r] * inv_scale;
    income_mean_r[r] = values[S_MEAN_INCOME][r];
    // What next month's births are spread over (demography.cpp).
    members_r[r] = total[off[Sum::members] + r];
    for (std::size_t b = 0; b < AGE_BANDS; ++b)
      women_home_rb[r * AGE_BANDS + b] =
          total[off[Sum::pop_age] + ((r * 2 + 0) * 2 + 1) * AGE_BANDS + b];
  }
  // Next month's urban labour force: active residents plus internal migrants present.
  for (std::size_t j = 0; j < uR; ++j) {
    double lf = total[off[Sum::active] + j];
    for (std::size_t r = 0; r < uR; ++r)
      lf += total[off[Sum::stock] + r * uD + j];
    labour_force[j] = lf;
  }
  std::copy_n(values[S_STOCK].begin(), uR * uD, N_rd.begin());
  double moved = 0;
  for (std::size_t i = 0; i < uR * uR; ++i)
    moved += total[off[Sum::moves] + i];
  if (cfg.decision.internal_move == DecisionConfig::InternalMove::household && moved > 0)
    update_outsiders();
  // Sampled households' trajectories.
  if (!sampled.empty()) {
    const auto& hh = world.households();
    for (std::size_t i = 0; i < sampled.size(); ++i) {
      const std::size_t h = sampled[i];
      int away = 0;
      for (int k = 0; k < hh.n_adults[h]; ++k)
        away += hh.status[hh.first_adult[h] + static_cast<std::size_t>(k)] == AdultStatus::away;
      values[S_TRAJ_REGION][i] = hh.region[h];
      values[S_TRAJ_INCOME][i] = hh.income_som[h];
      values[S_TRAJ_SAVINGS][i] = hh.savings_som[h];
      values[S_TRAJ_AWAY][i] = away;
    }
  }
}

// The series whose reduction is not a copy or a ratio of sums (Reduce::custom).
void Simulation::Impl::custom_series(SeriesId id, std::vector<std::vector<double>>& values) const {
  const MonthFrame& fr = frame;
  const auto uR = static_cast<std::size_t>(R), uD = static_cast<std::size_t>(D);
  std::vector<double>& v = values[id];
  // A series of the rows above, converted: to dollars, or to price_base prices.
  auto divided = [&](SeriesId of, double by) {
    for (std::size_t r = 0; r < uR; ++r)
      v[r] = values[of][r] / by;
  };
  switch (id) {
  case S_REMIT_USD:
    divided(S_REMIT_SOM, fr.env.som_per_usd);
    return;
  case S_REMIT_REAL:
    divided(S_REMIT_SOM, fr.env.price_level);
    return;
  case S_MEAN_INCOME_REAL:
    divided(S_MEAN_INCOME, fr.env.price_level);
    return;
  case S_URBAN_JOBS:
    for (std::size_t r = 0; r < uR; ++r)
      v[r] = jobs[r] * inv_scale;
    return;
  case S_URBAN_U:
    for (std::size_t r = 0; r < uR; ++r)
      v[r] = fr.u_eff[r];
    return;
  case S_MEAN_RD:
    for (std::size_t r = 0; r < uR; ++r)
      v[r] = fr.rd_hist[r].mean_relative_deprivation();
    return;
  case S_HT_GAP:
    for (std::size_t r = 0; r < uR; ++r)
      for (std::size_t d = 0; d < uD; ++d) {
        const auto& o = fr.options[r * static_cast<std::size_t>(O) + 1 + d];
        v[r * uD + d] =
            o.available ? o.p_d * o.w_d * o.fx_d - fr.origins[r].p_r * fr.origins[r].w_r : 0.0;
      }
    return;
  default:
    KOCHMON_ASSERT(false, "a custom series without a formula in custom_series()");
  }
}

} // namespace kochmon::sim
