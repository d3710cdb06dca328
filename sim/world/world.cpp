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
  std::vector<std::size_t> begin(static_cast<std::size_t>(n_regions_) + 1, 0);
  for (int r = 0; r < n_regions_; ++r) {
    const auto& c = config_.regions[static_cast<std::size_t>(r)];
    const auto n =
        static_cast<std::size_t>(std::llround(config_.scale * c.population / c.household_size));
    begin[static_cast<std::size_t>(r) + 1] =
        begin[static_cast<std::size_t>(r)] + std::max<std::size_t>(n, 1);
  }
  const std::size_t H = begin.back();
  auto& hh = households_;
  hh.resize_households(H);
  std::vector<std::uint8_t> region_of(H);
  for (int r = 0; r < n_regions_; ++r)
    std::fill(region_of.begin() + static_cast<std::ptrdiff_t>(begin[static_cast<std::size_t>(r)]),
              region_of.begin() +
                  static_cast<std::ptrdiff_t>(begin[static_cast<std::size_t>(r) + 1]),
              static_cast<std::uint8_t>(r));

  // Pass 1: household-level attributes.
  const int max_size = static_cast<int>(pop.max_household_size);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, H, GEN_CHUNK), [&](const auto& range) {
    for (std::size_t h = range.begin(); h != range.end(); ++h) {
      const int r = region_of[h];
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
      adults = std::clamp(adults, 1, std::min(size, MAX_ADULTS));
      hh.size[h] = static_cast<std::uint8_t>(size);
      hh.n_adults[h] = static_cast<std::uint8_t>(adults);
      // Land: rural households hold an exponentially distributed plot (many small holdings).
      const bool rural = KeyedDraws::to_unit(w.v[1]) < c.rural_share;
      const double u_land = KeyedDraws::to_unit(w.v[2]);
      hh.land_ha[h] = rural ? static_cast<float>(-c.land_ha_mean * std::log(1.0 - u_land)) : 0.0f;
      hh.savings_som[h] = 0;
      hh.remit_som[h] = 0;
    }
  });

  // Pass 2: adult slots (prefix sum in household order).
  std::size_t A = 0;
  for (std::size_t h = 0; h < H; ++h) {
    hh.first_adult[h] = static_cast<std::uint32_t>(A);
    A += hh.n_adults[h];
  }
  hh.resize_adults(A);

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
  std::vector<double> q_abroad;
  std::vector<double> legal_at_start;
  for (std::size_t f = 0; f < config_.destinations.size(); ++f) {
    const auto& d = config_.destinations[f];
    q_abroad.push_back(adults_full > 0 ? d.initial_stock / adults_full : 0.0);
    legal_at_start.push_back(config_.regime_config(f, m0).legal_share_at(
        m0, wage_som(n_regions_ + static_cast<int>(f), m0)));
  }
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, H, GEN_CHUNK), [&](const auto& range) {
    for (std::size_t h = range.begin(); h != range.end(); ++h) {
      const auto& c = config_.regions[hh.region[h]];
      const double u_r = c.unemployment.at(m0), w_r = c.wage_som.at(m0);
      double income = hh.land_ha[h] * c.farm_income_som_per_ha.at(m0);
      for (int k = 0; k < hh.n_adults[h]; ++k) {
        const std::size_t a = hh.first_adult[h] + static_cast<std::size_t>(k);
        const KeyedDraws t(seed, Stream::world, h, k, Purpose::adult_traits);
        const auto b = t.block(0);
        const bool woman = KeyedDraws::to_unit(b.v[0]) < pop.women_share;
        const int age = categorical(pop.age_band_shares, KeyedDraws::to_unit(b.v[1]));
        const int skill = categorical(pop.skill_shares, KeyedDraws::to_unit(b.v[2]));
        hh.traits[a] = Traits::pack(woman, age, skill);
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
          double u = KeyedDraws::to_unit(ab.v[0]);
          for (std::size_t f = 0; f < q_abroad.size(); ++f) {
            if (u < q_abroad[f]) {
              hh.status[a] = AdultStatus::away;
              hh.dest[a] = static_cast<std::uint8_t>(n_regions_ + static_cast<int>(f));
              hh.away_flags[a] = static_cast<std::uint8_t>(
                  AwayFlags::EMPLOYED |
                  (KeyedDraws::to_unit(ab.v[1]) < legal_at_start[f] ? AwayFlags::LEGAL : 0));
              hh.since_step[a] = -1;
              break;
            }
            u -= q_abroad[f];
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
