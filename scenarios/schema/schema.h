#ifndef KOCHMON_SCENARIOS_SCHEMA_SCHEMA_H
#define KOCHMON_SCENARIOS_SCHEMA_SCHEMA_H

// Every scenario key, declared once with its type, default, range, unit and meaning
// (STYLE.md §5). The loader validates against these tables and fills in defaults from them;
// `kochmon reference` renders them. Rule and combinator parameters come from the plug-ins'
// info() instead.

#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace kochmon::scenarios::schema {

enum class Type {
  string,     // any text
  id,         // ^[a-z][a-z0-9_]*$
  path,       // a file path, relative to the file the key is written in
  integer,    // whole number
  number,     // finite real number
  boolean,    // true | false
  month,      // "YYYY-MM"
  choice,     // one of Key::choices
  numbers,    // a list of Key::count numbers
  series,     // <series>: a number, or a map of values: / csv: and modifiers
  series_map, // a map of id -> <series>
  section,    // a map of further keys
  list,       // a list of maps of further keys ("path[].key")
  rule,       // a registered rule name
  combinator, // a registered combinator name
  params,     // a map of the named plug-in's parameters
  strings,    // a list of scalars (spec files: overrides, values, labels)
  integers,   // a list of whole numbers, each in Key::range
};

//! A closed, open or half-open interval; infinite ends mean "no bound".
struct Range {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_open = false;
  bool max_open = false;

  bool bounded() const;
  bool contains(double v) const;
  //! "[0, 1]", "(0, 1]", ">= 0", "> 0"; "" when unbounded. `whole`: bounds of an integer key,
  //! written out in full ("[1, 1000000]", not "1e+06").
  std::string str(bool whole = false) const;
};

constexpr double INF = std::numeric_limits<double>::infinity();
constexpr Range closed(double a, double b) {
  return {a, b, false, false};
}
constexpr Range open_closed(double a, double b) {
  return {a, b, true, false};
}
constexpr Range closed_open(double a, double b) {
  return {a, b, false, true};
}
constexpr Range at_least(double a) {
  return {a, INF, false, false};
}
constexpr Range above(double a) {
  return {a, INF, true, false};
}

struct Key {
  std::string_view path{}; // "regions[].population": "[]" marks the elements of a list
  Type type = Type::string;
  std::string_view default_value{};    // YAML text; empty: no default (see `required`)
  std::string_view computed_default{}; // how a default computed by the loader reads ("the id")
  bool required = false;
  Range range{}; // numbers, integers, series values, list elements
  std::string_view unit{};
  std::string_view meaning{};
  std::vector<std::string_view> choices{}; // Type::choice
  int count = 0;                           // Type::numbers: exact length
  bool sums_to_one = false;                // Type::numbers
  bool sum_at_most_one = false;            // Type::numbers
  bool non_empty = false;                  // Type::strings, integers, list: at least one entry
  //! Type::integer: may also be written as a map of its children (`replicates: 2` or
  //! `replicates: {count: 2}`); the reader checks that map.
  bool map_form = false;
  std::string_view type_text{}; // how the type reads when the Type alone says too little
};

//! A key that scenarios used to have: an error like any unknown key, with this hint.
struct RetiredKey {
  std::string_view path;
  std::string_view hint;
};

//! A section of the reference: a title and the key prefix its table holds.
struct Section {
  std::string_view name; // "time", "regions[]", "" for the top level
  std::string_view title;
  std::string_view intro;
};

//! Every key, in schema order (also the order of the resolved scenario).
const std::vector<Key>& keys();
//! Keys that were removed from the schema, with what replaces them.
const std::vector<RetiredKey>& retired_keys();
//! The keys of a <series> map.
const std::vector<Key>& series_keys();
const std::vector<Section>& sections();

//! The key declared at `path` ("regions[].id"), or nullptr.
const Key* find(std::string_view path);
//! The keys directly under `parent` ("" for the top level), in schema order.
std::vector<const Key*> children(std::string_view parent);
//! The same for another table of keys (a spec file's: sweep, validation targets, calibration).
std::vector<const Key*> children(const std::vector<Key>& table, std::string_view parent);
const Key* find(const std::vector<Key>& table, std::string_view path);
//! The last component of a key path: "regions[].population" -> "population".
std::string_view leaf(std::string_view path);
//! How the type reads in the reference and in messages: "number", "one of hold, interpolate".
std::string type_name(const Key& key);

// The section tables, one per file.
std::vector<Key> general_keys();
std::vector<Key> place_keys();
std::vector<Key> decision_keys();
std::vector<Key> regime_keys();
std::vector<Key> series_form_keys();

} // namespace kochmon::scenarios::schema

#endif
