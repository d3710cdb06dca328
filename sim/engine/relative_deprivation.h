#ifndef KOCHMON_SIM_ENGINE_RELATIVE_DEPRIVATION_H
#define KOCHMON_SIM_ENGINE_RELATIVE_DEPRIVATION_H

// Stark's relative deprivation (MODEL.md §5) of a household in its region's income
// distribution: RD_h = (1/N)·Σ_{j: y_j > y_h}(y_j − y_h)/ȳ. Recomputed every month for every
// region, so it is read from a histogram on a fixed logarithmic grid (256 bins per doubling of
// 1 + y/100 som, read from the bits of a double: no logarithm per household): exact
// over the bins above a household's, with the households of its own bin taken as spread
// evenly across the bin. Building is O(N), a lookup O(1), and the result is independent of
// the order households are added in only up to rounding: the engine adds them in id order.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

namespace kochmon::sim {

class IncomeHistogram {
public:
  static constexpr double UNIT = 100.0; // som
  static constexpr int BINS = 256 * 24; // up to about 1.7e9 som; higher incomes share the top bin

  IncomeHistogram() : count_(BINS), sum_(BINS) {}
  void clear();
  void add(double y) { // inline: one call per household and month
    const auto b = static_cast<std::size_t>(bin(y));
    count_[b] += 1;
    sum_[b] += y;
    n_ += 1;
    total_ += y;
  }
  //! Call once after the last add(): turns the bins into sums over the bins above.
  void finish();

  double relative_deprivation(double y) const;
  //! (1/N)·Σ_h RD_h over the households added.
  double mean_relative_deprivation() const { return mean_rd_; }
  double n() const { return n_; }
  double mean() const { return n_ > 0 ? total_ / n_ : 0.0; }

  //! Bin of y: x = 1 + y/UNIT ≥ 1 written as 2^e·(1 + m/256 + ...) is bin e·256 + m.
  static int bin(double y) {
    const double x = 1.0 + std::max(0.0, y) / UNIT;
    std::uint64_t bits;
    std::memcpy(&bits, &x, sizeof bits);
    const auto e = static_cast<int>((bits >> 52) & 0x7FF) - 1023;
    const auto m = static_cast<int>((bits >> 44) & 0xFF);
    return std::min(BINS - 1, e * 256 + m);
  }
  static double edge(int b); // lower edge of bin b

private:
  std::vector<double> count_, sum_; // per bin; after finish(): over the bins above
  double n_ = 0, total_ = 0, mean_rd_ = 0;
};

} // namespace kochmon::sim

#endif
