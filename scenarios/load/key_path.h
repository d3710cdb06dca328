#ifndef KOCHMON_SCENARIOS_LOAD_KEY_PATH_H
#define KOCHMON_SCENARIOS_LOAD_KEY_PATH_H

// Key paths, as `--set key.path=value` takes them and as the sweep and calibration specs name
// the keys they vary: map keys joined by dots, and list elements selected by index
// (`decision.rules[0]`) or, in a list whose entries have an `id`, by id
// (`regions[osh_city]`). The one parser of that syntax.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kochmon::scenarios {

struct PathStep {
  enum class Kind { key, index, id };
  Kind kind = Kind::key;
  std::string text;      // Kind::key: the map key; Kind::id: the id
  std::size_t index = 0; // Kind::index
};

//! What is wrong with a key path (or an override): empty when nothing is.
struct KeyPathError {
  std::string what;
  std::string hint;
  bool empty() const { return what.empty(); }
};

//! Parses "decision.rules[0].params.b_wage" or "regions[osh_city].wage_som.factor" into steps.
//! `name[N]` with N all digits is an index; any other text between the brackets is an id.
KeyPathError parse_key_path(std::string_view path, std::vector<PathStep>& steps);

//! Parses "key.path=value": the path (before the first '='), its steps and the value text.
//! A malformed path is reported as such; a well-formed one without '=' as "expected
//! key.path=value".
struct ParsedOverride {
  std::string path;
  std::vector<PathStep> steps;
  std::string value;
  KeyPathError error;
  bool no_equals = false; // the error: a well-formed path, but no '=' (or nothing before it)
};
ParsedOverride parse_override(const std::string& text);

//! The steps written back as a path ("regions[osh_city].wage_som").
std::string show_path(const std::vector<PathStep>& steps, std::size_t count);

} // namespace kochmon::scenarios

#endif
