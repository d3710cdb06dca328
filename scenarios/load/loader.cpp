#include "scenarios/load/loader.h"

namespace kochmon::scenarios {

sim::RunConfig load_scenario(const std::string& path, const sim::Registries&, const LoadOptions&) {
  throw sim::InputError(path + ": error: the scenario loader is not written yet");
}

std::string reference_markdown(const sim::Registries&) { return {}; }

}  // namespace kochmon::scenarios
