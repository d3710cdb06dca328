#include "calibration/posterior.h"

#include <cmath>
#include <filesystem>

#include "output/h5/h5.h"
#include "sim/core/error.h"
#include "sim/core/version.h"

namespace kochmon::calibration {

namespace h5 = output::h5;

namespace {

void put(h5::Group& g, const std::string& name, const std::vector<double>& v,
         std::vector<hsize_t> dims) {
  auto d = g.create_dataset(name, H5T_IEEE_F64LE, h5::Dataspace::simple(dims));
  if (!v.empty()) d.write_all(H5T_NATIVE_DOUBLE, v.data());
}

void put(h5::Group& g, const std::string& name, const std::vector<std::int64_t>& v,
         std::vector<hsize_t> dims) {
  auto d = g.create_dataset(name, H5T_STD_I64LE, h5::Dataspace::simple(dims));
  if (!v.empty()) d.write_all(H5T_NATIVE_INT64, v.data());
}

std::vector<std::int64_t> ints(const h5::Group& g, const std::string& name) {
  auto d = g.open_dataset(name);
  std::size_t n = 1;
  for (hsize_t x : d.space().dims())
    n *= x;
  std::vector<std::int64_t> v(n);
  if (n) d.read_all(H5T_NATIVE_INT64, v.data());
  return v;
}

std::string text(const h5::Group& g, const std::string& name) {
  const auto v = g.open_dataset(name).read_strings();
  return v.empty() ? std::string() : v.front();
}

} // namespace

PosteriorSummary summarise(const Posterior& p) {
  PosteriorSummary s;
  const std::size_t k = p.params.size(), n = p.weight.size();
  for (std::size_t j = 0; j < k; ++j) {
    std::vector<double> v(n);
    double mean = 0, var = 0;
    for (std::size_t i = 0; i < n; ++i) {
      v[i] = p.value[i * k + j];
      mean += p.weight[i] * v[i];
    }
    for (std::size_t i = 0; i < n; ++i)
      var += p.weight[i] * (v[i] - mean) * (v[i] - mean);
    s.mean.push_back(mean);
    s.sd.push_back(std::sqrt(var));
    s.q05.push_back(weighted_quantile(v, p.weight, 0.05));
    s.q25.push_back(weighted_quantile(v, p.weight, 0.25));
    s.median.push_back(weighted_quantile(v, p.weight, 0.5));
    s.q75.push_back(weighted_quantile(v, p.weight, 0.75));
    s.q95.push_back(weighted_quantile(v, p.weight, 0.95));
  }
  return s;
}

void write_posterior(const std::string& path, const Posterior& p) {
  h5::silence_errors();
  const std::string tmp = path + ".tmp";
  {
    auto file = h5::File::create(tmp);
    file.set_attribute("filetype", POSTERIOR_FILETYPE);
    file.set_attribute("format_version", POSTERIOR_VERSION);
    file.set_attribute("kochmon_version", kochmon::VERSION);
    file.set_attribute("git_sha", kochmon::GIT_SHA);
    file.set_attribute("run_id", p.run_id);
    file.set_attribute("calibration_name", p.name);
    file.set_attribute("method", "abc_smc");
    file.set_attribute("stop_reason", p.stop);
    file.set_attribute("abc_seed", p.abc_seed);
    file.set_attribute("simulations", static_cast<std::int64_t>(p.state.simulations));
    file.set_attribute("cut_proposals", static_cast<std::int64_t>(p.state.cut_proposals));
    file.set_attribute("wall_seconds", p.wall_seconds);
    file.write_string("spec", p.spec_text);
    file.write_string("targets", p.targets_text);
    file.write_string("scenario", p.scenario);
    file.write_string("identity", p.identity);
    std::vector<std::int64_t> seeds(p.seeds.begin(), p.seeds.end());
    put(file, "seeds", seeds, {seeds.size()});

    const std::size_t k = p.params.size();
    auto pg = file.create_group("parameters");
    std::vector<std::string> name, key, unit, prior;
    std::vector<double> lo, hi;
    for (const auto& q : p.params) {
      name.push_back(q.name);
      key.push_back(q.key);
      unit.push_back(q.unit);
      prior.push_back(q.prior);
      lo.push_back(q.min);
      hi.push_back(q.max);
    }
    pg.write_strings("name", name);
    pg.write_strings("key", key);
    pg.write_strings("unit", unit);
    pg.write_strings("prior", prior);
    put(pg, "min", lo, {k});
    put(pg, "max", hi, {k});

    const std::size_t n = p.weight.size();
    auto sg = file.create_group("sample");
    put(sg, "value", p.value, {n, k});
    put(sg, "weight", p.weight, {n});
    if (!p.state.generations.empty()) {
      const auto& last = p.state.generations.back();
      put(sg, "distance", last.distance, {n});
      put(sg, "proposal", last.proposal, {n});
    }
    const PosteriorSummary s = summarise(p);
    auto mg = file.create_group("summary");
    put(mg, "mean", s.mean, {k});
    put(mg, "sd", s.sd, {k});
    put(mg, "q05", s.q05, {k});
    put(mg, "q25", s.q25, {k});
    put(mg, "median", s.median, {k});
    put(mg, "q75", s.q75, {k});
    put(mg, "q95", s.q95, {k});

    const std::size_t gn = p.state.generations.size();
    std::vector<double> tol, acc, ess, z, w, dist;
    std::vector<std::int64_t> props, prop, kernel;
    for (const auto& g : p.state.generations) {
      kernel.push_back(g.kernel == AbcKernel::local ? 1 : 0);
      tol.push_back(g.tolerance);
      acc.push_back(g.acceptance);
      ess.push_back(g.ess);
      props.push_back(g.proposals);
      z.insert(z.end(), g.z.begin(), g.z.end());
      w.insert(w.end(), g.weights.begin(), g.weights.end());
      dist.insert(dist.end(), g.distance.begin(), g.distance.end());
      prop.insert(prop.end(), g.proposal.begin(), g.proposal.end());
    }
    auto gg = file.create_group("generations");
    put(gg, "tolerance", tol, {gn});
    put(gg, "proposals", props, {gn});
    put(gg, "acceptance", acc, {gn});
    put(gg, "ess", ess, {gn});
    put(gg, "kernel", kernel, {gn});
    put(gg, "z", z, {gn, n, k});
    put(gg, "weight", w, {gn, n});
    put(gg, "distance", dist, {gn, n});
    put(gg, "proposal", prop, {gn, n});
    file.close_checked();
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw sim::RunError("calibrate: cannot rename '" + tmp + "': " + ec.message());
}

Posterior read_posterior(const std::string& path) {
  h5::silence_errors();
  Posterior p;
  try {
    const auto file = h5::File::open_read(path);
    if (!file.has_attribute("filetype") || file.string_attribute("filetype") != POSTERIOR_FILETYPE)
      throw sim::InputError(path + ": error: not a kochmon posterior file (filetype '" +
                            std::string(POSTERIOR_FILETYPE) +
                            "'): write one with kochmon calibrate and method: abc_smc");
    p.run_id = file.string_attribute("run_id");
    p.name = file.string_attribute("calibration_name");
    p.stop = file.string_attribute("stop_reason");
    p.abc_seed = file.uint_attribute("abc_seed");
    p.wall_seconds = file.double_attribute("wall_seconds");
    p.state.simulations = file.int_attribute("simulations");
    // Files written before the attribute existed: nothing to discount.
    p.state.cut_proposals =
        file.has_attribute("cut_proposals") ? file.int_attribute("cut_proposals") : 0;
    p.state.stop = p.stop;
    p.spec_text = text(file, "spec");
    p.targets_text = text(file, "targets");
    p.scenario = text(file, "scenario");
    p.identity = text(file, "identity");
    for (auto s : ints(file, "seeds"))
      p.seeds.push_back(static_cast<std::uint64_t>(s));
    const auto pg = file.open_group("parameters");
    const auto name = pg.open_dataset("name").read_strings();
    const auto key = pg.open_dataset("key").read_strings();
    const auto unit = pg.open_dataset("unit").read_strings();
    const auto prior = pg.open_dataset("prior").read_strings();
    const auto lo = pg.open_dataset("min").read_doubles();
    const auto hi = pg.open_dataset("max").read_doubles();
    for (std::size_t j = 0; j < name.size(); ++j)
      p.params.push_back({name[j], key[j], unit[j], prior[j], lo[j], hi[j]});
    const auto sg = file.open_group("sample");
    p.value = sg.open_dataset("value").read_doubles();
    p.weight = sg.open_dataset("weight").read_doubles();
    const auto gg = file.open_group("generations");
    const auto tol = gg.open_dataset("tolerance").read_doubles();
    const auto acc = gg.open_dataset("acceptance").read_doubles();
    const auto ess = gg.open_dataset("ess").read_doubles();
    const auto props = ints(gg, "proposals");
    const auto z = gg.open_dataset("z").read_doubles();
    const auto w = gg.open_dataset("weight").read_doubles();
    const auto dist = gg.open_dataset("distance").read_doubles();
    const auto prop = ints(gg, "proposal");
    const auto kernel =
        gg.has("kernel") ? ints(gg, "kernel") : std::vector<std::int64_t>(tol.size());
    const std::size_t k = p.params.size(), n = p.weight.size();
    for (std::size_t g = 0; g < tol.size(); ++g) {
      AbcGeneration a;
      a.tolerance = tol[g];
      a.acceptance = acc[g];
      a.ess = ess[g];
      a.proposals = props[g];
      a.kernel = kernel[g] == 1 ? AbcKernel::local : AbcKernel::global;
      a.z.assign(z.begin() + static_cast<std::ptrdiff_t>(g * n * k),
                 z.begin() + static_cast<std::ptrdiff_t>((g + 1) * n * k));
      a.weights.assign(w.begin() + static_cast<std::ptrdiff_t>(g * n),
                       w.begin() + static_cast<std::ptrdiff_t>((g + 1) * n));
      a.distance.assign(dist.begin() + static_cast<std::ptrdiff_t>(g * n),
                        dist.begin() + static_cast<std::ptrdiff_t>((g + 1) * n));
      a.proposal.assign(prop.begin() + static_cast<std::ptrdiff_t>(g * n),
                        prop.begin() + static_cast<std::ptrdiff_t>((g + 1) * n));
      p.state.generations.push_back(std::move(a));
    }
  } catch (const h5::Error& e) {
    throw sim::InputError(path + ": error: cannot read the posterior file: " + e.reason());
  }
  return p;
}

} // namespace kochmon::calibration
