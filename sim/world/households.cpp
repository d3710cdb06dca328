#include "sim/world/households.h"

namespace kochmon::sim {

void Households::resize_households(std::size_t n) {
  region.resize(n);
  size.resize(n);
  n_adults.resize(n);
  first_adult.resize(n);
  land_ha.resize(n);
  savings_som.resize(n);
  income_som.resize(n);
  remit_som.resize(n);
  income_mean_som.resize(n);
  income_var.resize(n);
  shock.resize(n);
  n_dependants.resize(n);
  dependant_women.resize(n);
  leaver.resize(n, NO_DEST);
  next_transition.resize(n, NEVER);
  dependant_birth.resize(n * MAX_DEPENDANTS);
}

void Households::resize_adults(std::size_t n) {
  traits.resize(n);
  status.resize(n);
  dest.resize(n, NO_DEST);
  away_flags.resize(n);
  since_step.resize(n);
  months_jobless.resize(n);
  wage_factor.resize(n);
  earnings_abroad_som.resize(n);
  ban_dest.resize(n, NO_DEST);
  ban_until.resize(n);
  birth.resize(n);
}

void Households::copy_adult(std::size_t from, std::size_t to) {
  traits[to] = traits[from];
  status[to] = status[from];
  dest[to] = dest[from];
  away_flags[to] = away_flags[from];
  since_step[to] = since_step[from];
  months_jobless[to] = months_jobless[from];
  wage_factor[to] = wage_factor[from];
  earnings_abroad_som[to] = earnings_abroad_som[from];
  ban_dest[to] = ban_dest[from];
  ban_until[to] = ban_until[from];
  birth[to] = birth[from];
}

std::size_t Households::n_live() const {
  std::size_t n = 0;
  for (auto s : size)
    n += s > 0;
  return n;
}

std::size_t Households::bytes() const {
  const std::size_t per_household = sizeof(std::uint8_t) * 5 + sizeof(std::uint16_t) * 2 +
                                    sizeof(std::uint32_t) + sizeof(float) * 7 +
                                    sizeof(std::int16_t) * MAX_DEPENDANTS;
  const std::size_t per_adult = sizeof(std::uint8_t) * 4 + sizeof(AdultStatus) +
                                sizeof(std::int16_t) * 3 + sizeof(float) * 2 + sizeof(std::uint8_t);
  return per_household * region.capacity() + per_adult * traits.capacity();
}

} // namespace kochmon::sim
