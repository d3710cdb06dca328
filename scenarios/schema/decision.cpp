// decision and decision.rules[]. The parameters of each rule and combinator are declared by
// the plug-in's info() (sim/api/plugin_info.h), not here.

#include "scenarios/schema/schema.h"

namespace kochmon::scenarios::schema {

std::vector<Key> decision_keys() {
  return {
      {.path = "decision.combine",
       .type = Type::combinator,
       .default_value = "logit",
       .meaning = "The combinator that turns the rules' scores into probabilities."},
      {.path = "decision.combine_params",
       .type = Type::params,
       .default_value = "{}",
       .meaning = "The combinator's parameters (see its section below); missing ones take "
                  "their defaults."},
      {.path = "decision.monthly_rate",
       .type = Type::number,
       .default_value = "0.02",
       .range = closed(0, 1),
       .unit = "1/month",
       .meaning = "Share of eligible households that weigh a move each month."},
      {.path = "decision.internal_move",
       .type = Type::choice,
       .default_value = "member",
       .meaning = "Who moves to another region: one member, or the whole household.",
       .choices = {"member", "household"}},
      {.path = "decision.liquidity_constraint",
       .type = Type::boolean,
       .default_value = "false",
       .meaning = "When true, a household cannot send anyone abroad unless its savings plus "
                  "credit_som cover the cost of going (MODEL.md §5)."},
      {.path = "decision.credit_som",
       .type = Type::series,
       .default_value = "0",
       .range = at_least(0),
       .unit = "som",
       .meaning = "Credit a household can raise towards the cost of going, under "
                  "liquidity_constraint."},
      {.path = "decision.who_goes",
       .type = Type::section,
       .meaning = "Who a household sends: relative propensities of its adults at home by sex "
                  "and age band; the member is drawn with probability proportional to them."},
      {.path = "decision.who_goes.men",
       .type = Type::numbers,
       .default_value = "[1, 1, 1, 1, 1, 1, 1, 1, 1, 1]",
       .range = at_least(0),
       .unit = "1",
       .meaning = "Men's propensity by age band 15-19, 20-24, ..., 60-64 (10 values; only "
                  "working ages count). All ones, with the women's: a uniform pick. When every "
                  "adult who could go has propensity 0, the pick is uniform among them.",
       .count = 10},
      {.path = "decision.who_goes.women",
       .type = Type::numbers,
       .default_value = "[1, 1, 1, 1, 1, 1, 1, 1, 1, 1]",
       .range = at_least(0),
       .unit = "1",
       .meaning = "Women's propensity by age band 15-19 ... 60-64 (10 values).",
       .count = 10},
      {.path = "decision.rules",
       .type = Type::list,
       .required = true,
       .meaning = "The decision rules, at least one."},
      {.path = "decision.rules[].rule",
       .type = Type::rule,
       .required = true,
       .meaning = "A rule name (see the rule sections below)."},
      {.path = "decision.rules[].weight",
       .type = Type::number,
       .default_value = "1.0",
       .range = at_least(0),
       .unit = "1",
       .meaning = "The rule's weight in the combinator."},
      {.path = "decision.rules[].params",
       .type = Type::params,
       .default_value = "{}",
       .meaning = "The rule's parameters (see its section below); missing ones take their "
                  "defaults."},
  };
}

std::vector<Key> series_form_keys() {
  return {
      {.path = "values",
       .type = Type::section,
       .meaning = "Points: keys are a year (2015) or a month (\"2015-08\"), values numbers. "
                  "Exactly one of values and csv."},
      {.path = "csv",
       .type = Type::path,
       .meaning = "A long-format CSV file (columns year, variable, value; optional region, "
                  "country or id, and source), relative to the file this key is written in."},
      {.path = "id",
       .type = Type::string,
       .meaning = "With csv: the rows whose first region/country/id column holds this id."},
      {.path = "variable",
       .type = Type::string,
       .meaning = "With csv: the rows of this variable (required with csv)."},
      {.path = "source",
       .type = Type::string,
       .meaning = "With csv: only rows with this source (needed when a year appears twice)."},
      {.path = "factor",
       .type = Type::number,
       .default_value = "1",
       .unit = "1",
       .meaning = "Multiplies every value (0.01 turns percent into a fraction); the key's "
                  "range applies after it."},
      {.path = "mode",
       .type = Type::choice,
       .meaning = "interpolate or hold; defaults to time.annual_series.",
       .choices = {"interpolate", "hold"}},
      {.path = "growth_after_pct",
       .type = Type::number,
       .default_value = "0",
       .range = closed(-50, 100),
       .unit = "%/year",
       .meaning = "Annual growth after the last point; 0 holds the last value."},
      {.path = "from",
       .type = Type::month,
       .meaning = "A lever from a date: the series applies from this month; before it, `before` "
                  "does. In a variant, `before` is the value the base file gives the key (or "
                  "the key's default), so the months before `from` are the base's bit for bit."},
      {.path = "before",
       .type = Type::series,
       .meaning = "With from: the <series> before that month; filled in from the base file or "
                  "the key's default when left out (it shows in the resolved scenario)."},
  };
}

} // namespace kochmon::scenarios::schema
