// scenarios/REFERENCE.md, generated from the schema tables and the plug-ins' info().

#include "scenarios/load/reference.h"

#include <cmath>

#include "scenarios/load/context.h"
#include "scenarios/load/loader.h"
#include "scenarios/schema/schema.h"

namespace kochmon::scenarios {

namespace {

std::string cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n')
      out += ' ';
    else
      out += c;
  }
  return out;
}

std::string key_row(const schema::Key& k, std::string_view shown_path) {
  std::string def;
  if (k.required)
    def = "**required**";
  else if (!k.default_value.empty())
    def = "`" + std::string(k.default_value) + "`";
  else if (!k.computed_default.empty())
    def = std::string(k.computed_default);
  else
    def = "–";
  std::string range =
      k.range.str(k.type == schema::Type::integer || k.type == schema::Type::integers);
  if (k.non_empty) range = range.empty() ? "non-empty" : "non-empty, " + range;
  if (k.type == schema::Type::numbers && k.sums_to_one) range += ", sum 1";
  if (k.type == schema::Type::numbers && k.sum_at_most_one) range += ", sum <= 1";
  return "| `" + std::string(shown_path) + "` | " + cell(schema::type_name(k)) + " | " +
         cell(k.unit.empty() ? "–" : k.unit) + " | " + cell(def) + " | " +
         cell(range.empty() ? "–" : range) + " | " + cell(k.meaning) + " |\n";
}

const char* TABLE_HEAD =
    "| key | type | unit | default | range | meaning |\n|---|---|---|---|---|---|\n";

std::string param_range(const sim::ParamInfo& p) {
  return schema::Range{p.min, p.max, false, false}.str();
}

void param_table(std::string& out, const sim::PluginInfo& info);

//! A life-abroad model: as a YAML example, its formula and its parameters. The default model
//! (`fallback`) is shown with the flat keys it reads.
void abroad_section(std::string& out, const sim::PluginInfo& info, const char* key,
                    const char* fallback) {
  out += "### " + info.name + " (abroad." + key + ")\n\n" + info.summary + "\n\n";
  std::string params;
  for (const auto& p : info.params) {
    if (!params.empty()) params += ", ";
    params += p.name + ": " + format_number(p.default_value);
  }
  if (info.name == fallback) {
    out += "The default: its parameters are the flat keys `abroad." + info.params.front().name +
           "` and the others below, in the `abroad` section.\n\n";
  } else {
    out += "```yaml\nabroad:\n  " + std::string(key) + ":\n    model: " + info.name +
           "\n    params: {" + params + "}\n```\n\n";
  }
  if (!info.formula.empty()) out += "Formula: `" + info.formula + "`\n\n";
  if (!info.model_section.empty()) out += "Model: MODEL.md " + info.model_section + "\n\n";
  param_table(out, info);
}

void plugin_section(std::string& out, const sim::PluginInfo& info, bool rule) {
  out += "### " + info.name + "\n\n" + info.summary + "\n\n";
  out += "```yaml\ndecision:\n";
  std::string params;
  for (const auto& p : info.params) {
    if (!params.empty()) params += ", ";
    params += p.name + ": " + format_number(p.default_value);
  }
  if (rule) {
    out += "  rules:\n    - rule: " + info.name + "\n      weight: 1.0\n      params: {" + params +
           "}\n";
  } else {
    out += "  combine: " + info.name + "\n  combine_params: {" + params + "}\n";
  }
  out += "```\n\n";
  if (!info.formula.empty()) out += "Formula: `" + info.formula + "`\n\n";
  if (!info.model_section.empty()) out += "Model: MODEL.md " + info.model_section + "\n\n";
  param_table(out, info);
}

void param_table(std::string& out, const sim::PluginInfo& info) {
  if (info.params.empty()) {
    out += "No parameters.\n\n";
    return;
  }
  out += "| param | unit | default | range | meaning |\n|---|---|---|---|---|\n";
  for (const auto& p : info.params) {
    const std::string range = param_range(p);
    out += "| `" + p.name + "` | " + cell(p.unit.empty() ? "–" : p.unit) + " | `" +
           format_number(p.default_value) + "` | " + cell(range.empty() ? "–" : range) + " | " +
           cell(p.meaning) + " |\n";
  }
  out += "\nAn unknown parameter is an error; a missing one takes its default.\n\n";
}

} // namespace

std::string spec_key_table(const std::vector<schema::Key>& table, std::string_view pattern) {
  std::string rows;
  for (const schema::Key* k : schema::children(table, pattern))
    rows += key_row(*k, k->path);
  return rows.empty() ? std::string() : TABLE_HEAD + rows;
}

const std::string& builtin_example_yaml() {
  static const std::string text = R"(name: tiny
description: Two regions and one foreign destination.
seed: 1
scale: 1.0
time:
  start: 2010-01
  end: 2012-12
currencies:
  home: som
  per_usd:
    som: {values: {2010: 45.96, 2011: 46.14, 2012: 47.0}}
    rub: 30.4
regions:
  - id: north
    population: 500000
    lat: 42.9
    lon: 74.6
    wage_som: {values: {2010: 9000, 2012: 11000}, growth_after_pct: 3}
    unemployment: 0.08
  - id: south
    population: 800000
    lat: 40.5
    lon: 72.8
    urban: false
    wage_som: 7000
    unemployment: 0.1
destinations:
  - id: russia
    currency: rub
    lat: 55.8
    lon: 37.6
    wage_local: {values: {2010: 21000, 2012: 26600}}
    unemployment: 0.06
    cost_som: 15000
decision:
  rules:
    - rule: push_pull
)";
  return text;
}

std::string reference_markdown(const sim::Registries& registries) {
  return reference_markdown(registries, builtin_example_yaml());
}

std::string reference_markdown(const sim::Registries& registries, const std::string& example_yaml) {
  std::string out;
  out += "# Scenario reference\n\n";
  out += "<!-- Generated by `kochmon reference` from scenarios/schema/ and the plug-ins' "
         "info(). Do not edit by hand. -->\n\n";
  out += "## How to read this\n\n";
  out += "A scenario is one YAML file. Keys are `snake_case`; an unknown key is an error, never "
         "silently ignored. Every key has a default unless it is marked **required**. A range "
         "`(0, 1]` excludes 0 and includes 1. Rates are monthly probabilities, shares are "
         "fractions, money is in som per month unless the key's unit says otherwise. "
         "`regions[].id` means the key `id` of every entry of the list `regions`.\n\n";
  out += "`base: other.yaml` starts from another scenario (relative to this file): maps are "
         "merged key by key, lists of places (regions, destinations) element by element by id, "
         "other lists and single values are replaced whole. On the command line, "
         "`--set decision.rules[0].params.b_wage=1.5` overrides one key after merging (the "
         "value is read as YAML; relative csv paths in it start at the scenario's directory). "
         "A list entry is named by its index (`decision.rules[0]`, `regions[8]`) or, in a list "
         "whose entries have an `id`, by that id: `--set regions[osh_city].wage_som.factor=0.9`. "
         "An unknown id, an id in a list without ids and a malformed path (`regions[`, "
         "`regions[]`) are errors. `kochmon sweep` and `kochmon calibrate` take `--set` too, "
         "applied to every run after the spec's `set:` and before the swept or fitted "
         "parameters. The fully resolved scenario, with every default filled in, is written into "
         "every output file.\n\n";
  out += "## A full example\n\n```yaml\n" + example_yaml;
  if (!example_yaml.empty() && example_yaml.back() != '\n') out += '\n';
  out += "```\n\n## Keys\n\n";
  for (const auto& section : schema::sections()) {
    out += "### " + std::string(section.title) + "\n\n" + std::string(section.intro) + "\n\n";
    std::string rows;
    for (const schema::Key* k : schema::children(section.name)) {
      if (k->type == schema::Type::section) continue;
      rows += key_row(*k, k->path);
    }
    if (!rows.empty()) out += TABLE_HEAD + rows + "\n";
  }
  out += "## <series>\n\n";
  out += "A quantity over time (a wage, a rate, a fee). Keys of type `series` take one of:\n\n"
         "- a number: constant over the whole run, e.g. `unemployment: 0.08`;\n"
         "- `{values: {2010: 45.96, 2015-08: 64.0}}`: points by year or month;\n"
         "- `{csv: data/external_series.csv, id: russia, variable: rub_per_usd_avg}`: points "
         "from a long-format CSV file (see scenarios/kyrgyzstan/data/DATA.md).\n\n"
         "A year Y is placed at July of Y (`Y-07`) in interpolate mode and at January in hold "
         "mode; a month at that month. Before the first point the first value holds; between "
         "points the value is interpolated linearly or held; after the last point it grows at "
         "`growth_after_pct` per year. Two points on the same month, or two CSV rows for the "
         "same year, are an error (add `source:` to choose among CSV rows). The key's range "
         "applies to every point after `factor`.\n\n";
  out += TABLE_HEAD;
  for (const auto& k : schema::series_keys())
    out += key_row(k, k.path);
  out += "\n## Decision rules\n\n";
  const auto rules = registries.rules.all();
  if (rules.empty()) out += "No rules are registered.\n\n";
  for (const auto* info : rules)
    plugin_section(out, *info, true);
  out += "## Combinators\n\n";
  const auto combinators = registries.combinators.all();
  if (combinators.empty()) out += "No combinators are registered.\n\n";
  for (const auto* info : combinators)
    plugin_section(out, *info, false);
  out += "## Life-abroad models\n\n"
         "The return hazard (`abroad.return`) and job finding abroad (`abroad.job_finding`) "
         "are models that fill a table over (region, destination, household class) once a "
         "month (sim/api/abroad_model.h). The default models, `wage_fall` and `network`, take "
         "their parameters from the flat `abroad` keys; another model is chosen with "
         "`model:` and `params:`.\n\n";
  for (const auto* info : registries.return_models.all())
    abroad_section(out, *info, "return", "wage_fall");
  for (const auto* info : registries.job_models.all())
    abroad_section(out, *info, "job_finding", "network");
  while (out.size() > 1 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n')
    out.pop_back();
  return out;
}

} // namespace kochmon::scenarios
