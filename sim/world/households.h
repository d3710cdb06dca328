#ifndef KOCHMON_SIM_WORLD_HOUSEHOLDS_H
#define KOCHMON_SIM_WORLD_HOUSEHOLDS_H

// The household store (MODEL.md §3): structure of arrays, narrow types, no per-household heap
// allocation. Households are laid out region by region at generation, each region in a block
// of slots reserved for its growth (demography.capacity_factor): the live households are the
// block's first slots, [block_begin[r], block_end[r]), and a new household takes the next one
// (sim/DESIGN.md "Demography"). A household that moves region keeps its slot (and its id,
// which keys its random draws) and changes `region`; one whose members have all died keeps
// its slot with size 0 and is skipped. Every household has MAX_ADULTS adult slots,
// [first_adult[h], first_adult[h] + n_adults[h]) in use, and MAX_DEPENDANTS dependant slots,
// [h * MAX_DEPENDANTS, h * MAX_DEPENDANTS + n_dependants[h]). Births are months relative to
// time.start (negative: born before it), so an age in months is step − birth.

#include <cstdint>
#include <vector>

namespace kochmon::sim {

//! An adult's situation. `away` covers both abroad and in another region (dest says where).
enum class AdultStatus : std::uint8_t {
  inactive = 0,
  home_employed = 1,
  home_unemployed = 2,
  away = 3,
  home_business = 4, // a returnee's own business (self-employed)
};

//! Packed traits of an adult: sex, age band, skill level.
struct Traits {
  static constexpr std::uint8_t WOMAN = 1;
  static std::uint8_t pack(bool woman, int age_band, int skill) {
    return static_cast<std::uint8_t>((woman ? WOMAN : 0) | (age_band << 1) | (skill << 3));
  }
  static bool woman(std::uint8_t t) { return (t & WOMAN) != 0; }
  static int age_band(std::uint8_t t) { return (t >> 1) & 3; }
  static int skill(std::uint8_t t) { return (t >> 3) & 3; }
};

//! Flags of an adult who is away.
struct AwayFlags {
  static constexpr std::uint8_t LEGAL = 1;
  static constexpr std::uint8_t EMPLOYED = 2;
  static constexpr std::uint8_t TRAINED = 4; // pre-departure training
};

//! At most this many working-age adults per household; other members are dependants
//! (children, pensioners, working-age members beyond MAX_ADULTS).
inline constexpr int MAX_ADULTS = 4;
inline constexpr int MAX_DEPENDANTS = 12;
inline constexpr std::uint8_t NO_DEST = 0xFF;
inline constexpr std::int16_t NEVER = 0x7FFF; // a step no run reaches (runs have <= 1200)

struct Households {
  // --- per household (index h)
  std::vector<std::uint8_t> region;       // current region of residence
  std::vector<std::uint8_t> size;         // persons, adults and dependants
  std::vector<std::uint8_t> n_adults;     // working-age adults (1..MAX_ADULTS)
  std::vector<std::uint32_t> first_adult; // index of the first adult slot
  std::vector<float> land_ha;             // irrigated land
  std::vector<float> savings_som;
  std::vector<float> income_som;              // last month's total income
  std::vector<float> remit_som;               // remittances received last month
  std::vector<float> income_mean_som;         // exponentially weighted mean of income
  std::vector<float> income_var;              // exponentially weighted variance, som^2
  std::vector<float> shock;                   // ε_h, the household's income shock (MODEL.md §4)
  std::vector<std::uint8_t> n_dependants;     // members who are not adults (0..MAX_DEPENDANTS)
  std::vector<std::uint16_t> dependant_women; // bit j: dependant j is a woman
  std::vector<std::uint8_t> leaver;          // adult slot leaving to form a household, else NO_DEST
  std::vector<std::int16_t> next_transition; // first step a member may come of age or retire

  // --- per dependant slot (index h * MAX_DEPENDANTS + j)
  std::vector<std::int16_t> dependant_birth; // month of birth relative to time.start

  // --- per region: the live households of each region's block (see above)
  std::vector<std::uint32_t> block_begin, block_end, block_capacity_end;

  // --- per adult (index a)
  std::vector<std::uint8_t> traits; // Traits::pack
  std::vector<AdultStatus> status;
  std::vector<std::uint8_t> dest;           // destination index while away, else NO_DEST
  std::vector<std::uint8_t> away_flags;     // AwayFlags
  std::vector<std::int16_t> since_step;     // step of departure while away
  std::vector<std::uint8_t> months_jobless; // consecutive months unemployed abroad (saturating)
  std::vector<float> wage_factor;           // individual wage relative to the regional mean
  std::vector<float>
      earnings_abroad_som;            // a migrant's smoothed net earnings (what remittances follow)
  std::vector<std::uint8_t> ban_dest; // destination of an entry ban, else NO_DEST
  std::vector<std::int16_t> ban_until; // first step the ban no longer applies
  std::vector<std::int16_t> birth;     // month of birth relative to time.start

  //! Household slots, live or not (the reserve included).
  std::size_t n_households() const { return region.size(); }
  //! Households with at least one member.
  std::size_t n_live() const;
  std::size_t n_adults_total() const { return traits.size(); }
  void resize_households(std::size_t n);
  void resize_adults(std::size_t n);
  //! Every per-adult field of slot `from` into slot `to` (an adult who moves slot).
  void copy_adult(std::size_t from, std::size_t to);
  //! Bytes held by the store (for the benchmark's bytes per person).
  std::size_t bytes() const;
};

} // namespace kochmon::sim

#endif
