#include "sim/core/month.h"

#include <cstdio>

namespace kochmon::sim {

std::optional<Month> Month::parse(std::string_view text) {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  int year = 0;
  for (int i = 0; i < 4; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    year = year * 10 + (text[i] - '0');
  }
  if (text[5] < '0' || text[5] > '9' || text[6] < '0' || text[6] > '9') return std::nullopt;
  const int month = (text[5] - '0') * 10 + (text[6] - '0');
  if (year < 1000 || month < 1 || month > 12) return std::nullopt;
  return Month::of(year, month);
}

std::string Month::str() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", year(), month());
  return buf;
}

} // namespace kochmon::sim
