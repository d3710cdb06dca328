// The results layout (series, units, axes) and the reduction of the chunks' partial sums
// into the step's series and next month's aggregates.

#include <algorithm>

#include "sim/engine/engine.h"

namespace kochmon::sim {

ResultsLayout make_layout(const World& w, const std::vector<std::size_t>& sampled) {
  ResultsLayout l;
  l.axes = {
      {"region", "Region of origin (household's residence), as in the scenario", w.region_ids()},
      {"destination", "Destination: every region (internal), then the foreign destinations",
       w.destination_ids()},
      {"origin_region", "Region a move starts from", w.region_ids()},
      {"sex", "Sex of the member", {"men", "women"}},
      {"legal_status", "Legal status at the destination", {"legal", "illegal"}},
  };
  const std::vector<int> RD{A_REGION, A_DESTINATION}, R{A_REGION}, D{A_DESTINATION};
  l.series.resize(S_COUNT);
  l.series[S_STOCK] = {"stock", "persons",
                       "Members away (abroad or in another region) at the end of the month", RD};
  l.series[S_STOCK_SL] = {"stock_by_sex_legal",
                          "persons",
                          "Members away by sex and legal status at the end of the month",
                          {A_REGION, A_DESTINATION, A_SEX, A_LEGAL}};
  l.series[S_DEPARTURES] = {"departures", "persons/month", "Members who left this month", RD};
  l.series[S_RETURNS] = {"returns", "persons/month",
                         "Members who came home this month (expulsions included)", RD};
  l.series[S_EXPULSIONS] = {"expulsions", "persons/month",
                            "Illegal migrants detected and expelled this month", RD};
  l.series[S_NEW_BANS] = {"new_bans", "persons/month", "Entry bans imposed this month", D};
  l.series[S_ACTIVE_BANS] = {"active_bans", "persons",
                             "Adults under an entry ban to the destination at the end of the month",
                             D};
  l.series[S_REMIT_SOM] = {"remittances_som", "som/month",
                           "Remittances received by households, net of fees", R};
  l.series[S_REMIT_USD] = {"remittances_usd", "usd/month",
                           "Remittances received, converted at the month's som/USD rate", R};
  l.series[S_REMIT_SOURCE] = {"remittances_by_source_som", "som/month",
                              "Remittances received by region and the destination they come from",
                              RD};
  l.series[S_INTERNAL_MOVES] = {"internal_moves",
                                "persons/month",
                                "Persons moving between regions (members or whole households)",
                                {A_ORIGIN, A_REGION}};
  l.series[S_UNEMPLOYMENT] = {
      "unemployment_rate", "fraction",
      "Unemployed among the active adults at home (endogenous in urban regions)", R};
  l.series[S_URBAN_JOBS] = {"urban_jobs", "jobs",
                            "Stock of jobs of an urban labour market (0 for other regions)", R};
  l.series[S_URBAN_U] = {"urban_unemployment_rate", "fraction",
                         "Unemployment rate migrants face: 1 − jobs/labour force (residents and "
                         "internal migrants) in urban regions, the scenario's rate elsewhere",
                         R};
  l.series[S_SHARE_ABROAD] = {"share_households_abroad", "fraction",
                              "Households with at least one member abroad (foreign)", R};
  l.series[S_POPULATION_HOME] = {"population_home", "persons",
                                 "Persons living in the region, members away excluded", R};
  l.series[S_MEAN_INCOME] = {"mean_income_som", "som/month",
                             "Mean monthly household income (wages, business, farm, remittances)",
                             R};
  l.series[S_POVERTY] = {"poverty_rate", "fraction",
                         "Persons in households whose income per person is below the poverty line",
                         R};
  l.series[S_HT_GAP] = {"ht_expected_wage_gap_som", "som/month",
                        "Harris–Todaro expected earnings gap p_d·w_d·fx_d − p_r·w_r", RD};
  l.series[S_MEAN_RD] = {
      "mean_relative_deprivation", "fraction",
      "Mean of Stark's relative deprivation RD_h over the region's households, from the "
      "income distribution at the start of the month",
      R};
  l.series[S_VAR_WITH] = {"income_var_with_migrant", "som^2",
                          "Mean income variance (recent history) of households with a member "
                          "abroad for 12 months or more",
                          R};
  l.series[S_VAR_WITHOUT] = {"income_var_without_migrant", "som^2",
                             "Mean income variance of households with no member away", R};
  l.series[S_RELVAR_WITH] = {
      "income_relvar_with_migrant", "1",
      "Mean squared coefficient of variation of income (variance / mean²) of "
      "households with a member abroad for 12 months or more",
      R};
  l.series[S_RELVAR_WITHOUT] = {
      "income_relvar_without_migrant", "1",
      "Mean squared coefficient of variation of income of households with "
      "no member away",
      R};
  l.series[S_NEW_BUSINESSES] = {"returnee_businesses", "persons/month",
                                "Returnees who started a business this month", R};
  l.series[S_BUSINESSES] = {"businesses", "persons", "Adults running a returnee business", R};
  if (!sampled.empty()) {
    std::vector<std::string> ids;
    ids.reserve(sampled.size());
    for (auto h : sampled)
      ids.push_back(std::to_string(h));
    l.axes.push_back({"household", "Sampled household (its id in the synthetic population)", ids});
    const std::vector<int> H{A_HOUSEHOLD};
    l.series.push_back(
        {"household_region", "index", "Region of residence (index on the region axis)", H});
    l.series.push_back({"household_income_som", "som/month", "Household income this month", H});
    l.series.push_back({"household_savings_som", "som", "Household savings", H});
    l.series.push_back({"household_members_away", "persons", "Members away", H});
  }
  return l;
}

// --- 4: reduction in chunk order, then this step's series and next step's aggregates.
void Simulation::Impl::reduce(std::vector<std::vector<double>>& values) {
  const MonthFrame& fr = frame;
  const std::size_t n = off.size;
  std::vector<double>& total = reduced;
  std::fill(total.begin(), total.end(), 0.0);
  for (std::size_t c = 0; c < chunk_begin.size(); ++c) {
    const double* p = &partials[c * n];
    for (std::size_t i = 0; i < n; ++i)
      total[i] += p[i];
  }
  const auto uR = static_cast<std::size_t>(R), uD = static_cast<std::size_t>(D);
  auto copy_scaled = [&](std::size_t series, std::size_t at, std::size_t len) {
    for (std::size_t i = 0; i < len; ++i)
      values[series][i] = total[at + i] * inv_scale;
  };
  copy_scaled(S_STOCK, off.stock, uR * uD);
  copy_scaled(S_STOCK_SL, off.stock_sl, uR * uD * 4);
  copy_scaled(S_DEPARTURES, off.dep, uR * uD);
  copy_scaled(S_RETURNS, off.ret, uR * uD);
  copy_scaled(S_EXPULSIONS, off.exp, uR * uD);
  copy_scaled(S_NEW_BANS, off.new_bans, uD);
  copy_scaled(S_ACTIVE_BANS, off.bans, uD);
  copy_scaled(S_REMIT_SOM, off.remit, uR);
  copy_scaled(S_REMIT_SOURCE, off.remit_src, uR * uD);
  copy_scaled(S_INTERNAL_MOVES, off.moves, uR * uR);
  copy_scaled(S_POPULATION_HOME, off.persons, uR);
  copy_scaled(S_NEW_BUSINESSES, off.new_business, uR);
  copy_scaled(S_BUSINESSES, off.business, uR);
  for (std::size_t r = 0; r < uR; ++r) {
    const double n_hh = total[off.hh + r];
    const double persons = total[off.persons + r];
    const double n_with = total[off.n_with + r];
    values[S_REMIT_USD][r] = values[S_REMIT_SOM][r] / fr.env.som_per_usd;
    values[S_UNEMPLOYMENT][r] =
        total[off.active + r] > 0 ? total[off.unemployed + r] / total[off.active + r] : 0.0;
    values[S_URBAN_JOBS][r] = jobs[r] * inv_scale;
    values[S_URBAN_U][r] = fr.u_eff[r];
    values[S_SHARE_ABROAD][r] = n_hh > 0 ? total[off.hh_abroad + r] / n_hh : 0.0;
    values[S_MEAN_INCOME][r] = n_hh > 0 ? total[off.income + r] / n_hh : 0.0;
    values[S_POVERTY][r] =
        total[off.members + r] > 0 ? total[off.poor + r] / total[off.members + r] : 0.0;
    values[S_MEAN_RD][r] = fr.rd_hist[r].mean_relative_deprivation();
    values[S_VAR_WITH][r] = n_with > 0 ? total[off.var_with + r] / n_with : 0.0;
    const double n_without = total[off.n_without + r];
    values[S_VAR_WITHOUT][r] = n_without > 0 ? total[off.var_without + r] / n_without : 0.0;
    values[S_RELVAR_WITH][r] = n_with > 0 ? total[off.relvar_with + r] / n_with : 0.0;
    values[S_RELVAR_WITHOUT][r] = n_without > 0 ? total[off.relvar_without + r] / n_without : 0.0;
    for (std::size_t d = 0; d < uD; ++d) {
      const auto& o = fr.options[r * static_cast<std::size_t>(O) + 1 + d];
      values[S_HT_GAP][r * uD + d] =
          o.available ? o.p_d * o.w_d * o.fx_d - fr.origins[r].p_r * fr.origins[r].w_r : 0.0;
    }
    P_r[r] = persons * inv_scale;
    income_mean_r[r] = values[S_MEAN_INCOME][r];
  }
  // Next month's urban labour force: active residents plus internal migrants present.
  for (std::size_t j = 0; j < uR; ++j) {
    double lf = total[off.active + j];
    for (std::size_t r = 0; r < uR; ++r)
      lf += total[off.stock + r * uD + j];
    labour_force[j] = lf;
  }
  std::copy_n(values[S_STOCK].begin(), uR * uD, N_rd.begin());
  double moved = 0;
  for (std::size_t i = 0; i < uR * uR; ++i)
    moved += total[off.moves + i];
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

} // namespace kochmon::sim
