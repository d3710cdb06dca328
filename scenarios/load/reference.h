#ifndef KOCHMON_SCENARIOS_LOAD_REFERENCE_H
#define KOCHMON_SCENARIOS_LOAD_REFERENCE_H

#include <string>
#include <string_view>
#include <vector>

#include "scenarios/schema/schema.h"
#include "sim/api/registry.h"

namespace kochmon::scenarios {

//! scenarios/REFERENCE.md with `example_yaml` (the text of scenarios/examples/tiny.yaml) as
//! its full example. reference_markdown(registries) uses a built-in example instead; callers
//! that have tiny.yaml pass it here.
std::string reference_markdown(const sim::Registries& registries, const std::string& example_yaml);

//! A markdown table (key, type, unit, default, range, meaning) of the keys of `table` directly
//! under `pattern` ("" for the top level), in table order: the spec files' references
//! (sweep/, validation/, calibration/REFERENCE.md) are made of these.
std::string spec_key_table(const std::vector<schema::Key>& table, std::string_view pattern);

//! The example used when scenarios/examples/tiny.yaml is not given.
const std::string& builtin_example_yaml();

} // namespace kochmon::scenarios

#endif
