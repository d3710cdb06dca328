#ifndef KOCHMON_VALIDATION_SCHEMA_H
#define KOCHMON_VALIDATION_SCHEMA_H

// Every key of a validation targets file, declared once: validate.cpp checks files against
// this table (scenarios/load/spec_check.h) and `kochmon reference --spec targets` renders it
// as validation/REFERENCE.md.

#include <string>
#include <vector>

#include "scenarios/schema/schema.h"

namespace kochmon::validation {

//! Where the keys are documented (in hints).
constexpr const char* TARGETS_REFERENCE = "validation/REFERENCE.md";

//! The keys of a targets file declared here, in the order of the reference. A metric map
//! ("<metric>") also takes the keys of a sweep metric (sweep::metric_keys).
const std::vector<scenarios::schema::Key>& target_keys();
//! target_keys() and the sweep metric's keys under "<metric>": what files are checked against.
const std::vector<scenarios::schema::Key>& target_check_keys();

//! validation/REFERENCE.md.
std::string targets_reference_markdown();

} // namespace kochmon::validation

#endif
