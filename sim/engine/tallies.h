#ifndef KOCHMON_SIM_ENGINE_TALLIES_H
#define KOCHMON_SIM_ENGINE_TALLIES_H

// The tallies of a month, declared once (internal to sim/engine): the partial sums the chunks
// gather and the series a step records. The tables below drive the sums' ids and offsets, the
// per-household tally and its flush, the series ids, the results layout and the reduction
// (tallies.cpp), so adding a series is one row:
//  - a count or sum of the households' month by region: a row of KOCHMON_HOUSEHOLD_COUNTS or
//    KOCHMON_HOUSEHOLD_SUMS, its term in Impl::tally(), and a `ratio` or `copy` series row;
//  - anything else the loop adds to: a row of KOCHMON_DIRECT_SUMS and the `part[off[...]]`
//    additions where it happens;
//  - a series computed from the month frame: a `custom` row and its case in
//    Impl::custom_series().
// A static_assert checks that a copy has its sum's shape and a ratio divides sums by region.

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/api/results.h"
#include "sim/world/world.h"

namespace kochmon::sim {

//! The axes of a sum or a series, after time (R regions, D destinations).
enum class Shape : std::uint8_t {
  R,               // region
  D,               // destination
  RD,              // region × destination
  RD_SEX_LEGAL,    // region × destination × sex × legal status
  OR,              // origin region × region (a move)
  R_PLACE_SEX_AGE, // region × place (home, away) × sex × age band
  D_SEX_AGE,       // destination × sex × age band
};

// Partial sums added to directly while the households run: X(name, shape).
#define KOCHMON_DIRECT_SUMS(X)                                                                     \
  X(stock, RD)                /* members away, by region at the end of the month */                \
  X(stock_sl, RD_SEX_LEGAL)   /* the same by sex and legal status */                               \
  X(dep, RD)                  /* departures */                                                     \
  X(ret, RD)                  /* returns, expulsions included */                                   \
  X(exp, RD)                  /* expulsions */                                                     \
  X(new_bans, D)              /* bans imposed */                                                   \
  X(bans, D)                  /* active bans at the end of the month */                            \
  X(remit_src, RD)            /* remittances sent, som */                                          \
  X(moves, OR)                /* persons moving between regions */                                 \
  X(new_business, R)          /* returnees starting a business */                                  \
  X(births, R)                /* children born */                                                  \
  X(deaths, R)                /* members who died, at home or away */                              \
  X(deaths_away, D)           /* members who died away, by where they were */                      \
  X(new_households, R)        /* households set up by a young adult */                             \
  X(not_formed, R)            /* households not set up: the region's reserve was full */           \
  X(dissolved, R)             /* households whose last member died */                              \
  X(leavers, R)               /* young adults leaving this month (the formation pass's work) */    \
  X(pop_age, R_PLACE_SEX_AGE) /* members by region, place, sex and age band */                     \
  X(stock_age, D_SEX_AGE)     /* members away by destination, sex and age band */

// Whole-number tallies of a household's month, by its region at the end of the month (kept as
// integers until the flush, exact in any order): X(name).
#define KOCHMON_HOUSEHOLD_COUNTS(X)                                                                \
  X(hh)          /* households */                                                                  \
  X(hh_abroad)   /* households with a member abroad */                                             \
  X(persons)     /* persons at home */                                                             \
  X(members)     /* persons, members away included */                                              \
  X(poor)        /* persons in households below the poverty line */                                \
  X(active)      /* active adults at home */                                                       \
  X(unemployed)  /* unemployed adults at home */                                                   \
  X(business)    /* adults running a returnee business */                                          \
  X(n_with)      /* established migrant households (NELM diagnostics) */                           \
  X(n_without)   /* households with nobody away */                                                 \
  X(working_age) /* members of working age, at home and away */

// Real-valued tallies of a household's month, by region, summed in household order: X(name).
#define KOCHMON_HOUSEHOLD_SUMS(X)                                                                  \
  X(remit)          /* remittances received, som */                                                \
  X(income)         /* household income, som */                                                    \
  X(var_with)       /* income variance of established migrant households */                        \
  X(relvar_with)    /* their squared coefficient of variation */                                   \
  X(var_without)    /* income variance of households with nobody away */                           \
  X(relvar_without) /* their squared coefficient of variation */

//! The partial sums: ids (Sum::stock, ...), their count, and Sum::none for "no sum".
struct Sum {
  enum Id : std::size_t {
#define KOCHMON_ID(name, ...) name,
    KOCHMON_DIRECT_SUMS(KOCHMON_ID) KOCHMON_HOUSEHOLD_COUNTS(KOCHMON_ID)
        KOCHMON_HOUSEHOLD_SUMS(KOCHMON_ID)
#undef KOCHMON_ID
            count,
    none = count
  };
};

//! The shape of each sum: as declared for the direct sums, by region for the household's.
inline constexpr std::array<Shape, Sum::count> SUM_SHAPES = {
#define KOCHMON_SHAPE(name, shape) Shape::shape,
#define KOCHMON_BY_REGION(name) Shape::R,
    KOCHMON_DIRECT_SUMS(KOCHMON_SHAPE) KOCHMON_HOUSEHOLD_COUNTS(KOCHMON_BY_REGION)
        KOCHMON_HOUSEHOLD_SUMS(KOCHMON_BY_REGION)
#undef KOCHMON_SHAPE
#undef KOCHMON_BY_REGION
};

//! Where each sum starts in a chunk's block of partial sums, and the block's size.
struct SumOffsets {
  std::array<std::size_t, Sum::count> at{};
  std::size_t size = 0;
  std::size_t operator[](Sum::Id s) const { return at[s]; }
};
SumOffsets make_offsets(int regions, int destinations);

//! How the reduction makes a series of the chunks' summed partials.
enum class Reduce : std::uint8_t {
  copy,   // the sum `a`, scaled to the full population
  ratio,  // a / b by region (0 where b is 0)
  custom, // computed from the month frame and the series above it (Impl::custom_series)
};

// Series recorded each step, in layout order:
// X(ID, dataset name, unit, shape, reduce, a, b, description); `none` where a sum is unused.
// output/FORMAT.md documents the datasets.
#define KOCHMON_SERIES(X)                                                                          \
  X(STOCK, "stock", "persons", RD, copy, stock, none,                                              \
    "Members away (abroad or in another region) at the end of the month")                          \
  X(STOCK_SL, "stock_by_sex_legal", "persons", RD_SEX_LEGAL, copy, stock_sl, none,                 \
    "Members away by sex and legal status at the end of the month")                                \
  X(DEPARTURES, "departures", "persons/month", RD, copy, dep, none, "Members who left this month") \
  X(RETURNS, "returns", "persons/month", RD, copy, ret, none,                                      \
    "Members who came home this month (expulsions included)")                                      \
  X(EXPULSIONS, "expulsions", "persons/month", RD, copy, exp, none,                                \
    "Illegal migrants detected and expelled this month")                                           \
  X(NEW_BANS, "new_bans", "persons/month", D, copy, new_bans, none,                                \
    "Entry bans imposed this month")                                                               \
  X(ACTIVE_BANS, "active_bans", "persons", D, copy, bans, none,                                    \
    "Adults under an entry ban to the destination at the end of the month")                        \
  X(REMIT_SOM, "remittances_som", "som/month", R, copy, remit, none,                               \
    "Remittances received by households, net of fees")                                             \
  X(REMIT_USD, "remittances_usd", "usd/month", R, custom, none, none,                              \
    "Remittances received, converted at the month's som/USD rate")                                 \
  X(REMIT_REAL, "remittances_real_som", "som/month", R, custom, none, none,                        \
    "Remittances received at currencies.price_base prices (nominal / P, P the home CPI "           \
    "relative to that month; equal to remittances_som without currencies.cpi)")                    \
  X(REMIT_SOURCE, "remittances_by_source_som", "som/month", RD, copy, remit_src, none,             \
    "Remittances received by region and the destination they come from")                           \
  X(INTERNAL_MOVES, "internal_moves", "persons/month", OR, copy, moves, none,                      \
    "Persons moving between regions (members or whole households)")                                \
  X(UNEMPLOYMENT, "unemployment_rate", "fraction", R, ratio, unemployed, active,                   \
    "Unemployed among the active adults at home (endogenous in urban regions)")                    \
  X(URBAN_JOBS, "urban_jobs", "jobs", R, custom, none, none,                                       \
    "Stock of jobs of an urban labour market (0 for other regions)")                               \
  X(URBAN_U, "urban_unemployment_rate", "fraction", R, custom, none, none,                         \
    "Unemployment rate migrants face: 1 − jobs/labour force (residents and internal migrants) "  \
    "in urban regions, the scenario's rate elsewhere")                                             \
  X(SHARE_ABROAD, "share_households_abroad", "fraction", R, ratio, hh_abroad, hh,                  \
    "Households with at least one member abroad (foreign)")                                        \
  X(POPULATION_HOME, "population_home", "persons", R, copy, persons, none,                         \
    "Persons living in the region, members away excluded")                                         \
  X(MEAN_INCOME, "mean_income_som", "som/month", R, ratio, income, hh,                             \
    "Mean monthly household income (wages, business, farm, remittances)")                          \
  X(MEAN_INCOME_REAL, "mean_income_real_som", "som/month", R, custom, none, none,                  \
    "Mean monthly household income at currencies.price_base prices (nominal / P)")                 \
  X(POVERTY, "poverty_rate", "fraction", R, ratio, poor, members,                                  \
    "Persons in households whose income per person is below the poverty line")                     \
  X(HT_GAP, "ht_expected_wage_gap_som", "som/month", RD, custom, none, none,                       \
    "Harris–Todaro expected earnings gap p_d·w_d·fx_d − p_r·w_r")                                  \
  X(MEAN_RD, "mean_relative_deprivation", "fraction", R, custom, none, none,                       \
    "Mean of Stark's relative deprivation RD_h over the region's households, from the income "     \
    "distribution at the start of the month")                                                      \
  X(VAR_WITH, "income_var_with_migrant", "som^2", R, ratio, var_with, n_with,                      \
    "Mean income variance (recent history) of households with a member abroad for 12 months or "   \
    "more")                                                                                        \
  X(VAR_WITHOUT, "income_var_without_migrant", "som^2", R, ratio, var_without, n_without,          \
    "Mean income variance of households with no member away")                                      \
  X(RELVAR_WITH, "income_relvar_with_migrant", "1", R, ratio, relvar_with, n_with,                 \
    "Mean squared coefficient of variation of income (variance / mean²) of households with a "    \
    "member abroad for 12 months or more")                                                         \
  X(RELVAR_WITHOUT, "income_relvar_without_migrant", "1", R, ratio, relvar_without, n_without,     \
    "Mean squared coefficient of variation of income of households with no member away")           \
  X(NEW_BUSINESSES, "returnee_businesses", "persons/month", R, copy, new_business, none,           \
    "Returnees who started a business this month")                                                 \
  X(BUSINESSES, "businesses", "persons", R, copy, business, none,                                  \
    "Adults running a returnee business")                                                          \
  X(HOUSEHOLDS, "households", "households", R, copy, hh, none,                                     \
    "Households living in the region at the end of the month")                                     \
  X(POPULATION, "population", "persons", R, copy, members, none,                                   \
    "Members of the region's households, at home and away, at the end of the month")               \
  X(WORKING_AGE, "working_age_population", "persons", R, copy, working_age, none,                  \
    "Members of working age (population.working_age_from up to the retirement age), at home "      \
    "and away")                                                                                    \
  X(POPULATION_AGE, "population_by_age", "persons", R_PLACE_SEX_AGE, copy, pop_age, none,          \
    "Members by region, place (at home, away), sex and five-year age band")                        \
  X(STOCK_AGE, "stock_by_age", "persons", D_SEX_AGE, copy, stock_age, none,                        \
    "Members away by destination, sex and five-year age band, at the end of the month")            \
  X(BIRTHS, "births", "persons/month", R, copy, births, none, "Children born this month")          \
  X(DEATHS, "deaths", "persons/month", R, copy, deaths, none,                                      \
    "Members who died this month, at home or away")                                                \
  X(DEATHS_AWAY, "deaths_away", "persons/month", D, copy, deaths_away, none,                       \
    "Members who died away this month, by where they were")                                        \
  X(NEW_HOUSEHOLDS, "new_households", "households/month", R, copy, new_households, none,           \
    "Households set up this month by a young adult leaving home")                                  \
  X(NOT_FORMED, "households_not_formed", "households/month", R, copy, not_formed, none,            \
    "Young adults who would have set up a household but found the region's reserve of slots "      \
    "full (demography.capacity_factor)")                                                           \
  X(DISSOLVED, "households_dissolved", "households/month", R, copy, dissolved, none,               \
    "Households whose last member died this month")

// Per-household trajectories, after the series when households are sampled:
// X(ID, dataset name, unit, description). Their values come from the store (Impl::reduce).
#define KOCHMON_TRAJECTORIES(X)                                                                    \
  X(TRAJ_REGION, "household_region", "index", "Region of residence (index on the region axis)")    \
  X(TRAJ_INCOME, "household_income_som", "som/month", "Household income this month")               \
  X(TRAJ_SAVINGS, "household_savings_som", "som", "Household savings")                             \
  X(TRAJ_AWAY, "household_members_away", "persons", "Members away")

//! Series ids in layout order (S_STOCK, ...); the trajectories follow S_COUNT when sampled.
enum SeriesId : std::size_t {
#define KOCHMON_ID(id, ...) S_##id,
  KOCHMON_SERIES(KOCHMON_ID) S_COUNT,
  S_TRAJ_BEFORE_FIRST_ = S_COUNT - 1,
  KOCHMON_TRAJECTORIES(KOCHMON_ID) S_COUNT_WITH_TRAJ
#undef KOCHMON_ID
};

//! One row of KOCHMON_SERIES.
struct SeriesRow {
  const char* name;
  const char* unit;
  Shape shape;
  Reduce reduce;
  Sum::Id a, b; // Sum::none where unused
  const char* description;
};

inline constexpr std::array<SeriesRow, S_COUNT> SERIES_TABLE = {{
#define KOCHMON_ROW(id, name, unit, shape, reduce, a, b, description)                              \
  {name, unit, Shape::shape, Reduce::reduce, Sum::a, Sum::b, description},
    KOCHMON_SERIES(KOCHMON_ROW)
#undef KOCHMON_ROW
}};

//! A copy has the shape of its sum; a ratio divides two sums by region.
constexpr bool series_table_consistent() {
  for (const SeriesRow& s : SERIES_TABLE) {
    if (s.reduce == Reduce::copy && (s.a == Sum::none || SUM_SHAPES[s.a] != s.shape)) return false;
    if (s.reduce == Reduce::ratio && (s.shape != Shape::R || s.a == Sum::none || s.b == Sum::none ||
                                      SUM_SHAPES[s.a] != Shape::R || SUM_SHAPES[s.b] != Shape::R))
      return false;
  }
  return true;
}
static_assert(series_table_consistent(), "KOCHMON_SERIES: a row's sums do not fit its shape");

enum AxisId : int {
  A_REGION,
  A_DESTINATION,
  A_ORIGIN,
  A_SEX,
  A_LEGAL,
  A_PLACE,
  A_AGE,
  A_HOUSEHOLD
};

//! The axes (AxisId) of a shape, and its number of values per step.
std::vector<int> shape_axes(Shape s);
std::size_t shape_extent(Shape s, int regions, int destinations);

//! The series and axes of a run of world w (trajectories of the `sampled` households last).
ResultsLayout make_layout(const World& w, const std::vector<std::size_t>& sampled);

} // namespace kochmon::sim

#endif
