#ifndef KOCHMON_CALIBRATION_SCHEMA_H
#define KOCHMON_CALIBRATION_SCHEMA_H

// Every key of a calibration spec, declared once: calibrate.cpp checks files against this
// table (scenarios/load/spec_check.h) and `kochmon reference --spec calibration` renders it as
// calibration/REFERENCE.md.

#include <string>
#include <vector>

#include "scenarios/schema/schema.h"

namespace kochmon::calibration {

//! Where the keys are documented (in hints).
constexpr const char* SPEC_REFERENCE = "calibration/REFERENCE.md";

//! The keys of a calibration spec, in the order of the reference.
const std::vector<scenarios::schema::Key>& spec_keys();

//! calibration/REFERENCE.md.
std::string spec_reference_markdown();

} // namespace kochmon::calibration

#endif
