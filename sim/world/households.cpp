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
}

std::size_t Households::bytes() const {
  const std::size_t per_household =
      sizeof(std::uint8_t) * 3 + sizeof(std::uint32_t) + sizeof(float) * 7;
  const std::size_t per_adult = sizeof(std::uint8_t) * 4 + sizeof(AdultStatus) +
                                sizeof(std::int16_t) * 2 + sizeof(float) * 2 + sizeof(std::uint8_t);
  return per_household * region.capacity() + per_adult * traits.capacity();
}

} // namespace kochmon::sim
