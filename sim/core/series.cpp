#include "sim/core/series.h"

#include <algorithm>
#include <cmath>

namespace kochmon::sim {

double Series::at(Month m) const {
  const double t = m.index;
  if (before && t < from_t) return before->at(m);
  if (points.empty()) return 0.0;
  if (t <= points.front().t) return points.front().value;
  const Point& last = points.back();
  if (t >= last.t) {
    if (growth_after == 0.0) return last.value;
    return last.value * std::pow(1.0 + growth_after, (t - last.t) / 12.0);
  }
  auto hi = std::upper_bound(points.begin(), points.end(), t,
                             [](double x, const Point& p) { return x < p.t; });
  const Point& b = *hi;
  const Point& a = *(hi - 1);
  if (mode == Mode::hold) return a.value;
  return a.value + (b.value - a.value) * (t - a.t) / (b.t - a.t);
}

} // namespace kochmon::sim
