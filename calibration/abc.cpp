#include "calibration/abc.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <numeric>
#include <stdexcept>
#include <thread>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "sim/core/rng.h"

namespace kochmon::calibration {

namespace {

constexpr int MAX_ATTEMPTS = 1000; // kernel draws outside the prior before a proposal is folded

//! Word i of attempt a of a proposal's draws: block a*stride + i/4 of its key.
struct Words {
  sim::KeyedDraws draws;
  std::uint32_t stride;
  std::uint64_t word(std::uint32_t attempt, std::uint32_t i) const {
    return draws.block(attempt * stride + i / 4).v[i % 4];
  }
};

Words words_of(const AbcSettings& s, int generation, std::int64_t proposal, std::size_t dim) {
  return {sim::KeyedDraws(s.seed, sim::Stream::calibration, static_cast<std::uint64_t>(proposal),
                          generation, sim::Purpose::abc_proposal),
          static_cast<std::uint32_t>((dim + 1 + 3) / 4)};
}

//! The lower Cholesky factor (row-major dim × dim) of a covariance, with a ridge that keeps it
//! positive definite when the particles collapse onto a line.
std::vector<double> cholesky(Eigen::MatrixXd sigma, std::size_t dim) {
  for (std::size_t d = 0; d < dim; ++d)
    sigma(static_cast<Eigen::Index>(d), static_cast<Eigen::Index>(d)) += 1e-10;
  const Eigen::LLT<Eigen::MatrixXd> llt(sigma);
  if (llt.info() != Eigen::Success) throw std::runtime_error("abc: kernel covariance not PD");
  const Eigen::MatrixXd l = llt.matrixL();
  std::vector<double> out(dim * dim);
  for (std::size_t r = 0; r < dim; ++r)
    for (std::size_t c = 0; c < dim; ++c)
      out[r * dim + c] = l(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c));
  return out;
}

//! Σ_w(about c) = Σ_i w_i (z_i − c)(z_i − c)ᵀ over the particles with `use`, weights renormalised.
Eigen::MatrixXd scatter(const AbcGeneration& g, std::size_t dim, const Eigen::VectorXd& c,
                        const std::vector<bool>& use) {
  const auto k = static_cast<Eigen::Index>(dim);
  Eigen::MatrixXd m = Eigen::MatrixXd::Zero(k, k);
  double total = 0;
  for (std::size_t i = 0; i < g.weights.size(); ++i) {
    if (!use[i]) continue;
    const Eigen::Map<const Eigen::VectorXd> z(g.z.data() + i * dim, k);
    m += g.weights[i] * (z - c) * (z - c).transpose();
    total += g.weights[i];
  }
  return total > 0 ? Eigen::MatrixXd(m / total) : m;
}

} // namespace

std::vector<double> abc_kernels(const AbcGeneration& g, std::size_t dim, double tolerance,
                                AbcKernel kernel) {
  const std::size_t n = g.weights.size();
  const auto k = static_cast<Eigen::Index>(dim);
  std::vector<double> out;
  out.reserve(n * dim * dim);
  if (kernel == AbcKernel::global) {
    // Beaumont et al. (2009): twice the weighted covariance about the weighted mean.
    Eigen::VectorXd mean = Eigen::VectorXd::Zero(k);
    for (std::size_t i = 0; i < n; ++i)
      mean += g.weights[i] * Eigen::Map<const Eigen::VectorXd>(g.z.data() + i * dim, k);
    const std::vector<double> l =
        cholesky(2.0 * scatter(g, dim, mean, std::vector<bool>(n, true)), dim);
    for (std::size_t i = 0; i < n; ++i)
      out.insert(out.end(), l.begin(), l.end());
    return out;
  }
  // Filippi et al. (2013), the optimal local covariance: about each particle, the weighted
  // scatter of the particles already within the new tolerance.
  std::vector<bool> near(n);
  bool any = false;
  for (std::size_t i = 0; i < n; ++i) {
    near[i] = g.distance[i] <= tolerance;
    any = any || near[i];
  }
  if (!any) near.assign(n, true);
  for (std::size_t i = 0; i < n; ++i) {
    const Eigen::Map<const Eigen::VectorXd> zi(g.z.data() + i * dim, k);
    const std::vector<double> l = cholesky(scatter(g, dim, zi, near), dim);
    out.insert(out.end(), l.begin(), l.end());
  }
  return out;
}

namespace {

//! -0.5 |L⁻¹ (x - y)|²: the log of the kernel's density up to its constant.
double log_kernel(std::span<const double> x, std::span<const double> y,
                  std::span<const double> chol, std::size_t dim, std::vector<double>& tmp) {
  tmp.assign(dim, 0.0);
  double q = 0;
  for (std::size_t a = 0; a < dim; ++a) {
    double r = x[a] - y[a];
    for (std::size_t b = 0; b < a; ++b)
      r -= chol[a * dim + b] * tmp[b];
    tmp[a] = r / chol[a * dim + a];
    q += tmp[a] * tmp[a];
  }
  double logdet = 0;
  for (std::size_t a = 0; a < dim; ++a)
    logdet += std::log(chol[a * dim + a]);
  return -0.5 * q - logdet; // the normalising constant matters when the kernels differ
}

bool inside(std::span<const double> z) {
  return std::all_of(z.begin(), z.end(), [](double v) { return v >= 0.0 && v <= 1.0; });
}

} // namespace

double weighted_quantile(std::span<const double> v, std::span<const double> w, double q) {
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
  double total = 0;
  for (double x : w)
    total += x;
  double cum = 0;
  for (std::size_t i : order) {
    cum += w[i];
    if (cum >= q * total) return v[i];
  }
  return order.empty() ? std::numeric_limits<double>::quiet_NaN() : v[order.back()];
}

std::uint64_t abc_run_seed(std::uint64_t replicate_seed, int generation, std::int64_t proposal) {
  const sim::KeyedDraws d(replicate_seed, sim::Stream::calibration,
                          static_cast<std::uint64_t>(proposal), generation,
                          sim::Purpose::abc_run_seed);
  return d.block(0).v[0] >> 16; // 48 bits: exact in YAML, JSON and doubles
}

std::vector<double> abc_propose(std::size_t dim, const AbcSettings& s, int generation,
                                std::int64_t proposal, const AbcGeneration* previous,
                                std::span<const double> chol) {
  const Words w = words_of(s, generation, proposal, dim);
  std::vector<double> z(dim);
  if (generation == 0 || previous == nullptr) {
    for (std::size_t d = 0; d < dim; ++d)
      z[d] = sim::KeyedDraws::to_unit(w.word(0, static_cast<std::uint32_t>(d)));
    return z;
  }
  const std::size_t n = previous->weights.size();
  for (std::uint32_t a = 0;; ++a) {
    // Word 0 picks the particle by its weight, words 1..dim are the kernel's normals.
    const double u = sim::KeyedDraws::to_unit(w.word(a, 0));
    double cum = 0;
    std::size_t j = n - 1;
    for (std::size_t i = 0; i < n; ++i) {
      cum += previous->weights[i];
      if (u < cum) {
        j = i;
        break;
      }
    }
    std::vector<double> e(dim);
    for (std::size_t d = 0; d < dim; ++d)
      e[d] = sim::KeyedDraws::normal(w.word(a, static_cast<std::uint32_t>(d + 1)));
    for (std::size_t r = 0; r < dim; ++r) {
      double v = previous->z[j * dim + r];
      const double* l = chol.data() + j * dim * dim;
      for (std::size_t c = 0; c <= r; ++c)
        v += l[r * dim + c] * e[c];
      z[r] = v;
    }
    if (inside(z)) return z;
    if (a + 1 >= MAX_ATTEMPTS) {
      // Practically never (the kernel's mass inside the cube is far above 1/1000): fold back.
      for (double& v : z) {
        v = std::fmod(std::fabs(v), 2.0);
        if (v > 1.0) v = 2.0 - v;
      }
      return z;
    }
  }
}

void run_indices(std::size_t n, int jobs, const std::function<void(std::size_t, int)>& body) {
  std::atomic<std::size_t> take{0};
  std::exception_ptr error;
  std::atomic<bool> failed{false};
  auto worker = [&](int id) {
    for (;;) {
      const std::size_t i = take.fetch_add(1);
      if (i >= n || failed) return;
      try {
        body(i, id);
      } catch (...) {
        if (!failed.exchange(true)) error = std::current_exception();
      }
    }
  };
  std::vector<std::thread> pool;
  for (int j = 1; j < std::min<int>(jobs, static_cast<int>(n)); ++j)
    pool.emplace_back(worker, j);
  worker(0);
  for (auto& th : pool)
    th.join();
  if (error) std::rethrow_exception(error);
}

AbcBatch abc_thread_batch(const AbcDistance& f, int jobs) {
  jobs = std::max(1, jobs);
  return [f, jobs](int t, std::int64_t first, std::span<const std::vector<double>> zs,
                   std::span<double> dist) {
    run_indices(zs.size(), jobs, [&](std::size_t k, int worker) {
      dist[k] = f(zs[k], t, first + static_cast<std::int64_t>(k), worker);
    });
  };
}

AbcState abc_smc(std::size_t dim, const AbcDistance& f, const AbcSettings& s, AbcState state,
                 const std::function<void(const AbcState&)>& on_generation,
                 const AbcProgress& progress) {
  const int jobs = std::max(1, s.jobs);
  return abc_smc(dim, abc_thread_batch(f, jobs), static_cast<std::size_t>(2 * jobs), s,
                 std::move(state), on_generation, progress);
}

AbcState abc_smc(std::size_t dim, const AbcBatch& evaluate, std::size_t batch, const AbcSettings& s,
                 AbcState state, const std::function<void(const AbcState&)>& on_generation,
                 const AbcProgress& progress) {
  if (dim == 0 || s.particles < 2 || batch == 0)
    throw std::invalid_argument("abc: need dim >= 1, particles >= 2, batch >= 1");
  state.stop.clear();
  // The first generation of this sitting may be one a budget cut short: its first `replayed`
  // proposals were counted then, so only those beyond them count now (0 once it is complete).
  long replayed = state.cut_proposals;
  state.cut_proposals = 0;
  const std::size_t n = static_cast<std::size_t>(s.particles); // overrun at most batch - 1
  long counted = 0; // proposals of the complete generations, against the budget
  for (const auto& g : state.generations)
    counted += g.proposals;
  std::vector<double> tmp;
  while (static_cast<int>(state.generations.size()) < s.generations) {
    const int t = static_cast<int>(state.generations.size());
    const AbcGeneration* prev = t > 0 ? &state.generations.back() : nullptr;
    AbcGeneration g;
    if (prev) {
      std::vector<double> d = prev->distance;
      for (double& x : d)
        if (std::isnan(x)) x = std::numeric_limits<double>::infinity();
      g.tolerance = weighted_quantile(d, prev->weights, s.quantile);
      if (!(g.tolerance < prev->tolerance)) {
        state.stop = "the tolerance stopped falling";
        break;
      }
    }
    const std::vector<double> chol =
        prev ? abc_kernels(*prev, dim, g.tolerance, s.kernel) : std::vector<double>{};
    std::int64_t next = 0;
    bool budget = false;
    while (g.weights.size() < n) {
      if (counted + next >= s.max_simulations) {
        budget = true;
        break;
      }
      const std::size_t m = static_cast<std::size_t>(
          std::min<long>(static_cast<long>(batch), s.max_simulations - counted - next));
      std::vector<std::vector<double>> zs(m);
      for (std::size_t k = 0; k < m; ++k)
        zs[k] = abc_propose(dim, s, t, next + static_cast<std::int64_t>(k), prev, chol);
      std::vector<double> dist(m);
      evaluate(t, next, zs, dist);
      state.simulations +=
          static_cast<long>(m) - std::clamp<long>(replayed - next, 0, static_cast<long>(m));
      // Accept in proposal order: the sample does not depend on the batch or the jobs.
      for (std::size_t k = 0; k < m && g.weights.size() < n; ++k) {
        const double d = std::isnan(dist[k]) ? std::numeric_limits<double>::infinity() : dist[k];
        if (prev && !(d <= g.tolerance)) continue;
        g.z.insert(g.z.end(), zs[k].begin(), zs[k].end());
        g.distance.push_back(d);
        g.proposal.push_back(next + static_cast<std::int64_t>(k));
        g.weights.push_back(1.0);
        if (g.weights.size() == n) g.proposals = next + static_cast<std::int64_t>(k) + 1;
      }
      next += static_cast<std::int64_t>(m);
      if (progress) progress(t, static_cast<int>(g.weights.size()), static_cast<long>(next));
    }
    if (budget) {
      state.cut_proposals = std::max<long>(next, replayed);
      state.stop =
          "the simulation budget (max_simulations) ran out in generation " + std::to_string(t);
      break;
    }
    counted += g.proposals;
    replayed = 0;
    g.kernel = s.kernel;
    g.acceptance = static_cast<double>(n) / static_cast<double>(g.proposals);
    if (prev) {
      // w_i ∝ prior(z_i) / Σ_j w_j K(z_i | z_j); the prior is flat on the cube.
      std::vector<double> logw(n);
      for (std::size_t i = 0; i < n; ++i) {
        double mx = -std::numeric_limits<double>::infinity();
        std::vector<double> terms(prev->weights.size());
        for (std::size_t j = 0; j < prev->weights.size(); ++j) {
          terms[j] = std::log(prev->weights[j]) +
                     log_kernel(std::span(g.z).subspan(i * dim, dim),
                                std::span(prev->z).subspan(j * dim, dim),
                                std::span(chol).subspan(j * dim * dim, dim * dim), dim, tmp);
          mx = std::max(mx, terms[j]);
        }
        double sum = 0;
        for (double v : terms)
          sum += std::exp(v - mx);
        logw[i] = -(mx + std::log(sum));
      }
      const double mx = *std::max_element(logw.begin(), logw.end());
      for (std::size_t i = 0; i < n; ++i)
        g.weights[i] = std::exp(logw[i] - mx);
    }
    double total = 0;
    for (double w : g.weights)
      total += w;
    double sq = 0;
    for (double& w : g.weights) {
      w /= total;
      sq += w * w;
    }
    g.ess = 1.0 / sq;
    state.generations.push_back(std::move(g));
    if (on_generation) on_generation(state);
    if (state.generations.back().acceptance < s.min_acceptance) {
      state.stop = "the acceptance rate fell below min_acceptance";
      break;
    }
  }
  if (state.stop.empty()) state.stop = "the generations (abc.generations) were done";
  return state;
}

} // namespace kochmon::calibration
