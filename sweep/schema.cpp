// The sweep spec's keys (sweep/REFERENCE.md is generated from them).

#include "sweep/schema.h"

#include <deque>
#include <mutex>

#include "scenarios/load/reference.h"

namespace kochmon::sweep {

using namespace scenarios::schema;

namespace {

//! Keeps a generated key path alive for the tables' lifetime (Key::path is a view).
std::string_view stored(std::string text) {
  static std::mutex mutex;
  static std::deque<std::string> all; // a deque never moves its elements
  const std::lock_guard lock(mutex);
  all.push_back(std::move(text));
  return all.back();
}

std::vector<Key> make_spec_keys() {
  std::vector<Key> keys = {
      {.path = "name",
       .type = Type::id,
       .required = true,
       .meaning = "The sweep's name (summary.h5 `sweep_name`)."},
      {.path = "base",
       .type = Type::path,
       .required = true,
       .meaning = "The base scenario every run starts from, relative to the spec file."},
      {.path = "seed",
       .type = Type::integer,
       .default_value = "1",
       .range = at_least(0),
       .meaning = "Sweep seed: run seeds and random designs (LHS, Morris) derive from it."},
      {.path = "set",
       .type = Type::strings,
       .default_value = "[]",
       .meaning = "Overrides applied to every run before the parameters (as `kochmon run --set`: "
                  "a list entry by index, `decision.rules[0]`, or by id, `regions[osh_city]`); "
                  "`kochmon sweep --set` appends to them.",
       .type_text = "list of key.path=value"},
      {.path = "design",
       .type = Type::section,
       .meaning = "How the points are chosen (the keys below)."},
      {.path = "parameters",
       .type = Type::list,
       .default_value = "[]",
       .meaning = "The swept parameters (the keys below); lhs, saltelli and morris need at least "
                  "one, saltelli at most 16."},
      {.path = "replicates",
       .type = Type::integer,
       .default_value = "1",
       .range = closed(1, 100000),
       .meaning = "Runs per point: a count, or a map of the keys below.",
       .map_form = true,
       .type_text = "integer, or a map"},
      {.path = "metrics",
       .type = Type::list,
       .default_value = "[]",
       .meaning = "The summary's metric columns, one number per run (the keys below)."},

      {.path = "design.method",
       .type = Type::choice,
       .default_value = "grid",
       .meaning = "grid: cartesian product (last parameter varies fastest); list: the i-th value "
                  "of every parameter; lhs: Latin hypercube; saltelli: Sobol/Saltelli blocks for "
                  "Sobol indices; morris: trajectories for elementary effects; posterior: "
                  "`samples` draws from `design.posterior` (no `parameters:`; the normalised "
                  "spec lists them as a list design).",
       .choices = {"grid", "list", "lhs", "saltelli", "morris", "posterior"}},
      {.path = "design.posterior",
       .type = Type::path,
       .computed_default = "**required** for posterior",
       .meaning = "A posterior file of `kochmon calibrate` (output/FORMAT.md, \"Posterior "
                  "files\"), relative to the spec. Its weighted sample is resampled "
                  "systematically, keyed by `seed`, into `samples` equally weighted draws: "
                  "sweeps of a base and a variant with the same seed get the same draws and run "
                  "seeds (paired)."},
      {.path = "design.samples",
       .type = Type::integer,
       .computed_default = "**required** for lhs, saltelli, morris, posterior",
       .range = closed(1, 1000000),
       .meaning =
           "lhs: points; saltelli: base samples N (points N·(k+2); a power of 2 is best); "
           "morris: trajectories r (points r·(k+1)); posterior: draws. Not for grid and list."},
      {.path = "design.levels",
       .type = Type::integer,
       .default_value = "4",
       .range = closed(2, 100),
       .meaning = "morris only: grid levels p, an even number; steps are Δ = p / (2(p−1))."},

      {.path = "parameters[].key",
       .type = Type::string,
       .required = true,
       .meaning = "The scenario key to vary, as `--set` takes it "
                  "(`decision.rules[0].params.b_wage`, `regions[osh_city].wage_som.factor`).",
       .type_text = "scenario key path"},
      {.path = "parameters[].name",
       .type = Type::string,
       .computed_default = "the key",
       .meaning = "Its column in the summary; unique among parameters and metrics."},
      {.path = "parameters[].values",
       .type = Type::strings,
       .meaning = "grid, list: the values (YAML scalars, passed as written); a list design needs "
                  "as many for every parameter. Excludes `range`.",
       .non_empty = true,
       .type_text = "list of values"},
      {.path = "parameters[].range",
       .type = Type::section,
       .meaning = "grid: `count` evenly spaced values from `from` to `to` inclusive (the keys "
                  "below). Excludes `values`."},
      {.path = "parameters[].distribution",
       .type = Type::choice,
       .default_value = "uniform",
       .meaning = "lhs, saltelli, morris: what the design samples (morris: uniform or loguniform "
                  "only).",
       .choices = {"uniform", "loguniform", "normal"}},
      {.path = "parameters[].min",
       .type = Type::number,
       .computed_default = "**required** (uniform, loguniform)",
       .meaning = "Lower bound; min < max; loguniform: min > 0."},
      {.path = "parameters[].max",
       .type = Type::number,
       .computed_default = "**required** (uniform, loguniform)",
       .meaning = "Upper bound."},
      {.path = "parameters[].mean",
       .type = Type::number,
       .computed_default = "**required** (normal)",
       .meaning = "Mean of a normal distribution."},
      {.path = "parameters[].sd",
       .type = Type::number,
       .computed_default = "**required** (normal)",
       .range = above(0),
       .meaning = "Standard deviation of a normal distribution."},
      {.path = "parameters[].integer",
       .type = Type::boolean,
       .default_value = "false",
       .meaning = "lhs, saltelli, morris: round sampled values to integers."},

      {.path = "parameters[].range.from",
       .type = Type::number,
       .required = true,
       .meaning = "First value."},
      {.path = "parameters[].range.to",
       .type = Type::number,
       .required = true,
       .meaning = "Last value."},
      {.path = "parameters[].range.count",
       .type = Type::integer,
       .required = true,
       .range = closed(2, 100000),
       .meaning = "Number of values."},

      {.path = "replicates.count",
       .type = Type::integer,
       .default_value = "1",
       .range = closed(1, 100000),
       .meaning = "Derived seeds: seed = Philox4x64(key = sweep seed, counter = (point, "
                  "replicate)), 62 bits. Excludes `seeds`."},
      {.path = "replicates.seeds",
       .type = Type::integers,
       .range = at_least(0),
       .meaning = "Explicit seeds, the same at every point (common random numbers); excludes "
                  "`count` and `common_seeds`.",
       .non_empty = true,
       .type_text = "list of integers"},
      {.path = "replicates.common_seeds",
       .type = Type::boolean,
       .default_value = "false",
       .meaning = "With `count`: derive seeds from (sweep seed, replicate) only, the same at "
                  "every point. Recommended for saltelli and morris."},
  };
  for (Key& k : metric_keys("metrics[]", true))
    keys.push_back(std::move(k));
  return keys;
}

} // namespace

std::vector<Key> metric_keys(std::string_view prefix, bool name_required) {
  const auto at = [&](std::string_view leaf) {
    return stored(std::string(prefix) + "." + std::string(leaf));
  };
  return {
      {.path = at("name"),
       .type = Type::id,
       .required = name_required,
       .meaning = name_required ? "Column of the metric; unique among parameters and metrics."
                                : "A label for the metric (not used).",
       .type_text = "name"},
      {.path = at("series"),
       .type = Type::string,
       .required = true,
       .meaning = "A series of the run file (output/FORMAT.md: `stock`, `departures`, "
                  "`returns`, `remittances_usd`, ...).",
       .type_text = "series name"},
      {.path = at("select"),
       .type = Type::section,
       .computed_default = "`{}` (all cells)",
       .meaning = "Cells kept, by axis: a label or a list of labels of that axis, e.g. "
                  "`{destination: [russia], region: [osh, batken]}`.",
       .type_text = "map axis → label or list"},
      {.path = at("from"),
       .type = Type::month,
       .computed_default = "run start",
       .meaning = "First month of the window (inclusive), inside the run."},
      {.path = at("to"),
       .type = Type::month,
       .computed_default = "run end",
       .meaning = "Last month of the window (inclusive), not before `from`."},
      {.path = at("across"),
       .type = Type::choice,
       .default_value = "sum",
       .meaning = "How the selected cells combine each month (mean for rates and shares).",
       .choices = {"sum", "mean"}},
      {.path = at("reduce"),
       .type = Type::choice,
       .default_value = "last",
       .meaning = "How the months of the window reduce to one number.",
       .choices = {"sum", "mean", "last", "first", "max", "min"}},
      {.path = at("scale"),
       .type = Type::number,
       .default_value = "1",
       .meaning = "Multiplies the result (e.g. `1.0e-6` for millions)."},
      {.path = at("weight"),
       .type = Type::string,
       .computed_default = "none",
       .meaning = "A series with the same axes as `series` whose cells weight its cells when they "
                  "combine each month: `across: mean` gives Σ w·x / Σ w, `across: sum` Σ w·x "
                  "(e.g. `share_households_abroad` weighted by `population_home`).",
       .type_text = "series name"},
  };
}

const std::vector<Key>& spec_keys() {
  static const std::vector<Key> all = make_spec_keys();
  return all;
}

std::string spec_reference_markdown() {
  const auto& t = spec_keys();
  std::string out =
      "# Sweep spec reference\n\n"
      "<!-- Generated by `kochmon reference --spec sweep` from sweep/schema.cpp. Do not edit by "
      "hand. -->\n\n"
      "A sweep spec is one YAML file (`kochmon sweep SPEC`; the commands, the sweep directory "
      "and the summary table: sweep/README.md). An unknown key is an error; paths are relative "
      "to the spec file. Example: `scenarios/sweeps/tiny_grid.yaml`.\n\n"
      "## Top level\n\n" +
      scenarios::spec_key_table(t, "") + "\n## design\n\n" +
      scenarios::spec_key_table(t, "design") +
      "\n## parameters[]\n\n"
      "One swept parameter. grid and list designs take `values` or `range`; lhs, saltelli and "
      "morris designs sample a `distribution` instead.\n\n" +
      scenarios::spec_key_table(t, "parameters[]") + "\n## parameters[].range\n\n" +
      scenarios::spec_key_table(t, "parameters[].range") +
      "\n## replicates\n\n"
      "`replicates: 3` is `replicates: {count: 3}`.\n\n" +
      scenarios::spec_key_table(t, "replicates") +
      "\n## metrics[]\n\n"
      "A scalar summary of one series of a run: select cells, combine them each month "
      "(`across`), reduce the months of a window (`reduce`). A metric that does not fit the run "
      "files (unknown series, axis or label; window outside the run) is an error at the "
      "metric's line when the summary is built. Validation targets use the same keys "
      "(validation/REFERENCE.md).\n\n" +
      scenarios::spec_key_table(t, "metrics[]");
  return out;
}

} // namespace kochmon::sweep
