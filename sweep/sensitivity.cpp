#include "sweep/sensitivity.h"

#include <cmath>
#include <filesystem>
#include <limits>

#include <fmt/format.h>
#include <unistd.h>

#include "output/h5/h5.h"
#include "sim/core/error.h"
#include "sweep/design.h"
#include "sweep/identity.h"
#include "sweep/run_dir.h"
#include "sweep/spec.h"
#include "sweep/summary.h"

namespace kochmon::sweep {
namespace {

constexpr std::uint64_t PURPOSE_BOOTSTRAP = 3;

//! Σ (x − mean)², the common part of the population variance and the sample sd.
double sum_sq_dev(const std::vector<double>& v) {
  double mean = 0;
  for (double x : v)
    mean += x;
  mean /= static_cast<double>(v.size());
  double s = 0;
  for (double x : v)
    s += (x - mean) * (x - mean);
  return s;
}

double variance(const std::vector<double>& v) {
  return sum_sq_dev(v) / static_cast<double>(v.size());
}

double sd_sample(const std::vector<double>& v) {
  if (v.size() < 2) return 0;
  return std::sqrt(sum_sq_dev(v) / static_cast<double>(v.size() - 1));
}

// First (Saltelli 2010) and total (Jansen) order of parameter i over the blocks `rows`.
void sobol_one(const std::vector<double>& y, int k, int i, const std::vector<std::size_t>& rows,
               double& s1, double& st) {
  const auto b = static_cast<std::size_t>(k + 2);
  std::vector<double> ab;
  ab.reserve(2 * rows.size());
  double first = 0, total = 0;
  for (const std::size_t j : rows) {
    const double fa = y[j * b], fb = y[j * b + b - 1],
                 fabi = y[j * b + 1 + static_cast<std::size_t>(i)];
    ab.push_back(fa);
    ab.push_back(fb);
    first += fb * (fabi - fa);
    total += (fa - fabi) * (fa - fabi);
  }
  const double n = static_cast<double>(rows.size());
  const double v = variance(ab);
  s1 = v > 0 ? first / n / v : std::numeric_limits<double>::quiet_NaN();
  st = v > 0 ? 0.5 * total / n / v : std::numeric_limits<double>::quiet_NaN();
}

} // namespace

SobolIndices sobol_indices(const std::vector<double>& y, int n_base, int k, int bootstrap,
                           double confidence, std::uint64_t seed) {
  SobolIndices out;
  const double z = normal_quantile(0.5 + confidence / 2);
  const KeyedUniform draw(seed, PURPOSE_BOOTSTRAP);
  const auto n = static_cast<std::size_t>(n_base);
  std::vector<std::size_t> all(n);
  for (std::size_t j = 0; j < n; ++j)
    all[j] = j;
  for (int i = 0; i < k; ++i) {
    double s1 = 0, st = 0;
    sobol_one(y, k, i, all, s1, st);
    std::vector<double> b1, bt;
    std::vector<std::size_t> rows(n);
    for (int r = 0; r < bootstrap; ++r) {
      // The same resamples for every parameter (keyed by r, not by i), as SALib does.
      for (std::size_t j = 0; j < n; ++j)
        rows[j] = draw.below(n, static_cast<std::uint64_t>(r), j);
      double x1 = 0, xt = 0;
      sobol_one(y, k, i, rows, x1, xt);
      b1.push_back(x1);
      bt.push_back(xt);
    }
    out.s1.push_back(s1);
    out.st.push_back(st);
    out.s1_conf.push_back(z * sd_sample(b1));
    out.st_conf.push_back(z * sd_sample(bt));
  }
  return out;
}

MorrisIndices morris_indices(const std::vector<std::vector<double>>& x,
                             const std::vector<double>& y, int k, int bootstrap, double confidence,
                             std::uint64_t seed) {
  const auto kk = static_cast<std::size_t>(k);
  const std::size_t r = y.size() / (kk + 1);
  std::vector<std::vector<double>> ee(kk); // per parameter, one effect per trajectory
  for (std::size_t t = 0; t < r; ++t) {
    for (std::size_t m = 0; m < kk; ++m) {
      const auto& a = x[t * (kk + 1) + m];
      const auto& b = x[t * (kk + 1) + m + 1];
      for (std::size_t i = 0; i < kk; ++i) {
        const double dx = b[i] - a[i];
        if (dx != 0) ee[i].push_back((y[t * (kk + 1) + m + 1] - y[t * (kk + 1) + m]) / dx);
      }
    }
  }
  MorrisIndices out;
  const double z = normal_quantile(0.5 + confidence / 2);
  const KeyedUniform draw(seed, PURPOSE_BOOTSTRAP);
  for (std::size_t i = 0; i < kk; ++i) {
    const auto& e = ee[i];
    double mu = 0, mu_star = 0;
    for (double v : e) {
      mu += v;
      mu_star += std::fabs(v);
    }
    mu /= static_cast<double>(e.size());
    mu_star /= static_cast<double>(e.size());
    std::vector<double> boot;
    for (int b = 0; b < bootstrap; ++b) {
      double s = 0;
      for (std::size_t j = 0; j < e.size(); ++j)
        s += std::fabs(e[draw.below(e.size(), static_cast<std::uint64_t>(b), j)]);
      boot.push_back(s / static_cast<double>(e.size()));
    }
    out.mu.push_back(mu);
    out.mu_star.push_back(mu_star);
    out.sigma.push_back(sd_sample(e));
    out.mu_star_conf.push_back(z * sd_sample(boot));
  }
  return out;
}

std::string sensitivity_table(const std::string& summary_path, int bootstrap) {
  namespace fs = std::filesystem;
  const bool is_h5 = fs::path(summary_path).extension() == ".h5";
  const Table table = is_h5 ? read_summary_h5(summary_path) : read_summary_csv(summary_path);
  // The design: from sweep.yaml beside the summary, else (HDF5) the spec inside it.
  std::string spec_path = (fs::path(summary_path).parent_path() / "sweep.yaml").string();
  std::string tmp;
  if (!fs::exists(spec_path) && is_h5) {
    output::h5::silence_errors();
    const auto file = output::h5::File::open_read(summary_path);
    tmp = (fs::temp_directory_path() / fmt::format("kochmon-spec-{}.yaml", ::getpid())).string();
    write_file_atomic(tmp, file.open_dataset("spec").read_strings().at(0));
    spec_path = tmp;
  }
  if (!fs::exists(spec_path))
    throw sim::InputError(
        summary_path + ": error: no sweep.yaml beside the summary, so the design is unknown\n"
                       "  hint: analyse the summary inside its sweep directory, or use summary.h5");
  Spec spec;
  try {
    spec = load_spec(spec_path, false);
  } catch (...) {
    if (!tmp.empty()) fs::remove(tmp);
    throw;
  }
  if (!tmp.empty()) fs::remove(tmp);
  const Method method = spec.design.method;
  if (method != Method::saltelli && method != Method::morris)
    throw sim::InputError(summary_path + ": error: the sweep's design is " + name_of(method) +
                          "; sensitivity indices need a saltelli (Sobol indices) or morris "
                          "(elementary effects) design\n"
                          "  hint: set design.method: saltelli or morris in the spec");
  const int c_point = table.column("point"), c_status = table.column("status");
  if (c_point < 0 || c_status < 0)
    throw sim::InputError(summary_path +
                          ": error: not a sweep summary (no point or status column)");
  const std::uint64_t n_points = spec.points();
  const int k = static_cast<int>(spec.parameters.size());
  std::string out = method == Method::saltelli ? "metric,parameter,S1,S1_conf,ST,ST_conf\n"
                                               : "metric,parameter,mu,mu_star,sigma,mu_star_conf\n";
  for (const Metric& m : spec.metrics) {
    const int c = table.column(m.name);
    if (c < 0)
      throw sim::InputError(summary_path + ": error: no column '" + m.name + "' for metric " +
                            m.name);
    std::vector<double> sum(n_points, 0.0);
    std::vector<int> count(n_points, 0);
    for (const auto& row : table.rows) {
      if (row[static_cast<std::size_t>(c_status)] != "ok") continue;
      const auto p =
          static_cast<std::uint64_t>(cell_number(row[static_cast<std::size_t>(c_point)]));
      if (p >= n_points) continue;
      sum[p] += cell_number(row[static_cast<std::size_t>(c)]);
      count[p] += 1;
    }
    for (std::uint64_t p = 0; p < n_points; ++p) {
      if (count[p] == 0)
        throw sim::InputError(
            fmt::format("{}: error: point {} has no complete run (status ok)\n"
                        "  hint: finish the sweep (rerun it into the same directory), then merge",
                        summary_path, p));
      sum[p] /= count[p];
    }
    if (method == Method::saltelli) {
      const auto s = sobol_indices(sum, spec.design.samples, k, bootstrap);
      for (int i = 0; i < k; ++i) {
        const auto ii = static_cast<std::size_t>(i);
        out += fmt::format("{},{},{},{},{},{}\n", m.name, spec.parameters[ii].column, s.s1[ii],
                           s.s1_conf[ii], s.st[ii], s.st_conf[ii]);
      }
    } else {
      const auto x = morris_unit(spec.design.samples, k, spec.design.levels, spec.design.seed);
      const auto s = morris_indices(x, sum, k, bootstrap);
      for (int i = 0; i < k; ++i) {
        const auto ii = static_cast<std::size_t>(i);
        out += fmt::format("{},{},{},{},{},{}\n", m.name, spec.parameters[ii].column, s.mu[ii],
                           s.mu_star[ii], s.sigma[ii], s.mu_star_conf[ii]);
      }
    }
  }
  return out;
}

} // namespace kochmon::sweep
