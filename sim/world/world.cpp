#include "sim/world/world.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "sim/core/error.h"
#include "sim/core/rng.h"

namespace kochmon::sim {
namespace {

double great_circle_km(double lat1, double lon1, double lat2, double lon2) {
  constexpr double R = 6371.0, DEG = 3.14159265358979323846 / 180.0;
  const double dlat = (lat2 - lat1) * DEG, dlon = (lon2 - lon1) * DEG;
  const double a =
      std::sin(dlat / 2) * std::sin(dlat / 2) +
      std::cos(lat1 * DEG) * std::cos(lat2 * DEG) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * R * std::asin(std::min(1.0, std::sqrt(a)));
}

int currency_index(const RunConfig& c, const std::string& id) {
  for (std::size_t i = 0; i < c.currencies.size(); ++i)
    if (c.currencies[i].id == id) return static_cast<int>(i);
  KOCHMON_ASSERT(false, "currency reference not validated");
  return 0;
}

// Inverse-CDF draws from one uniform each: deterministic and stateless.
int poisson(double mean, double u) {
  double p = std::exp(-mean), cdf = p;
  int k = 0;
  while (u > cdf && k < 60) {
    ++k;
    p *= mean / k;
    cdf += p;
  }
  return k;
}

int categorical(const std::vector<double>& shares, double u) {
  double cdf = 0;
  for (std::size_t i = 0; i + 1 < shares.size(); ++i) {
    cdf += shares[i];
    if (u < cdf) return static_cast<int>(i);
  }
  return static_cast<int>(shares.size()) - 1;
}

constexpr std::size_t GEN_CHUNK = 4096;

//! The first month of age band b and the month after its last (the 80+ band ends at
//! OLDEST_AGE_MONTHS).
int band_start(std::size_t b) {
  return static_cast<int>(b) * 60;
}
int band_stop(std::size_t b) {
  return b + 1 < AGE_BANDS ? static_cast<int>(b + 1) * 60 : OLDEST_AGE_MONTHS;
}

//! The share of persons with an age in [lo, hi) months (ages uniform within a band).
double age_mass(const std::vector<double>& shares, int lo, int hi) {
  double mass = 0;
  for (std::size_t b = 0; b < shares.size(); ++b) {
    const int s = band_start(b), e = band_stop(b);
    const int overlap = std::max(0, std::min(hi, e) - std::max(lo, s));
    mass += shares[b] * overlap / (e - s);
  }
  return mass;
}

//! An age in months in [lo, hi) from one uniform, by the inverse CDF of the band shares
//! restricted to that range.
int draw_age_months(const std::vector<double>& shares, int lo, int hi, double u) {
  double x = u * age_mass(shares, lo, hi);
  for (std::size_t b = 0; b < shares.size(); ++b) {
    const int s = std::max(lo, band_start(b)), e = std::min(hi, band_stop(b));
    if (e <= s) continue;
    const double mass = shares[b] * (e - s) / (band_stop(b) - band_start(b));
    if (x < mass) return std::min(e - 1, s + static_cast<int>(x / mass * (e - s)));
    x -= mass;
  }
  return hi - 1;
}

} // namespace

World::World(const RunConfig& config) : config_(config) {
  n_regions_ = static_cast<int>(config.regions.size());
  n_foreign_ = static_cast<int>(config.destinations.size());
  KOCHMON_ASSERT(n_regions_ >= 1 && n_regions_ + n_foreign_ < NO_DEST, "place counts validated");
  home_currency_ = currency_index(config, config.home_currency);
  for (const auto& d : config.destinations)
    dest_currency_.push_back(currency_index(config, d.currency));
  const int D = n_destinations();
  dist_km_.resize(static_cast<std::size_t>(n_regions_ * D));
  for (int r = 0; r < n_regions_; ++r) {
    const auto& o = config.regions[static_cast<std::size_t>(r)];
    for (int d = 0; d < D; ++d) {
      double lat, lon;
      if (d < n_regions_) {
        lat = config.regions[static_cast<std::size_t>(d)].lat_deg;
        lon = config.regions[static_cast<std::size_t>(d)].lon_deg;
      } else {
        lat = config.destinations[static_cast<std::size_t>(d - n_regions_)].lat_deg;
        lon = config.destinations[static_cast<std::size_t>(d - n_regions_)].lon_deg;
      }
      dist_km_[static_cast<std::size_t>(r * D + d)] =
          great_circle_km(o.lat_deg, o.lon_deg, lat, lon);
    }
  }
  generate_population();
}

World::World(const World& prototype, const RunConfig& config)
    : config_(config), n_regions_(prototype.n_regions_), n_foreign_(prototype.n_foreign_),
      dist_km_(prototype.dist_km_), dest_currency_(prototype.dest_currency_),
      home_currency_(prototype.home_currency_), households_(prototype.households_) {
  KOCHMON_ASSERT(config.world_seed == prototype.config_.world_seed &&
                     config.scale == prototype.config_.scale &&
                     config.regions.size() == prototype.config_.regions.size() &&
                     config.destinations.size() == prototype.config_.destinations.size(),
                 "a reused world is reused for the scenario it was drawn for");
}

std::vector<std::string> World::region_ids() const {
  std::vector<std::string> ids;
  for (const auto& r : config_.regions)
    ids.push_back(r.id);
  return ids;
}

std::vector<std::string> World::destination_ids() const {
  auto ids = region_ids();
  for (const auto& d : config_.destinations)
    ids.push_back(d.id);
  return ids;
}

void World::month_env(Month m, MonthEnv& env) const {
  const auto R = static_cast<std::size_t>(n_regions_);
  const auto D = static_cast<std::size_t>(n_destinations());
  env.month = m;
  for (auto* v : {&env.w_r, &env.u_r, &env.poverty_r, &env.farm_som_per_ha, &env.move_cost_som})
    v->resize(R);
  for (auto* v : {&env.w_d, &env.fx_d, &env.u_d, &env.c_d, &env.fee_d, &env.detect_d})
    v->resize(D);
  const double home_per_usd =
      config_.currencies[static_cast<std::size_t>(home_currency_)].per_usd.at(m);
  env.som_per_usd = home_per_usd;
  env.price_level = price_level(m);
  for (std::size_t r = 0; r < R; ++r) {
    const auto& c = config_.regions[r];
    env.w_r[r] = c.wage_som.at(m);
    env.u_r[r] = c.unemployment.at(m);
    env.poverty_r[r] = c.poverty_rate.at(m);
    env.farm_som_per_ha[r] = c.farm_income_som_per_ha.at(m);
    env.move_cost_som[r] = c.move_cost_som.at(m);
    // An internal destination: the region's own labour market, in som, no fee or detection.
    env.w_d[r] = env.w_r[r];
    env.fx_d[r] = 1.0;
    env.u_d[r] = env.u_r[r];
    env.c_d[r] = env.move_cost_som[r];
    env.fee_d[r] = 0;
    env.detect_d[r] = 0;
  }
  for (std::size_t f = 0; f < config_.destinations.size(); ++f) {
    const auto& c = config_.destinations[f];
    const std::size_t d = R + f;
    const double per_usd =
        config_.currencies[static_cast<std::size_t>(dest_currency_[f])].per_usd.at(m);
    env.w_d[d] = c.wage_local.at(m);
    env.fx_d[d] = home_per_usd / per_usd; // som per unit of the destination's currency
    env.u_d[d] = c.unemployment.at(m);
    env.c_d[d] = c.cost_som.at(m);
    env.fee_d[d] = c.remittance_fee.at(m);
    env.detect_d[d] = c.detection_monthly.at(m);
  }
}

double World::wage_som(int d, Month m) const {
  const auto R = static_cast<std::size_t>(n_regions_);
  const auto ud = static_cast<std::size_t>(d);
  if (ud < R) return config_.regions[ud].wage_som.at(m);
  const auto f = ud - R;
  const double per_usd =
      config_.currencies[static_cast<std::size_t>(dest_currency_[f])].per_usd.at(m);
  const double home = config_.currencies[static_cast<std::size_t>(home_currency_)].per_usd.at(m);
  return config_.destinations[f].wage_local.at(m) * home / per_usd;
}

double World::price_level(Month m) const {
  const Series& cpi = config_.currencies[static_cast<std::size_t>(home_currency_)].cpi;
  return cpi.at(m) / cpi.at(config_.price_base);
}

std::int64_t World::persons() const {
  std::int64_t n = 0;
  for (auto s : households_.size)
    n += s;
  return n;
}

// MODEL.md §3: households per region from population and mean household size; members from
// the working-age share; employment from the regional unemployment rate; land from the rural
// share; individual wages lognormal around the regional mean with skill factors.
void World::generate_population() {
  const auto& pop = config_.population;
  const std::uint64_t seed = config_.world_seed;
  // Each region's block: its opening households, then the reserve for new ones.
  const auto uR = static_cast<std::size_t>(n_regions_);
  std::vector<std::size_t> begin(uR + 1, 0), live(uR, 0);
  for (std::size_t r = 0; r < uR; ++r) {
    const auto& c = config_.regions[r];
    live[r] = std::max<std::size_t>(
        static_cast<std::size_t>(std::llround(config_.scale * c.population / c.household_size)), 1);
    const auto capacity =
        config_.demography.enabled
            ? static_cast<std::size_t>(
                  std::ceil(static_cast<double>(live[r]) * config_.demography.capacity_factor))
            : live[r];
    begin[r + 1] = begin[r] + capacity;
  }
  const std::size_t H = begin.back();
  auto& hh = households_;
  hh.resize_households(H);
  hh.block_begin.resize(uR);
  hh.block_end.resize(uR);
  hh.block_capacity_end.resize(uR);
  for (std::size_t r = 0; r < uR; ++r) {
    hh.block_begin[r] = static_cast<std::uint32_t>(begin[r]);
    hh.block_end[r] = static_cast<std::uint32_t>(begin[r] + live[r]);
    hh.block_capacity_end[r] = static_cast<std::uint32_t>(begin[r + 1]);
    std::fill(hh.region.begin() + static_cast<std::ptrdiff_t>(begin[r]),
              hh.region.begin() + static_cast<std::ptrdiff_t>(begin[r + 1]),
              static_cast<std::uint8_t>(r));
  }
  auto is_live = [&](std::size_t h) { return h < hh.block_end[hh.region[h]]; };

  // Pass 1: household-level attributes (the reserve stays empty: size 0).
  const int max_size = static_cast<int>(pop.max_household_size);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, H, GEN_CHUNK), [&](const auto& range) {
    for (std::size_t h = range.begin(); h != range.end(); ++h) {
      if (!is_live(h)) continue;
      const int r = hh.region[h];
      const auto& c = config_.regions[static_cast<std::size_t>(r)];
      hh.region[h] = static_cast<std::uint8_t>(r);
      const KeyedDraws size_draw(seed, Stream::world, h, 0, Purpose::household_size);
      const auto w = size_draw.block(0);
      const int size =
          std::clamp(1 + poisson(c.household_size - 1.0, KeyedDraws::to_unit(w.v[0])), 1, max_size);
      // Working-age adults: binomial(size, working_age_share), at least 1, at most MAX_ADULTS.
      const KeyedDraws adult_draw(seed, Stream::world, h, 0, Purpose::adults);
      int adults = 0;
      for (int i = 0; i < size; ++i)
        if (adult_draw.uniform(static_cast<std::uint32_t>(i / 4), static_cast<unsigned>(i % 4)) <
            c.working_age_share)
          ++adults;
      // Working-age members beyond MAX_ADULTS are dependants of working age (the first ones).
      hh.leaver[h] = static_cast<std::uint8_t>(std::max(0, adults - MAX_ADULTS));
      adults = std::clamp(adults, 1, std::min(size, MAX_ADULTS));
      hh.size[h] = static_cast<std::uint8_t>(size);
      hh.n_adults[h] = static_cast<std::uint8_t>(adults);
      hh.n_dependants[h] = static_cast<std::uint8_t>(size - adults);
      // Land: rural households hold an exponentially distributed plot (many small holdings).
      const bool rural = KeyedDraws::to_unit(w.v[1]) < c.rural_share;
      const double u_land = KeyedDraws::to_unit(w.v[2]);
      hh.land_ha[h] = rural ? static_cast<float>(-c.land_ha_mean * std::log(1.0 - u_land)) : 0.0f;
      hh.savings_som[h] = 0;
      hh.remit_som[h] = 0;
    }
  });

  // Pass 2: adult slots, MAX_ADULTS per household (a child who comes of age takes a free one).
  for (std::size_t h = 0; h < H; ++h)
    hh.first_adult[h] = static_cast<std::uint32_t>(h * MAX_ADULTS);
  hh.resize_adults(H * MAX_ADULTS);

  // Pass 3: adults' traits, labour status and wages; the household's opening income.
  double mean_skill_factor = 0;
  for (std::size_t s = 0; s < pop.skill_shares.size(); ++s)
    mean_skill_factor += pop.skill_shares[s] * pop.skill_wage_factor[s];
  const Month m0 = config_.start;
  const double sigma = pop.wage_sigma;
  // Members already abroad at the start (the network of earlier years): each working-age adult
  // is away at foreign destination f with probability initial_stock_f / working-age adults.
  double adults_full = 0;
  for (const auto& r : config_.regions)
    adults_full += r.population * r.working_age_share;
  const int wa_from = 12 * pop.working_age_from;
  const std::array<int, 2> retire{12 * pop.retirement_age[0], 12 * pop.retirement_age[1]};
  // Who is abroad follows who goes (decision.who_goes): an adult's chance is scaled by its
  // propensity over the adults' mean one, so the opening stock has the migrants' sex and ages.
  const auto& who = config_.decision.who_goes;
  auto propensity = [&](bool woman, int age_months) {
    const int band = std::clamp(age_band_of_years(age_months / 12) - FIRST_WORKING_BAND, 0,
                                PROPENSITY_BANDS - 1);
    return who[woman ? 1 : 0][static_cast<std::size_t>(band)];
  };
  bool uniform_who = true;
  for (const auto& by_age : who)
    for (double w : by_age)
      uniform_who = uniform_who && w == 1.0;
  double mean_propensity = 0;
  for (int s = 0; s < 2; ++s) {
    const int hi = retire[static_cast<std::size_t>(s)];
    double mass = 0, weighted = 0;
    for (int m = wa_from; m < hi; m += 12) {
      const double x = age_mass(pop.age_shares, m, m + 12);
      mass += x;
      weighted += x * propensity(s == 1, m);
    }
    mean_propensity +=
        (s == 1 ? pop.women_share : 1 - pop.women_share) * (mass > 0 ? weighted / mass : 0.0);
  }
  std::vector<double> q_abroad;
  std::vector<double> legal_at_start;
  for (std::size_t f = 0; f < config_.destinations.size(); ++f) {
    const auto& d = config_.destinations[f];
    q_abroad.push_back(adults_full > 0 ? d.initial_stock / adults_full : 0.0);
    legal_at_start.push_back(config_.regime_config(f, m0).legal_share_at(
        m0, wage_som(n_regions_ + static_cast<int>(f), m0)));
  }
  // Ages (months at time.start) from population.age_shares: adults within working age,
  // dependants outside it, children or pensioners in proportion to the shares' mass there.
  const double child_mass = age_mass(pop.age_shares, 0, wa_from);
  std::array<double, 2> p_child{};
  for (int s = 0; s < 2; ++s) {
    const double old =
        age_mass(pop.age_shares, retire[static_cast<std::size_t>(s)], OLDEST_AGE_MONTHS);
    p_child[static_cast<std::size_t>(s)] =
        child_mass + old > 0 ? child_mass / (child_mass + old) : 1.0;
  }
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, H, GEN_CHUNK), [&](const auto& range) {
    for (std::size_t h = range.begin(); h != range.end(); ++h) {
      if (!is_live(h)) continue;
      const auto& c = config_.regions[hh.region[h]];
      // Dependants: the first `leaver[h]` are of working age (beyond MAX_ADULTS), the others
      // children or pensioners.
      std::uint16_t women = 0;
      for (int j = 0; j < hh.n_dependants[h]; ++j) {
        const auto b = KeyedDraws(seed, Stream::world, h, j, Purpose::dependants).block(0);
        const bool woman = KeyedDraws::to_unit(b.v[0]) < 0.5;
        const int ret = retire[woman ? 1 : 0];
        const double u = KeyedDraws::to_unit(b.v[2]);
        const int age = j < hh.leaver[h] ? draw_age_months(pop.age_shares, wa_from, ret, u)
                        : KeyedDraws::to_unit(b.v[1]) < p_child[woman ? 1 : 0]
                            ? draw_age_months(pop.age_shares, 0, wa_from, u)
                            : draw_age_months(pop.age_shares, ret, OLDEST_AGE_MONTHS, u);
        hh.dependant_birth[h * MAX_DEPENDANTS + static_cast<std::size_t>(j)] =
            static_cast<std::int16_t>(-age);
        women = static_cast<std::uint16_t>(women | (woman ? 1u << j : 0u));
      }
      hh.dependant_women[h] = women;
      hh.leaver[h] = NO_DEST;
      const double u_r = c.unemployment.at(m0), w_r = c.wage_som.at(m0);
      double income = hh.land_ha[h] * c.farm_income_som_per_ha.at(m0);
      for (int k = 0; k < hh.n_adults[h]; ++k) {
        const std::size_t a = hh.first_adult[h] + static_cast<std::size_t>(k);
        const KeyedDraws t(seed, Stream::world, h, k, Purpose::adult_traits);
        const auto b = t.block(0);
        const bool woman = KeyedDraws::to_unit(b.v[0]) < pop.women_share;
        hh.birth[a] = static_cast<std::int16_t>(-draw_age_months(
            pop.age_shares, wa_from, retire[woman ? 1 : 0], KeyedDraws::to_unit(b.v[1])));
        const int skill = categorical(pop.skill_shares, KeyedDraws::to_unit(b.v[2]));
        hh.traits[a] = Traits::pack(woman, 0, skill);
        const auto b2 = t.block(1);
        const double z = KeyedDraws::normal(b2.v[0], b2.v[1]);
        hh.wage_factor[a] =
            static_cast<float>(pop.skill_wage_factor[static_cast<std::size_t>(skill)] /
                               mean_skill_factor * std::exp(sigma * z - 0.5 * sigma * sigma));
        const KeyedDraws l(seed, Stream::world, h, k, Purpose::labour_status);
        const auto b3 = l.block(0);
        const bool active = KeyedDraws::to_unit(b3.v[0]) < c.activity_rate;
        const bool employed = active && KeyedDraws::to_unit(b3.v[1]) >= u_r;
        hh.status[a] = !active
                           ? AdultStatus::inactive
                           : (employed ? AdultStatus::home_employed : AdultStatus::home_unemployed);
        hh.dest[a] = NO_DEST;
        if (!q_abroad.empty()) {
          const auto ab = KeyedDraws(seed, Stream::world, h, k, Purpose::initial_abroad).block(0);
          const double factor =
              uniform_who || mean_propensity <= 0
                  ? 1.0
                  : propensity(Traits::woman(hh.traits[a]), -hh.birth[a]) / mean_propensity;
          double u = KeyedDraws::to_unit(ab.v[0]);
          for (std::size_t f = 0; f < q_abroad.size(); ++f) {
            if (u < q_abroad[f] * factor) {
              hh.status[a] = AdultStatus::away;
              hh.dest[a] = static_cast<std::uint8_t>(n_regions_ + static_cast<int>(f));
              hh.away_flags[a] = static_cast<std::uint8_t>(
                  AwayFlags::EMPLOYED |
                  (KeyedDraws::to_unit(ab.v[1]) < legal_at_start[f] ? AwayFlags::LEGAL : 0));
              hh.since_step[a] = -1;
              break;
            }
            u -= q_abroad[f] * factor;
          }
        }
        if (hh.status[a] == AdultStatus::home_employed) income += w_r * hh.wage_factor[a];
      }
      hh.income_som[h] = static_cast<float>(income);
      hh.income_mean_som[h] = static_cast<float>(income);
      hh.income_var[h] = 0;
      hh.shock[h] = 0;
      hh.savings_som[h] = static_cast<float>(pop.initial_savings_months * income);
    }
  });
}

} // namespace kochmon::sim
