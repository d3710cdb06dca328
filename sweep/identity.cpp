#include "sweep/identity.h"

#include <Random123/philox.h>
#include <fmt/format.h>

namespace kochmon::sweep {
namespace {

// Keys the sweep's draws apart from the engine's streams (which use small stream numbers).
constexpr std::uint64_t SWEEP_KEY = 0x6b6f63686d6f6e53ULL; // "kochmonS"

r123::Philox4x64::ctr_type philox(std::uint64_t k0, std::uint64_t k1, std::uint64_t c0,
                                  std::uint64_t c1, std::uint64_t c2) {
  const r123::Philox4x64::key_type key{{k0, k1}};
  const r123::Philox4x64::ctr_type ctr{{c0, c1, c2, 0}};
  return r123::Philox4x64{}(ctr, key);
}

std::uint64_t fnv1a(std::string_view text, std::uint64_t basis) {
  std::uint64_t h = basis;
  for (const unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

} // namespace

std::string text_hash(std::string_view text) {
  return fmt::format("{:016x}{:016x}", fnv1a(text, 0xcbf29ce484222325ULL),
                     fnv1a(text, 0x84222325cbf29ce4ULL));
}

std::uint64_t derive_seed(std::uint64_t sweep_seed, std::uint64_t point, std::uint64_t replicate) {
  return philox(sweep_seed, SWEEP_KEY, point, replicate, 1).v[0] >> 2;
}

std::string derive_run_id(std::string_view spec_hash, std::uint64_t run_index) {
  const std::string h = text_hash(spec_hash);
  const auto r = philox(std::stoull(h.substr(0, 16), nullptr, 16), SWEEP_KEY, run_index, 0, 2);
  return fmt::format("{:016x}{:016x}", r.v[0], r.v[1]);
}

double KeyedUniform::operator()(std::uint64_t a, std::uint64_t b) const {
  const auto r = philox(seed_, SWEEP_KEY ^ purpose_, a, b, 3);
  return static_cast<double>(r.v[0] >> 11) * 0x1.0p-53;
}

std::uint64_t KeyedUniform::below(std::uint64_t n, std::uint64_t a, std::uint64_t b) const {
  // 53 random bits scaled: unbiased enough for the n of a design, and deterministic.
  const auto k = static_cast<std::uint64_t>((*this)(a, b) * static_cast<double>(n));
  return k < n ? k : n - 1;
}

} // namespace kochmon::sweep
