#ifndef KOCHMON_SIM_CORE_RNG_H
#define KOCHMON_SIM_CORE_RNG_H

// Keyed, counter-based random draws (MODEL.md §9). A draw is a pure function of
// (seed, stream, household, step, purpose, index): no generator state is carried between
// households, threads or steps, so results cannot depend on the thread count or on the order
// in which work is scheduled. Philox4x64-10 (Random123) gives four 64-bit words per call.

#include <Random123/philox.h>

#include <cmath>
#include <cstdint>

namespace kochmon::sim {

//! Independent families of draws. World generation and dynamics use separate streams, so one
//! synthetic population can be reused across replicate dynamics (seed.dynamics differs).
enum class Stream : std::uint32_t { world = 1, dynamics = 2 };

//! What a draw is for; a new purpose gets a new number (never reuse one: it would couple draws).
enum class Purpose : std::uint32_t {
  // world generation
  household_size = 1,
  adults = 2,
  adult_traits = 3,
  land = 4,
  income = 5,
  labour_status = 6,
  trajectory_sample = 7,
  // dynamics
  decide = 100,
  choose_member = 101,
  home_labour = 102,
  abroad_job = 103,
  abroad_detect = 104,
  abroad_return = 105,
  income_shock = 106,
  abroad_ban = 107,
  business = 108,
  legal_status = 109,
  regional_shock = 110,
  amnesty = 111,
  ban_enforcement = 112,
};

//! The draws of one (household, step, purpose): up to four 64-bit words per block, and as many
//! blocks as needed through `index` (a member number, for example).
class KeyedDraws {
 public:
  KeyedDraws(std::uint64_t seed, Stream stream, std::uint64_t household, std::int64_t step,
             Purpose purpose)
      : key_{{seed, static_cast<std::uint64_t>(stream)}},
        ctr_{{household, static_cast<std::uint64_t>(step),
              static_cast<std::uint64_t>(purpose) << 32, 0}} {}

  //! Four fresh 64-bit words for block `index` (0, 1, ...).
  r123::Philox4x64::ctr_type block(std::uint32_t index) const {
    auto c = ctr_;
    c.v[2] |= index;
    return r123::Philox4x64{}(c, key_);
  }
  //! Uniform in [0, 1) from block `index`, word `word` (0..3): 53 random bits.
  double uniform(std::uint32_t index = 0, unsigned word = 0) const {
    return to_unit(block(index).v[word & 3u]);
  }

  static double to_unit(std::uint64_t bits) {
    return static_cast<double>(bits >> 11) * 0x1.0p-53;
  }
  //! Standard normal from two words (Box–Muller; deterministic, no state).
  static double normal(std::uint64_t a, std::uint64_t b) {
    const double u1 = (static_cast<double>(a >> 11) + 0.5) * 0x1.0p-53;  // (0,1): log is finite
    const double u2 = to_unit(b);
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  r123::Philox4x64::key_type key_;
  r123::Philox4x64::ctr_type ctr_;
};

}  // namespace kochmon::sim

#endif
