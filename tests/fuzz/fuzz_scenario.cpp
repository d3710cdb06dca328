// libFuzzer target: any bytes as a scenario file. Loading must either succeed or throw
// sim::InputError (exit code 2 in the CLI); any other exception, a crash, a sanitizer report,
// a leak or a timeout is a finding. Built by tools/dev/fuzz.sh.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "agents/builtin.h"
#include "scenarios/load/loader.h"
#include "sim/core/error.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const kochmon::sim::Registries registries = kochmon::agents::builtin_registries();
  const std::string path = kochmon::fuzz::write_input("scenario.yaml", data, size);
  try {
    kochmon::scenarios::load_scenario(path, registries);
  } catch (const kochmon::sim::InputError&) {
    // the expected outcome for bad input
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz_scenario: unexpected exception: %s\n", e.what());
    std::abort();
  }
  return 0;
}
