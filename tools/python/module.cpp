// The compiled half of the Python module (`kochmon._kochmon`, issue #17): scenarios loaded by
// the CLI's loader, runs by the CLI's engine (whole, or month by month), files written and
// read by the CLI's output/, sweeps by the CLI's local driver, and decision rules written in
// Python. The pure-Python package (tools/python/kochmon/) builds the user-facing objects on
// top; this file only moves data across and keeps the C++ guarantees (strict loading,
// bit-identical series, no half-written file). The GIL is released whenever the engine runs.

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <tbb/info.h>
#include <tbb/task_arena.h>

#include "agents/builtin.h"
#include "output/checkpoint.h"
#include "output/format_version.h"
#include "output/h5/h5.h"
#include "output/reader.h"
#include "output/writer.h"
#include "scenarios/load/loader.h"
#include "sim/core/error.h"
#include "sim/core/version.h"
#include "sim/engine/simulation.h"
#include "sweep/sweep.h"
#include "tools/kochmon/run_one.h"

namespace py = pybind11;
using namespace kochmon;

namespace {

//! The built-in plug-ins plus the rules registered from Python (register_rule). Written only
//! by register_rule, with the GIL held; register before loading the scenarios that use them.
sim::Registries& mutable_registries() {
  static sim::Registries r = agents::builtin_registries();
  return r;
}
const sim::Registries& registries() {
  return mutable_registries();
}

// --- decision rules written in Python ---------------------------------------------------------
// The registry builds a rule from a class with a static info(), so each Python rule takes one
// of a fixed number of slots, each its own class PyRule<N>. A rule's score_region runs on the
// thread that steps the engine (the region loop is serial), taking the GIL for the call: the
// numbers do not depend on the thread count.

constexpr int MAX_PY_RULES = 32;

struct PySlot {
  sim::PluginInfo info;
  PyObject* factory = nullptr; // the Python class (a strong reference, never released: it must
                               // outlive the interpreter's teardown of this module)
  std::string provenance;      // "# ..." lines for /meta/scenario
};
PySlot py_slots[MAX_PY_RULES];
int py_slots_used = 0;

//! A Python rule failed (its exception is in pending_error()); thrown through the engine, so
//! a sweep's run fails with the Python message.
struct PyRuleFailed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

//! The exception a Python rule raised on this thread (the one stepping the engine); read and
//! written with the GIL held. Per thread, so that concurrent runs (a sweep's, or runs from
//! several Python threads) keep their own; never destroyed (a thread's exit may come after
//! the interpreter's).
std::optional<py::error_already_set>& pending_error() {
  thread_local auto* e = new std::optional<py::error_already_set>();
  return *e;
}

template <class F> void call_python(F&& f) {
  try {
    f();
  } catch (py::error_already_set& e) {
    std::string what = e.what();
    pending_error().emplace(std::move(e));
    throw PyRuleFailed(what);
  } catch (const std::exception& e) {
    PyErr_SetString(PyExc_RuntimeError, e.what());
    pending_error().emplace();
    throw PyRuleFailed(e.what());
  }
}

//! Re-raises a Python rule's exception after the engine returned (GIL held).
[[noreturn]] void raise_pending() {
  if (!pending_error()) throw std::runtime_error("a Python rule failed without an exception");
  auto e = std::move(*pending_error());
  pending_error().reset();
  throw e;
}

py::object simple_namespace() {
  static auto* ns = new py::object(py::module_::import("types").attr("SimpleNamespace"));
  return *ns;
}

//! What score_region(ctx) receives: month, step, origin (a namespace of OriginView) and, for
//! every option (index 0 is stay, 1 + d destination d), one numpy array per OptionView field.
py::object region_context(const sim::RegionContext& ctx) {
  const auto& o = ctx.origin;
  py::object origin = simple_namespace()(
      py::arg("region") = o.region, py::arg("w_r") = o.w_r, py::arg("u_r") = o.u_r,
      py::arg("p_r") = o.p_r, py::arg("P_r") = o.P_r, py::arg("poverty_r") = o.poverty_r,
      py::arg("income_mean_r") = o.income_mean_r, py::arg("land_ha_mean") = o.land_ha_mean,
      py::arg("sigma2_r") = o.sigma2_r);
  const auto n = static_cast<py::ssize_t>(ctx.options.size());
  auto field = [&](auto member) {
    using T = std::remove_cvref_t<decltype(ctx.options[0].*member)>;
    py::array_t<T> a(n);
    T* out = a.mutable_data();
    for (py::ssize_t i = 0; i < n; ++i)
      out[i] = ctx.options[static_cast<std::size_t>(i)].*member;
    a.attr("setflags")(py::arg("write") = false);
    return a;
  };
  using V = sim::OptionView;
  py::dict kw;
  kw["month"] = ctx.month.str();
  kw["step"] = ctx.step;
  kw["origin"] = origin;
  kw["foreign"] = field(&V::foreign);
  kw["available"] = field(&V::available);
  kw["urban"] = field(&V::urban);
  kw["w_d"] = field(&V::w_d);
  kw["fx_d"] = field(&V::fx_d);
  kw["u_d"] = field(&V::u_d);
  kw["p_d"] = field(&V::p_d);
  kw["c_d"] = field(&V::c_d);
  kw["dist_km"] = field(&V::dist_km);
  kw["N_rd"] = field(&V::N_rd);
  kw["fee_d"] = field(&V::fee_d);
  kw["detect_d"] = field(&V::detect_d);
  kw["legal_d"] = field(&V::legal_d);
  kw["net_legal_d"] = field(&V::net_legal_d);
  kw["net_illegal_d"] = field(&V::net_illegal_d);
  kw["net_earnings_d"] = field(&V::net_earnings_d);
  kw["m_d"] = field(&V::m_d);
  kw["sigma2_d"] = field(&V::sigma2_d);
  kw["corr_rd"] = field(&V::corr_rd);
  kw["asc_d"] = field(&V::asc_d);
  return simple_namespace()(**kw);
}

template <int N> class PyRule final : public sim::DecisionRule {
public:
  static sim::PluginInfo info() { return py_slots[N].info; }
  explicit PyRule(const sim::Params& params) {
    py::gil_scoped_acquire gil;
    call_python([&] {
      py::dict kw;
      for (const auto& [k, v] : params)
        kw[py::str(k)] = v;
      rule_ = new py::object(py::reinterpret_borrow<py::object>(py_slots[N].factory)(**kw));
    });
  }
  ~PyRule() override {
    py::gil_scoped_acquire gil;
    delete rule_;
  }
  void score_region(const sim::RegionContext& ctx, std::span<double> s) const override {
    py::gil_scoped_acquire gil;
    call_python([&] {
      const py::object out = rule_->attr("score_region")(region_context(ctx));
      const auto a = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(out);
      if (!a || a.ndim() != 1 || static_cast<std::size_t>(a.size()) != s.size())
        throw std::runtime_error("rule '" + py_slots[N].info.name + "': score_region must return " +
                                 std::to_string(s.size()) +
                                 " numbers (stay, then every destination)");
      std::copy(a.data(), a.data() + a.size(), s.begin());
    });
  }

private:
  py::object* rule_ = nullptr;
};

template <int... I> constexpr auto make_adders(std::integer_sequence<int, I...>) {
  return std::array<void (*)(sim::RuleRegistry&), sizeof...(I)>{
      [](sim::RuleRegistry& r) { r.add<PyRule<I>>(); }...};
}

//! Registers a Python rule class under info.name. Registering a name again (a notebook cell
//! run twice) replaces the class when the parameters are the same.
void register_rule(const std::string& name, const std::string& summary, const std::string& formula,
                   const std::vector<py::tuple>& params, py::object factory,
                   const std::string& provenance) {
  sim::PluginInfo info{name, summary, formula, "Python", {}};
  for (const auto& p : params)
    info.params.push_back({p[0].cast<std::string>(), p[1].cast<double>(), p[2].cast<double>(),
                           p[3].cast<double>(), p[4].cast<std::string>(),
                           p[5].cast<std::string>()});
  auto same = [](const sim::PluginInfo& a, const sim::PluginInfo& b) {
    if (a.params.size() != b.params.size()) return false;
    for (std::size_t i = 0; i < a.params.size(); ++i)
      if (a.params[i].name != b.params[i].name ||
          a.params[i].default_value != b.params[i].default_value ||
          a.params[i].min != b.params[i].min || a.params[i].max != b.params[i].max)
        return false;
    return true;
  };
  for (int i = 0; i < py_slots_used; ++i)
    if (py_slots[i].info.name == name) {
      if (!same(py_slots[i].info, info))
        throw py::value_error("rule '" + name +
                              "' is already registered with other parameters; restart the "
                              "interpreter to change them");
      Py_XDECREF(py_slots[i].factory);
      py_slots[i].factory = factory.release().ptr();
      py_slots[i].provenance = provenance;
      return;
    }
  if (mutable_registries().rules.find(name))
    throw py::value_error("a built-in rule is called '" + name + "'");
  if (py_slots_used == MAX_PY_RULES)
    throw py::value_error("at most " + std::to_string(MAX_PY_RULES) + " Python rules");
  PySlot& slot = py_slots[py_slots_used];
  slot.info = info;
  slot.factory = factory.release().ptr();
  slot.provenance = provenance;
  static constexpr auto adders = make_adders(std::make_integer_sequence<int, MAX_PY_RULES>{});
  adders[static_cast<std::size_t>(py_slots_used++)](mutable_registries().rules);
}

//! The configuration a run uses: the loaded one, or, when it uses Python rules, a copy whose
//! resolved scenario ends with their provenance (module, class, source), so /meta is whole.
std::shared_ptr<const sim::RunConfig> with_provenance(std::shared_ptr<const sim::RunConfig> c) {
  std::string extra;
  for (const auto& r : c->decision.rules)
    for (int i = 0; i < py_slots_used; ++i)
      if (py_slots[i].info.name == r.rule &&
          extra.find("# rule " + r.rule + ":") == std::string::npos)
        extra += py_slots[i].provenance;
  if (extra.empty()) return c;
  auto copy = std::make_shared<sim::RunConfig>(*c);
  copy->resolved_yaml += "# decision rules written in Python (kochmon.register_rule):\n" + extra;
  return copy;
}

//! A loaded scenario: the loader's RunConfig, shared so that a Python object can outlive runs.
struct Config {
  std::shared_ptr<const sim::RunConfig> config;
  // What a checkpoint records to reload the same scenario (as `kochmon resume` does).
  std::vector<std::string> overrides;
  bool seed_given = false;
};

Config load(const std::string& path, const std::vector<std::string>& overrides,
            std::optional<std::uint64_t> seed) {
  scenarios::LoadOptions lo;
  lo.overrides = overrides;
  lo.seed = seed;
  return Config{
      std::make_shared<const sim::RunConfig>(scenarios::load_scenario(path, registries(), lo)),
      overrides, seed.has_value()};
}

//! A world drawn once (kochmon.World): its scenario, kept alive because the world refers to
//! it, and the places and population, copied into every run that reuses it.
struct WorldData {
  std::shared_ptr<const sim::RunConfig> config;
  std::unique_ptr<sim::World> world;
};

std::shared_ptr<WorldData> build_world(const Config& cfg, int threads) {
  auto w = std::make_shared<WorldData>();
  w->config = cfg.config;
  threads = threads > 0 ? threads : tbb::info::default_concurrency();
  py::gil_scoped_release release;
  tbb::task_arena arena(threads);
  arena.execute([&] { w->world = std::make_unique<sim::World>(*w->config); });
  return w;
}

//! A new simulation of `config`, from a copy of `world` when one is given (the Python layer
//! has checked that it was drawn for the same scenario but for the seed).
std::unique_ptr<sim::Simulation> make_simulation(const sim::RunConfig& config,
                                                 const WorldData* world) {
  return world != nullptr ? std::make_unique<sim::Simulation>(config, registries(), *world->world)
                          : std::make_unique<sim::Simulation>(config, registries());
}

//! Everything a run produced, in memory: what the writer needs to make the CLI's file later.
struct RunData {
  sim::RunInfo info;
  sim::ResultsLayout layout;
  std::vector<std::vector<double>> values; // per series: [n_steps × width], NaN where not run
  int steps_done = 0;
  double wall_seconds = 0;
  bool interrupted = false;
  std::string run_id;
  int compression = 4, chunk_months = 12;
};

//! Keeps every month of every series; buffers are sized at begin(), so recording allocates
//! nothing inside the step loop.
class MemoryRecorder final : public sim::Recorder {
public:
  explicit MemoryRecorder(RunData& out) : out_(out) {}
  void begin(const sim::RunInfo& info, const sim::ResultsLayout& layout) override {
    out_.info = info;
    out_.layout = layout;
    out_.values.resize(layout.series.size());
    for (std::size_t i = 0; i < layout.series.size(); ++i)
      out_.values[i].assign(static_cast<std::size_t>(info.n_steps) * layout.size(i),
                            std::numeric_limits<double>::quiet_NaN());
  }
  void record(int step, std::span<const std::span<const double>> values) override {
    for (std::size_t i = 0; i < values.size(); ++i)
      std::copy(values[i].begin(), values[i].end(),
                out_.values[i].begin() + static_cast<std::ptrdiff_t>(step * values[i].size()));
    out_.steps_done = step + 1;
  }
  void finish(const sim::RunSummary& summary) override {
    out_.wall_seconds = summary.wall_seconds;
    out_.steps_done = summary.steps_done;
  }

private:
  RunData& out_;
};

//! Runs a scenario with the GIL released. After each month the GIL is taken back briefly to
//! call `progress` and to let Python run its signal handlers: a KeyboardInterrupt (or any
//! exception from `progress`) sets the stop flag, the engine stops at the month boundary, and
//! the exception is raised here once the engine has returned.
std::shared_ptr<RunData> run(const Config& cfg, int threads, py::object progress,
                             const WorldData* world) {
  auto data = std::make_shared<RunData>();
  const sim::RunConfig& config = *cfg.config;
  data->compression = config.output.compression;
  data->chunk_months = config.output.chunk_months;
  data->run_id = output::new_run_id();
  threads = threads > 0 ? threads : tbb::info::default_concurrency();

  std::atomic<bool> stop{false};
  std::optional<py::error_already_set> pending;
  sim::RunOptions ro;
  ro.threads = threads;
  ro.stop = &stop;
  ro.progress = [&](int done, int total) {
    py::gil_scoped_acquire gil;
    try {
      if (!progress.is_none()) progress(done, total);
      if (PyErr_CheckSignals() != 0) throw py::error_already_set();
    } catch (py::error_already_set& e) {
      if (!pending) pending.emplace(std::move(e));
      stop.store(true);
    }
  };
  const auto used = with_provenance(cfg.config);
  try {
    py::gil_scoped_release release;
    // As run_one: the thread limit is this run's arena, not the process's.
    tbb::task_arena arena(threads);
    arena.execute([&] {
      const auto simulation = make_simulation(*used, world);
      MemoryRecorder recorder(*data);
      const sim::RunOutcome outcome = simulation->run(recorder, ro);
      data->interrupted = outcome.interrupted;
      data->steps_done = outcome.steps_done;
      data->wall_seconds = outcome.wall_seconds;
    });
  } catch (const PyRuleFailed&) {
    raise_pending(); // the rule's exception, not a Ctrl-C that came meanwhile
  }
  if (pending) throw std::move(*pending);
  return data;
}

//! A copy of a per-household (or per-adult) array as numpy, at `index` (or whole).
template <class T, class Out = T>
py::array_t<Out> gather(const std::vector<T>& v, const std::vector<std::int64_t>* index) {
  const std::size_t n = index ? index->size() : v.size();
  py::array_t<Out> out(static_cast<py::ssize_t>(n));
  Out* o = out.mutable_data();
  for (std::size_t i = 0; i < n; ++i)
    o[i] = static_cast<Out>(v[index ? static_cast<std::size_t>((*index)[i]) : i]);
  return out;
}

//! A run driven month by month from Python (kochmon.Simulation). Every month is recorded in
//! memory as run() records it, so results() and a checkpoint see the same numbers as a whole
//! run; the engine and its arena live as long as the object.
class Stepper {
public:
  Stepper(const Config& cfg, int threads, const WorldData* world = nullptr) : cfg_(cfg) {
    threads_ = threads > 0 ? threads : tbb::info::default_concurrency();
    data_.compression = cfg.config->output.compression;
    data_.chunk_months = cfg.config->output.chunk_months;
    data_.run_id = output::new_run_id();
    arena_ = std::make_unique<tbb::task_arena>(threads_);
    const auto used = with_provenance(cfg_.config);
    try {
      py::gil_scoped_release release;
      arena_->execute([&] { simulation_ = make_simulation(*used, world); });
    } catch (const PyRuleFailed&) {
      raise_pending();
    }
    recorder_ = std::make_unique<MemoryRecorder>(data_);
    recorder_->begin(simulation_->info(threads_), simulation_->layout());
  }

  //! Continues a checkpoint (`kochmon run`'s or checkpoint()'s): reloads its scenario with
  //! the same overrides and seed, which must resolve to the same text, and replays the months.
  static std::unique_ptr<Stepper> resume(const std::string& path, int threads) {
    const output::CheckpointReader reader(path);
    const auto& info = reader.info();
    std::optional<std::uint64_t> seed;
    if (info.seed_given) seed = info.seed;
    const Config cfg = load(info.scenario_path, info.overrides, seed);
    if (cfg.config->resolved_yaml != info.scenario_yaml)
      throw sim::InputError(path + ": error: the scenario '" + info.scenario_path +
                            "' has changed since the checkpoint was written");
    auto s = std::make_unique<Stepper>(cfg, threads);
    s->simulation_->restore_state(reader);
    const auto past = reader.history(s->simulation_->layout());
    std::vector<std::span<const double>> spans;
    for (std::size_t step = 0; step < past.size(); ++step) {
      spans.assign(past[step].begin(), past[step].end());
      s->recorder_->record(static_cast<int>(step), spans);
    }
    s->data_.run_id = info.run_id;
    s->output_path_ = info.output_path;
    return s;
  }

  int steps_done() const { return simulation_->steps_done(); }
  int n_steps() const { return cfg_.config->n_steps(); }
  int threads() const { return threads_; }
  const std::string& output_path() const { return output_path_; }

  //! Advances up to n months (fewer at the end of the run), with the GIL released during each
  //! month; signals and `progress` are handled between months as in run().
  void advance(int n, py::object progress) {
    if (failed_)
      throw std::runtime_error("this Simulation stopped inside a month when a Python rule "
                               "raised; make a new one");
    const Busy busy(busy_);
    std::vector<std::span<const double>> spans(simulation_->layout().series.size());
    for (int i = 0; i < n && steps_done() < n_steps(); ++i) {
      try {
        py::gil_scoped_release release;
        const auto t0 = std::chrono::steady_clock::now();
        arena_->execute([&] { simulation_->step(); });
        for (std::size_t k = 0; k < spans.size(); ++k)
          spans[k] = simulation_->values(k);
        recorder_->record(steps_done() - 1, spans);
        data_.wall_seconds +=
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      } catch (const PyRuleFailed&) {
        failed_ = true; // the month is half done: the engine's state is not a month's end
        raise_pending();
      }
      if (steps_done() == n_steps())
        recorder_->finish(sim::RunSummary{data_.wall_seconds, steps_done()});
      if (!progress.is_none()) progress(steps_done(), n_steps());
      if (PyErr_CheckSignals() != 0) throw py::error_already_set();
    }
  }

  //! The last month's values of every series (copies), shaped by their axes.
  py::dict current() const {
    check_idle();
    py::dict out;
    const auto& layout = simulation_->layout();
    for (std::size_t i = 0; i < layout.series.size(); ++i) {
      std::vector<py::ssize_t> shape;
      for (int a : layout.series[i].axes)
        shape.push_back(static_cast<py::ssize_t>(layout.axes[a].labels.size()));
      py::array_t<double> arr(shape);
      const auto v = simulation_->values(i);
      std::copy(v.begin(), v.end(), arr.mutable_data());
      out[py::str(layout.series[i].name)] = std::move(arr);
    }
    return out;
  }

  //! Per-household arrays (copies) of the households at `index`, or of all.
  py::dict households(std::optional<std::vector<std::int64_t>> index) const {
    check_idle();
    const auto& h = simulation_->world().households();
    check_index(index, h.n_households());
    const auto* ix = index ? &*index : nullptr;
    py::dict out;
    std::vector<std::int64_t> ids = ix ? *ix : std::vector<std::int64_t>(h.n_households());
    if (!ix)
      for (std::size_t i = 0; i < ids.size(); ++i)
        ids[i] = static_cast<std::int64_t>(i);
    out["id"] = py::array_t<std::int64_t>(static_cast<py::ssize_t>(ids.size()), ids.data());
    out["region"] = gather<std::uint8_t, std::int32_t>(h.region, ix);
    out["size"] = gather<std::uint8_t, std::int32_t>(h.size, ix);
    out["n_adults"] = gather<std::uint8_t, std::int32_t>(h.n_adults, ix);
    out["n_dependants"] = gather<std::uint8_t, std::int32_t>(h.n_dependants, ix);
    out["first_adult"] = gather<std::uint32_t, std::int64_t>(h.first_adult, ix);
    out["land_ha"] = gather(h.land_ha, ix);
    out["savings_som"] = gather(h.savings_som, ix);
    out["income_som"] = gather(h.income_som, ix);
    out["remit_som"] = gather(h.remit_som, ix);
    out["income_mean_som"] = gather(h.income_mean_som, ix);
    out["income_var"] = gather(h.income_var, ix);
    out["shock"] = gather(h.shock, ix);
    return out;
  }

  //! Per-adult arrays (copies) of the adults of the households at `index`, or of all.
  py::dict adults(std::optional<std::vector<std::int64_t>> index) const {
    check_idle();
    const auto& h = simulation_->world().households();
    check_index(index, h.n_households());
    std::vector<std::int64_t> slots, owner;
    for (std::size_t i = 0, n = index ? index->size() : h.n_households(); i < n; ++i) {
      const auto hh = index ? static_cast<std::size_t>((*index)[i]) : i;
      for (int a = 0; a < h.n_adults[hh]; ++a) {
        slots.push_back(static_cast<std::int64_t>(h.first_adult[hh]) + a);
        owner.push_back(static_cast<std::int64_t>(hh));
      }
    }
    py::dict out;
    out["household"] =
        py::array_t<std::int64_t>(static_cast<py::ssize_t>(owner.size()), owner.data());
    std::vector<std::int32_t> woman(slots.size()), age(slots.size()), skill(slots.size());
    // Ages now: the step less the month of birth (with demography; else those at the start).
    const int clock = simulation_->config().demography.enabled ? simulation_->steps_done() : 0;
    for (std::size_t i = 0; i < slots.size(); ++i) {
      const auto a = static_cast<std::size_t>(slots[i]);
      woman[i] = sim::Traits::woman(h.traits[a]);
      age[i] = sim::age_band_of_years((clock - h.birth[a]) / 12);
      skill[i] = sim::Traits::skill(h.traits[a]);
    }
    const auto n = static_cast<py::ssize_t>(slots.size());
    out["woman"] = py::array_t<std::int32_t>(n, woman.data());
    out["age_band"] = py::array_t<std::int32_t>(n, age.data());
    out["skill"] = py::array_t<std::int32_t>(n, skill.data());
    std::vector<std::uint8_t> status(slots.size());
    for (std::size_t i = 0; i < slots.size(); ++i)
      status[i] = static_cast<std::uint8_t>(h.status[static_cast<std::size_t>(slots[i])]);
    out["status"] = gather<std::uint8_t, std::int32_t>(status, nullptr);
    std::vector<std::int32_t> dest(slots.size());
    for (std::size_t i = 0; i < slots.size(); ++i) {
      const auto d = h.dest[static_cast<std::size_t>(slots[i])];
      dest[i] = d == sim::NO_DEST ? -1 : d;
    }
    out["dest"] = py::array_t<std::int32_t>(n, dest.data());
    out["away_flags"] = gather<std::uint8_t, std::int32_t>(h.away_flags, &slots);
    out["since_step"] = gather<std::int16_t, std::int32_t>(h.since_step, &slots);
    out["birth"] = gather<std::int16_t, std::int32_t>(h.birth, &slots);
    out["wage_factor"] = gather(h.wage_factor, &slots);
    out["earnings_abroad_som"] = gather(h.earnings_abroad_som, &slots);
    return out;
  }

  //! What has been recorded so far (NaN after steps_done), as a RunData copy.
  std::shared_ptr<RunData> snapshot() const {
    check_idle();
    auto d = std::make_shared<RunData>(data_);
    d->steps_done = steps_done();
    d->interrupted = steps_done() < n_steps();
    return d;
  }

  //! Writes a checkpoint `kochmon resume` (or Simulation.resume) can finish; `output` is the
  //! result file a CLI resume would write.
  void checkpoint(const std::string& path, const std::string& output) const {
    check_idle();
    output::CheckpointInfo info;
    info.scenario_yaml = cfg_.config->resolved_yaml;
    info.scenario_path = cfg_.config->source_path;
    info.overrides = cfg_.overrides;
    info.seed_given = cfg_.seed_given;
    info.output_path = output;
    info.run_id = data_.run_id;
    info.seed = cfg_.config->seed;
    info.steps_done = steps_done();
    info.n_steps = n_steps();
    const auto& layout = simulation_->layout();
    output::History history(static_cast<std::size_t>(steps_done()));
    for (std::size_t s = 0; s < history.size(); ++s)
      for (std::size_t i = 0; i < layout.series.size(); ++i) {
        const std::size_t w = layout.size(i);
        const double* in = data_.values[i].data() + s * w;
        history[s].emplace_back(in, in + w);
      }
    output::CheckpointWriter ck(path);
    ck.write_info(info);
    simulation_->save_state(ck);
    ck.write_history(layout, history);
    ck.finish();
  }

private:
  //! Refuses a second call while advance() runs with the GIL released (another thread).
  struct Busy {
    explicit Busy(bool& flag) : flag_(flag) {
      if (flag_) throw std::runtime_error("this Simulation is already advancing");
      flag_ = true;
    }
    ~Busy() { flag_ = false; }
    bool& flag_;
  };
  //! The engine's arrays change during advance() (GIL released): no reading meanwhile.
  void check_idle() const {
    if (busy_) throw std::runtime_error("this Simulation is advancing (in another thread)");
  }
  static void check_index(const std::optional<std::vector<std::int64_t>>& index, std::size_t n) {
    if (!index) return;
    for (auto i : *index)
      if (i < 0 || static_cast<std::size_t>(i) >= n)
        throw py::index_error("household index " + std::to_string(i) + " outside 0.." +
                              std::to_string(n - 1));
  }

  Config cfg_;
  int threads_ = 1;
  RunData data_;
  std::unique_ptr<tbb::task_arena> arena_;
  std::unique_ptr<sim::Simulation> simulation_;
  std::unique_ptr<MemoryRecorder> recorder_;
  std::string output_path_;
  bool busy_ = false;
  bool failed_ = false;
};

//! A sweep spec run on this machine by the CLI's driver (sweep::run_local, each run by the
//! CLI's run_one). The driver runs in a thread of its own while this thread, with the GIL,
//! wakes every 50 ms to report progress and to let Python handle signals: Ctrl-C sets the
//! driver's stop flag (runs stop at a month boundary; no partial file is left, and the same
//! call again finishes the sweep) and KeyboardInterrupt is raised when the driver returned.
py::dict sweep_local(const std::string& spec, const std::string& dir,
                     const std::vector<std::string>& overrides, int jobs, int threads,
                     py::object progress) {
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> done{0}, total{0};
  sweep::SweepOptions o;
  o.spec = spec;
  o.dir = dir;
  o.overrides = overrides;
  o.threads = std::max(1, threads);
  o.jobs = jobs > 0
               ? jobs
               : std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / o.threads);
  o.quiet = true;
  o.stop = &stop;
  o.progress = [&](std::uint64_t d, std::uint64_t t) {
    done = d;
    total = t;
  };
  o.run = [](const sweep::RunRequest& r) { // as `kochmon sweep` (tools/kochmon/sweep.cpp)
    tools::RunOneOptions ro;
    ro.output = r.output;
    ro.threads = r.threads;
    ro.run_id = r.run_id;
    ro.stop = r.stop;
    const tools::RunOneResult result = tools::run_one(r.config, registries(), ro);
    if (result.outcome.interrupted && !result.checkpoint.empty()) {
      std::error_code ec; // a sweep redoes an interrupted run whole
      std::filesystem::remove(result.checkpoint, ec);
    }
    return !result.outcome.interrupted;
  };
  sweep::SweepResult result;
  std::exception_ptr failure;
  std::optional<py::error_already_set> pending;
  std::mutex m;
  std::condition_variable cv;
  bool finished = false;
  {
    py::gil_scoped_release release;
    std::thread driver([&] {
      try {
        result = sweep::run_local(o, registries());
      } catch (...) {
        failure = std::current_exception();
      }
      const std::lock_guard lock(m);
      finished = true;
      cv.notify_all();
    });
    std::uint64_t shown = ~std::uint64_t{0};
    for (;;) {
      {
        std::unique_lock lock(m);
        if (cv.wait_for(lock, std::chrono::milliseconds(50), [&] { return finished; })) break;
      }
      py::gil_scoped_acquire gil;
      try {
        if (!progress.is_none() && total > 0 && done != shown) {
          shown = done;
          progress(done.load(), total.load());
        }
        if (PyErr_CheckSignals() != 0) throw py::error_already_set();
      } catch (py::error_already_set& e) {
        if (!pending) pending.emplace(std::move(e));
        stop = true;
      }
    }
    driver.join();
  }
  if (failure) std::rethrow_exception(failure);
  if (pending) throw std::move(*pending);
  if (!progress.is_none() && total > 0) progress(done.load(), total.load());
  py::dict out;
  out["total"] = result.total;
  out["skipped"] = result.skipped;
  out["done"] = result.done;
  out["failed"] = result.failed;
  out["interrupted"] = result.interrupted;
  out["summary_written"] = result.summary_written;
  out["summary_not_ok"] = result.summary_not_ok;
  out["seconds"] = result.seconds;
  return out;
}

py::dict info_dict(const sim::RunInfo& info) {
  py::dict d;
  d["scenario_name"] = info.scenario_name;
  d["seed"] = info.seed;
  d["scale"] = info.scale;
  d["start"] = info.start.str();
  d["n_steps"] = info.n_steps;
  d["households"] = info.households;
  d["persons"] = info.persons;
  d["threads"] = info.threads;
  return d;
}

//! The series of a run as numpy arrays shaped [n_steps, axis sizes...] (copies: the Python
//! object then owns its data whatever happens to the RunData).
py::dict arrays(const RunData& data) {
  py::dict out;
  for (std::size_t i = 0; i < data.layout.series.size(); ++i) {
    const auto& s = data.layout.series[i];
    std::vector<py::ssize_t> shape{data.info.n_steps};
    for (int a : s.axes)
      shape.push_back(static_cast<py::ssize_t>(data.layout.axes[a].labels.size()));
    py::array_t<double> arr(shape);
    std::copy(data.values[i].begin(), data.values[i].end(), arr.mutable_data());
    out[py::str(s.name)] = std::move(arr);
  }
  return out;
}

py::list axes_list(const sim::ResultsLayout& layout) {
  py::list out;
  for (const auto& a : layout.axes)
    out.append(py::make_tuple(a.name, a.description, a.labels));
  return out;
}

py::list series_list(const sim::ResultsLayout& layout) {
  py::list out;
  for (const auto& s : layout.series) {
    std::vector<std::string> names;
    for (int a : s.axes)
      names.push_back(layout.axes[a].name);
    out.append(py::make_tuple(s.name, s.unit, s.description, names));
  }
  return out;
}

//! Writes a run held in memory with the CLI's writer: the same file as `kochmon run`, written
//! as path + ".tmp" and renamed when complete (a failure leaves nothing under `path`).
//! `axes`: [(name, description, labels)]; `series`: [(name, unit, description, axis names)];
//! `values`: {name: float64 array [n_steps, ...]}.
void save(const std::string& path, const py::dict& info, const py::list& axes,
          const py::list& series, const py::dict& values, int steps_done, double wall_seconds,
          const std::string& run_id, const std::string& resolved_yaml, int compression,
          int chunk_months, const std::string& resolved_values) {
  sim::RunInfo ri;
  ri.scenario_name = info["scenario_name"].cast<std::string>();
  ri.resolved_yaml = resolved_yaml;
  ri.resolved_values = resolved_values;
  ri.seed = info["seed"].cast<std::uint64_t>();
  ri.scale = info["scale"].cast<double>();
  const auto start = sim::Month::parse(info["start"].cast<std::string>());
  if (!start) throw sim::InputError("save: start is not YYYY-MM");
  ri.start = *start;
  ri.n_steps = info["n_steps"].cast<int>();
  ri.households = info["households"].cast<std::int64_t>();
  ri.persons = info["persons"].cast<std::int64_t>();
  ri.threads = info["threads"].cast<int>();
  if (steps_done < 0 || steps_done > ri.n_steps)
    throw sim::InputError("save: steps_done is outside 0..n_steps");

  sim::ResultsLayout layout;
  for (const auto& a : axes) {
    const auto t = a.cast<py::tuple>();
    layout.axes.push_back({t[0].cast<std::string>(), t[1].cast<std::string>(),
                           t[2].cast<std::vector<std::string>>()});
  }
  std::vector<py::array_t<double, py::array::c_style | py::array::forcecast>> arrs;
  for (const auto& s : series) {
    const auto t = s.cast<py::tuple>();
    sim::SeriesInfo si{
        t[0].cast<std::string>(), t[1].cast<std::string>(), t[2].cast<std::string>(), {}};
    for (const auto& name : t[3].cast<std::vector<std::string>>()) {
      const auto it = std::find_if(layout.axes.begin(), layout.axes.end(),
                                   [&](const sim::Axis& x) { return x.name == name; });
      if (it == layout.axes.end())
        throw sim::InputError("save: series " + si.name + " names an unknown axis " + name);
      si.axes.push_back(static_cast<int>(it - layout.axes.begin()));
    }
    layout.series.push_back(si);
    arrs.emplace_back(values[py::str(si.name)]);
    const std::size_t want =
        static_cast<std::size_t>(ri.n_steps) * layout.size(layout.series.size() - 1);
    if (static_cast<std::size_t>(arrs.back().size()) != want)
      throw sim::InputError("save: series " + si.name + " has the wrong number of values");
  }

  output::WriterOptions wo;
  wo.path = path;
  wo.compression = compression;
  wo.chunk_months = chunk_months;
  wo.run_id = run_id;
  std::vector<const double*> data;
  for (const auto& a : arrs)
    data.push_back(a.data());
  py::gil_scoped_release release;
  auto rec = output::make_h5_recorder(wo);
  rec->begin(ri, layout);
  std::vector<std::span<const double>> spans(layout.series.size());
  for (int step = 0; step < steps_done; ++step) {
    for (std::size_t i = 0; i < spans.size(); ++i) {
      const std::size_t w = layout.size(i);
      spans[i] = {data[i] + static_cast<std::size_t>(step) * w, w};
    }
    rec->record(step, spans);
  }
  rec->finish(sim::RunSummary{wall_seconds, steps_done});
}

//! Reads a result file through output::RunFile (its checks; a damaged file is an InputError).
py::dict open_file(const std::string& path) {
  const output::RunFile file(path);
  const auto& m = file.meta();
  py::dict meta;
  meta["format_version"] = m.format_version;
  meta["kochmon_version"] = m.kochmon_version;
  meta["git_sha"] = m.git_sha;
  meta["run_id"] = m.run_id;
  meta["scenario_name"] = m.scenario_name;
  meta["seed"] = m.seed;
  meta["scale"] = m.scale;
  meta["threads"] = m.threads;
  meta["wall_seconds"] = m.wall_seconds;
  meta["households"] = m.households;
  meta["persons"] = m.persons;
  meta["n_steps"] = m.n_steps;
  meta["steps_done"] = m.steps_done;
  meta["start"] = m.start.str();
  meta["complete"] = m.complete;

  // The reader gives labels; the descriptions are attributes of /axes/<name> (FORMAT.md).
  const auto axes_group = file.file().open_group("axes");
  py::list axes;
  for (const auto& a : file.axes()) {
    if (a.name == "time") continue;
    const auto ds = axes_group.open_dataset(a.name);
    const std::string desc =
        ds.has_attribute("description") ? ds.string_attribute("description") : std::string();
    axes.append(py::make_tuple(a.name, desc, a.labels));
  }
  // In the engine's order, as a run's Results; names this version does not write come last.
  auto in_file = file.series();
  const auto order = sim::series_order();
  const auto rank = [&](const std::string& name) {
    return std::find(order.begin(), order.end(), name) - order.begin();
  };
  std::stable_sort(in_file.begin(), in_file.end(),
                   [&](const auto& a, const auto& b) { return rank(a.name) < rank(b.name); });
  py::list series;
  py::dict values;
  for (const auto& s : in_file) {
    series.append(py::make_tuple(
        s.name, s.unit, s.description,
        std::vector<std::string>(s.axes.begin() + (s.axes.empty() ? 0 : 1), s.axes.end())));
    auto v = file.values(s.name);
    std::vector<py::ssize_t> shape(v.shape.begin(), v.shape.end());
    py::array_t<double> arr(shape);
    std::copy(v.values.begin(), v.values.end(), arr.mutable_data());
    values[py::str(s.name)] = std::move(arr);
  }
  py::dict out;
  out["meta"] = meta;
  out["scenario_yaml"] = file.scenario_yaml();
  out["scenario_values"] = file.scenario_values();
  out["axes"] = axes;
  out["series"] = series;
  out["values"] = values;
  return out;
}

} // namespace

PYBIND11_MODULE(_kochmon, m) {
  m.doc() = "kochmon's engine, loader and HDF5 output (use the `kochmon` package, not this).";
  m.attr("__version__") = kochmon::VERSION;
  m.attr("git_sha") = kochmon::GIT_SHA;
  m.attr("format_version") = output::FORMAT_VERSION;

  // ReadError is an InputError: one Python class for every input the user can fix.
  static py::exception<sim::InputError> input_error(m, "InputError", PyExc_ValueError);
  static py::exception<sim::RunError> run_error(m, "RunError", PyExc_RuntimeError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const sim::InputError& e) {
      PyErr_SetString(input_error.ptr(), e.what());
    } catch (const sim::RunError& e) {
      PyErr_SetString(run_error.ptr(), e.what());
    }
  });

  py::class_<Config>(m, "Config", "A loaded, validated scenario (kochmon.Scenario wraps it).")
      .def_property_readonly("name", [](const Config& c) { return c.config->name; })
      .def_property_readonly("description", [](const Config& c) { return c.config->description; })
      .def_property_readonly("source_path", [](const Config& c) { return c.config->source_path; })
      .def_property_readonly("resolved_yaml",
                             [](const Config& c) { return c.config->resolved_yaml; })
      .def_property_readonly("seed", [](const Config& c) { return c.config->seed; })
      .def_property_readonly("world_seed", [](const Config& c) { return c.config->world_seed; })
      .def_property_readonly("scale", [](const Config& c) { return c.config->scale; })
      .def_property_readonly("start", [](const Config& c) { return c.config->start.str(); })
      .def_property_readonly("end", [](const Config& c) { return c.config->end.str(); })
      .def_property_readonly("n_steps", [](const Config& c) { return c.config->n_steps(); })
      .def_property_readonly("regions",
                             [](const Config& c) {
                               std::vector<std::string> ids;
                               for (const auto& r : c.config->regions)
                                 ids.push_back(r.id);
                               return ids;
                             })
      .def_property_readonly("destinations", [](const Config& c) {
        std::vector<std::string> ids;
        for (const auto& d : c.config->destinations)
          ids.push_back(d.id);
        return ids;
      });

  m.def("load", &load, py::arg("path"), py::arg("overrides"), py::arg("seed") = py::none(),
        "Loads a scenario as `kochmon run` does (base:, --set overrides, --seed); raises "
        "InputError.");

  py::class_<RunData, std::shared_ptr<RunData>>(m, "RunData", "A finished run, in memory.")
      .def_property_readonly("info", [](const RunData& d) { return info_dict(d.info); })
      .def_property_readonly("resolved_yaml", [](const RunData& d) { return d.info.resolved_yaml; })
      .def_property_readonly("resolved_values",
                             [](const RunData& d) { return d.info.resolved_values; })
      .def_property_readonly("axes", [](const RunData& d) { return axes_list(d.layout); })
      .def_property_readonly("series", [](const RunData& d) { return series_list(d.layout); })
      .def_property_readonly("values", &arrays)
      .def_readonly("steps_done", &RunData::steps_done)
      .def_readonly("wall_seconds", &RunData::wall_seconds)
      .def_readonly("interrupted", &RunData::interrupted)
      .def_readonly("run_id", &RunData::run_id)
      .def_readonly("compression", &RunData::compression)
      .def_readonly("chunk_months", &RunData::chunk_months);

  m.def("register_rule", &register_rule, py::arg("name"), py::arg("summary"), py::arg("formula"),
        py::arg("params"), py::arg("factory"), py::arg("provenance"),
        "Registers a decision rule written in Python (kochmon.register_rule wraps it).");
  m.def("rule_names", [] {
    std::vector<std::string> names;
    for (const auto* info : registries().rules.all())
      names.push_back(info->name);
    return names;
  });
  m.def("sweep", &sweep_local, py::arg("spec"), py::arg("dir"), py::arg("overrides"),
        py::arg("jobs") = 0, py::arg("threads") = 1, py::arg("progress") = py::none(),
        "Runs a sweep spec locally with the CLI's driver (kochmon.sweep wraps it).");
  py::class_<WorldData, std::shared_ptr<WorldData>>(
      m, "WorldData", "Places and a drawn population (kochmon.World wraps it).")
      .def_property_readonly("resolved_yaml",
                             [](const WorldData& w) { return w.config->resolved_yaml; })
      .def_property_readonly("world_seed", [](const WorldData& w) { return w.config->world_seed; })
      .def_property_readonly("households",
                             [](const WorldData& w) { return w.world->households().n_live(); })
      .def_property_readonly("persons", [](const WorldData& w) { return w.world->persons(); });
  m.def("build_world", &build_world, py::arg("config"), py::arg("threads") = 0,
        "Draws a scenario's world (places and population) once, with the GIL released.");
  m.def("run", &run, py::arg("config"), py::arg("threads") = 0, py::arg("progress") = py::none(),
        py::arg("world") = nullptr,
        "Runs a loaded scenario in memory with the GIL released; progress(done, total) is "
        "called after each month. Raises KeyboardInterrupt at a month boundary on Ctrl-C. "
        "world: a WorldData drawn for this scenario (checked by kochmon.run), copied instead "
        "of drawing the population again.");
  m.def("save", &save, py::arg("path"), py::arg("info"), py::arg("axes"), py::arg("series"),
        py::arg("values"), py::arg("steps_done"), py::arg("wall_seconds"), py::arg("run_id"),
        py::arg("resolved_yaml"), py::arg("compression"), py::arg("chunk_months"),
        py::arg("resolved_values") = std::string(),
        "Writes a run with the CLI's HDF5 writer (PATH.tmp, renamed when complete).");
  m.def("open", &open_file, py::arg("path"),
        "Reads a result file with output::RunFile; raises InputError on a damaged file.");
  py::class_<Stepper>(m, "Stepper", "A run driven month by month (kochmon.Simulation wraps it).")
      .def(py::init<const Config&, int, const WorldData*>(), py::arg("config"),
           py::arg("threads") = 0, py::arg("world") = nullptr)
      .def_static("resume", &Stepper::resume, py::arg("path"), py::arg("threads") = 0,
                  "Continues a checkpoint file.")
      .def_property_readonly("steps_done", &Stepper::steps_done)
      .def_property_readonly("n_steps", &Stepper::n_steps)
      .def_property_readonly("threads", &Stepper::threads)
      .def_property_readonly("output_path", &Stepper::output_path)
      .def("advance", &Stepper::advance, py::arg("n"), py::arg("progress") = py::none(),
           "Runs up to n more months.")
      .def("current", &Stepper::current, "The last month's series (copies).")
      .def("households", &Stepper::households, py::arg("index") = py::none(),
           "Per-household arrays (copies).")
      .def("adults", &Stepper::adults, py::arg("index") = py::none(), "Per-adult arrays (copies).")
      .def("snapshot", &Stepper::snapshot, "The months recorded so far.")
      .def("checkpoint", &Stepper::checkpoint, py::arg("path"), py::arg("output"),
           "Writes a checkpoint.");
}
