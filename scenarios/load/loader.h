#ifndef KOCHMON_SCENARIOS_LOAD_LOADER_H
#define KOCHMON_SCENARIOS_LOAD_LOADER_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/api/registry.h"
#include "sim/api/run_config.h"

namespace kochmon::scenarios {

struct LoadOptions {
  std::vector<std::string> overrides; // "key.path=value", from --set, applied after base: merge
  std::optional<std::uint64_t> seed;  // --seed, overrides the scenario's seed
};

//! Reads, merges (base:), overrides (--set) and validates a scenario; every error found (at
//! most 20) is reported at once. Throws sim::InputError.
sim::RunConfig load_scenario(const std::string& path, const sim::Registries& registries,
                             const LoadOptions& options = {});

//! scenarios/REFERENCE.md, generated from the schema and the plug-ins' info().
std::string reference_markdown(const sim::Registries& registries);

} // namespace kochmon::scenarios

#endif
