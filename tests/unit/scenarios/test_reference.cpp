#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "agents/builtin.h"
#include "scenarios/load/loader.h"
#include "scenarios/load/reference.h"
#include "tests/unit/scenarios/fake_registry.h"

namespace kochmon::scenarios {
namespace {

using ::testing::HasSubstr;

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// What `kochmon reference` prints: the example is scenarios/examples/tiny.yaml when it exists.
std::string current_reference() {
  const std::string tiny = testing::source_dir() + "/scenarios/examples/tiny.yaml";
  const auto registries = agents::builtin_registries();
  if (std::filesystem::exists(tiny)) return reference_markdown(registries, read(tiny));
  return reference_markdown(registries);
}

TEST(Reference, ReferenceIsCurrent) {
  const std::string path = testing::source_dir() + "/scenarios/REFERENCE.md";
  const std::string now = current_reference();
  if (const char* update = std::getenv("KOCHMON_UPDATE_REFERENCE"); update && *update == '1') {
    std::ofstream(path, std::ios::binary) << now;
  }
  EXPECT_TRUE(read(path) == now)
      << "scenarios/REFERENCE.md is out of date; run: ./build/release/tools/kochmon reference > "
         "scenarios/REFERENCE.md";
}

TEST(Reference, HasEverySectionKeyAndPlugin) {
  const std::string md = reference_markdown(testing::fake_registries());
  EXPECT_THAT(md, HasSubstr("| key | type | unit | default | range | meaning |"));
  EXPECT_THAT(md, HasSubstr("| `regions[].population` | number | persons | **required** | "
                            "(0, 2e+09] |"));
  EXPECT_THAT(md, HasSubstr("| `time.annual_series` | one of interpolate, hold |"));
  // Each regime has its own defaults; computed defaults and sum limits are shown.
  EXPECT_THAT(md, HasSubstr("| `regimes.eaeu.legal_share` | series | 1 | `0.9` | [0, 1] |"));
  EXPECT_THAT(md, HasSubstr("| `regimes.pre_eaeu.legal_share` | series | 1 | `0.6` | [0, 1] |"));
  EXPECT_THAT(md, HasSubstr("| `world_seed` | integer | 1 | seed | >= 0 |"));
  EXPECT_THAT(md, HasSubstr("| `destinations[].ban_shares` | 3 numbers | 1 | `[0, 0, 0]` | "
                            "[0, 1], sum <= 1 |"));
  EXPECT_THAT(md, HasSubstr("### destinations[].regimes[]"));
  EXPECT_THAT(md, HasSubstr("### push_pull"));
  EXPECT_THAT(md, HasSubstr("| `b_wage` | 1 | `1` | [0, 10] |"));
  EXPECT_THAT(md, HasSubstr("### logit"));
  EXPECT_THAT(md, HasSubstr("## <series>"));
}

TEST(Reference, BuiltinExampleLoads) {
  ::testing::internal::CaptureStderr();
  const std::string dir = std::filesystem::temp_directory_path() / "kochmon_reference_example";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/tiny.yaml") << builtin_example_yaml();
  const sim::RunConfig c = load_scenario(dir + "/tiny.yaml", testing::fake_registries());
  ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(c.regions.size(), 2u);
  std::filesystem::remove_all(dir);
}

} // namespace
} // namespace kochmon::scenarios
