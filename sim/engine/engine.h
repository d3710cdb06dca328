#ifndef KOCHMON_SIM_ENGINE_ENGINE_H
#define KOCHMON_SIM_ENGINE_ENGINE_H

// The engine's state and its rooms (internal to sim/engine; sim/DESIGN.md "One month"):
//  - conditions.cpp       the conditions of the month: builds the month frame;
//  - household_month.cpp  the fused one-pass loop over a chunk's households;
//  - abroad.h             life abroad, one member's month: job, legality, detection, return
//                         hazard, remittances (inline: it runs per adult);
//  - abroad.cpp           coming home: returns, expulsions, bans, returnee businesses;
//  - departure.cpp        the decision and the departure;
//  - demography.h         a household's demographic month: ageing and the hazard of a death,
//                         a birth or a young adult leaving (inline: it runs per household);
//  - demography.cpp       the events themselves, coming of age, retirement, new households;
//  - tallies.cpp          the results layout (series and axes) and the reduction;
//  - simulation.cpp       the facade: construction, chunks, the run loop, checkpoints.

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "sim/api/registry.h"
#include "sim/core/rng.h"
#include "sim/engine/month_frame.h"
#include "sim/engine/simulation.h"
#include "sim/engine/tallies.h"

namespace kochmon::sim {

inline constexpr std::size_t CHUNK = 8192;             // households per parallel task
inline constexpr double INCOME_SMOOTHING = 1.0 / 12.0; // EWMA weight: about a year of history
inline constexpr double MAX_URBAN_UNEMPLOYMENT = 0.95;
// Migrants smooth what they send over their recent earnings (about half a year), so a month
// without work abroad dents remittances rather than stopping them (MODEL.md §6).
inline constexpr double REMIT_SMOOTHING = 1.0 / 6.0;
inline constexpr int ESTABLISHED_MONTHS = 12; // a migrant household's income portfolio has settled

//! What a migrant keeps of a gross monthly wage in som: tax and the permit's monthly cost,
//! weighted by `legal` (1 legal, 0 illegal, or the share legal for an expected value).
inline double net_wage_som(double gross, double legal, double tax, double permit) {
  return std::max(0.0, gross * (1.0 - legal * tax) - legal * permit);
}

//! How much an urban stock of jobs has grown over the first `months` months from `start` at
//! the annual rates `growth_pct` (conditions.cpp).
double job_growth_factor(const Series& growth_pct, Month start, int months);

struct Simulation::Impl {
  const RunConfig& cfg;
  World& world;
  int R, D, O; // regions, destinations, options (1 + D)
  std::vector<std::unique_ptr<DecisionRule>> rules;
  std::vector<double> weights;
  std::unique_ptr<Combinator> combinator;
  std::unique_ptr<ReturnModel> return_model;  // abroad.return
  std::unique_ptr<JobFindingModel> job_model; // abroad.job_finding
  bool any_household_rule = false;
  bool needs_rd = false;
  double inv_scale;
  std::vector<std::size_t> sampled;

  std::vector<std::size_t> chunk_begin, chunk_end; // chunks laid out within regions
  std::vector<int> chunk_region;                   // the region of each chunk's block

  // --- this month's frame (month_frame.h), read-only while households run
  int t = 0;
  MonthFrame frame;
  // --- carried from month to month
  std::vector<double> N_rd;             // R × D, full scale (last step's stock)
  std::vector<double> P_r;              // R, persons at home, full scale
  std::vector<double> income_mean_r;    // R
  std::vector<double> jobs0, jobs;      // R: urban jobs at the start and now (sample units)
  std::vector<double> labour_force;     // R: last step's active at home + internal migrants present
  std::vector<std::uint32_t> outsiders; // households living outside their block

  // --- demography (demography.h, demography.cpp); constant tables, then what is carried
  bool demography_on = false;
  std::vector<std::uint8_t> band_of_age;                  // age in months → age band
  std::array<std::array<double, AGE_BANDS>, 2> death_q{}; // monthly P(death), by sex and band
  int wa_from_m = 0, form_lo_m = 0, form_hi_m = 0;        // ages in months
  std::array<int, 2> retire_m{};                          // by sex, months
  double mean_skill_factor = 1;
  std::array<double, AGE_BANDS> return_age_factor{}; // abroad.return_age_gradient, by band
  std::vector<double> members_r;                     // R: last month's members (sample units)
  std::vector<double> women_home_rb;                 // R × AGE_BANDS: last month's women at home

  // --- partial sums (tallies.h), one block per chunk, reduced in chunk order
  SumOffsets off{};
  std::vector<double> partials;
  std::vector<double> scratch; // per chunk: K × O scores + O probabilities + O option flags
  std::vector<OptionView> scratch_options; // per chunk: O
  std::size_t scratch_size = 0;
  std::vector<double> reduced;

  Impl(const RunConfig& c, World& w, const Registries& reg);

  // conditions.cpp: 1–2, this month's conditions, contexts and household-independent scores.
  void prepare();
  void prepare_tables();
  void build_rd_histograms();
  void update_outsiders();

  // household_month.cpp: 3, the households of one chunk.
  //! One region's tallies over some households. Counts are integers (exact in any order);
  //! sums keep household order, so flushing them into a zeroed partial gives the same bits as
  //! adding each household's term to it directly.
  struct Tally {
#define KOCHMON_COUNT(name) std::int64_t name = 0;
#define KOCHMON_SUM(name) double name = 0;
    KOCHMON_HOUSEHOLD_COUNTS(KOCHMON_COUNT)
    KOCHMON_HOUSEHOLD_SUMS(KOCHMON_SUM)
#undef KOCHMON_COUNT
#undef KOCHMON_SUM
  };

  //! A chunk's counts of members away (in the chunk's region) and of active bans. The arrays
  //! end with one spare slot per adult that branch-free code counts "nobody" into (one per
  //! adult, so that consecutive counts do not wait on each other's stores); never flushed.
  struct Counts {
    static constexpr std::size_t NONE_SL = MAX_OPTIONS * 4, NONE_BAN = MAX_OPTIONS;
    std::array<std::int32_t, NONE_SL + MAX_ADULTS> stock_sl{}; // by destination, sex, illegal
    std::array<std::int32_t, NONE_BAN + MAX_ADULTS> bans{};    // active bans, by destination
    std::array<std::int32_t, 4 * AGE_BANDS> pop_age{};         // place × sex × age band
  };

  //! What one household's month adds to the tallies, gathered while its adults are visited.
  struct HouseholdTally {
    int away = 0, active = 0, unemployed = 0, business = 0;
    int working_age = 0;
    bool abroad = false, established = false;
    // Members away: destination, sex, illegal; unused entries point at the spare slot.
    std::array<std::uint16_t, MAX_ADULTS> stock_sl{};
  };
  void flush(const Tally& x, std::size_t r, double* __restrict part) const;
  void flush(const Counts& x, std::size_t r, double* __restrict part) const;
  void process_chunk(std::size_t begin, std::size_t end, int region, double* __restrict part,
                     double* scr, OptionView* hopt);
  void process_household(std::size_t h, int chunk_region, Tally& chunk_tally, Counts& counts,
                         double* __restrict part, double* scr, OptionView* hopt);
  void tally(std::size_t h, double income, double remit, const HouseholdTally& ht, Tally& x) const;
  //! The stock tally's slot of adult a away at d: destination, sex, illegal.
  static std::uint16_t stock_sl_code(const Households& hh, std::size_t a, int d, bool legal) {
    return static_cast<std::uint16_t>((d * 2 + (Traits::woman(hh.traits[a]) ? 1 : 0)) * 2 +
                                      (legal ? 0 : 1));
  }

  // abroad.h: one member's month abroad (inline, per adult); abroad.cpp: coming home.
  AdultStatus month_abroad(std::size_t h, int k, std::size_t a, std::size_t ur, bool target_met,
                           double& remit, HouseholdTally& ht, double* __restrict part);
  AdultStatus come_home(std::size_t h, std::size_t a, int d, const r123::Philox4x64::ctr_type& w,
                        bool expelled, double* __restrict part);

  // demography.h: a household's demographic month (inline, per household); false when the
  // household has died out. demography.cpp: the rare part, and the month's new households.
  int age_band(int age_months) const {
    return band_of_age[static_cast<std::size_t>(
        std::min<int>(age_months, static_cast<int>(band_of_age.size()) - 1))];
  }
  bool demography_month(std::size_t h, const r123::Philox4x64::ctr_type& hm,
                        double* __restrict part);
  double demographic_hazard(std::size_t h) const;
  void demographic_event(std::size_t h, double u, double* __restrict part);
  void age_transitions(std::size_t h);
  //! The first step from which a member of h may come of age or retire (Households::
  //! next_transition), after anything that changed who is in h or at home.
  void update_next_transition(std::size_t h, int from);
  void remove_adult(std::size_t h, int k);
  void remove_dependant(std::size_t h, int j);
  void add_dependant(std::size_t h, std::int16_t birth, bool woman);
  void give_birth(std::size_t h, double* __restrict part);
  void form_households();
  void form_household(std::size_t h, double* __restrict part);
  void init_demography();
  void prepare_demography();
  template <class Count>
  void tally_ages(std::size_t h, Count* __restrict pop, HouseholdTally& ht,
                  double* __restrict part) const;

  // departure.cpp: the decision and the departure.
  int decide(std::size_t h, const r123::Philox4x64::ctr_type& hm, double u_decide,
             double income_before, double income, double farm_income, int home, double* scr,
             OptionView* hopt);
  int depart(std::size_t h, const r123::Philox4x64::ctr_type& hm, int d, HouseholdTally& ht,
             double* __restrict part);
  bool banned(const Households& hh, std::size_t a, int d, double u_slip) const;
  //! Whether adult a is past working age (with demography, an adult abroad who reaches
  //! retirement age stays an adult until coming home).
  bool over_age(const Households& hh, std::size_t a) const {
    return t - hh.birth[a] >= retire_m[Traits::woman(hh.traits[a]) ? 1 : 0] && demography_on;
  }

  // tallies.cpp: 4, reduction in chunk order, this step's series and next step's aggregates.
  void reduce(std::vector<std::vector<double>>& values);
  //! Series `id` (Reduce::custom) from the frame and the series above it in the table.
  void custom_series(SeriesId id, std::vector<std::vector<double>>& values) const;

  // The household store's mutable arrays and the aggregates carried from month to month.
  template <class Io> void state_arrays(Io&& io) {
    auto& hh = world.households();
    io("households.region", hh.region);
    io("households.size", hh.size);
    io("households.n_adults", hh.n_adults);
    io("households.n_dependants", hh.n_dependants);
    io("households.dependant_women", hh.dependant_women);
    io("households.land_ha", hh.land_ha);
    io("households.block_end", hh.block_end);
    io("households.next_transition", hh.next_transition);
    io("dependants.birth", hh.dependant_birth);
    io("adults.traits", hh.traits);
    io("adults.wage_factor", hh.wage_factor);
    io("adults.birth", hh.birth);
    io("households.savings_som", hh.savings_som);
    io("households.income_som", hh.income_som);
    io("households.remit_som", hh.remit_som);
    io("households.income_mean_som", hh.income_mean_som);
    io("households.income_var", hh.income_var);
    io("households.shock", hh.shock);
    io("adults.status", hh.status);
    io("adults.dest", hh.dest);
    io("adults.away_flags", hh.away_flags);
    io("adults.since_step", hh.since_step);
    io("adults.months_jobless", hh.months_jobless);
    io("adults.earnings_abroad_som", hh.earnings_abroad_som);
    io("adults.ban_dest", hh.ban_dest);
    io("adults.ban_until", hh.ban_until);
    io("engine.N_rd", N_rd);
    io("engine.P_r", P_r);
    io("engine.income_mean_r", income_mean_r);
    io("engine.labour_force", labour_force);
    io("engine.jobs0", jobs0);
    io("engine.members_r", members_r);
    io("engine.women_home_rb", women_home_rb);
  }

  //! One month: the frame, the chunks in parallel, the reduction (simulation.cpp).
  void step(std::vector<std::vector<double>>& values);
};

} // namespace kochmon::sim

#endif
