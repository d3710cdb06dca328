#ifndef KOCHMON_SWEEP_SCHEMA_H
#define KOCHMON_SWEEP_SCHEMA_H

// Every key of a sweep spec, declared once (type, default, range, unit, meaning): spec.cpp
// checks files against this table (scenarios/load/spec_check.h) and `kochmon reference --spec
// sweep` renders it as sweep/REFERENCE.md.

#include <string>
#include <vector>

#include "scenarios/schema/schema.h"

namespace kochmon::sweep {

//! Where the keys are documented (in hints).
constexpr const char* SPEC_REFERENCE = "sweep/REFERENCE.md";

//! The keys of a sweep spec, in the order of the reference.
const std::vector<scenarios::schema::Key>& spec_keys();

//! The keys of one metric (a summary column; validation targets use them too), under
//! `prefix` ("metrics[]"); `name_required`: a sweep's metrics are columns and need names.
std::vector<scenarios::schema::Key> metric_keys(std::string_view prefix, bool name_required);

//! sweep/REFERENCE.md.
std::string spec_reference_markdown();

} // namespace kochmon::sweep

#endif
