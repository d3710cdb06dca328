#ifndef KOCHMON_SCENARIOS_LOAD_SPEC_CHECK_H
#define KOCHMON_SCENARIOS_LOAD_SPEC_CHECK_H

// Spec files (sweep specs, validation targets, calibration specs) are checked against schema
// tables of their own with the scenario loader's checks (unknown and repeated keys, required
// keys, types, ranges), one map at a time: their readers walk the file and add the checks that
// involve several keys.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/load/diagnostics.h"
#include "scenarios/load/tree.h"
#include "scenarios/schema/schema.h"

namespace kochmon::scenarios {

//! Reads a spec file whose top level must be a map (file:line:column errors thrown as an
//! InputError otherwise): `what` names it in messages ("the sweep spec"), `expected` says what
//! the map holds ("a map of sweep keys"), `hint` where to start from.
Node read_spec_file(const std::string& path, std::string_view what, std::string_view expected,
                    const std::string& hint, Diagnostics& diag);

//! Checks the map `map`, written at schema path `pattern` ("" for the top level, "design",
//! "parameters[]") of `table`: unknown keys (with the nearest known key), keys given twice,
//! missing required keys, and the type and range of every value but sections and lists of
//! maps (for those: only that they are a map or a list). `reference` names the file that
//! documents the keys (in hints). False when `map` is not a map (reported).
bool check_spec_map(const Node& map, const std::vector<schema::Key>& table,
                    std::string_view pattern, const std::string& shown, Diagnostics& diag,
                    std::string_view reference);

//! The value at `key` of a map already checked by check_spec_map, read quietly: nullopt when
//! absent or when its check failed (the error is already reported).
std::optional<std::string> spec_string(const Node* n);
std::optional<double> spec_number(const Node* n);
std::optional<std::int64_t> spec_integer(const Node* n);
std::optional<bool> spec_bool(const Node* n);

} // namespace kochmon::scenarios

#endif
