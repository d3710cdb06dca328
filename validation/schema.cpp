// The targets file's keys (validation/REFERENCE.md is generated from them).

#include "validation/schema.h"

#include "scenarios/load/reference.h"
#include "sweep/schema.h"

namespace kochmon::validation {

using namespace scenarios::schema;

namespace {

std::vector<Key> make_target_keys() {
  return {
      {.path = "name",
       .type = Type::string,
       .required = true,
       .meaning = "Name of the set of targets."},
      {.path = "description",
       .type = Type::string,
       .default_value = "\"\"",
       .meaning = "What the targets are for."},
      {.path = "targets",
       .type = Type::list,
       .required = true,
       .meaning = "The observed facts (the keys below).",
       .non_empty = true},

      {.path = "targets[].id",
       .type = Type::id,
       .required = true,
       .meaning = "The row label; unique."},
      {.path = "targets[].description",
       .type = Type::string,
       .required = true,
       .meaning = "What the target is."},
      {.path = "targets[].source",
       .type = Type::string,
       .required = true,
       .meaning = "Where the observed value comes from (facts.csv id, table, seed lines)."},
      {.path = "targets[].kind",
       .type = Type::choice,
       .default_value = "scalar",
       .meaning = "scalar: one simulated number (metric, ratio or sum) against value, low, high; "
                  "internal_migration: inter-oblast arrivals and departures by region and year "
                  "against a CSV file (csv, max_mean_relative_difference, net_gainers).",
       .choices = {"scalar", "internal_migration"}},
      {.path = "targets[].weight",
       .type = Type::number,
       .default_value = "1",
       .range = at_least(0),
       .meaning = "Weight in the calibration objective; 0: reported and judged, not fitted."},
      {.path = "targets[].years",
       .type = Type::integers,
       .computed_default = "none; **required** (internal_migration)",
       .range = closed(1900, 2200),
       .meaning = "scalar: one row per calendar year, each leaf metric's window set to Jan–Dec "
                  "of that year (leaves then take no from/to; a leaf with its own `year` keeps "
                  "it). internal_migration: the years compared. No year twice.",
       .non_empty = true,
       .type_text = "list of years"},
      {.path = "targets[].metric",
       .type = Type::section,
       .meaning = "scalar: the simulated value, an expression: a metric map (`<metric>` below), "
                  "`{ratio: [a, b]}` or `{sum: [a, ...]}`, nested freely. One of metric, ratio, "
                  "sum.",
       .type_text = "expression"},
      {.path = "targets[].ratio",
       .type = Type::list,
       .meaning = "scalar: a / b of two expressions.",
       .type_text = "[a, b] of expressions"},
      {.path = "targets[].sum",
       .type = Type::list,
       .meaning = "scalar: the sum of expressions.",
       .non_empty = true,
       .type_text = "[a, ...] of expressions"},
      {.path = "targets[].value",
       .type = Type::number,
       .meaning = "scalar: observed point value (not 0: its error is relative). At least one of "
                  "value, low, high."},
      {.path = "targets[].low",
       .type = Type::number,
       .meaning = "scalar: observed range [low, high], or a lower bound alone."},
      {.path = "targets[].high",
       .type = Type::number,
       .meaning = "scalar: observed range (high > low), or an upper bound alone."},
      {.path = "targets[].tolerance",
       .type = Type::number,
       .computed_default = "`0`; **required** with a value alone",
       .range = at_least(0),
       .meaning = "scalar: value alone: pass when abs(relative error) <= tolerance; with a range: "
                  "pass when the distance to it is <= tolerance × its width."},
      {.path = "targets[].unit",
       .type = Type::string,
       .default_value = "\"\"",
       .meaning = "scalar: shown in the table."},
      {.path = "targets[].csv",
       .type = Type::path,
       .computed_default = "**required** (internal_migration)",
       .meaning = "internal_migration: `internal_migration.csv` (columns region, year, variable, "
                  "value), relative to the targets file."},
      {.path = "targets[].max_mean_relative_difference",
       .type = Type::number,
       .default_value = "1",
       .range = above(0),
       .meaning = "internal_migration: pass bound of the mean abs(sim/obs − 1)."},
      {.path = "targets[].net_gainers",
       .type = Type::strings,
       .computed_default = "none",
       .meaning = "internal_migration: the regions with arrivals > departures over the years "
                  "(the others must lose).",
       .type_text = "list of region ids"},

      {.path = "<metric>.year",
       .type = Type::integer,
       .range = closed(1900, 2200),
       .meaning = "The window from Y-01 to Y-12; excludes from and to."},
      {.path = "<expression>.ratio",
       .type = Type::list,
       .meaning = "a / b of two expressions; the map's only key.",
       .type_text = "[a, b] of expressions"},
      {.path = "<expression>.sum",
       .type = Type::list,
       .meaning = "The sum of expressions; the map's only key.",
       .non_empty = true,
       .type_text = "[a, ...] of expressions"},
  };
}

} // namespace

const std::vector<Key>& target_keys() {
  static const std::vector<Key> all = make_target_keys();
  return all;
}

const std::vector<Key>& target_check_keys() {
  static const std::vector<Key> all = [] {
    std::vector<Key> keys = target_keys();
    for (Key& k : sweep::metric_keys("<metric>", false))
      keys.push_back(std::move(k));
    return keys;
  }();
  return all;
}

std::string targets_reference_markdown() {
  const auto& t = target_keys();
  return "# Validation targets reference\n\n"
         "<!-- Generated by `kochmon reference --spec targets` from validation/schema.cpp. Do "
         "not edit by hand. -->\n\n"
         "A targets file is one YAML file (`kochmon validate RUN.h5 --targets FILE`, and the "
         "`targets:` of a calibration spec; how rows are judged: validation/README.md). An "
         "unknown key is an error. Example: `scenarios/kyrgyzstan/targets.yaml`.\n\n"
         "## Top level\n\n" +
         scenarios::spec_key_table(t, "") + "\n## targets[]\n\n" +
         scenarios::spec_key_table(t, "targets[]") +
         "\n## <metric>\n\n"
         "A metric map: the keys of a sweep metric (sweep/REFERENCE.md, `metrics[]`: `series`, "
         "`select`, `from`, `to`, `across`, `reduce`, `scale`, `weight`; `name` optional), plus "
         "`year`. It needs a window (from and to, year, or the target's years): a target never "
         "depends on the run's length.\n\n" +
         scenarios::spec_key_table(t, "<metric>") +
         "\n## <expression>\n\n"
         "An expression is a metric map, or a map with one of these keys alone.\n\n" +
         scenarios::spec_key_table(t, "<expression>");
}

} // namespace kochmon::validation
