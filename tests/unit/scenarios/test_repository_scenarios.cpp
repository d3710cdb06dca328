// Every scenario in the repository loads with the built-in rules, and its resolved text
// reloads to the same resolved text (STYLE.md §5).

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

#include "agents/builtin.h"
#include "scenarios/load/loader.h"
#include "tests/unit/scenarios/fake_registry.h"

namespace kochmon::scenarios {
namespace {

namespace fs = std::filesystem;

TEST(RepositoryScenarios, LoadAndRoundTrip) {
  const auto registries = agents::builtin_registries();
  int loaded = 0;
  for (const char* dir : {"/scenarios/examples", "/scenarios/kyrgyzstan"}) {
    const fs::path d = testing::source_dir() + dir;
    if (!fs::exists(d)) continue;
    for (const auto& e : fs::directory_iterator(d)) {
      // Scenarios only: targets files are not scenarios, and dot files are other tests' scratch.
      const std::string name = e.path().filename().string();
      if (e.path().extension() != ".yaml" || name.starts_with(".") || name.starts_with("targets"))
        continue;
      SCOPED_TRACE(e.path().string());
      sim::RunConfig first;
      ASSERT_NO_THROW(first = load_scenario(e.path().string(), registries));
      const fs::path resolved =
          e.path().parent_path() / (".resolved_roundtrip_" + std::to_string(::getpid()) + ".yaml");
      std::ofstream(resolved) << first.resolved_yaml;
      sim::RunConfig second;
      EXPECT_NO_THROW(second = load_scenario(resolved.string(), registries));
      fs::remove(resolved);
      EXPECT_EQ(second.resolved_yaml, first.resolved_yaml);
      ++loaded;
    }
  }
  EXPECT_GT(loaded, 0);
}

} // namespace
} // namespace kochmon::scenarios
