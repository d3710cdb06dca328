#ifndef KOCHMON_SIM_WORLD_WORLD_H
#define KOCHMON_SIM_WORLD_WORLD_H

// Places and people (MODEL.md §2–§3): the regions and destinations of a run, the distances
// between them, the exogenous conditions of each month, and the synthetic households.

#include <cstdint>
#include <vector>

#include "sim/api/run_config.h"
#include "sim/world/households.h"

namespace kochmon::sim {

//! Exogenous conditions of one month, read from the scenario's series.
//! Destinations are indexed 0..D-1: first every region (internal), then the foreign ones.
struct MonthEnv {
  Month month;
  double som_per_usd = 1;
  double price_level = 1; // home CPI relative to currencies.price_base (real = nominal / it)
  // per region
  std::vector<double> w_r, u_r, poverty_r, farm_som_per_ha, move_cost_som;
  // per destination
  std::vector<double> w_d, fx_d, u_d, c_d, fee_d, detect_d;
};

class World {
public:
  //! Builds the places and draws the synthetic population (world random stream, in parallel).
  explicit World(const RunConfig& config);
  //! A copy of `prototype` (places and the drawn population) for a run of `config`, which
  //! must describe the same world: the same scenario but for `seed` (the caller checks; see
  //! Simulation's reuse constructor). Copying skips the population's generation.
  World(const World& prototype, const RunConfig& config);

  const RunConfig& config() const { return config_; }
  int n_regions() const { return n_regions_; }
  int n_foreign() const { return n_foreign_; }
  int n_destinations() const { return n_regions_ + n_foreign_; }
  bool is_foreign(int d) const { return d >= n_regions_; }
  //! Great-circle distance from region r to destination d, km.
  double dist_km(int r, int d) const {
    return dist_km_[static_cast<std::size_t>(r * n_destinations() + d)];
  }
  //! Destination ids: region ids, then foreign destination ids.
  std::vector<std::string> destination_ids() const;
  std::vector<std::string> region_ids() const;

  //! Conditions in month m (fills `env`, whose vectors are sized once and reused).
  void month_env(Month m, MonthEnv& env) const;
  //! The som value of destination d's wage in month m: the region's wage for an internal
  //! destination, else wage_local · (som per USD) / (local currency per USD).
  double wage_som(int d, Month m) const;
  //! The home currency's CPI at m relative to currencies.price_base: real = nominal / it.
  double price_level(Month m) const;

  Households& households() { return households_; }
  const Households& households() const { return households_; }
  std::int64_t persons() const;

private:
  void generate_population();

  const RunConfig& config_;
  int n_regions_ = 0;
  int n_foreign_ = 0;
  std::vector<double> dist_km_;
  std::vector<int> dest_currency_; // currency index of each foreign destination
  int home_currency_ = 0;
  Households households_;
};

} // namespace kochmon::sim

#endif
