#ifndef KOCHMON_SIM_CORE_SERIES_H
#define KOCHMON_SIM_CORE_SERIES_H

#include <memory>
#include <vector>

#include "sim/core/month.h"

namespace kochmon::sim {

//! An exogenous quantity over time (a wage, a rate, a fee): points in time and how to read
//! between them. Annual data are placed by the loader (mid-year for interpolation, January for
//! a step function); monthly points at their month.
struct Series {
  enum class Mode { interpolate, hold };
  struct Point {
    double t; // months since year 0 (Month::index), may be fractional
    double value;
  };

  std::vector<Point> points; // sorted by t, at least one
  Mode mode = Mode::interpolate;
  //! Annual growth (fraction, 0.02 = 2%) applied after the last point; 0 holds the last value.
  double growth_after = 0.0;
  //! A lever from a date (<series> `from:`): before month index from_t the value is before's
  //! (the inherited series), so a variant leaves the months before its start untouched.
  std::shared_ptr<const Series> before{};
  double from_t = 0.0;

  static Series constant(double v) { return Series{{{0.0, v}}, Mode::hold, 0.0}; }

  //! The value in month m (MODEL.md §1): before's value before from_t, if any; else before the
  //! first point the first value; between points linear (interpolate) or the earlier point's
  //! value (hold); after the last point the last value grown at growth_after per year.
  double at(Month m) const;
};

} // namespace kochmon::sim

#endif
