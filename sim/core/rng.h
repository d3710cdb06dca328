#ifndef KOCHMON_SIM_CORE_RNG_H
#define KOCHMON_SIM_CORE_RNG_H

// Keyed, counter-based random draws (MODEL.md §9). A draw is a pure function of
// (seed, stream, household, step, purpose, index): no generator state is carried between
// households, threads or steps, so results cannot depend on the thread count or on the order
// in which work is scheduled. Philox4x64-10 (Random123) gives four 64-bit words per call.

#include <cmath>
#include <cstdint>

#include <Random123/philox.h>

namespace kochmon::sim {

//! Independent families of draws. World generation and dynamics use separate streams, so one
//! synthetic population can be reused across replicate dynamics (seed.dynamics differs).
//! `calibration`: the proposals of `kochmon calibrate`'s sampler and its runs' seeds.
enum class Stream : std::uint32_t { world = 1, dynamics = 2, calibration = 3 };

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
  initial_abroad = 8,
  dependants = 9,
  // dynamics
  household_month = 99, // the draws every household makes every month, in one block
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
  demography = 113,    // the details of a demographic event (a newborn's sex)
  coming_of_age = 114, // a child who becomes an adult: skill, wage, activity
  // calibration (calibration/abc.h)
  abc_proposal = 200,    // a proposal's particle pick and kernel normals
  abc_run_seed = 201,    // the seeds of a proposal's runs
  posterior_draws = 202, // a sweep's draws from a posterior file (sweep/spec.cpp)
};

//! The standard normal quantile at p in (0, 1) by Acklam's rational approximation (relative
//! error below 1.2e-9, tests/unit/sim/core/test_rng.cpp): no logarithm in the central 95%.
//! The keyed normal draws use it as it is; the sweep designs refine it (normal_quantile).
inline double inverse_normal_acklam(double p) {
  constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                          1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                          6.680131188771972e+01, -1.328068155288572e+01};
  constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                          -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                          3.754408661907416e+00};
  constexpr double LOW = 0.02425;
  if (p < LOW || p > 1.0 - LOW) {
    const double q = std::sqrt(-2.0 * std::log(p < LOW ? p : 1.0 - p));
    const double x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
                     ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
    return p < LOW ? x : -x;
  }
  const double q = p - 0.5, r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
}

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
  //! Always inlined: the hot loop makes one or two per household-month (tests/bench/PROFILE.md).
  [[gnu::always_inline]] r123::Philox4x64::ctr_type block(std::uint32_t index) const {
    auto c = ctr_;
    c.v[2] |= index;
    return r123::Philox4x64{}(c, key_);
  }
  //! Uniform in [0, 1) from block `index`, word `word` (0..3): 53 random bits.
  double uniform(std::uint32_t index = 0, unsigned word = 0) const {
    return to_unit(block(index).v[word & 3u]);
  }

  static double to_unit(std::uint64_t bits) { return static_cast<double>(bits >> 11) * 0x1.0p-53; }
  //! Uniform in [0, 1) from 16 bits of `bits` (slice 0..3): four coarse draws from one word,
  //! for probabilities well above 1e-4 (the resolution is 1/65536).
  static double unit16(std::uint64_t bits, unsigned slice) {
    return static_cast<double>((bits >> (16 * slice)) & 0xFFFFu) * 0x1.0p-16;
  }
  //! Standard normal from one word, by the inverse normal CDF (inverse_normal_acklam): one
  //! draw, no logarithm in the central 95%.
  static double normal(std::uint64_t bits) {
    // p = (k + 1/2) 2^-53 in (0, 1). The largest k, 2^53 - 1, would round to p = 1 (and an
    // infinite draw): it takes the value of 2^53 - 2 (tests/unit/sim/core/test_rng.cpp).
    constexpr std::uint64_t K_MAX = (std::uint64_t{1} << 53) - 2;
    const std::uint64_t k = (bits >> 11) < K_MAX ? (bits >> 11) : K_MAX;
    const double p = (static_cast<double>(k) + 0.5) * 0x1.0p-53;
    return inverse_normal_acklam(p);
  }
  //! Standard normal from two words (Box–Muller; deterministic, no state).
  static double normal(std::uint64_t a, std::uint64_t b) {
    const double u1 = (static_cast<double>(a >> 11) + 0.5) * 0x1.0p-53; // (0,1): log is finite
    const double u2 = to_unit(b);
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

private:
  r123::Philox4x64::key_type key_;
  r123::Philox4x64::ctr_type ctr_;
};

} // namespace kochmon::sim

#endif
