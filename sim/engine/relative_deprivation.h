#ifndef KOCHMON_SIM_ENGINE_RELATIVE_DEPRIVATION_H
#define KOCHMON_SIM_ENGINE_RELATIVE_DEPRIVATION_H

// Stark's relative deprivation (MODEL.md §5) of a household in its region's income
// distribution: RD_h = (1/N)·Σ_{j: y_j > y_h}(y_j − y_h)/ȳ. Recomputed every month for every
// region, so it is read from a histogram on a fixed logarithmic grid (256 bins per doubling of
// 1 + y/100 som, read from the bits of a double: no logarithm per household): exact
// over the bins above a household's, with the households of its own bin taken as spread
// evenly across the bin. Building is O(N), a lookup O(1), and the result is independent of
// the order households are added in only up to rounding: the engine adds them in id order.

#include <vector>

namespace kochmon::sim {

class IncomeHistogram {
public:
  static constexpr int BINS = 256 * 24; // up to about 1.7e9 som; higher incomes share the top bin

  IncomeHistogram() : count_(BINS), sum_(BINS) {}
  void clear();
  void add(double y);
  //! Call once after the last add(): turns the bins into sums over the bins above.
  void finish();

  double relative_deprivation(double y) const;
  //! (1/N)·Σ_h RD_h over the households added.
  double mean_relative_deprivation() const { return mean_rd_; }
  double n() const { return n_; }
  double mean() const { return n_ > 0 ? total_ / n_ : 0.0; }

  static int bin(double y);
  static double edge(int b); // lower edge of bin b

private:
  std::vector<double> count_, sum_; // per bin; after finish(): over the bins above
  double n_ = 0, total_ = 0, mean_rd_ = 0;
};

} // namespace kochmon::sim

#endif
