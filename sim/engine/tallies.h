#ifndef KOCHMON_SIM_ENGINE_TALLIES_H
#define KOCHMON_SIM_ENGINE_TALLIES_H

// The series a step records (layout order) and the results layout (internal to sim/engine).

#include <cstddef>
#include <vector>

#include "sim/api/results.h"
#include "sim/world/world.h"

namespace kochmon::sim {

// Series recorded each step, in layout order.
enum SeriesId : std::size_t {
  S_STOCK,
  S_STOCK_SL,
  S_DEPARTURES,
  S_RETURNS,
  S_EXPULSIONS,
  S_NEW_BANS,
  S_ACTIVE_BANS,
  S_REMIT_SOM,
  S_REMIT_USD,
  S_REMIT_SOURCE,
  S_INTERNAL_MOVES,
  S_UNEMPLOYMENT,
  S_URBAN_JOBS,
  S_URBAN_U,
  S_SHARE_ABROAD,
  S_POPULATION_HOME,
  S_MEAN_INCOME,
  S_POVERTY,
  S_HT_GAP,
  S_MEAN_RD,
  S_VAR_WITH,
  S_VAR_WITHOUT,
  S_RELVAR_WITH,
  S_RELVAR_WITHOUT,
  S_NEW_BUSINESSES,
  S_BUSINESSES,
  S_COUNT,
  // per-household trajectories follow when sampled
  S_TRAJ_REGION = S_COUNT,
  S_TRAJ_INCOME,
  S_TRAJ_SAVINGS,
  S_TRAJ_AWAY,
  S_COUNT_WITH_TRAJ
};

enum AxisId : int { A_REGION, A_DESTINATION, A_ORIGIN, A_SEX, A_LEGAL, A_HOUSEHOLD };

//! The series and axes of a run of world w (trajectories of the `sampled` households last).
ResultsLayout make_layout(const World& w, const std::vector<std::size_t>& sampled);

} // namespace kochmon::sim

#endif
