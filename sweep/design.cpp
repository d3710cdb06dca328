#include "sweep/design.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "scenarios/load/context.h"
#include "sim/core/rng.h"
#include "sweep/identity.h"
#include "sweep/sobol.h"

namespace kochmon::sweep {
namespace {

constexpr std::uint64_t PURPOSE_LHS = 1, PURPOSE_MORRIS = 2;

Point from_unit(const std::vector<Parameter>& params, std::vector<double> u) {
  Point p;
  for (std::size_t i = 0; i < params.size(); ++i) {
    const double v = params[i].quantile(u[i]);
    p.number.push_back(v);
    p.text.push_back(scenarios::format_number(v));
  }
  p.unit = std::move(u);
  return p;
}

} // namespace

const char* name_of(Method m) {
  switch (m) {
  case Method::grid:
    return "grid";
  case Method::list:
    return "list";
  case Method::lhs:
    return "lhs";
  case Method::saltelli:
    return "saltelli";
  case Method::morris:
    return "morris";
  }
  return "?";
}

const char* name_of(Distribution d) {
  switch (d) {
  case Distribution::uniform:
    return "uniform";
  case Distribution::loguniform:
    return "loguniform";
  case Distribution::normal:
    return "normal";
  }
  return "?";
}

double normal_quantile(double p) {
  // Acklam's rational approximation (sim/core/rng.h), then one Halley step.
  if (p <= 0) return -std::numeric_limits<double>::infinity();
  if (p >= 1) return std::numeric_limits<double>::infinity();
  const double x = sim::inverse_normal_acklam(p);
  const double e = 0.5 * std::erfc(-x / std::sqrt(2.0)) - p;
  const double u = e * std::sqrt(2 * M_PI) * std::exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

double Parameter::quantile(double u) const {
  double v = 0;
  switch (distribution) {
  case Distribution::uniform:
    v = min + u * (max - min);
    break;
  case Distribution::loguniform:
    v = std::exp(std::log(min) + u * (std::log(max) - std::log(min)));
    break;
  case Distribution::normal:
    v = mean + sd * normal_quantile(std::clamp(u, 1e-12, 1 - 1e-12));
    break;
  }
  return integer ? std::round(v) : v;
}

std::vector<std::vector<double>> saltelli_unit(int n_base, int k) {
  const Sobol sobol(2 * k);
  std::vector<std::vector<double>> out;
  out.reserve(static_cast<std::size_t>(n_base) * static_cast<std::size_t>(k + 2));
  for (int j = 0; j < n_base; ++j) {
    const std::vector<double> x = sobol.point(static_cast<std::uint64_t>(j) + 1);
    const std::vector<double> a(x.begin(), x.begin() + k), b(x.begin() + k, x.end());
    out.push_back(a);
    for (int i = 0; i < k; ++i) {
      std::vector<double> ab = a;
      ab[static_cast<std::size_t>(i)] = b[static_cast<std::size_t>(i)];
      out.push_back(std::move(ab));
    }
    out.push_back(b);
  }
  return out;
}

std::vector<std::vector<double>> morris_unit(int trajectories, int k, int levels,
                                             std::uint64_t seed) {
  // Morris (1991): a base point on the grid {0, 1/(p-1), ..., 1 - Δ}, Δ = p / (2(p-1)); each
  // factor moves once, by ±Δ, in a random order.
  const KeyedUniform draw(seed, PURPOSE_MORRIS);
  const double step = 1.0 / (levels - 1), delta = levels / (2.0 * (levels - 1));
  const int base_levels = levels / 2; // base values whose +Δ stays inside [0, 1]
  std::vector<std::vector<double>> out;
  for (int t = 0; t < trajectories; ++t) {
    const auto tt = static_cast<std::uint64_t>(t);
    std::vector<double> x(static_cast<std::size_t>(k));
    std::vector<int> order(static_cast<std::size_t>(k));
    std::iota(order.begin(), order.end(), 0);
    for (int i = k - 1; i > 0; --i) // Fisher–Yates, keyed
      std::swap(order[static_cast<std::size_t>(i)],
                order[draw.below(static_cast<std::uint64_t>(i) + 1, tt,
                                 1000 + static_cast<std::uint64_t>(i))]);
    std::vector<bool> up(static_cast<std::size_t>(k));
    for (int i = 0; i < k; ++i) {
      const auto ii = static_cast<std::uint64_t>(i);
      const auto si = static_cast<std::size_t>(i);
      up[si] = draw(tt, 2000 + ii) < 0.5;
      const double level = step * static_cast<double>(draw.below(base_levels, tt, 3000 + ii));
      // a factor that will step down starts Δ higher, so both ends are grid levels
      x[si] = up[si] ? level : level + delta;
    }
    out.push_back(x);
    for (int m = 0; m < k; ++m) {
      const auto i = static_cast<std::size_t>(order[static_cast<std::size_t>(m)]);
      x[i] = up[i] ? x[i] + delta : x[i] - delta;
      out.push_back(x);
    }
  }
  return out;
}

std::uint64_t design_size(const DesignSpec& design, const std::vector<Parameter>& params) {
  const auto k = static_cast<std::uint64_t>(params.size());
  const auto n = static_cast<std::uint64_t>(design.samples);
  switch (design.method) {
  case Method::grid: {
    std::uint64_t size = 1;
    for (const auto& p : params)
      size *= p.values.size();
    return size;
  }
  case Method::list:
    return params.empty() ? 1 : params.front().values.size();
  case Method::lhs:
    return n;
  case Method::saltelli:
    return n * (k + 2);
  case Method::morris:
    return n * (k + 1);
  }
  return 0;
}

std::vector<Point> make_design(const DesignSpec& design, const std::vector<Parameter>& params) {
  const int k = static_cast<int>(params.size());
  std::vector<Point> points;
  auto text_point = [&](const std::vector<std::size_t>& idx) {
    Point p;
    for (std::size_t i = 0; i < params.size(); ++i) {
      p.text.push_back(params[i].values[idx[i]]);
      const auto v = scenarios::parse_number(p.text.back());
      p.number.push_back(v ? *v : std::numeric_limits<double>::quiet_NaN());
    }
    return p;
  };
  switch (design.method) {
  case Method::grid: {
    const std::uint64_t size = design_size(design, params);
    for (std::uint64_t n = 0; n < size; ++n) {
      std::vector<std::size_t> idx(params.size());
      std::uint64_t rest = n;
      for (std::size_t i = params.size(); i-- > 0;) {
        idx[i] = rest % params[i].values.size();
        rest /= params[i].values.size();
      }
      points.push_back(text_point(idx));
    }
    break;
  }
  case Method::list: {
    const std::uint64_t size = design_size(design, params);
    for (std::uint64_t n = 0; n < size; ++n)
      points.push_back(text_point(std::vector<std::size_t>(params.size(), n)));
    break;
  }
  case Method::lhs: {
    // One stratum per point in each dimension, strata shuffled independently per dimension.
    const KeyedUniform draw(design.seed, PURPOSE_LHS);
    const auto n = static_cast<std::size_t>(design.samples);
    std::vector<std::vector<double>> u(n, std::vector<double>(params.size()));
    for (std::size_t d = 0; d < params.size(); ++d) {
      std::vector<std::size_t> perm(n);
      std::iota(perm.begin(), perm.end(), 0);
      for (std::size_t i = n; i-- > 1;)
        std::swap(perm[i], perm[draw.below(i + 1, d, i)]);
      for (std::size_t i = 0; i < n; ++i)
        u[i][d] = (static_cast<double>(perm[i]) + draw(d, 1000000 + i)) / static_cast<double>(n);
    }
    for (auto& row : u)
      points.push_back(from_unit(params, std::move(row)));
    break;
  }
  case Method::saltelli:
    for (auto& row : saltelli_unit(design.samples, k))
      points.push_back(from_unit(params, std::move(row)));
    break;
  case Method::morris:
    for (auto& row : morris_unit(design.samples, k, design.levels, design.seed))
      points.push_back(from_unit(params, std::move(row)));
    break;
  }
  return points;
}

} // namespace kochmon::sweep
