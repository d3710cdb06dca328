// The conditions of the month: the month frame (month_frame.h) and the per-step tables.

#include <algorithm>
#include <array>
#include <cmath>

#include <tbb/parallel_for.h>

#include "sim/api/abroad_model.h"
#include "sim/engine/engine.h"

namespace kochmon::sim {

// --- 1–2: this month's conditions, contexts and household-independent scores
//! How much the stock of jobs has grown over the first `months` months from `start`: the
//! month's annual rate g compounds monthly, (1 + g/100)^(1/12) in each month. Months of equal
//! rate are compounded by one pow, so a constant rate gives (1 + g/100)^(months/12) exactly.
double job_growth_factor(const Series& growth_pct, Month start, int months) {
  double factor = 1.0;
  for (int k = 0; k < months;) {
    const double g = growth_pct.at(start + k);
    int n = 1;
    while (k + n < months && growth_pct.at(start + (k + n)) == g)
      ++n;
    factor *= std::pow(1.0 + g / 100.0, n / 12.0);
    k += n;
  }
  return factor;
}

void Simulation::Impl::prepare() {
  MonthFrame& fr = frame;
  const Month m = cfg.start + t;
  world.month_env(m, fr.env);
  const auto uO = static_cast<std::size_t>(O);
  const auto uR = static_cast<std::size_t>(R);
  const auto uD = static_cast<std::size_t>(D);

  // Urban labour markets (MODEL.md §4): jobs grow at the month's rate; the unemployment rate is
  // the share of last month's labour force (residents and internal migrants) without a job.
  for (std::size_t r = 0; r < uR; ++r) {
    fr.u_eff[r] = fr.env.u_r[r];
    if (!cfg.regions[r].urban) continue;
    jobs[r] = jobs0[r] * job_growth_factor(cfg.regions[r].jobs_growth_pct, cfg.start, t);
    const double lf = labour_force[r];
    fr.u_eff[r] = lf > 0 ? std::clamp(1.0 - jobs[r] / lf, 0.0, MAX_URBAN_UNEMPLOYMENT) : 0.0;
    fr.env.u_r[r] = fr.u_eff[r];
    fr.env.u_d[r] = fr.u_eff[r];
  }
  // Home prices now against each of the last 36 months (the same for every destination).
  std::array<double, 36> price_ratio;
  for (int k = 1; k <= 36; ++k)
    price_ratio[static_cast<std::size_t>(k - 1)] = fr.env.price_level / world.price_level(m + (-k));
  // Regimes in force: who goes legal, what legality costs before the first wage (part of the
  // cost of going), and what a migrant keeps of a wage.
  for (std::size_t d = 0; d < uD; ++d) {
    const double som_wage = fr.env.w_d[d] * fr.env.fx_d[d];
    if (d < uR) {
      fr.legal_share_d[d] = 1.0;
      fr.permit_d[d] = 0.0;
      fr.tax_d[d] = 0.0;
      fr.legalise_d[d] = 0.0;
    } else {
      const auto& rc = cfg.regime_config(d - uR, m);
      fr.legal_share_d[d] = rc.legal_share_at(m, som_wage);
      fr.permit_d[d] = rc.permit_cost_som.at(m);
      fr.tax_d[d] = rc.income_tax.at(m);
      fr.legalise_d[d] = rc.legalise_monthly.at(m);
      fr.env.c_d[d] += fr.legal_share_d[d] * rc.entry_cost_at(m);
    }
    // The som value of the wage over the last 12 and 36 months, at this month's home prices:
    // a return hazard that compares the wage with its past compares purchasing power at home
    // (without a CPI the factor is exactly 1).
    double mean12 = 0.0, mean36 = 0.0;
    for (int k = 1; k <= 36; ++k) {
      const double w = world.wage_som(static_cast<int>(d), m + (-k)) *
                       price_ratio[static_cast<std::size_t>(k - 1)];
      if (k <= 12) mean12 += w;
      mean36 += w;
    }
    fr.wage_som_mean12[d] = mean12 / 12.0;
    fr.wage_som_mean36[d] = mean36 / 36.0;
    fr.net_expected_d[d] = net_wage_som(som_wage, fr.legal_share_d[d], fr.tax_d[d], fr.permit_d[d]);
    for (int legal = 0; legal < 2; ++legal)
      fr.net_d[d * 2 + static_cast<std::size_t>(legal)] =
          net_wage_som(som_wage, legal, fr.tax_d[d], fr.permit_d[d]);
    // What an arrival can expect to keep a month over its first year, legal or not: an illegal
    // migrant is still there in month k with probability (1 − q)^k (then expelled, and banned:
    // the gain ends), so its wage counts for the mean of that survival over 12 months.
    const double q = fr.env.detect_d[d];
    const double survive12 = q > 0 ? (1.0 - std::pow(1.0 - q, 12.0)) / (12.0 * q) : 1.0;
    fr.earn_d[d] = fr.legal_share_d[d] * fr.net_d[d * 2 + 1] +
                   (1.0 - fr.legal_share_d[d]) * fr.net_d[d * 2] * survive12;
  }
  // Bans: how well they are enforced (fingerprinting raises it), and amnesties this month.
  fr.amnesty_now = false;
  for (std::size_t d = 0; d < uD; ++d) {
    fr.enforcement_d[d] = d < uR ? 1.0 : cfg.destinations[d - uR].ban_enforcement.at(m);
    fr.amnesty_d[d] = 0.0;
  }
  for (const auto& e : cfg.events) {
    if (e.date != m || e.type != EventConfig::Type::amnesty) continue;
    const std::size_t d = uR + static_cast<std::size_t>(e.destination);
    fr.amnesty_d[d] = 1.0 - (1.0 - fr.amnesty_d[d]) * (1.0 - e.share);
    fr.amnesty_now = true;
  }
  fr.training_share = cfg.abroad.training_share.at(m);
  fr.grant_som = cfg.abroad.return_grant_som.at(m);
  fr.business_base = cfg.abroad.business_base.at(m);
  fr.business_savings_effect = cfg.abroad.business_savings_effect.at(m);
  fr.business_income_factor = cfg.abroad.business_income_factor.at(m);
  fr.credit_som = cfg.decision.credit_som.at(m);
  // The poverty line is set at currencies.price_base prices and follows home prices.
  fr.poverty_line = cfg.population.poverty_line_som.at(m) * fr.env.price_level;

  // Regional shock innovations, one keyed draw per region and month.
  for (std::size_t r = 0; r < uR; ++r) {
    const auto b = KeyedDraws(cfg.seed, Stream::dynamics, r, t, Purpose::regional_shock).block(0);
    fr.eta[r] = cfg.regions[r].shock_sd * KeyedDraws::normal(b.v[0], b.v[1]);
  }
  const double phi = cfg.shocks.persistence;
  const double sh = cfg.shocks.household_sd;

  for (int r = 0; r < R; ++r) {
    const auto ur = static_cast<std::size_t>(r);
    OriginView& o = fr.origins[ur];
    o.region = r;
    o.w_r = fr.env.w_r[ur];
    o.u_r = fr.u_eff[ur];
    o.p_r = 1.0 - fr.u_eff[ur];
    o.P_r = P_r[ur];
    o.poverty_r = fr.env.poverty_r[ur];
    o.income_mean_r = income_mean_r[ur];
    o.land_ha_mean = cfg.regions[ur].land_ha_mean;
    const double sd_r = cfg.regions[ur].shock_sd;
    o.sigma2_r = (sd_r * sd_r + sh * sh) / std::max(1e-9, 1.0 - phi * phi);
    OptionView* opt = &fr.options[ur * uO];
    opt[0] = OptionView{}; // stay
    for (int d = 0; d < D; ++d) {
      const auto ud = static_cast<std::size_t>(d);
      OptionView& v = opt[1 + ud];
      v.foreign = world.is_foreign(d);
      v.available = d != r;
      v.urban = !v.foreign && cfg.regions[ud].urban;
      v.w_d = fr.env.w_d[ud];
      v.fx_d = fr.env.fx_d[ud];
      v.u_d = fr.env.u_d[ud];
      v.p_d = 1.0 - fr.env.u_d[ud];
      v.c_d = fr.env.c_d[ud];
      v.dist_km = world.dist_km(r, d);
      v.N_rd = N_rd[ur * uD + ud];
      v.fee_d = fr.env.fee_d[ud];
      v.detect_d = fr.env.detect_d[ud];
      v.legal_d = fr.legal_share_d[ud];
      v.net_legal_d = fr.net_d[ud * 2 + 1];
      v.net_illegal_d = fr.net_d[ud * 2];
      v.net_earnings_d = fr.earn_d[ud];
      v.m_d = cfg.abroad.remit_share;
      double fx_vol = 0.0, corr = 0.0;
      if (v.foreign) {
        fx_vol = cfg.destinations[ud - uR].fx_volatility;
        corr = cfg.destinations[ud - uR].shock_correlation;
      }
      // Relative variance of remittances: employment (Bernoulli), expulsion, exchange rate.
      v.sigma2_d =
          v.u_d / std::max(1e-9, 1.0 - v.u_d) + (1.0 - v.legal_d) * v.detect_d + fx_vol * fx_vol;
      v.corr_rd = corr;
      v.asc_d = v.foreign ? cfg.destinations[ud - uR].attractiveness
                          : cfg.regions[ud].attractiveness + cfg.regions[ur].internal_exit;
    }
    const RegionContext ctx{m, t, o, std::span<const OptionView>(opt, uO)};
    for (std::size_t k = 0; k < rules.size(); ++k) {
      std::span<double> s(&fr.base_scores[(ur * rules.size() + k) * uO], uO);
      rules[k]->score_region(ctx, s);
    }
    if (!any_household_rule) {
      const CombineInput in{
          std::span<const double>(&fr.base_scores[ur * rules.size() * uO], rules.size() * uO),
          weights, ctx.options, cfg.decision.monthly_rate};
      combinator->probabilities(in, std::span<double>(&fr.region_probs[ur * uO], uO));
    }
  }
  prepare_tables();
  if (demography_on) prepare_demography();
  build_rd_histograms();
}

// What a household of region r would compute about itself and destination d, once per step.
void Simulation::Impl::prepare_tables() {
  MonthFrame& fr = frame;
  const auto& ab = cfg.abroad;
  const auto uR = static_cast<std::size_t>(R), uD = static_cast<std::size_t>(D);
  const double f = cfg.home_labour.job_finding_monthly;
  for (std::size_t r = 0; r < uR; ++r) {
    const double w_r = fr.env.w_r[r];
    const double u_r = fr.u_eff[r];
    fr.sep_r[r] = f * u_r / std::max(1e-9, 1.0 - u_r);
    fr.target_r[r] = ab.savings_target_months * w_r;
    fr.business_income_r[r] = w_r * fr.business_income_factor;
  }
  // Job finding and the return hazard abroad: the scenario's models fill their tables
  // (agents/abroad/, sim/api/abroad_model.h).
  const AbroadContext ctx{.month = cfg.start + t,
                          .step = t,
                          .n_regions = R,
                          .n_destinations = D,
                          .w_r = fr.env.w_r,
                          .u_r = fr.u_eff,
                          .w_d = fr.env.w_d,
                          .fx_d = fr.env.fx_d,
                          .u_d = fr.env.u_d,
                          .wage_som_mean12 = fr.wage_som_mean12,
                          .N_rd = N_rd,
                          .P_r = P_r,
                          .grant_som = fr.grant_som,
                          .price_level = fr.env.price_level,
                          .net_som_d = fr.net_expected_d,
                          .wage_som_mean36 = fr.wage_som_mean36};
  job_model->fill(ctx, fr.find_rd);
  return_model->fill(ctx, fr.hazard_rd);
}

// Stark's relative deprivation needs each region's income distribution at the start of the
// month: one histogram per region, built by one task per region in household order.
// Each region's households are the live part of its block, less those who moved out, plus
// the movers in from other blocks (`outsiders`, kept in id order).
void Simulation::Impl::build_rd_histograms() {
  MonthFrame& fr = frame;
  const auto& hh = world.households();
  tbb::parallel_for(0, R, [&](int r) {
    const auto ur = static_cast<std::size_t>(r);
    auto& hist = fr.rd_hist[ur];
    hist.clear();
    for (std::size_t h = hh.block_begin[ur]; h < hh.block_end[ur]; ++h)
      if (hh.region[h] == r && hh.size[h] > 0) hist.add(hh.income_som[h]);
    for (const std::uint32_t h : outsiders)
      if (hh.region[h] == r && hh.size[h] > 0) hist.add(hh.income_som[h]);
    hist.finish();
  });
}

//! After a month with household moves: the households living outside their initial block.
void Simulation::Impl::update_outsiders() {
  const auto& hh = world.households();
  outsiders.clear(); // capacity reserved up front: no allocation here
  for (int r = 0; r < R; ++r)
    for (std::size_t h = hh.block_begin[static_cast<std::size_t>(r)];
         h < hh.block_end[static_cast<std::size_t>(r)]; ++h)
      if (hh.region[h] != r) outsiders.push_back(static_cast<std::uint32_t>(h));
}

} // namespace kochmon::sim
