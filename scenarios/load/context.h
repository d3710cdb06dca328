#ifndef KOCHMON_SCENARIOS_LOAD_CONTEXT_H
#define KOCHMON_SCENARIOS_LOAD_CONTEXT_H

// What the validation steps share during one load, and the scalar readers they use.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/load/csv_table.h"
#include "scenarios/load/diagnostics.h"
#include "scenarios/load/tree.h"
#include "scenarios/schema/schema.h"
#include "sim/api/registry.h"
#include "sim/api/run_config.h"

namespace kochmon::scenarios {

struct LoadContext {
  Diagnostics& diag;
  const sim::Registries& registries;
  CsvCache csv;
  std::string top_dir; // directory of the top scenario file: csv paths are rewritten from here
  sim::Series::Mode default_mode = sim::Series::Mode::interpolate;
  //! When set, read_series records every top-level series it reads under its key path.
  std::map<std::string, sim::Series>* evaluated = nullptr;
};

//! A finite number written in plain decimal or exponent notation; nullopt otherwise.
std::optional<double> parse_number(const std::string& text);
//! A whole number; nullopt otherwise.
std::optional<std::int64_t> parse_integer(const std::string& text);
//! ^[a-z][a-z0-9_]*$
bool is_id(const std::string& text);
//! The shortest text that reads back as exactly `v`.
std::string format_number(double v);
//! "a number in (0, 1]" / "a number >= 0" / "a number".
//! `whole`: the bounds of an integer, written out in full.
std::string expected_in(const char* what, const schema::Range& range, bool whole = false);

//! Checks one value against its key's type and range: scalars and lists of scalars (sections,
//! lists of maps, series and plug-in parameters are left to the caller). Reports and returns
//! false on a bad value. Shared by scenarios and spec files (scenarios/load/spec_check.h).
bool check_value(const schema::Key& k, const Node& n, const std::string& shown, Diagnostics& diag);

//! Reports the keys of `map` that are not in `names` (the nearest name as a hint, or a
//! retired key's own hint; `pattern` is the map's schema path) and keys given twice.
//! `list_known`: the hint also lists the known keys when there are 8 or fewer, even with a
//! nearest one (spec files, whose maps are small).
void check_known_keys(const Node& map, const std::vector<std::string>& names,
                      std::string_view pattern, const std::string& shown, Diagnostics& diag,
                      const std::vector<schema::RetiredKey>& retired = {}, bool list_known = false);

//! Step 1: checks every key against the schema (unknown keys, missing required keys, types,
//! ranges, rule and combinator names and their parameters), then puts the keys in schema order
//! and fills in every default, so that the tree is the resolved scenario.
void normalize(Node& root, LoadContext& ctx);

//! Step 2: turns the normalized tree into a RunConfig, reading series (and CSV files) and
//! checking what involves several keys (ids, currencies, time, size). csv paths in the tree
//! are rewritten relative to ctx.top_dir.
sim::RunConfig convert(Node& root, LoadContext& ctx);

//! A <series> (a number, or a map of values:/csv: and modifiers), checked against `range`
//! after factor. nullopt after an error.
std::optional<sim::Series> read_series(Node& node, const std::string& shown,
                                       const schema::Range& range, LoadContext& ctx);
//! The series recorded by read_series (LoadContext::evaluated) as YAML, one line a key:
//! "key path": {year: mean over the year's months in [start, end], ...}.
std::string render_series_values(const std::map<std::string, sim::Series>& series, sim::Month start,
                                 sim::Month end);

//! The tree as YAML text, keys in the order they are stored.
std::string render_yaml(const Node& root);

} // namespace kochmon::scenarios

#endif
