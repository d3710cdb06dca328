#include "sim/engine/relative_deprivation.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace kochmon::sim {
double IncomeHistogram::edge(int b) {
  return UNIT * (std::ldexp(1.0 + (b % 256) / 256.0, b / 256) - 1.0);
}

void IncomeHistogram::clear() {
  std::fill(count_.begin(), count_.end(), 0.0);
  std::fill(sum_.begin(), sum_.end(), 0.0);
  n_ = total_ = mean_rd_ = 0;
}

void IncomeHistogram::finish() {
  // Pairs across bins exactly; pairs within a bin spread evenly (mean gap = width/3).
  double c_above = 0, s_above = 0, pairs = 0;
  for (int b = BINS - 1; b >= 0; --b) {
    const auto ub = static_cast<std::size_t>(b);
    const double c_b = count_[ub], s_b = sum_[ub];
    if (c_b > 0)
      pairs += c_b * s_above - s_b * c_above + c_b * (c_b - 1) / 2 * (edge(b + 1) - edge(b)) / 3;
    count_[ub] = c_above;
    sum_[ub] = s_above;
    c_above += c_b;
    s_above += s_b;
  }
  mean_rd_ = n_ > 0 && total_ > 0 ? pairs / (n_ * total_) : 0.0;
}

double IncomeHistogram::relative_deprivation(double y) const {
  if (n_ <= 0 || total_ <= 0) return 0.0;
  const int b = bin(y);
  const auto i = static_cast<std::size_t>(b);
  double excess = sum_[i] - y * count_[i];
  const double in_bin = (b > 0 ? count_[i - 1] : n_) - count_[i];
  const double lo = edge(b), hi = edge(b + 1);
  if (in_bin > 0 && hi > lo && y < hi) excess += in_bin * (hi - y) * (hi - y) / (2.0 * (hi - lo));
  return std::max(0.0, excess) / total_;
}

} // namespace kochmon::sim
