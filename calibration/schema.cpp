// The calibration spec's keys (calibration/REFERENCE.md is generated from them).

#include "calibration/schema.h"

#include "scenarios/load/reference.h"

namespace kochmon::calibration {

using namespace scenarios::schema;

namespace {

std::vector<Key> make_spec_keys() {
  return {
      {.path = "name",
       .type = Type::id,
       .required = true,
       .meaning = "The calibration's name (default output directory `runs/calibrate-<name>`)."},
      {.path = "base",
       .type = Type::path,
       .required = true,
       .meaning = "The scenario to fit, relative to the spec file."},
      {.path = "targets",
       .type = Type::path,
       .required = true,
       .meaning = "The targets file (validation/REFERENCE.md), relative to the spec file."},
      {.path = "set",
       .type = Type::strings,
       .default_value = "[]",
       .meaning = "Fixed overrides of every run (as `kochmon run --set`); `kochmon calibrate "
                  "--set` comes after them, after the run end and the scale.",
       .type_text = "list of key.path=value"},
      {.path = "period",
       .type = Type::section,
       .meaning = "The years fitted (the keys below): targets with years keep those inside; "
                  "targets with their own windows are kept when inside."},
      {.path = "run_end",
       .type = Type::month,
       .computed_default = "`<period.to>-12`",
       .meaning = "The month the runs end: at least the period's end (later rows are still "
                  "dropped by `period`)."},
      {.path = "scale",
       .type = Type::number,
       .default_value = "0.02",
       .range = open_closed(0, 1),
       .meaning = "`--set scale=` of every run."},
      {.path = "seeds",
       .type = Type::integers,
       .required = true,
       .range = at_least(0),
       .meaning = "The replicates of every evaluation: the same seeds each time (common random "
                  "numbers).",
       .non_empty = true,
       .type_text = "list of seeds"},
      {.path = "method",
       .type = Type::choice,
       .default_value = "nelder_mead",
       .meaning = "`nelder_mead`: one best point (the keys max_evaluations, initial_step, ftol); "
                  "`abc_smc`: a weighted posterior sample by approximate Bayesian computation "
                  "with sequential Monte Carlo (the `abc` keys; calibration/README.md).",
       .choices = {"nelder_mead", "abc_smc"}},
      {.path = "abc",
       .type = Type::section,
       .meaning = "The sampler of `method: abc_smc` (the keys below); an error with "
                  "`nelder_mead`."},
      {.path = "max_evaluations",
       .type = Type::integer,
       .default_value = "60",
       .range = closed(1, 100000),
       .meaning = "Budget of objective evaluations (the initial simplex takes k + 1)."},
      {.path = "initial_step",
       .type = Type::number,
       .default_value = "0.5",
       .range = above(0),
       .meaning = "Edge of the initial simplex in the search (logit) space."},
      {.path = "ftol",
       .type = Type::number,
       .default_value = "0.001",
       .range = at_least(0),
       .meaning = "Stop when the simplex's objective spread is at most ftol."},
      {.path = "jobs",
       .type = Type::integer,
       .default_value = "2",
       .range = closed(1, 1024),
       .meaning = "Runs at once (one thread each)."},
      {.path = "parameters",
       .type = Type::list,
       .required = true,
       .meaning = "The fitted parameters (the keys below).",
       .non_empty = true},

      {.path = "period.from",
       .type = Type::integer,
       .default_value = "2013",
       .range = closed(1900, 2200),
       .meaning = "First year fitted."},
      {.path = "period.to",
       .type = Type::integer,
       .default_value = "2015",
       .range = closed(1900, 2200),
       .meaning = "Last year fitted; not before `from`."},

      {.path = "abc.particles",
       .type = Type::integer,
       .default_value = "100",
       .range = closed(2, 100000),
       .meaning = "Particles accepted in every generation (the posterior sample's size)."},
      {.path = "abc.generations",
       .type = Type::integer,
       .default_value = "8",
       .range = closed(1, 1000),
       .meaning = "Generations at most, the prior sample (generation 0) included."},
      {.path = "abc.quantile",
       .type = Type::number,
       .default_value = "0.5",
       .range = {0, 1, true, true},
       .meaning = "The tolerance of a generation: this weighted quantile of the previous "
                  "generation's distances (the objective of validation/README.md)."},
      {.path = "abc.min_acceptance",
       .type = Type::number,
       .default_value = "0.02",
       .range = closed_open(0, 1),
       .meaning = "Stop after a generation that accepted a smaller share of its proposals."},
      {.path = "abc.max_simulations",
       .type = Type::integer,
       .default_value = "20000",
       .range = closed(1, 100000000),
       .meaning = "Budget of proposals in all (each runs every seed); a generation cut short by "
                  "it is dropped and the previous one is the posterior."},
      {.path = "abc.kernel",
       .type = Type::choice,
       .default_value = "global",
       .meaning = "The perturbation kernel: `global`, a normal with twice the weighted "
                  "covariance of the previous generation (Beaumont et al. 2009); `local`, a "
                  "normal about each particle with the weighted scatter about it of the previous "
                  "particles already within the new tolerance (Filippi et al. 2013), which "
                  "accepts more as the tolerance falls.",
       .choices = {"global", "local"}},
      {.path = "abc.seed",
       .type = Type::integer,
       .default_value = "1",
       .range = at_least(0),
       .meaning = "Seed of the proposals; the runs' seeds derive from it and from `seeds`."},

      {.path = "parameters[].key",
       .type = Type::string,
       .required = true,
       .meaning = "The scenario key, as `--set` takes it (`decision.monthly_rate`, "
                  "`regions[osh_city].wage_som.factor`).",
       .type_text = "scenario key path"},
      {.path = "parameters[].name",
       .type = Type::string,
       .computed_default = "the key",
       .meaning = "Short name for the tables; unique."},
      {.path = "parameters[].min",
       .type = Type::number,
       .required = true,
       .meaning = "Lower bound; min < max; with `log: true`, min > 0."},
      {.path = "parameters[].max",
       .type = Type::number,
       .required = true,
       .meaning = "Upper bound."},
      {.path = "parameters[].start",
       .type = Type::number,
       .computed_default = "the middle of the range (of the logs with `log: true`)",
       .meaning = "Start of the search, strictly between min and max (Nelder–Mead; "
                  "`abc_smc` checks the scenario with it before sampling)."},
      {.path = "parameters[].unit",
       .type = Type::string,
       .default_value = "\"\"",
       .meaning = "Unit of the value, for the tables and the posterior file (`1`, `per month`)."},
      {.path = "parameters[].log",
       .type = Type::boolean,
       .default_value = "false",
       .meaning = "Map the bounds on a log scale before the logit; with `abc_smc` the prior is "
                  "uniform on the logs (log-uniform) instead of on the values."},
  };
}

} // namespace

const std::vector<Key>& spec_keys() {
  static const std::vector<Key> all = make_spec_keys();
  return all;
}

std::string spec_reference_markdown() {
  const auto& t = spec_keys();
  return "# Calibration spec reference\n\n"
         "<!-- Generated by `kochmon reference --spec calibration` from calibration/schema.cpp. "
         "Do not edit by hand. -->\n\n"
         "A calibration spec is one YAML file (`kochmon calibrate SPEC`; the search, the "
         "outputs and `--elasticity`: calibration/README.md). An unknown key is an error; paths "
         "are relative to the spec file. Example: `scenarios/calibration/kyrgyzstan.yaml`.\n\n"
         "## Top level\n\n" +
         scenarios::spec_key_table(t, "") + "\n## period\n\n" +
         scenarios::spec_key_table(t, "period") + "\n## abc\n\n" +
         scenarios::spec_key_table(t, "abc") + "\n## parameters[]\n\n" +
         scenarios::spec_key_table(t, "parameters[]");
}

} // namespace kochmon::calibration
