#include "sweep/spec.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include <yaml-cpp/yaml.h>

#include "output/h5/h5.h"
#include "scenarios/load/context.h"
#include "scenarios/load/key_path.h"
#include "scenarios/load/loader.h"
#include "scenarios/load/spec_check.h"
#include "scenarios/load/tree.h"
#include "sim/core/error.h"
#include "sim/core/rng.h"
#include "sweep/identity.h"
#include "sweep/schema.h"

namespace kochmon::sweep {

using scenarios::Diagnostics;
using scenarios::Node;
using scenarios::Pos;

namespace {

// Summary columns every sweep has; parameters and metrics may not take these names.
const std::vector<std::string> FIXED_COLUMNS = {"run",  "point",  "replicate",
                                                "seed", "run_id", "status"};

//! Reads typed values out of the positioned tree. Every map is first checked against the
//! spec's schema table (types, ranges, unknown and required keys: scenarios/load/spec_check.h),
//! so the typed reads are quiet: a value that failed its check reads as nullopt.
class Reader {
public:
  Reader(Diagnostics& diag, const std::vector<scenarios::schema::Key>& table,
         std::string_view reference)
      : diag_(diag), table_(table), reference_(reference) {}

  //! Checks the map at schema path `pattern`; false when `map` is not a map.
  bool keys(const Node& map, std::string_view pattern, const std::string& shown) {
    return scenarios::check_spec_map(map, table_, pattern, shown, diag_, reference_);
  }

  std::optional<std::string> string(const Node* n) { return scenarios::spec_string(n); }
  std::optional<std::int64_t> integer(const Node* n) { return scenarios::spec_integer(n); }
  std::optional<double> number(const Node* n) { return scenarios::spec_number(n); }
  std::optional<bool> boolean(const Node* n) { return scenarios::spec_bool(n); }
  std::optional<sim::Month> month(const Node* n) {
    return n && n->is_scalar() ? sim::Month::parse(n->scalar) : std::nullopt;
  }

  template <class E>
  std::optional<E> choice(const Node* n, const std::vector<std::pair<std::string, E>>& options) {
    if (n && n->is_scalar())
      for (const auto& [name, value] : options)
        if (n->scalar == name) return value;
    return std::nullopt;
  }

  Diagnostics& diag_;
  const std::vector<scenarios::schema::Key>& table_;
  std::string_view reference_;
};

void read_parameter(const Node& n, const std::string& shown, Method method, Reader& r,
                    Parameter& p) {
  const bool sampled =
      method == Method::lhs || method == Method::saltelli || method == Method::morris;
  if (!r.keys(n, "parameters[]", shown)) return;
  Diagnostics& diag = r.diag_;
  if (const Node* key = n.get("key"))
    if (auto s = r.string(key)) {
      p.key = *s;
      check_key_path_syntax(p.key, key->pos, shown + ".key", diag);
    }
  p.column = p.key;
  if (auto s = r.string(n.get("name"))) p.column = *s;

  const Node* values = n.get("values");
  const Node* range = n.get("range");
  const bool has_dist =
      n.get("distribution") || n.get("min") || n.get("max") || n.get("mean") || n.get("sd");
  if (!sampled) {
    if (has_dist) {
      const Node* first = n.get("distribution") ? n.get("distribution")
                          : n.get("min")        ? n.get("min")
                          : n.get("max")        ? n.get("max")
                          : n.get("mean")       ? n.get("mean")
                                                : n.get("sd");
      diag.error(first->pos, shown,
                 std::string("a distribution is for lhs, saltelli and morris designs, not ") +
                     name_of(method),
                 "give values: [...] or range: {from, to, count}");
    }
    if (values && range) {
      diag.error(range->pos, shown + ".range", "give values or range, not both");
    } else if (values) {
      if (values->is_seq())
        for (const Node& v : values->seq)
          if (auto s = r.string(&v)) p.values.push_back(*s);
    } else if (range) {
      if (method == Method::list) {
        diag.error(range->pos, shown + ".range", "a list design takes values, not a range");
      } else if (range->is_map() && r.keys(*range, "parameters[].range", shown + ".range")) {
        const std::optional<double> from = r.number(range->get("from"));
        const std::optional<double> to = r.number(range->get("to"));
        const std::optional<std::int64_t> count = r.integer(range->get("count"));
        if (from && to && count && *count >= 2)
          for (std::int64_t i = 0; i < *count; ++i)
            p.values.push_back(scenarios::format_number(
                *from + (*to - *from) * static_cast<double>(i) / static_cast<double>(*count - 1)));
      }
    } else {
      diag.error(n.pos, shown,
                 std::string("a ") + name_of(method) + " design needs values for every parameter",
                 "give values: [...] or range: {from, to, count}");
    }
    if (const Node* integer = n.get("integer"))
      diag.error(integer->pos, shown + ".integer", "integer applies to sampled designs only");
    return;
  }
  if (values || range)
    diag.error((values ? values : range)->pos, shown,
               std::string("a ") + name_of(method) +
                   " design samples a distribution; values and range are for grid and list designs",
               "give min and max (uniform, loguniform) or mean and sd (normal)");
  if (auto v =
          r.choice<Distribution>(n.get("distribution"), {{"uniform", Distribution::uniform},
                                                         {"loguniform", Distribution::loguniform},
                                                         {"normal", Distribution::normal}}))
    p.distribution = *v;
  if (auto b = r.boolean(n.get("integer"))) p.integer = *b;
  // True when given and a number (a bad number is already reported).
  auto need = [&](const char* key, double& out) {
    if (const Node* v = n.get(key)) {
      const auto x = r.number(v);
      if (x) out = *x;
      return x.has_value();
    }
    diag.error(n.pos, shown,
               std::string("missing required key '") + key + "' for a " + name_of(p.distribution) +
                   " distribution");
    return false;
  };
  auto refuse = [&](const char* key) {
    if (const Node* v = n.get(key))
      diag.error(v->pos, shown + "." + key,
                 std::string("not a parameter of a ") + name_of(p.distribution) + " distribution");
  };
  if (p.distribution == Distribution::normal) {
    refuse("min");
    refuse("max");
    need("mean", p.mean);
    need("sd", p.sd); // its range, > 0, is the schema's
    if (method == Method::morris)
      diag.error(n.get("distribution")->pos, shown + ".distribution",
                 "a morris design needs bounded distributions (uniform or loguniform)");
  } else {
    refuse("mean");
    refuse("sd");
    const bool have = need("min", p.min) & need("max", p.max);
    if (have && !(p.min < p.max))
      diag.error(n.get("max")->pos, shown + ".max",
                 "expected a number > min (" + scenarios::format_number(p.min) + "), got '" +
                     n.get("max")->scalar + "'");
    if (have && p.distribution == Distribution::loguniform && !(p.min > 0))
      diag.error(n.get("min")->pos, shown + ".min",
                 "a loguniform distribution needs min > 0, got '" + n.get("min")->scalar + "'");
  }
}

void read_metric(const Node& n, std::string_view pattern, const std::string& shown, Reader& r,
                 Metric& m) {
  m.pos = n.pos;
  if (!r.keys(n, pattern, shown)) return;
  Diagnostics& diag = r.diag_;
  if (auto v = r.string(n.get("name"))) m.name = *v;
  if (auto v = r.string(n.get("series"))) m.series = *v;
  if (const Node* sel = n.get("select")) {
    if (sel->is_map()) { // not a map: reported by the schema check
      for (const auto& e : sel->map) {
        std::vector<std::string> labels;
        const std::string where = shown + ".select." + e.key;
        if (e.value.is_scalar()) {
          labels.push_back(e.value.scalar);
        } else if (e.value.is_seq() && !e.value.seq.empty()) {
          for (const auto& item : e.value.seq)
            if (auto s = spec_text(item, where, diag)) labels.push_back(*s);
        } else {
          diag.error(e.value.pos, where,
                     "expected a label or a list of labels, got " + e.value.describe());
        }
        m.select.emplace_back(e.key, std::move(labels));
      }
    }
  }
  m.from = r.month(n.get("from"));
  m.to = r.month(n.get("to"));
  if (m.from && m.to && *m.to < *m.from)
    diag.error(n.get("to")->pos, shown + ".to",
               m.to->str() + " is before from (" + m.from->str() + ")", "swap from and to");
  if (auto a = r.choice<Across>(n.get("across"), {{"sum", Across::sum}, {"mean", Across::mean}}))
    m.across = *a;
  if (auto a = r.choice<Reduce>(n.get("reduce"), {{"sum", Reduce::sum},
                                                  {"mean", Reduce::mean},
                                                  {"last", Reduce::last},
                                                  {"first", Reduce::first},
                                                  {"max", Reduce::max},
                                                  {"min", Reduce::min}}))
    m.reduce = *a;
  if (auto x = r.number(n.get("scale"))) m.scale = *x;
  if (auto v = r.string(n.get("weight"))) m.weight = *v;
}

//! `samples` equally weighted draws from the weighted sample of a posterior file
//! (output/FORMAT.md, "Posterior files") by systematic resampling keyed by the sweep seed, as
//! list-design parameters (in particle order, so that a base and a variant with the same seed
//! get the same draws and the same run seeds: paired).
std::vector<Parameter> posterior_draws(const std::string& file, int samples, std::uint64_t seed,
                                       const Pos& pos, Diagnostics& diag) {
  namespace h5 = output::h5;
  h5::silence_errors();
  std::vector<std::string> names, keys;
  std::vector<double> value, weight;
  try {
    const auto f = h5::File::open_read(file);
    if (!f.has_attribute("filetype") || f.string_attribute("filetype") != "kochmon-posterior") {
      diag.error(pos, "design.posterior", "'" + file + "' is not a kochmon posterior file",
                 "kochmon calibrate with method: abc_smc writes DIR/posterior.h5");
      return {};
    }
    names = f.open_dataset("parameters/name").read_strings();
    keys = f.open_dataset("parameters/key").read_strings();
    value = f.open_dataset("sample/value").read_doubles();
    weight = f.open_dataset("sample/weight").read_doubles();
  } catch (const h5::Error& e) {
    diag.error(pos, "design.posterior", "cannot read '" + file + "': " + e.reason(),
               "the path is relative to the spec's directory");
    return {};
  }
  const std::size_t k = keys.size(), n = weight.size();
  std::vector<Parameter> out(k);
  for (std::size_t j = 0; j < k; ++j) {
    out[j].key = keys[j];
    out[j].column = names[j];
  }
  const sim::KeyedDraws d(seed, sim::Stream::calibration, 0, 0, sim::Purpose::posterior_draws);
  const double u0 = sim::KeyedDraws::to_unit(d.block(0).v[0]);
  double cum = 0;
  std::size_t i = 0;
  for (int m = 0; m < samples && n > 0; ++m) {
    const double u = (u0 + m) / samples;
    while (i + 1 < n && cum + weight[i] <= u)
      cum += weight[i++];
    for (std::size_t j = 0; j < k; ++j)
      out[j].values.push_back(scenarios::format_number(value[i * k + j]));
  }
  return out;
}

std::string render(const Spec& s, bool with_base) {
  YAML::Emitter out;
  if (!s.posterior.empty())
    out << YAML::Comment("posterior draws: " + s.posterior) << YAML::Newline;
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << s.name;
  if (with_base) out << YAML::Key << "base" << YAML::Value << s.base;
  out << YAML::Key << "seed" << YAML::Value << s.seed;
  out << YAML::Key << "set" << YAML::Value << YAML::Flow << s.fixed_overrides();
  out << YAML::Key << "design" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "method" << YAML::Value << name_of(s.design.method);
  if (s.design.method == Method::lhs || s.design.method == Method::saltelli ||
      s.design.method == Method::morris)
    out << YAML::Key << "samples" << YAML::Value << s.design.samples;
  if (s.design.method == Method::morris)
    out << YAML::Key << "levels" << YAML::Value << s.design.levels;
  out << YAML::EndMap;
  out << YAML::Key << "parameters" << YAML::Value << YAML::BeginSeq;
  for (const auto& p : s.parameters) {
    out << YAML::BeginMap << YAML::Key << "key" << YAML::Value << p.key;
    out << YAML::Key << "name" << YAML::Value << p.column;
    if (!p.values.empty()) {
      out << YAML::Key << "values" << YAML::Value << YAML::Flow << p.values;
    } else {
      out << YAML::Key << "distribution" << YAML::Value << name_of(p.distribution);
      if (p.distribution == Distribution::normal) {
        out << YAML::Key << "mean" << YAML::Value << scenarios::format_number(p.mean);
        out << YAML::Key << "sd" << YAML::Value << scenarios::format_number(p.sd);
      } else {
        out << YAML::Key << "min" << YAML::Value << scenarios::format_number(p.min);
        out << YAML::Key << "max" << YAML::Value << scenarios::format_number(p.max);
      }
      out << YAML::Key << "integer" << YAML::Value << p.integer;
    }
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
  out << YAML::Key << "replicates" << YAML::Value << YAML::BeginMap;
  if (!s.seeds.empty()) {
    out << YAML::Key << "seeds" << YAML::Value << YAML::Flow << s.seeds;
  } else {
    out << YAML::Key << "count" << YAML::Value << s.replicates;
    out << YAML::Key << "common_seeds" << YAML::Value << s.common_seeds;
  }
  out << YAML::EndMap;
  out << YAML::Key << "metrics" << YAML::Value << YAML::BeginSeq;
  for (const auto& m : s.metrics) {
    out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << m.name;
    out << YAML::Key << "series" << YAML::Value << m.series;
    out << YAML::Key << "select" << YAML::Value << YAML::Flow << YAML::BeginMap;
    for (const auto& [axis, labels] : m.select)
      out << YAML::Key << axis << YAML::Value << labels;
    out << YAML::EndMap;
    if (m.from) out << YAML::Key << "from" << YAML::Value << m.from->str();
    if (m.to) out << YAML::Key << "to" << YAML::Value << m.to->str();
    out << YAML::Key << "across" << YAML::Value << name_of(m.across);
    out << YAML::Key << "reduce" << YAML::Value << name_of(m.reduce);
    out << YAML::Key << "scale" << YAML::Value << scenarios::format_number(m.scale);
    if (!m.weight.empty()) out << YAML::Key << "weight" << YAML::Value << m.weight;
    out << YAML::EndMap;
  }
  out << YAML::EndSeq << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

} // namespace

const char* name_of(Reduce r) {
  switch (r) {
  case Reduce::sum:
    return "sum";
  case Reduce::mean:
    return "mean";
  case Reduce::last:
    return "last";
  case Reduce::first:
    return "first";
  case Reduce::max:
    return "max";
  case Reduce::min:
    return "min";
  }
  return "?";
}

Metric read_metric(const Node& n, const std::string& shown, Diagnostics& diag,
                   const std::vector<scenarios::schema::Key>& table, std::string_view pattern,
                   std::string_view reference) {
  Reader r(diag, table, reference);
  Metric m;
  read_metric(n, pattern, shown, r, m);
  return m;
}

const char* name_of(Across a) {
  return a == Across::sum ? "sum" : "mean";
}

std::uint64_t Spec::run_seed(std::uint64_t point, int replicate) const {
  if (!seeds.empty()) return seeds[static_cast<std::size_t>(replicate)];
  constexpr std::uint64_t COMMON = ~std::uint64_t{0};
  return derive_seed(seed, common_seeds ? COMMON : point, static_cast<std::uint64_t>(replicate));
}

std::vector<std::string> Spec::fixed_overrides() const {
  std::vector<std::string> out = set;
  out.insert(out.end(), command_line_set.begin(), command_line_set.end());
  return out;
}

Spec load_spec(const std::string& path, bool check_base,
               const std::vector<std::string>& command_line_set) {
  Diagnostics diag;
  const Node root = scenarios::read_spec_file(
      path, "the sweep spec", "a map of sweep keys",
      "start from scenarios/sweeps/tiny_grid.yaml; keys: " + std::string(SPEC_REFERENCE), diag);
  Reader r(diag, spec_keys(), SPEC_REFERENCE);
  Spec s;
  s.path = path;
  bool from_posterior = false;
  std::filesystem::path posterior_file;
  Pos posterior_pos;
  r.keys(root, "", "");
  if (auto v = r.string(root.get("name"))) s.name = *v;
  if (const Node* n = root.get("base"))
    if (auto v = r.string(n)) {
      const std::filesystem::path p = std::filesystem::path(scenarios::dir_of(path)) / *v;
      std::error_code ec;
      if (check_base && !std::filesystem::is_regular_file(p, ec))
        diag.error(n->pos, "base", "no scenario file '" + p.string() + "'",
                   "base is relative to the spec's directory");
      s.base = std::filesystem::absolute(p, ec).lexically_normal().string();
    }
  if (auto v = r.integer(root.get("seed")); v && *v >= 0) s.seed = static_cast<std::uint64_t>(*v);
  if (const Node* n = root.get("set"); n && n->is_seq()) {
    for (std::size_t i = 0; i < n->seq.size(); ++i) {
      const std::string shown = "set[" + std::to_string(i) + "]";
      if (auto v = r.string(&n->seq[i])) {
        check_override_syntax(*v, n->seq[i].pos, shown, diag);
        s.set.push_back(*v);
      }
    }
  }
  if (const Node* n = root.get("design"); n && n->is_map() && r.keys(*n, "design", "design")) {
    if (auto v = r.choice<Method>(n->get("method"), {{"grid", Method::grid},
                                                     {"list", Method::list},
                                                     {"lhs", Method::lhs},
                                                     {"saltelli", Method::saltelli},
                                                     {"morris", Method::morris},
                                                     {"posterior", Method::list}}))
      s.design.method = *v;
    // posterior: a list design of draws from a posterior file, built below.
    from_posterior = n->get("method") && n->get("method")->scalar == "posterior";
    if (const Node* v = n->get("posterior")) {
      if (!from_posterior)
        diag.error(v->pos, "design.posterior", "posterior is for method: posterior only");
      else if (auto t = r.string(v)) {
        posterior_pos = v->pos;
        posterior_file = (std::filesystem::path(scenarios::dir_of(path)) / *t).lexically_normal();
      }
    } else if (from_posterior) {
      diag.error(n->pos, "design", "missing required key 'posterior' for a posterior design",
                 "the posterior.h5 of kochmon calibrate with method: abc_smc");
    }
    const bool sampled = s.design.method == Method::lhs || s.design.method == Method::saltelli ||
                         s.design.method == Method::morris || from_posterior;
    if (const Node* v = n->get("samples")) {
      if (!sampled)
        diag.error(v->pos, "design.samples",
                   std::string("a ") + name_of(s.design.method) +
                       " design takes no samples; its size comes from the values");
      else if (auto x = r.integer(v))
        s.design.samples = static_cast<int>(*x);
    } else if (sampled) {
      diag.error(n->pos, "design",
                 std::string("missing required key 'samples' for a ") +
                     (from_posterior ? "posterior" : name_of(s.design.method)) + " design");
    }
    if (const Node* v = n->get("levels")) {
      if (s.design.method != Method::morris)
        diag.error(v->pos, "design.levels", "levels is for morris designs only");
      else if (auto x = r.integer(v); x && *x % 2 == 0)
        s.design.levels = static_cast<int>(*x);
      else if (x)
        diag.error(v->pos, "design.levels",
                   "expected an even number of levels, got '" + v->scalar + "'");
    }
  }
  for (const std::string& v : command_line_set) {
    // Positioned as the loader positions them: "--set TEXT: error: ..."
    check_override_syntax(v, Pos{"--set " + v, 0, 0}, {}, diag);
    s.command_line_set.push_back(v);
  }
  s.design.seed = s.seed;
  if (const Node* n = root.get("parameters")) {
    s.parameters_pos = n->pos;
    if (n->is_seq()) { // not a list: reported by the schema check
      for (std::size_t i = 0; i < n->seq.size(); ++i) {
        Parameter p;
        read_parameter(n->seq[i], "parameters[" + std::to_string(i) + "]", s.design.method, r, p);
        s.parameters.push_back(std::move(p));
      }
    }
  } else {
    s.parameters_pos = Pos{path, 1, 1};
  }
  if (from_posterior) {
    if (root.get("parameters"))
      diag.error(s.parameters_pos, "parameters",
                 "a posterior design takes its parameters from the posterior file",
                 "remove parameters:, or fix a key with set:");
    s.posterior = std::filesystem::absolute(posterior_file).lexically_normal().string();
    if (!root.get("parameters") && !posterior_file.empty() && s.design.samples > 0)
      s.parameters =
          posterior_draws(posterior_file.string(), s.design.samples, s.seed, posterior_pos, diag);
    s.design.samples = 0;
  }
  const auto k = s.parameters.size();
  if (s.design.method != Method::grid && s.design.method != Method::list && k == 0)
    diag.error(s.parameters_pos, "parameters",
               std::string("a ") + name_of(s.design.method) +
                   " design needs at least one parameter");
  if (s.design.method == Method::saltelli && 2 * k > static_cast<std::size_t>(32))
    diag.error(s.parameters_pos, "parameters",
               "a saltelli design takes at most 16 parameters, got " + std::to_string(k),
               "fix some parameters with set:, or screen them first with a morris design");
  if (s.design.method == Method::list && k > 0) {
    for (std::size_t i = 1; i < k; ++i)
      if (!s.parameters[i].values.empty() && !s.parameters[0].values.empty() &&
          s.parameters[i].values.size() != s.parameters[0].values.size())
        diag.error(root.get("parameters")->seq[i].pos,
                   "parameters[" + std::to_string(i) + "].values",
                   "a list design needs the same number of values for every parameter: " +
                       std::to_string(s.parameters[i].values.size()) + " here, " +
                       std::to_string(s.parameters[0].values.size()) + " for parameters[0]");
  }
  if (const Node* n = root.get("replicates")) {
    if (n->is_scalar()) {
      if (auto v = r.integer(n)) s.replicates = static_cast<int>(*v);
    } else if (n->is_map() && r.keys(*n, "replicates", "replicates")) {
      const Node* count = n->get("count");
      const Node* seeds = n->get("seeds");
      if (count && seeds) diag.error(seeds->pos, "replicates", "give count or seeds, not both");
      if (auto v = r.integer(count)) s.replicates = static_cast<int>(*v);
      if (seeds && seeds->is_seq() && !seeds->seq.empty()) {
        for (const Node& e : seeds->seq)
          if (auto v = r.integer(&e); v && *v >= 0)
            s.seeds.push_back(static_cast<std::uint64_t>(*v));
        s.replicates = static_cast<int>(seeds->seq.size());
      }
      if (const Node* c = n->get("common_seeds")) {
        if (seeds)
          diag.error(c->pos, "replicates.common_seeds",
                     "listed seeds are always common to every point");
        else if (auto b = r.boolean(c))
          s.common_seeds = *b;
      }
    }
  }
  if (const Node* n = root.get("metrics"); n && n->is_seq()) { // not a list: reported
    for (std::size_t i = 0; i < n->seq.size(); ++i) {
      Metric m;
      read_metric(n->seq[i], "metrics[]", "metrics[" + std::to_string(i) + "]", r, m);
      s.metrics.push_back(std::move(m));
    }
  }
  // Column names: unique, and none of the fixed ones.
  std::set<std::string> seen(FIXED_COLUMNS.begin(), FIXED_COLUMNS.end());
  auto column = [&](const std::string& name, const Pos& pos, const std::string& shown) {
    if (name.empty()) return;
    if (!seen.insert(name).second)
      diag.error(pos, shown, "column '" + name + "' is already taken",
                 "names must differ from each other and from " + scenarios::join(FIXED_COLUMNS));
  };
  if (const Node* n = root.get("parameters"); n && n->is_seq())
    for (std::size_t i = 0; i < k && i < n->seq.size(); ++i)
      column(s.parameters[i].column, n->seq[i].pos, "parameters[" + std::to_string(i) + "]");
  for (std::size_t i = 0; i < s.metrics.size(); ++i)
    column(s.metrics[i].name, s.metrics[i].pos, "metrics[" + std::to_string(i) + "].name");
  if (diag.count() == 0 && s.runs() > 10000000)
    diag.error(Pos{path, 1, 1}, {},
               "the sweep has " + std::to_string(s.runs()) + " runs, more than 10^7",
               "split it into several sweeps");
  diag.throw_if_any();
  s.normalized = render(s, true);
  return s;
}

std::vector<std::string> run_overrides(const Spec& spec, const Point& point) {
  std::vector<std::string> out = spec.fixed_overrides();
  for (std::size_t i = 0; i < spec.parameters.size(); ++i)
    out.push_back(spec.parameters[i].key + "=" + point.text[i]);
  return out;
}

std::string check_against_base(const Spec& spec, const std::vector<Point>& points,
                               const sim::Registries& registries) {
  scenarios::LoadOptions lo;
  lo.overrides = spec.fixed_overrides();
  std::string resolved;
  try {
    resolved = scenarios::load_scenario(spec.base, registries, lo).resolved_yaml;
    if (!points.empty()) {
      lo.overrides = run_overrides(spec, points.front());
      scenarios::load_scenario(spec.base, registries, lo);
    }
  } catch (const sim::InputError& e) {
    throw sim::InputError(
        std::string(e.what()) + "\n" + spec.path + ": note: while applying the sweep's set:" +
        (spec.command_line_set.empty() ? std::string() : ", the command line's --set") +
        " and point 0's parameters to its base scenario " + spec.base);
  }
  return resolved;
}

std::string sweep_hash(const Spec& spec, const std::string& base_resolved) {
  return text_hash(render(spec, false) + "\n---\n" + base_resolved);
}

bool check_override_syntax(const std::string& text, const Pos& pos, const std::string& shown,
                           Diagnostics& diag) {
  const scenarios::ParsedOverride parsed = scenarios::parse_override(text);
  if (parsed.error.empty()) return true;
  if (parsed.no_equals)
    diag.error(pos, shown, "expected key.path=value, got '" + text + "'", parsed.error.hint);
  else
    diag.error(pos, shown.empty() ? parsed.path : shown + ": " + parsed.path, parsed.error.what,
               parsed.error.hint);
  return false;
}

bool check_key_path_syntax(const std::string& path, const Pos& pos, const std::string& shown,
                           Diagnostics& diag) {
  std::vector<scenarios::PathStep> steps;
  const scenarios::KeyPathError e = scenarios::parse_key_path(path, steps);
  if (e.empty()) return true;
  diag.error(pos, shown, "'" + path + "': " + e.what, e.hint);
  return false;
}

std::optional<std::string> spec_text(const Node& n, const std::string& shown, Diagnostics& diag) {
  if (!n.is_scalar()) {
    diag.error(n.pos, shown, "expected a string, got " + n.describe());
    return std::nullopt;
  }
  return n.scalar;
}

} // namespace kochmon::sweep
