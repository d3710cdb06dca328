#ifndef KOCHMON_SIM_CORE_MONTH_H
#define KOCHMON_SIM_CORE_MONTH_H

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kochmon::sim {

//! A calendar month, stored as months since January of year 0 (year*12 + month-1), so that
//! month arithmetic is integer arithmetic.
struct Month {
  std::int32_t index = 0;

  static constexpr Month of(int year, int month) { return Month{year * 12 + (month - 1)}; }
  constexpr int year() const { return index / 12; }
  constexpr int month() const { return index % 12 + 1; } // 1..12
  constexpr Month operator+(int months) const { return Month{index + months}; }
  constexpr int operator-(Month other) const { return index - other.index; }
  constexpr auto operator<=>(const Month&) const = default;

  //! "YYYY-MM" (years 1000..9999); nullopt on anything else.
  static std::optional<Month> parse(std::string_view text);
  //! "YYYY-MM".
  std::string str() const;
};

} // namespace kochmon::sim

#endif
